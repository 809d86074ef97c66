<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

use Scim\Host\CallResult;
use Scim\Host\Engine;

/**
 * The engine behind the host-php cdylib, reached through PHP FFI (C ABI in host-php/ABI.md).
 *
 * Every output buffer the library hands out is copied into a PHP string and freed with
 * `scim_free` at once. Each failure to start has its own exception class.
 */
final class EngineLibrary implements Engine
{
    /** The C ABI version this PHP code was written for. */
    public const ABI_VERSION = 1;

    /** The FFI scope `dist/scim_host.preload.h` declares for `ffi.preload` (written by ./build.sh). */
    public const FFI_SCOPE = 'SCIM_HOST';

    /** @var array<string, \FFI> per-process cache: "header|library" -> FFI */
    private static array $ffiCache = [];

    private ?\FFI\CData $host;

    private function __construct(private readonly \FFI $ffi, \FFI\CData $host)
    {
        $this->host = $host;
    }

    /**
     * Loads the library and opens an engine.
     *
     * Options (all optional; paths default to the repository layout that build.sh produces):
     * - `library`: path of libscim_host.so (env SCIM_HOST_LIBRARY)
     * - `header`: path of scim_host.h (env SCIM_HOST_HEADER)
     * - `ffiScope`: use the library `ffi.preload` loaded at PHP start-up under this scope (env SCIM_FFI_SCOPE)
     *   instead of parsing the header and loading `library` on every request; by default the scope
     *   "SCIM_HOST" is used when `ffi.preload` is set and declares it (see host-php/php/README.md)
     * - `component`: path of the engine component .wasm (env SCIM_COMPONENT)
     * - `precompiledDir`: where ./build.sh put the .cwasm artefact (env SCIM_PRECOMPILED_DIR;
     *   default: the library's, `<dir of component>/precompiled`). Must not be writable by the web server.
     * - `deadlineMs`, `memoryLimitBytes`: per-call limits
     * - `config`: the engine configuration (array, JSON object in the WIT)
     *
     * @param array<string, mixed> $options
     * @throws FfiMissing|FfiDisabled|LibraryMissing|AbiMismatch|ArtefactMissing|EngineFailure
     */
    public static function open(array $options = []): self
    {
        $paths = self::paths($options);
        $ffi = $paths['ffiScope'] !== null ? self::scope($paths['ffiScope'], true) : null;
        $ffi ??= self::preloadedScope() ?? self::load($paths['header'], $paths['library']);

        $version = (int) $ffi->scim_host_abi_version();
        if ($version !== self::ABI_VERSION) {
            throw new AbiMismatch(sprintf(
                'host library %s speaks ABI version %d, this PHP library needs %d: rebuild with ./build.sh or update the PHP library',
                $paths['library'],
                $version,
                self::ABI_VERSION,
            ));
        }

        $component = $paths['component'];
        if (!is_file($component)) {
            throw new ArtefactMissing("engine component not found at {$component}: run ./build.sh");
        }
        $hostOptions = [];
        if ($paths['precompiledDir'] !== null) {
            $hostOptions['precompiledDir'] = $paths['precompiledDir'];
        }
        foreach (['deadlineMs', 'memoryLimitBytes'] as $key) {
            if (isset($options[$key])) {
                $hostOptions[$key] = (int) $options[$key];
            }
        }

        $config = self::json($options['config'] ?? new \stdClass());
        $hostOptions = self::json($hostOptions === [] ? new \stdClass() : $hostOptions);
        $err = $ffi->new('uint8_t*');
        $errLen = $ffi->new('size_t');
        // PHP strings go to `const char *` parameters as they are (no copy); lengths are explicit.
        $host = $ffi->scim_host_open($component, strlen($component), $config, strlen($config), $hostOptions, strlen($hostOptions), \FFI::addr($err), \FFI::addr($errLen));
        if ($host === null || \FFI::isNull($host)) {
            $message = self::take($ffi, $err, $errLen) ?? 'scim_host_open failed without a message';
            if (preg_match('/artefact|precompil|build\.sh|\.cwasm|component/i', $message) === 1) {
                throw new ArtefactMissing($message);
            }
            throw new EngineFailure('open', $message);
        }
        return new self($ffi, $host);
    }

    /** Which artefact the host used and its versions (`host.info`). */
    public function info(): array
    {
        return $this->call('host.info', [])->value();
    }

    public function call(string $op, array $input): CallResult
    {
        if ($this->host === null) {
            throw new EngineFailure('closed', 'the engine was closed');
        }
        $in = self::json($input === [] ? new \stdClass() : $input);
        $out = $this->ffi->new('uint8_t*');
        $outLen = $this->ffi->new('size_t');
        $status = (int) $this->ffi->scim_host_call($this->host, $op, strlen($op), $in, strlen($in), \FFI::addr($out), \FFI::addr($outLen));
        $text = self::take($this->ffi, $out, $outLen) ?? '';
        try {
            $decoded = $text === '' ? [] : json_decode($text, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new EngineFailure('abi', "op {$op} returned invalid JSON: " . $e->getMessage());
        }
        if (!is_array($decoded)) {
            throw new EngineFailure('abi', "op {$op} returned JSON that is not an object");
        }
        return match ($status) {
            0 => CallResult::ok($decoded),
            1 => CallResult::scimError($decoded),
            2 => throw new EngineFailure(
                is_string($decoded['error'] ?? null) ? $decoded['error'] : 'unknown',
                is_string($decoded['message'] ?? null) ? $decoded['message'] : $text,
            ),
            default => throw new EngineFailure('abi', "op {$op} returned unknown status {$status}"),
        };
    }

    /** Closes the engine; later calls fail. Called by the destructor too. */
    public function close(): void
    {
        if ($this->host !== null) {
            $this->ffi->scim_host_close($this->host);
            $this->host = null;
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * Default paths, overridden by options, then by environment variables.
     *
     * @return array{library: string, header: string, component: string, precompiledDir: ?string, ffiScope: ?string}
     */
    public static function paths(array $options = []): array
    {
        $root = dirname(__DIR__, 4);
        $pick = static function (string $key, string $env, ?string $default) use ($options): ?string {
            if (isset($options[$key]) && is_string($options[$key])) {
                return $options[$key];
            }
            $value = getenv($env);
            return is_string($value) && $value !== '' ? $value : $default;
        };
        return [
            'library' => $pick('library', 'SCIM_HOST_LIBRARY', $root . '/dist/libscim_host.so'),
            'header' => $pick('header', 'SCIM_HOST_HEADER', $root . '/host-php/include/scim_host.h'),
            'component' => $pick('component', 'SCIM_COMPONENT', $root . '/dist/scim_engine.wasm'),
            'precompiledDir' => $pick('precompiledDir', 'SCIM_PRECOMPILED_DIR', null),
            'ffiScope' => $pick('ffiScope', 'SCIM_FFI_SCOPE', null),
        ];
    }

    /** Whether FFI may be used in this SAPI right now (extension loaded and ffi.enable permitting it). */
    public static function ffiUsable(): bool
    {
        try {
            self::checkFfi();
            return true;
        } catch (EngineException) {
            return false;
        }
    }

    private static function checkFfi(): void
    {
        if (!extension_loaded('ffi') || !class_exists(\FFI::class, false)) {
            throw new FfiMissing('the PHP FFI extension is not loaded: install php-ffi / enable extension=ffi');
        }
        $enable = strtolower((string) ini_get('ffi.enable'));
        if (in_array($enable, ['0', '', 'false', 'off', 'no'], true)) {
            throw new FfiDisabled('ffi.enable is off in this SAPI (' . PHP_SAPI . '): set ffi.enable=true, or ffi.enable=preload with opcache.preload (see host-php/php/README.md)');
        }
        if ($enable === 'preload' && PHP_SAPI !== 'cli' && !self::preloaded()) {
            throw new FfiDisabled('ffi.enable=preload allows FFI only in the CLI and in preloaded code, and this SAPI (' . PHP_SAPI . ') did not preload Scim\\Host: set opcache.preload=host-php/php/preload.php or ffi.enable=true (see host-php/php/README.md)');
        }
    }

    /** Whether this class was loaded by opcache.preload (then ffi.enable=preload lets it use FFI). */
    private static function preloaded(): bool
    {
        if (!function_exists('opcache_get_status')) {
            return false;
        }
        $status = @opcache_get_status(false);
        $classes = is_array($status) ? ($status['preload_statistics']['classes'] ?? []) : [];
        return is_array($classes) && in_array(self::class, $classes, true);
    }

    /**
     * The library under an `ffi.preload` scope: no header parsing and no dlopen per request.
     *
     * @throws FfiDisabled|LibraryMissing when $required and the scope is not there
     */
    private static function scope(string $scope, bool $required): ?\FFI
    {
        self::checkFfi();
        try {
            return \FFI::scope($scope);
        } catch (\FFI\Exception $e) {
            if (!$required) {
                return null;
            }
            if (str_contains($e->getMessage(), 'ffi.enable')) {
                throw new FfiDisabled($e->getMessage() . ' (see host-php/php/README.md)', 0, $e);
            }
            $preload = (string) ini_get('ffi.preload');
            throw new LibraryMissing(sprintf(
                'FFI scope "%s" is not defined (ffi.preload is %s): set ffi.preload=<dist>/scim_host.preload.h (written by ./build.sh), or unset SCIM_FFI_SCOPE / the ffiScope option to load the library per request',
                $scope,
                $preload === '' ? 'not set' : "\"{$preload}\"",
            ), 0, $e);
        }
    }

    /** The default scope when `ffi.preload` is set at all (it may preload other libraries than ours). */
    private static function preloadedScope(): ?\FFI
    {
        return (string) ini_get('ffi.preload') === '' ? null : self::scope(self::FFI_SCOPE, false);
    }

    private static function load(string $header, string $library): \FFI
    {
        self::checkFfi();
        $key = $header . '|' . $library;
        if (isset(self::$ffiCache[$key])) {
            return self::$ffiCache[$key];
        }
        if (!is_file($library)) {
            throw new LibraryMissing("host library not found at {$library}: run ./build.sh (or set SCIM_HOST_LIBRARY)");
        }
        $declarations = is_file($header) ? file_get_contents($header) : false;
        if ($declarations === false) {
            throw new LibraryMissing("C header not found at {$header} (set SCIM_HOST_HEADER)");
        }
        try {
            $ffi = \FFI::cdef($declarations, $library);
        } catch (\FFI\Exception $e) {
            if (str_contains($e->getMessage(), 'ffi.enable')) {
                throw new FfiDisabled($e->getMessage() . ' (see host-php/php/README.md)', 0, $e);
            }
            throw new LibraryMissing("cannot load {$library}: " . $e->getMessage(), 0, $e);
        }
        return self::$ffiCache[$key] = $ffi;
    }

    /** Copies an output buffer into a PHP string and frees it; null when the library set none. */
    private static function take(\FFI $ffi, \FFI\CData $ptr, \FFI\CData $len): ?string
    {
        if (\FFI::isNull($ptr)) {
            return null;
        }
        $size = (int) $len->cdata;
        try {
            return $size > 0 ? \FFI::string($ptr, $size) : '';
        } finally {
            $ffi->scim_free($ptr, $size);
        }
    }

    private static function json(mixed $value): string
    {
        return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
    }
}
