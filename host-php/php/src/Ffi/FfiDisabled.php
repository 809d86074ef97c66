<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** FFI is loaded but ffi.enable forbids it here (e.g. ffi.enable=preload outside CLI without preloading). */
final class FfiDisabled extends EngineException
{
}
