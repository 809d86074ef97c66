//! Resource versions (RFC 7644 §3.14): `meta.version` is a weak ETag of the
//! stored content, deterministic across hosts and runs.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The weak ETag `W/"<16 hex digits>"` of a resource: FNV-1a 64 of its JSON
/// text (keys sorted) without `meta.version` itself.
///
/// The text is streamed into the hash as serde_json writes it: no copy of the
/// resource and no string of it are made.
pub fn version_of(resource: &Value) -> String {
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing into the hash cannot fail.
    let _ = serde_json::to_writer(&mut hash, &WithoutVersion(resource));
    format!("W/\"{:016x}\"", hash.0)
}

/// FNV-1a 64 over the bytes written to it.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A resource serialised as if `meta.version` were not there.
struct WithoutVersion<'a>(&'a Value);

impl Serialize for WithoutVersion<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Value::Object(top) = self.0 else { return self.0.serialize(s) };
        let mut map = s.serialize_map(Some(top.len()))?;
        for (key, value) in top {
            match value {
                Value::Object(meta) if key == "meta" => {
                    map.serialize_entry(key, &Skipping { map: meta, skip: "version" })?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// An object serialised without one of its keys.
struct Skipping<'a> {
    map: &'a Map<String, Value>,
    skip: &'a str,
}

impl Serialize for Skipping<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (key, value) in self.map.iter().filter(|(k, _)| k.as_str() != self.skip) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The definition: FNV-1a 64 of the compact text of the resource with `meta.version` removed.
    fn by_definition(resource: &serde_json::Value) -> String {
        let mut copy = resource.clone();
        if let Some(meta) = copy.get_mut("meta").and_then(serde_json::Value::as_object_mut) {
            meta.remove("version");
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in copy.to_string().bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("W/\"{hash:016x}\"")
    }

    #[test]
    fn streamed_version_is_the_defined_one() {
        let cases = [
            json!({"id": "1", "meta": {"version": "W/\"x\"", "created": "2026-01-01T00:00:00Z"}, "userName": "b\u{e9}"}),
            json!({"id": "1", "meta": {"created": "2026-01-01T00:00:00Z"}}),
            json!({"id": "1", "meta": "not an object", "a": [1, {"version": 2}]}),
            json!({"id": "2", "version": "top-level stays", "meta": {}}),
            json!(["not", "an", "object"]),
        ];
        for resource in cases {
            assert_eq!(super::version_of(&resource), by_definition(&resource), "{resource}");
        }
    }
}
