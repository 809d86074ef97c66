<?php

declare(strict_types=1);

// opcache.preload script: loads every Scim\Host class into shared memory. With ffi.enable=preload,
// code of preloaded classes may use FFI, so EngineLibrary works under PHP-FPM without ffi.enable=true.
// php.ini (FPM): opcache.preload=<repo>/host-php/php/preload.php, opcache.preload_user=www-data, ffi.enable=preload

require __DIR__ . '/autoload.php';

$iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
foreach ($iterator as $file) {
    if ($file->getExtension() === 'php') {
        $class = 'Scim\\Host\\' . str_replace('/', '\\', substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4));
        class_exists($class) || interface_exists($class);
    }
}
