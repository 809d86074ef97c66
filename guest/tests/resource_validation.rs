//! `resource::validate` through `Engine::validate_resource`, in every
//! context (RFC 7643 §2, §3, §4; RFC 7644 §3.3, §3.5.1).

use scim_engine::tolerance::Rule;
use scim_engine::{Context, Engine, ScimError, ScimType};
use serde_json::{json, Value};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn strict() -> Engine {
    Engine::from_config_json(r#"{"strict":true}"#).unwrap()
}

fn only_off(rule: &str) -> Engine {
    Engine::from_config_json(&json!({"tolerances": {rule: false}}).to_string()).unwrap()
}

fn ok_with(e: &Engine, rt: &str, ctx: Context, body: &Value) -> (Value, Vec<Rule>) {
    let out = e.validate_resource(rt, ctx, &body.to_string(), None).unwrap();
    (serde_json::from_str(&out.value).unwrap(), out.fired.iter().map(|f| f.rule).collect())
}

fn ok(rt: &str, ctx: Context, body: &Value) -> Value {
    ok_with(&Engine::default(), rt, ctx, body).0
}

fn err_with(e: &Engine, rt: &str, ctx: Context, body: &Value) -> ScimError {
    e.validate_resource(rt, ctx, &body.to_string(), None).unwrap_err()
}

fn err(rt: &str, ctx: Context, body: &Value) -> ScimError {
    err_with(&Engine::default(), rt, ctx, body)
}

fn assert_typed(e: &ScimError, status: u16, t: ScimType) {
    assert_eq!((e.status, e.scim_type), (status, Some(t)), "{e}");
}

fn user(extra: Value) -> Value {
    let mut u = json!({"schemas": [USER], "userName": "bjensen"});
    for (k, v) in extra.as_object().unwrap() {
        u[k] = v.clone();
    }
    u
}

const CONTEXTS: [Context; 3] = [Context::CreationRequest, Context::ReplaceRequest, Context::PatchValue];

#[test]
fn rfc7643_2_1_attribute_names_are_case_insensitive_in_every_context() {
    let body = json!({
        "Schemas": [USER], "UserName": "bjensen", "Active": true,
        "Name": {"GivenName": "Barbara", "FAMILYNAME": "Jensen"},
        "Emails": [{"Value": "b@example.com", "Type": "work", "Primary": true}]
    });
    for ctx in CONTEXTS.into_iter().chain([Context::QueryResponse]) {
        let out = ok("User", ctx, &body);
        assert_eq!(out["userName"], "bjensen", "{ctx:?}");
        assert_eq!(out["active"], true);
        assert_eq!(out["name"], json!({"givenName": "Barbara", "familyName": "Jensen"}));
        assert_eq!(out["emails"], json!([{"value": "b@example.com", "type": "work", "primary": true}]));
        assert_eq!(out["schemas"], json!([USER]));
    }
}

#[test]
fn rfc7643_2_2_read_only_attributes_are_ignored_on_create_and_replace() {
    let body = user(json!({
        "id": "client-chosen", "meta": {"resourceType": "User", "created": "2020-01-01T00:00:00Z"},
        "groups": [{"value": "g1", "display": "Admins"}]
    }));
    for ctx in CONTEXTS {
        let out = ok("User", ctx, &body);
        for k in ["id", "meta", "groups"] {
            assert!(out.get(k).is_none(), "{k} kept in {ctx:?}");
        }
    }
    let out =
        ok("User", Context::QueryResponse, &json!({"id": "1", "userName": "u", "meta": {"resourceType": "User"}}));
    assert_eq!(out["id"], "1");
    assert_eq!(out["meta"]["resourceType"], "User");
}

#[test]
fn rfc7643_2_5_explicit_null_is_absent() {
    let out = ok("User", Context::CreationRequest, &user(json!({"displayName": null, "name": {"givenName": null}})));
    assert!(out.get("displayName").is_none());
    assert!(out.get("name").is_none());
    let e = err("User", Context::CreationRequest, &json!({"schemas": [USER], "userName": null}));
    assert_typed(&e, 400, ScimType::InvalidValue);
}

#[test]
fn rfc7643_2_3_type_errors_name_the_attribute() {
    let cases = [
        (json!({"active": 3}), "active"),
        (json!({"name": "x"}), "name"),
        (json!({"emails": {"value": "b@example.com"}}), "emails"),
        (json!({"displayName": 7}), "displayName"),
        (json!({"x509Certificates": [{"value": "not base64!"}]}), "x509Certificates.value"),
    ];
    for (extra, name) in cases {
        let e = err("User", Context::CreationRequest, &user(extra.clone()));
        assert_typed(&e, 400, ScimType::InvalidValue);
        assert!(e.detail.contains(name), "{extra}: {}", e.detail);
    }
}

#[test]
fn rfc7643_2_3_integer_and_date_time_types_are_checked() {
    let config = json!({"extensions": [{"resourceType": "User", "schema": {
        "id": "urn:example:scim:ext:1.0:Acme",
        "attributes": [{"name": "level", "type": "integer"}, {"name": "hired", "type": "dateTime"}]
    }}]});
    let e = Engine::from_config_json(&config.to_string()).unwrap();
    let urn = "urn:example:scim:ext:1.0:Acme";
    let bad_int = err_with(&e, "User", Context::CreationRequest, &user(json!({urn: {"level": 1.5}})));
    assert_typed(&bad_int, 400, ScimType::InvalidValue);
    assert!(bad_int.detail.contains("level") && bad_int.detail.contains("integer"), "{}", bad_int.detail);
    let bad_date = err_with(&e, "User", Context::CreationRequest, &user(json!({urn: {"hired": "yesterday"}})));
    assert_typed(&bad_date, 400, ScimType::InvalidValue);
    assert!(bad_date.detail.contains("hired"), "{}", bad_date.detail);
    let (out, _) = ok_with(
        &e,
        "User",
        Context::CreationRequest,
        &user(json!({urn: {"level": 3, "hired": "2011-05-13T04:42:34.1234567+02:00"}})),
    );
    assert_eq!(out[urn]["level"], 3);
}

#[test]
fn rfc7643_4_1_missing_user_name_is_invalid_value() {
    let e = err("User", Context::CreationRequest, &json!({"schemas": [USER], "displayName": "x"}));
    assert_typed(&e, 400, ScimType::InvalidValue);
    assert!(e.detail.contains("userName"));
    let e = err("User", Context::ReplaceRequest, &json!({"schemas": [USER]}));
    assert_typed(&e, 400, ScimType::InvalidValue);
    // A PATCH value is partial: nothing is required.
    ok("User", Context::PatchValue, &json!({"displayName": "x"}));
}

#[test]
fn rfc7643_4_2_missing_group_display_name_is_invalid_value() {
    let e = err("Group", Context::CreationRequest, &json!({"schemas": [GROUP], "members": []}));
    assert_typed(&e, 400, ScimType::InvalidValue);
    assert!(e.detail.contains("displayName"));
}

#[test]
fn rfc7643_3_schemas_omitted_accepted_under_rule_and_rejected_strict() {
    let body = json!({"userName": "bjensen"});
    let (out, fired) = ok_with(&Engine::default(), "User", Context::CreationRequest, &body);
    assert_eq!(out["schemas"], json!([USER]));
    assert!(fired.contains(&Rule::SchemasOmitted));
    let e = err_with(&strict(), "User", Context::CreationRequest, &body);
    assert_typed(&e, 400, ScimType::InvalidSyntax);
    let e = err_with(&only_off("schemas-omitted"), "User", Context::CreationRequest, &body);
    assert_typed(&e, 400, ScimType::InvalidSyntax);
}

#[test]
fn rfc7643_3_schemas_naming_only_group_on_a_user_is_invalid_value() {
    let e = err("User", Context::CreationRequest, &json!({"schemas": [GROUP], "userName": "bjensen"}));
    assert_typed(&e, 400, ScimType::InvalidValue);
    let e = err("User", Context::CreationRequest, &json!({"schemas": "nope", "userName": "bjensen"}));
    assert_typed(&e, 400, ScimType::InvalidSyntax);
}

#[test]
fn rfc7643_2_4_two_primary_values_are_invalid_value() {
    let body = user(json!({"emails": [
        {"value": "a@example.com", "primary": true}, {"value": "b@example.com", "primary": true}
    ]}));
    for ctx in CONTEXTS {
        let e = err("User", ctx, &body);
        assert_typed(&e, 400, ScimType::InvalidValue);
        assert!(e.detail.contains("primary"));
    }
}

#[test]
fn rfc7644_3_5_1_changing_an_immutable_value_on_replace_is_mutability() {
    let config = json!({"extensions": [{"resourceType": "User", "schema": {
        "id": "urn:example:scim:ext:1.0:Acme",
        "attributes": [{"name": "badge", "mutability": "immutable"}]
    }}]});
    let e = Engine::from_config_json(&config.to_string()).unwrap();
    let urn = "urn:example:scim:ext:1.0:Acme";
    let existing = user(json!({urn: {"badge": "B-1"}})).to_string();
    let changed = user(json!({urn: {"badge": "B-2"}})).to_string();
    let err = e.validate_resource("User", Context::ReplaceRequest, &changed, Some(&existing)).unwrap_err();
    assert_typed(&err, 400, ScimType::Mutability);
    assert!(err.detail.contains("badge"));
    // Omitting it keeps the stored value.
    let kept = e.validate_resource("User", Context::ReplaceRequest, &user(json!({})).to_string(), Some(&existing));
    let kept: Value = serde_json::from_str(&kept.unwrap().value).unwrap();
    assert_eq!(kept[urn]["badge"], "B-1");
    assert_eq!(kept["schemas"], json!([USER, urn]));
}

#[test]
fn okta_password_kept_on_creation_but_stripped_in_query_response() {
    let body = user(json!({"password": "t1meMa$heen"}));
    let out = ok("User", Context::CreationRequest, &body);
    assert_eq!(out["password"], "t1meMa$heen");
    let out = ok("User", Context::QueryResponse, &body);
    assert!(out.get("password").is_none());
}

#[test]
fn entra_string_booleans_under_rule_and_rejected_strict() {
    let body = user(json!({"active": "True", "emails": [{"value": "a@example.com", "primary": "false"}]}));
    let (out, fired) = ok_with(&Engine::default(), "User", Context::CreationRequest, &body);
    assert_eq!(out["active"], true);
    assert_eq!(out["emails"][0]["primary"], false);
    assert!(fired.contains(&Rule::StringBooleans));
    for e in [strict(), only_off("string-booleans")] {
        let err = err_with(&e, "User", Context::CreationRequest, &body);
        assert_typed(&err, 400, ScimType::InvalidValue);
        assert!(err.detail.contains("active"));
    }
    let e = err("User", Context::CreationRequest, &user(json!({"active": "yes"})));
    assert_typed(&e, 400, ScimType::InvalidValue);
}

#[test]
fn entra_manager_shapes_under_rule_and_rejected_strict() {
    let shapes =
        [json!("26118915"), json!({"value": "26118915"}), json!([{"$ref": "../Users/26118915", "value": "26118915"}])];
    for shape in &shapes {
        let body = user(json!({ENT: {"manager": shape}}));
        let (out, _) =
            ok_with(&only_off("single-element-array-for-single-value"), "User", Context::CreationRequest, &body);
        assert_eq!(out[ENT]["manager"]["value"], "26118915", "{shape}");
        assert_eq!(out["schemas"], json!([USER, ENT]));
    }
    let e = err_with(&strict(), "User", Context::CreationRequest, &user(json!({ENT: {"manager": "26118915"}})));
    assert_typed(&e, 400, ScimType::InvalidValue);
    let e = err_with(&strict(), "User", Context::CreationRequest, &user(json!({ENT: {"manager": [{"value": "1"}]}})));
    assert_typed(&e, 400, ScimType::InvalidValue);
    ok_with(&strict(), "User", Context::CreationRequest, &user(json!({ENT: {"manager": {"value": "1"}}})));
}

#[test]
fn single_element_array_for_single_value_under_rule_and_rejected_strict() {
    let body = user(json!({"name": [{"givenName": "Barbara"}], "displayName": ["Babs"]}));
    let (out, fired) = ok_with(&Engine::default(), "User", Context::CreationRequest, &body);
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    assert_eq!(out["displayName"], "Babs");
    assert!(fired.contains(&Rule::SingleElementArrayForSingleValue));
    for e in [strict(), only_off("single-element-array-for-single-value")] {
        let err = err_with(&e, "User", Context::CreationRequest, &body);
        assert_typed(&err, 400, ScimType::InvalidValue);
    }
    let err = err("User", Context::CreationRequest, &user(json!({"displayName": ["a", "b"]})));
    assert_typed(&err, 400, ScimType::InvalidValue);
}

#[test]
fn rfc7643_3_3_enterprise_attributes_live_under_their_urn() {
    let body = json!({
        "schemas": [USER, ENT], "userName": "bjensen",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"EmployeeNumber": "701984", "department": null}
    });
    let out = ok("User", Context::CreationRequest, &body);
    assert_eq!(out[ENT], json!({"employeeNumber": "701984"}));
    assert_eq!(out["schemas"], json!([USER, ENT]));
    let e = err("User", Context::CreationRequest, &user(json!({ENT: "x"})));
    assert_typed(&e, 400, ScimType::InvalidSyntax);
}

#[test]
fn rfc7643_3_3_empty_extension_is_dropped_from_schemas() {
    let out = ok("User", Context::CreationRequest, &json!({"schemas": [USER, ENT], "userName": "u", ENT: {}}));
    assert!(out.get(ENT).is_none());
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7643_2_1_keys_differing_only_in_case_are_invalid_syntax() {
    let cases = [
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","USERNAME":"b"}"#,
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":{"givenName":"x","GivenName":"y"}}"#,
    ];
    for body in cases {
        let e = Engine::default().validate_resource("User", Context::CreationRequest, body, None).unwrap_err();
        assert_typed(&e, 400, ScimType::InvalidSyntax);
    }
}

#[test]
fn rfc7644_3_3_unknown_attributes_are_dropped() {
    let out = ok("User", Context::CreationRequest, &user(json!({"favouriteColour": "blue"})));
    assert!(out.get("favouriteColour").is_none());
}

#[test]
fn rfc7644_3_12_body_that_is_not_an_object_or_json_is_invalid_syntax() {
    let e = Engine::default().validate_resource("User", Context::CreationRequest, "[1]", None).unwrap_err();
    assert_typed(&e, 400, ScimType::InvalidSyntax);
    let e = Engine::default().validate_resource("User", Context::CreationRequest, "{", None).unwrap_err();
    assert_typed(&e, 400, ScimType::InvalidSyntax);
}

#[test]
fn group_members_bare_ids_under_rule_and_rejected_strict() {
    let body = json!({"schemas": [GROUP], "displayName": "G", "members": ["u1", {"value": "u2"}]});
    let (out, fired) = ok_with(&Engine::default(), "Group", Context::CreationRequest, &body);
    assert_eq!(out["members"], json!([{"value": "u1"}, {"value": "u2"}]));
    assert!(fired.contains(&Rule::BareMemberIds));
    let e = err_with(&strict(), "Group", Context::CreationRequest, &body);
    assert_typed(&e, 400, ScimType::InvalidValue);
}
