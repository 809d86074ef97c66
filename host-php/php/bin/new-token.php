<?php

declare(strict_types=1);

// Issues a fresh bearer token into <data dir>/tokens.json (only its hash is stored) and prints it once.
// Usage: php new-token.php <data dir>

require dirname(__DIR__) . '/autoload.php';

$dir = $argv[1] ?? (dirname(__DIR__, 3) . '/var');
echo (new Scim\Host\Auth\TokenStore($dir . '/tokens.json'))->issue(), "\n";
