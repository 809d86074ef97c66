//! Projection: RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes` with
//! RFC 7643 §2.2 `returned`.

use scim_engine::{Engine, ScimError, ScimType};
use serde_json::{json, Value};

const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

fn user() -> Value {
    json!({
        "schemas": [USER, ENT],
        "id": "2819c223",
        "externalId": "ext-1",
        "userName": "bjensen",
        "password": "t1meMa$heen",
        "active": true,
        "displayName": "Babs",
        "name": {"givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara Jensen"},
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "meta": {"resourceType": "User", "location": "https://example.com/v2/Users/2819c223", "version": "W/\"1\""},
        ENT: {"employeeNumber": "701984", "manager": {"value": "26118915", "displayName": "John Smith"}}
    })
}

fn group() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba",
        "displayName": "Tour Guides",
        "members": [{"value": "2819c223", "display": "Babs"}, {"value": "902c246b"}],
        "meta": {"resourceType": "Group"}
    })
}

fn project(rt: &str, resource: &Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    project_with(&Engine::default(), rt, resource, attributes, excluded)
}

fn project_with(e: &Engine, rt: &str, resource: &Value, a: Option<&str>, x: Option<&str>) -> Value {
    let out = e.project(rt, &resource.to_string(), a, x).unwrap();
    serde_json::from_str(&out.value).unwrap()
}

fn project_err(rt: &str, a: Option<&str>, x: Option<&str>) -> ScimError {
    Engine::default().project(rt, &user().to_string(), a, x).unwrap_err()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn rfc7643_2_2_default_projection_returns_default_attributes_but_never_password() {
    let out = project("User", &user(), None, None);
    assert!(out.get("password").is_none());
    for k in ["id", "schemas", "userName", "name", "emails", "meta", "externalId", ENT] {
        assert!(out.get(k).is_some(), "{k} missing");
    }
    assert_eq!(out["meta"]["location"], "https://example.com/v2/Users/2819c223");
}

#[test]
fn rfc7644_3_4_2_5_attributes_user_name_returns_minimum_set() {
    let out = project("User", &user(), Some("userName"), None);
    assert_eq!(keys(&out), vec!["id", "schemas", "userName"]);
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7644_3_4_2_5_attribute_names_are_case_insensitive_and_spaces_allowed() {
    let out = project("User", &user(), Some(" USERNAME , Active"), None);
    assert_eq!(keys(&out), vec!["active", "id", "schemas", "userName"]);
}

#[test]
fn rfc7644_3_4_2_5_sub_attribute_selection_keeps_only_named_sub_attributes() {
    let out = project("User", &user(), Some("name.givenName"), None);
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    let out = project("User", &user(), Some("emails.value"), None);
    assert_eq!(out["emails"], json!([{"value": "bjensen@example.com"}, {"value": "babs@jensen.org"}]));
    let out = project("User", &user(), Some("emails.value,emails.type"), None);
    assert_eq!(out["emails"][1], json!({"value": "babs@jensen.org", "type": "home"}));
}

#[test]
fn rfc7644_3_4_2_5_naming_a_parent_and_a_sub_attribute_keeps_the_whole_parent() {
    let out = project("User", &user(), Some("name.givenName,name"), None);
    assert_eq!(out["name"]["familyName"], "Jensen");
}

#[test]
fn rfc7644_3_10_urn_qualified_core_path() {
    let out = project("User", &user(), Some(&format!("{USER}:name.familyName")), None);
    assert_eq!(out["name"], json!({"familyName": "Jensen"}));
}

#[test]
fn rfc7644_3_10_extension_attribute_path_keeps_extension_under_its_urn() {
    let out = project("User", &user(), Some(&format!("{ENT}:employeeNumber")), None);
    assert_eq!(out[ENT], json!({"employeeNumber": "701984"}));
    assert_eq!(out["schemas"], json!([USER, ENT]));
    assert!(out.get("userName").is_none());
    let out = project("User", &user(), Some(&format!("{ENT}:manager.value")), None);
    assert_eq!(out[ENT], json!({"manager": {"value": "26118915"}}));
}

#[test]
fn rfc7644_3_4_2_5_whole_extension_urn_returns_all_its_attributes() {
    let out = project("User", &user(), Some(ENT), None);
    assert_eq!(out[ENT]["employeeNumber"], "701984");
    assert_eq!(out[ENT]["manager"]["value"], "26118915");
    assert!(out.get("userName").is_none());
}

#[test]
fn rfc7644_3_4_2_5_excluding_whole_extension_drops_it_from_schemas() {
    let out = project("User", &user(), None, Some(ENT));
    assert!(out.get(ENT).is_none());
    assert_eq!(out["schemas"], json!([USER]));
    assert_eq!(out["userName"], "bjensen");
}

#[test]
fn rfc7644_3_4_2_5_extension_left_empty_disappears() {
    let out = project("User", &user(), None, Some(&format!("{ENT}:employeeNumber,{ENT}:manager")));
    assert!(out.get(ENT).is_none());
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7644_3_4_2_5_core_schema_urn_names_every_core_attribute() {
    let out = project("User", &user(), Some(USER), None);
    assert_eq!(out["userName"], "bjensen");
    assert!(out.get(ENT).is_none());
    assert!(out.get("password").is_none());
}

#[test]
fn rfc7643_2_2_id_is_always_returned_even_when_excluded() {
    let out = project("User", &user(), None, Some("id,userName"));
    assert_eq!(out["id"], "2819c223");
    assert!(out.get("userName").is_none());
    assert!(out.get("schemas").is_some());
}

#[test]
fn rfc7643_2_2_password_is_never_returned_even_when_asked() {
    let out = project("User", &user(), Some("password,userName"), None);
    assert!(out.get("password").is_none());
    assert_eq!(out["userName"], "bjensen");
}

#[test]
fn rfc7644_3_4_2_5_excluded_members_on_groups() {
    let out = project("Group", &group(), None, Some("members"));
    assert_eq!(keys(&out), vec!["displayName", "id", "meta", "schemas"]);
}

#[test]
fn rfc7644_3_4_2_5_excluded_sub_attribute_keeps_the_rest() {
    let out = project("Group", &group(), None, Some("members.display"));
    assert_eq!(out["members"], json!([{"value": "2819c223"}, {"value": "902c246b"}]));
    let out = project("User", &user(), None, Some("name.formatted,emails.primary"));
    assert_eq!(out["name"], json!({"givenName": "Barbara", "familyName": "Jensen"}));
    assert_eq!(out["emails"][0], json!({"value": "bjensen@example.com", "type": "work"}));
}

#[test]
fn rfc7644_3_4_2_5_attributes_on_groups() {
    let out = project("Group", &group(), Some("displayName"), None);
    assert_eq!(keys(&out), vec!["displayName", "id", "schemas"]);
}

#[test]
fn rfc7644_3_4_2_5_meta_can_be_requested_and_excluded() {
    let out = project("User", &user(), Some("meta.location"), None);
    assert_eq!(out["meta"], json!({"location": "https://example.com/v2/Users/2819c223"}));
    let out = project("User", &user(), None, Some("meta"));
    assert!(out.get("meta").is_none());
}

#[test]
fn rfc7644_3_4_2_5_unknown_attribute_names_are_ignored() {
    let out = project("User", &user(), Some("userName,nosuchThing,urn:example:ext:1.0:Foo:bar,name.nope"), None);
    assert_eq!(keys(&out), vec!["id", "schemas", "userName"]);
    let out = project("User", &user(), None, Some("nosuchThing"));
    assert_eq!(out["userName"], "bjensen");
}

#[test]
fn rfc7644_3_4_2_5_empty_parameter_is_the_default_projection() {
    let out = project("User", &user(), Some("  "), Some(""));
    assert_eq!(out["displayName"], "Babs");
}

#[test]
fn rfc7644_3_4_2_5_both_parameters_at_once_is_invalid_syntax() {
    let e = project_err("User", Some("userName"), Some("emails"));
    assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidSyntax)));
    assert!(e.detail.contains("not both"), "{}", e.detail);
}

#[test]
fn rfc7644_3_10_malformed_attribute_name_is_invalid_path() {
    for bad in ["userName,,emails", "1abc", "name.givenName.x", "emails[type eq \"work\"]", "userName,"] {
        let e = project_err("User", Some(bad), None);
        assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidPath)), "{bad}");
        let e = project_err("User", None, Some(bad));
        assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidPath)), "{bad}");
    }
}

#[test]
fn rfc7643_3_1_unknown_stored_keys_are_not_returned() {
    let mut u = user();
    u["internalNote"] = json!("secret");
    let out = project("User", &u, None, None);
    assert!(out.get("internalNote").is_none());
}

#[test]
fn entra_bare_manager_path_resolves_under_manager_shapes_only() {
    let out = project("User", &user(), Some("manager"), None);
    assert_eq!(out[ENT]["manager"]["value"], "26118915");
    let strict = Engine::from_config_json(r#"{"strict":true}"#).unwrap();
    let out = project_with(&strict, "User", &user(), Some("manager"), None);
    assert!(out.get(ENT).is_none());
}

#[test]
fn projection_parses_once_and_applies_to_many_resources() {
    let e = Engine::default();
    let rt = e.resource_type("Users").unwrap();
    let mut l = e.leniency();
    let p = scim_engine::projection::Projection::parse(rt, Some("userName,emails.value"), None, &mut l).unwrap();
    for i in 0..3 {
        let mut u = user();
        u["userName"] = json!(format!("user{i}"));
        let out = p.apply(rt, &u);
        assert_eq!(out["userName"], format!("user{i}"));
        assert_eq!(out["emails"][0], json!({"value": "bjensen@example.com"}));
        assert!(out.get("name").is_none());
    }
}

#[test]
fn rfc7643_2_2_request_attribute_returned_only_when_asked() {
    let config = json!({"extensions": [{"resourceType": "User", "schema": {
        "id": "urn:example:params:scim:schemas:extension:acme:1.0:User",
        "attributes": [
            {"name": "badge", "type": "string", "returned": "request"},
            {"name": "floor", "type": "integer"}
        ]
    }}]});
    let e = Engine::from_config_json(&config.to_string()).unwrap();
    let urn = "urn:example:params:scim:schemas:extension:acme:1.0:User";
    let mut u = user();
    u[urn] = json!({"badge": "B-7", "floor": 3});
    let out = project_with(&e, "User", &u, None, None);
    assert_eq!(out[urn], json!({"floor": 3}));
    let out = project_with(&e, "User", &u, None, Some("userName"));
    assert_eq!(out[urn], json!({"floor": 3}));
    let out = project_with(&e, "User", &u, Some(&format!("{urn}:badge")), None);
    assert_eq!(out[urn], json!({"badge": "B-7"}));
    assert!(out["schemas"].as_array().unwrap().contains(&json!(urn)));
}
