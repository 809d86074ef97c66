//! Property: whatever add/replace operations set `primary`, a patched
//! resource never has two `primary: true` values (RFC 7643 §2.4).

use proptest::prelude::*;
use scim_engine::Engine;
use serde_json::{json, Value};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn email() -> impl Strategy<Value = Value> {
    (0..4u8, prop::sample::select(vec!["work", "home", "other"]), prop::option::of(any::<bool>())).prop_map(
        |(n, ty, primary)| {
            let mut e = json!({"value": format!("u{n}@example.com"), "type": ty});
            if let Some(p) = primary {
                e["primary"] = json!(p);
            }
            e
        },
    )
}

fn operation() -> impl Strategy<Value = Value> {
    let op = prop::sample::select(vec!["add", "replace"]);
    prop_oneof![
        (op.clone(), prop::collection::vec(email(), 0..3))
            .prop_map(|(op, v)| json!({"op": op, "path": "emails", "value": v})),
        (op.clone(), prop::collection::vec(email(), 1..3))
            .prop_map(|(op, v)| json!({"op": op, "value": {"emails": v}})),
        (op.clone(), 0..4u8, any::<bool>()).prop_map(|(op, n, p)| {
            json!({"op": op, "path": format!("emails[value eq \"u{n}@example.com\"].primary"), "value": p})
        }),
        (op.clone(), prop::sample::select(vec!["work", "home", "other"]), email())
            .prop_map(|(op, ty, e)| json!({"op": op, "path": format!("emails[type eq \"{ty}\"]"), "value": e})),
        (op, prop::sample::select(vec!["work", "home"]), any::<bool>())
            .prop_map(|(op, ty, p)| json!({"op": op, "path": format!("emails[type eq \"{ty}\"].primary"), "value": p})),
    ]
}

fn primaries(user: &Value) -> usize {
    user["emails"].as_array().map(|a| a.iter().filter(|e| e["primary"] == json!(true)).count()).unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn patch_never_leaves_two_primary_emails(batches in prop::collection::vec(prop::collection::vec(operation(), 1..4), 1..5)) {
        let engine = Engine::default();
        let mut user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "u1",
            "userName": "bjensen",
            "emails": [{"value": "u0@example.com", "type": "work", "primary": true}]
        });
        for ops in batches {
            let body = json!({"schemas": [PATCH_OP], "Operations": ops});
            match engine.apply_patch("User", &user.to_string(), &body.to_string()) {
                Ok(out) => {
                    let out: Value = serde_json::from_str(&out.value).unwrap();
                    prop_assert!(primaries(&out) <= 1, "{} -> {}", body, out);
                    user = out;
                }
                Err(e) => prop_assert_eq!(e.status, 400, "{}", e),
            }
        }
    }
}

fn any_path() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec![
        "members".to_string(),
        "members[value eq \"m1\"]".into(),
        "members[value eq \"m9\"].display".into(),
        "displayName".into(),
        "id".into(),
        "meta.version".into(),
        "emails[type eq \"work\"].value".into(),
        "name.givenName".into(),
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".into(),
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager".into(),
        "members[".into(),
        "x[y eq 1]]".into(),
        "".into(),
    ]))
}

fn any_value() -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop::sample::select(vec![
        Value::Null,
        json!("m1"),
        json!(["m2", {"value": "m3"}]),
        json!([]),
        json!({}),
        json!({"value": "m1"}),
        json!({"displayName": "x", "id": "g1", "members": [{"value": "m4"}]}),
        json!({"name.givenName": "x", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "d"}),
        json!(true),
        json!([[[]]]),
    ]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any mix of ops, paths and values: a resource without unassigned values, or a 400.
    #[test]
    fn patch_never_panics_and_errors_are_typed(
        ops in prop::collection::vec(
            (prop::sample::select(vec!["add", "Replace", "remove", "copy"]), any_path(), any_value()),
            1..5,
        ),
        rt in prop::sample::select(vec!["User", "Group"]),
    ) {
        let engine = Engine::default();
        let resource = json!({"schemas": [], "id": "g1", "userName": "u", "displayName": "G", "members": [{"value": "m1"}]});
        let ops: Vec<Value> = ops
            .into_iter()
            .map(|(op, path, value)| {
                let mut o = json!({"op": op});
                if let Some(p) = path { o["path"] = json!(p); }
                if let Some(v) = value { o["value"] = v; }
                o
            })
            .collect();
        let body = json!({"schemas": [PATCH_OP], "Operations": ops});
        match engine.apply_patch(rt, &resource.to_string(), &body.to_string()) {
            Ok(out) => {
                let out: Value = serde_json::from_str(&out.value).unwrap();
                prop_assert!(!out.to_string().contains("null") && !out.to_string().contains("[]"), "{}", out);
            }
            Err(e) => {
                prop_assert_eq!(e.status, 400, "{}", e);
                prop_assert!(e.scim_type.is_some(), "{}", e);
            }
        }
    }
}
