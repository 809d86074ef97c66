<?php

declare(strict_types=1);

namespace Scim\Host\Log;

/** A minimal PSR-3 style logger (info, warning) writing to PHP's error_log. */
final class ErrorLogLogger
{
    /** @param array<string, mixed> $context */
    public function info(string|\Stringable $message, array $context = []): void
    {
        error_log('[scim] info: ' . $message);
    }

    /** @param array<string, mixed> $context */
    public function warning(string|\Stringable $message, array $context = []): void
    {
        error_log('[scim] warning: ' . $message);
    }
}
