<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** The engine component or its precompiled artefact is missing or unusable (run ./build.sh). */
final class ArtefactMissing extends EngineException
{
}
