//! JSON text in and out of the engine.
//!
//! `Value`'s `Display` (`value.to_string()`) writes through `core::fmt` one piece at a time behind dynamic
//! calls; serde_json's own writer fills a byte buffer directly, the same text several times faster, more so
//! as wasm. Every JSON text the engine produces goes through [`text`].

use serde_json::Value;

/// Compact JSON text of `value` (object keys in the map's order), exactly what `value.to_string()` gives.
pub fn text(value: &Value) -> String {
    // Writing a `Value` to a `Vec` cannot fail: its keys are strings and there is no I/O.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn text_is_display() {
        let v = json!({"b": [1, 2.5, "x\"y\u{e9}\u{1}"], "a": {"nested": null, "t": true}, "": -0.0});
        assert_eq!(super::text(&v), v.to_string());
    }
}
