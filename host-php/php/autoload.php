<?php

declare(strict_types=1);

// PSR-4 autoloader for Scim\Host\ (and its tests) so the library runs without Composer.
// With Composer, use vendor/autoload.php instead; both map the same namespace.
spl_autoload_register(static function (string $class): void {
    static $prefixes = [
        'Scim\\Host\\Tests\\' => __DIR__ . '/tests/',
        'Scim\\Host\\' => __DIR__ . '/src/',
    ];
    foreach ($prefixes as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
