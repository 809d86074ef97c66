//! Every export of the component, called with real inputs, answers exactly
//! what the native `scim_engine::Engine` answers (JSON, errors, tolerance reports).

use scim_component_tests::fixtures::*;
use scim_component_tests::{native, ComponentEngine, Context, ScimError};
use scim_engine::Engine;

/// A component engine and a native engine opened with the same configuration.
fn pair(config: &str) -> (ComponentEngine, Engine) {
    let component = ComponentEngine::open(config).expect("no trap").expect("configuration accepted");
    let native = Engine::from_config_json(config).expect("configuration accepted natively");
    (component, native)
}

fn rules(reports: &[scim_component_tests::ToleranceReport]) -> Vec<&str> {
    reports.iter().map(|r| r.rule.as_str()).collect()
}

const STRICT: &str = r#"{"strict": true}"#;

#[test]
fn open_rejects_bad_configuration_like_native() {
    for config in ["not json", r#"{"strict": "yes"}"#, r#"{"tolerances": {"no-such-rule": true}}"#, "[]"] {
        let component = ComponentEngine::open(config).expect("no trap").err();
        let native = Engine::from_config_json(config).err().map(native::error);
        assert_eq!(component, native, "config {config}");
    }
}

#[test]
fn schemas_match_native() {
    for config in ["{}", STRICT, r#"{"enterpriseUser": false}"#] {
        let (mut c, n) = pair(config);
        let json = c.schemas().expect("no trap");
        assert_eq!(json, n.schemas_json(), "config {config}");
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("schemas are JSON");
        assert!(parsed.as_array().is_some_and(|a| a.len() >= 2), "{json}");
    }
}

#[test]
fn render_error_matches_native() {
    let (mut c, _) = pair("{}");
    let cases = [
        ScimError { status: 400, scim_type: Some("invalidFilter".into()), detail: "bad \"filter\"".into() },
        ScimError { status: 404, scim_type: None, detail: "Resource 42 not found".into() },
        ScimError { status: 409, scim_type: Some("uniqueness".into()), detail: "userName taken".into() },
        ScimError { status: 400, scim_type: Some("notAScimType".into()), detail: "unknown type is dropped".into() },
    ];
    for e in cases {
        let component = c.render_error(&e).expect("no trap");
        let native = scim_engine::ScimError {
            status: e.status,
            scim_type: e.scim_type.as_deref().and_then(scim_engine::ScimType::parse),
            detail: e.detail.clone(),
        }
        .render();
        assert_eq!(component, native);
        let body: serde_json::Value = serde_json::from_str(&component).expect("error body is JSON");
        assert_eq!(body["detail"], e.detail.as_str());
    }
}

const FILTERS: &[&str] = &[
    FILTER_ENTRA_USERNAME,
    FILTER_ENTRA_EMAIL,
    FILTER_ENTRA_MODIFIED,
    FILTER_OKTA_USERNAME,
    FILTER_OKTA_ACTIVE,
    r#"externalId eq jyoung"#,
    r#"userName sw O"#,
    r#"DisplayName Eq "Adele Vance""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
    r#"not (title pr) or userType eq "Employee""#,
    // Errors.
    r#"userName eq"#,
    r#"userName zz "x""#,
    r#"noSuchAttribute eq "x""#,
    r#"(userName eq "x""#,
    "",
];

#[test]
fn parse_and_compile_filter_match_native() {
    for config in ["{}", STRICT] {
        let (mut c, n) = pair(config);
        for rt in ["User", "Group", "Nope"] {
            for f in FILTERS {
                assert_eq!(
                    c.parse_filter(rt, f).expect("no trap"),
                    native::outcome(n.parse_filter(rt, f)),
                    "parse {rt} {f} ({config})"
                );
                assert_eq!(
                    c.compile_filter(rt, f).expect("no trap"),
                    native::outcome(n.compile_filter(rt, f)),
                    "compile {rt} {f} ({config})"
                );
            }
        }
    }
}

#[test]
fn evaluate_filter_matches_native() {
    for config in ["{}", STRICT] {
        let (mut c, n) = pair(config);
        for resource in [ENTRA_USER, OKTA_USER, GROUP, "{}", "not json"] {
            for f in FILTERS {
                assert_eq!(
                    c.evaluate_filter("User", f, resource).expect("no trap"),
                    native::verdict(n.evaluate_filter("User", f, resource)),
                    "{f} ({config}) on {resource}"
                );
            }
        }
    }
}

#[test]
fn idp_filters_match_their_users_through_the_component() {
    let (mut c, _) = pair("{}");
    for (f, user) in [
        (FILTER_ENTRA_USERNAME, ENTRA_USER),
        (FILTER_ENTRA_EMAIL, ENTRA_USER),
        (FILTER_ENTRA_MODIFIED, ENTRA_USER),
        (FILTER_OKTA_USERNAME, OKTA_USER),
        (FILTER_OKTA_ACTIVE, OKTA_USER),
    ] {
        let verdict = c.evaluate_filter("User", f, user).expect("no trap").expect("valid filter");
        assert!(verdict.matches, "{f}");
    }
    let miss = c.evaluate_filter("User", FILTER_OKTA_USERNAME, ENTRA_USER).expect("no trap").expect("valid");
    assert!(!miss.matches);
}

#[test]
fn tolerance_reports_cross_the_boundary() {
    let (mut c, n) = pair("{}");
    let f = "externalId eq jyoung";
    let lenient = c.parse_filter("User", f).expect("no trap").expect("lenient accepts unquoted values");
    assert_eq!(rules(&lenient.tolerances), ["unquoted-filter-values"]);
    assert!(!lenient.tolerances[0].detail.is_empty());
    assert_eq!(Ok(lenient), native::outcome(n.parse_filter("User", f)));

    let (mut strict, n) = pair(STRICT);
    let err = strict.parse_filter("User", f).expect("no trap").expect_err("strict refuses unquoted values");
    assert_eq!((err.status, err.scim_type.as_deref()), (400, Some("invalidFilter")));
    assert_eq!(Err(err), native::outcome(n.parse_filter("User", f)));
}

#[test]
fn validate_resource_matches_native() {
    let entra_post = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@contoso.com",
        "active":"True","id":"ignored","meta":{"resourceType":"User"},"name":{"givenName":"A"}}"#;
    let okta_post = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"i@example.com",
        "password":"hunter2","active":true,"emails":[{"primary":true,"value":"i@example.com","type":"work"}]}"#;
    let no_schemas = r#"{"userName":"x"}"#;
    let bad = [r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#, r#"{"userName": 5}"#, "[", "null"];
    for config in ["{}", STRICT] {
        let (mut c, n) = pair(config);
        for body in [ENTRA_USER, OKTA_USER, entra_post, okta_post, no_schemas].iter().chain(bad.iter()) {
            for ctx in [Context::CreationRequest, Context::ReplaceRequest, Context::QueryResponse] {
                let existing = matches!(ctx, Context::ReplaceRequest).then_some(ENTRA_USER);
                assert_eq!(
                    c.validate_resource("User", ctx, body, existing).expect("no trap"),
                    native::outcome(n.validate_resource("User", native::context(ctx), body, existing)),
                    "{ctx:?} ({config}) {body}"
                );
            }
        }
        let group = c.validate_resource("Group", Context::CreationRequest, GROUP, None).expect("no trap");
        assert_eq!(
            group,
            native::outcome(n.validate_resource("Group", scim_engine::Context::CreationRequest, GROUP, None))
        );
    }
    let (mut c, _) = pair("{}");
    let out = c.validate_resource("User", Context::CreationRequest, entra_post, None).expect("no trap").expect("ok");
    assert!(rules(&out.tolerances).contains(&"string-booleans"), "{:?}", out.tolerances);
}

#[test]
fn apply_patch_matches_native() {
    let members = group_add_members_patch(50);
    let remove_member = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}]}"#;
    let okta_rename = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace",
        "value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"Sales"}}]}"#;
    let bad = [r#"{"Operations":[{"op":"jump"}]}"#, "{", r#"{"Operations":[]}"#];
    for config in ["{}", STRICT] {
        let (mut c, n) = pair(config);
        for (rt, resource, patch) in [
            ("User", ENTRA_USER, ENTRA_PATCH),
            ("User", OKTA_USER, OKTA_DEACTIVATE_PATCH),
            ("Group", GROUP, members.as_str()),
            ("Group", GROUP, remove_member),
            ("Group", GROUP, okta_rename),
            ("User", "not json", OKTA_DEACTIVATE_PATCH),
        ]
        .into_iter()
        .chain(bad.iter().map(|b| ("User", OKTA_USER, *b)))
        {
            assert_eq!(
                c.apply_patch(rt, resource, patch).expect("no trap"),
                native::outcome(n.apply_patch(rt, resource, patch)),
                "{rt} ({config}) {patch}"
            );
        }
    }
}

#[test]
fn project_matches_native() {
    let cases: &[(Option<&str>, Option<&str>)] = &[
        (None, None),
        (Some("userName,emails.value"), None),
        (Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"), None),
        (None, Some("members")),
        (None, Some("emails,name.givenName")),
        (Some("displayName"), Some("members")),
        (Some("noSuch"), None),
        (Some("userName,,"), None),
    ];
    for config in ["{}", STRICT] {
        let (mut c, n) = pair(config);
        for (rt, resource) in [("User", ENTRA_USER), ("User", OKTA_USER), ("Group", GROUP), ("User", "[")] {
            for (a, x) in cases {
                assert_eq!(
                    c.project(rt, resource, *a, *x).expect("no trap"),
                    native::outcome(n.project(rt, resource, *a, *x)),
                    "{rt} ({config}) attributes={a:?} excluded={x:?}"
                );
            }
        }
    }
}

#[test]
fn custom_extension_configuration_matches_native() {
    let config = r#"{"extensions":[{"resourceType":"User","required":false,"schema":{
        "id":"urn:example:params:scim:schemas:extension:drupal:2.0:User","name":"DrupalUser","description":"Drupal fields",
        "attributes":[{"name":"favouriteColour","type":"string","multiValued":false,"required":false,
        "caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"none"}]}}]}"#;
    let (mut c, n) = pair(config);
    assert_eq!(c.schemas().expect("no trap"), n.schemas_json());
    let f = r#"urn:example:params:scim:schemas:extension:drupal:2.0:User:favouriteColour eq "blue""#;
    assert_eq!(c.compile_filter("User", f).expect("no trap"), native::outcome(n.compile_filter("User", f)));
}

#[test]
fn idp_patches_apply_through_the_component_with_their_tolerances() {
    let (mut c, _) = pair("{}");
    let entra = c.apply_patch("User", ENTRA_USER, ENTRA_PATCH).expect("no trap").expect("Entra PATCH applies");
    let fired = rules(&entra.tolerances);
    for rule in ["patch-op-any-case", "dotted-keys-in-patch-value", "urn-keys-in-patch-value", "string-booleans"] {
        assert!(fired.contains(&rule), "{rule} should fire: {fired:?}");
    }
    let user: serde_json::Value = serde_json::from_str(&entra.json).expect("JSON");
    assert_eq!(user["active"], false);
    assert_eq!(user["name"]["givenName"], "Adele J.");
    assert_eq!(user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"], "701985");

    let okta = c.apply_patch("User", OKTA_USER, OKTA_DEACTIVATE_PATCH).expect("no trap").expect("applies");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&okta.json).expect("JSON")["active"], false);

    let group = c.apply_patch("Group", GROUP, &group_add_members_patch(50)).expect("no trap").expect("applies");
    let members = serde_json::from_str::<serde_json::Value>(&group.json).expect("JSON")["members"].clone();
    assert_eq!(members.as_array().map(Vec::len), Some(52));

    let (mut strict, _) = pair(STRICT);
    let err = strict.apply_patch("User", ENTRA_USER, ENTRA_PATCH).expect("no trap").expect_err("strict refuses");
    assert!(err.status == 400 && err.scim_type.is_some(), "{err:?}");
}
