<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** The host library (libscim_host.so) or its header cannot be found or loaded. */
final class LibraryMissing extends EngineException
{
}
