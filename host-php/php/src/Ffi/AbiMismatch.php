<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** The host library speaks another ABI version than this PHP library. */
final class AbiMismatch extends EngineException
{
}
