<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** The PHP FFI extension is not loaded (install/enable ext-ffi). */
final class FfiMissing extends EngineException
{
}
