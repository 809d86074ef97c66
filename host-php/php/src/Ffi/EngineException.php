<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** Base class of every failure to load or run the engine (catch this to handle them all). */
abstract class EngineException extends \RuntimeException
{
}
