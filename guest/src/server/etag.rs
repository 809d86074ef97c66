//! Resource versions (RFC 7644 §3.14): `meta.version` is a weak ETag of the
//! stored content, deterministic across hosts and runs.

use serde_json::Value;

/// The weak ETag `W/"<16 hex digits>"` of a resource: FNV-1a 64 of its JSON
/// text (keys sorted) without `meta.version` itself.
pub fn version_of(resource: &Value) -> String {
    let mut copy = resource.clone();
    if let Some(meta) = copy.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("version");
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in copy.to_string().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("W/\"{hash:016x}\"")
}

/// The stored `meta.version` of a resource, if any.
pub fn stored_version(resource: &Value) -> Option<&str> {
    resource.get("meta").and_then(|m| m.get("version")).and_then(Value::as_str)
}

/// Whether an `If-Match` / `If-None-Match` header value names `version`
/// (weak comparison, RFC 7232 §2.3.2; `*` matches any).
pub fn matches(header: &str, version: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let want = opaque(version);
    header.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == want)
}
