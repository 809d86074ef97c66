//! The `extern "C"` functions of `include/scim_host.h`. None of them unwinds into the caller.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::host::ScimHost;

/// The ABI version this library implements.
pub const ABI_VERSION: u32 = 1;

/// ABI version; PHP refuses to run when it differs from the version it was written for.
#[no_mangle]
pub extern "C" fn scim_host_abi_version() -> u32 {
    ABI_VERSION
}

/// Reads `len` bytes at `ptr` as UTF-8 (`what` names the argument in the error).
///
/// # Safety
/// `ptr` must be null with `len == 0`, or point to `len` readable bytes.
unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, String> {
    if ptr.is_null() {
        return if len == 0 { Ok("") } else { Err(format!("{what} is NULL with length {len}")) };
    }
    if len > isize::MAX as usize {
        return Err(format!("{what} length {len} is too large"));
    }
    // SAFETY: the caller guarantees `len` readable bytes at a non-null `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).map_err(|e| format!("{what} is not UTF-8: {e}"))
}

/// Hands `s` to the caller as a buffer it frees with `scim_free`.
///
/// # Safety
/// `out` and `out_len` must be null or valid for writes.
unsafe fn give(s: String, out: *mut *mut u8, out_len: *mut usize) {
    if out.is_null() || out_len.is_null() {
        return;
    }
    let boxed = s.into_bytes().into_boxed_slice();
    let len = boxed.len();
    // SAFETY: both pointers checked non-null; the caller guarantees they are writable.
    unsafe {
        *out_len = len;
        *out = Box::into_raw(boxed).cast::<u8>();
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Opens the engine (see the header); NULL plus `*err` on failure.
///
/// # Safety
/// Each (pointer, length) pair must be null with length 0 or point to that many readable bytes; `err` and
/// `err_len` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn scim_host_open(
    component_path: *const u8,
    path_len: usize,
    config_json: *const u8,
    config_len: usize,
    options_json: *const u8,
    options_len: usize,
    err: *mut *mut u8,
    err_len: *mut usize,
) -> *mut ScimHost {
    let result = catch_unwind(|| {
        // SAFETY: forwarded caller guarantees.
        let path = unsafe { text(component_path, path_len, "component_path") }?;
        // SAFETY: forwarded caller guarantees.
        let config = unsafe { text(config_json, config_len, "config_json") }?;
        // SAFETY: forwarded caller guarantees.
        let options = unsafe { text(options_json, options_len, "options_json") }?;
        if path.is_empty() {
            return Err("component_path is empty".to_string());
        }
        ScimHost::open(path, if config.trim().is_empty() { "{}" } else { config }, options)
    });
    let message = match result {
        Ok(Ok(host)) => return Box::into_raw(Box::new(host)),
        Ok(Err(message)) => message,
        Err(p) => format!("scim_host_open panicked: {}", panic_text(p.as_ref())),
    };
    // SAFETY: caller guarantees `err`/`err_len` are null or writable.
    unsafe { give(message, err, err_len) };
    std::ptr::null_mut()
}

/// One engine call (see the header): 0 success, 1 SCIM error, 2 host failure.
///
/// # Safety
/// `host` must be null or a live handle from `scim_host_open` not used concurrently; the (pointer, length)
/// pairs as for `scim_host_open`; `out` and `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn scim_host_call(
    host: *mut ScimHost,
    op: *const u8,
    op_len: usize,
    input: *const u8,
    input_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> i32 {
    let host_error =
        |kind: &str, message: String| (2, serde_json::json!({"error": kind, "message": message}).to_string());
    let (rc, text_out) = if host.is_null() {
        host_error("input", "host is NULL".into())
    } else {
        // SAFETY: non-null handle from scim_host_open, not used concurrently (caller guarantee).
        let host = unsafe { &mut *host };
        let result = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: forwarded caller guarantees.
            let op = match unsafe { text(op, op_len, "op") } {
                Ok(op) => op,
                Err(e) => return (2, serde_json::json!({"error": "input", "message": e}).to_string()),
            };
            // SAFETY: forwarded caller guarantees.
            match unsafe { text(input, input_len, "input") } {
                Ok(input) => host.call(op, input),
                Err(e) => (2, serde_json::json!({"error": "input", "message": e}).to_string()),
            }
        }));
        match result {
            Ok(r) => r,
            Err(p) => {
                // State may be half-updated: start over with a fresh instance on the next call.
                host.reset();
                host_error("panic", format!("the host library panicked: {}", panic_text(p.as_ref())))
            }
        }
    };
    if out.is_null() || out_len.is_null() {
        return 2;
    }
    // SAFETY: checked non-null; caller guarantees writable.
    unsafe { give(text_out, out, out_len) };
    rc
}

/// Frees a buffer returned by this library (NULL is allowed).
///
/// # Safety
/// `ptr`/`len` must come from this library's `*out`/`*err` and be freed once.
#[no_mangle]
pub unsafe extern "C" fn scim_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    let _ = catch_unwind(|| {
        // SAFETY: (ptr, len) is a boxed slice handed out by `give`, freed once (caller guarantee).
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    });
}

/// Closes a host (NULL is allowed); open conversations are dropped with its instance.
///
/// # Safety
/// `host` must be null or a handle from `scim_host_open`, closed once and not in use.
#[no_mangle]
pub unsafe extern "C" fn scim_host_close(host: *mut ScimHost) {
    if host.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: handle from scim_host_open, closed once (caller guarantee).
        drop(unsafe { Box::from_raw(host) });
    }));
}
