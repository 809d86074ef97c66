/* scim_host.h - C ABI of libscim_host (host-php), ABI version 1.
 *
 * Loaded by PHP through FFI::cdef, so this header has no #define or #include lines; ./build.sh writes
 * dist/scim_host.preload.h (this header after FFI_SCOPE and FFI_LIB defines) for php.ini ffi.preload.
 * Full contract (ops, JSON shapes, errors): host-php/ABI.md.
 *
 * Changes against the first draft (helper-host-abi.md):
 * - The library has no compiler (wasmtime without Cranelift): open never compiles. The "allowCompile"
 *   option is gone; the precompiled artefact is produced by ./build.sh (tool scim-precompile), and open
 *   fails with a message saying so when it is missing, stale or damaged.
 * - host.info "artefact" is always "loaded".
 * - A variant case whose payload is not a record carries the payload under "value"
 *   (e.g. {"outcome":"written","value":"<json>"}, {"outcome":"conflict","value":"userName"}).
 * - Host failures also use {"error":"input"} (bad JSON, unknown op, unknown conversation handle); the
 *   instance is kept for "input" and dropped for trap/deadline/memory/panic/abi.
 * - open's *err is plain UTF-8 text, not JSON.
 * - One ScimHost must not be used by two threads at the same time.
 * - Input buffers are `const char *` (UTF-8 bytes, explicit length, no NUL needed) so PHP FFI passes PHP
 *   strings without copying them; the binary ABI is the same as `const uint8_t *`.
 * - options.precompiledDir defaults to "<dir of component>/precompiled"; artefact naming and lookup are
 *   described in ABI.md.
 */

typedef struct ScimHost ScimHost;

/* ABI version; PHP refuses to run when it differs from the version it was written for. Returns 1. */
uint32_t scim_host_abi_version(void);

/* Opens the engine: loads the precompiled artefact for the component at `component_path` from
   options.precompiledDir, instantiates it and opens an `engine` with `config_json`. The compiled component
   is cached per process. On failure returns NULL and sets *err / *err_len to a UTF-8 message the caller
   frees with scim_free. */
ScimHost *scim_host_open(const char *component_path, size_t path_len,
                         const char *config_json, size_t config_len,
                         const char *options_json, size_t options_len,
                         uint8_t **err, size_t *err_len);

/* One engine call: `op` names it, input and output are JSON text. Returns 0 on success (out = result JSON),
   1 on a SCIM-level error (out = {"status":..,"scimType":..,"detail":..}), 2 on a host failure
   (out = {"error":"trap"|"deadline"|"memory"|"panic"|"abi"|"input","message":"..."}; after anything but
   "input" the instance has been dropped and the next call works on a fresh one). Output freed with
   scim_free. Never unwinds into the caller. */
int32_t scim_host_call(ScimHost *host, const char *op, size_t op_len,
                       const char *input, size_t input_len,
                       uint8_t **out, size_t *out_len);

/* Frees a buffer returned by this library (NULL is allowed). */
void scim_free(uint8_t *ptr, size_t len);

/* Closes a host (NULL is allowed); open conversations are dropped. */
void scim_host_close(ScimHost *host);
