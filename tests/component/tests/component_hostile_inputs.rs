//! Hostile inputs never trap the component: each gives a result or a SCIM
//! error, and the same instance keeps answering afterwards.

use scim_component_tests::fixtures::{ENTRA_USER, GROUP, OKTA_DEACTIVATE_PATCH, OKTA_USER};
use scim_component_tests::{native, ComponentEngine, Context, Outcome, ScimError};
use scim_engine::Engine;

fn still_works(c: &mut ComponentEngine) {
    let v = c
        .evaluate_filter("User", r#"userName eq "isabel.garcia@example.com""#, OKTA_USER)
        .expect("instance still alive")
        .expect("valid filter");
    assert!(v.matches);
}

/// The answer is not a trap, and if it is an error it is a well-formed 400
/// (or 404 for an unknown resource type).
fn answered<T: std::fmt::Debug>(what: &str, r: wasmtime::Result<Result<T, ScimError>>) -> Result<T, ScimError> {
    let r = r.unwrap_or_else(|trap| panic!("{what}: the component trapped: {trap:?}"));
    if let Err(e) = &r {
        assert!(e.status == 400 && e.scim_type.is_some() || e.status == 404, "{what}: {e:?}");
        assert!(!e.detail.is_empty(), "{what}");
    }
    r
}

fn same(what: &str, c: wasmtime::Result<Result<Outcome, ScimError>>, n: Result<Outcome, ScimError>) {
    assert_eq!(answered(what, c), n, "{what}: component and native differ");
}

#[test]
fn one_megabyte_json_bodies() {
    let mut c = ComponentEngine::new().expect("instantiates");
    let n = Engine::default();
    let big = "x".repeat(1 << 20);
    let body =
        format!(r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","displayName":"{big}"}}"#);
    same(
        "1 MB display name",
        c.validate_resource("User", Context::CreationRequest, &body, None),
        native::outcome(n.validate_resource("User", scim_engine::Context::CreationRequest, &body, None)),
    );
    let emails: Vec<String> = (0..20_000).map(|i| format!(r#"{{"value":"u{i}@example.com","type":"work"}}"#)).collect();
    let many = format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u","emails":[{}]}}"#,
        emails.join(",")
    );
    assert!(many.len() > 700_000);
    same(
        "20,000 emails",
        c.validate_resource("User", Context::CreationRequest, &many, None),
        native::outcome(n.validate_resource("User", scim_engine::Context::CreationRequest, &many, None)),
    );
    let truncated = &many[..many.len() / 2];
    same(
        "truncated 1 MB body",
        c.validate_resource("User", Context::CreationRequest, truncated, None),
        native::outcome(n.validate_resource("User", scim_engine::Context::CreationRequest, truncated, None)),
    );
    still_works(&mut c);
}

#[test]
fn ten_thousand_term_filters() {
    let mut c = ComponentEngine::new().expect("instantiates");
    let n = Engine::default();
    let terms: Vec<String> = (0..10_000).map(|i| format!(r#"userName eq "u{i}""#)).collect();
    for op in [" or ", " and "] {
        let f = terms.join(op);
        same("10,000-term filter parse", c.parse_filter("User", &f), native::outcome(n.parse_filter("User", &f)));
        let r = c.evaluate_filter("User", &f, OKTA_USER);
        assert_eq!(
            answered("10,000-term filter evaluate", r),
            native::verdict(n.evaluate_filter("User", &f, OKTA_USER))
        );
    }
    still_works(&mut c);
}

#[test]
fn deep_nesting() {
    let mut c = ComponentEngine::new().expect("instantiates");
    let n = Engine::default();
    for depth in [100, 10_000, 100_000] {
        let parens = format!("{}userName eq \"x\"{}", "(".repeat(depth), ")".repeat(depth));
        same("nested parentheses", c.parse_filter("User", &parens), native::outcome(n.parse_filter("User", &parens)));
        let nots = format!("{}userName eq \"x\"{}", "not (".repeat(depth), ")".repeat(depth));
        same("nested not()", c.compile_filter("User", &nots), native::outcome(n.compile_filter("User", &nots)));
        let brackets = format!("emails[{}value eq \"x\"{}]", "(".repeat(depth), ")".repeat(depth));
        same(
            "nested value filter",
            c.parse_filter("User", &brackets),
            native::outcome(n.parse_filter("User", &brackets)),
        );
        let json = format!(r#"{{"userName":"u","x":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth));
        same(
            "nested JSON body",
            c.validate_resource("User", Context::CreationRequest, &json, None),
            native::outcome(n.validate_resource("User", scim_engine::Context::CreationRequest, &json, None)),
        );
        same(
            "nested JSON patch",
            c.apply_patch("User", OKTA_USER, &json),
            native::outcome(n.apply_patch("User", OKTA_USER, &json)),
        );
        still_works(&mut c);
    }
}

#[test]
fn odd_text() {
    let mut c = ComponentEngine::new().expect("instantiates");
    let n = Engine::default();
    let inputs =
        ["\u{0}", "é", "userName eq \"\u{1F600}\"", "emails[type eq \"wörk\"].välue eq 1", "\"", "[", "]", "((", "eq"];
    for s in inputs {
        same(s, c.parse_filter("User", s), native::outcome(n.parse_filter("User", s)));
        same(
            s,
            c.project("User", ENTRA_USER, Some(s), None),
            native::outcome(n.project("User", ENTRA_USER, Some(s), None)),
        );
        same(s, c.project("Group", GROUP, None, Some(s)), native::outcome(n.project("Group", GROUP, None, Some(s))));
        same(
            s,
            c.apply_patch(s, OKTA_USER, OKTA_DEACTIVATE_PATCH),
            native::outcome(n.apply_patch(s, OKTA_USER, OKTA_DEACTIVATE_PATCH)),
        );
        same(
            s,
            c.validate_resource("User", Context::QueryResponse, s, Some(s)),
            native::outcome(n.validate_resource("User", scim_engine::Context::QueryResponse, s, Some(s))),
        );
    }
    still_works(&mut c);
}
