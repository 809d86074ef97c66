//! PATCH as RFC 7644 §3.5.2 specifies it: the RFC's own examples, each error
//! `scimType`, `primary` uniqueness, unassigned values and atomicity.

use scim_engine::config::Config;
use scim_engine::tolerance::Tolerances;
use scim_engine::{Engine, ScimError, ScimType};
use serde_json::{json, Value};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const BABS: &str = "2819c223-7f76-453a-919d-413861904646";
const MANDY: &str = "902c246b-6245-4190-8e05-00816be7344a";
const JAMES: &str = "08e1d05d-121c-4561-8b96-473d93df9210";

fn strict() -> Engine {
    Engine::new(Config { tolerances: Tolerances::strict(), ..Default::default() }).unwrap()
}

fn user() -> Value {
    json!({
        "schemas": [USER],
        "id": BABS,
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "addresses": [
            {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood", "primary": true},
            {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood"}
        ],
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"}
    })
}

fn group() -> Value {
    json!({
        "schemas": [GROUP],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [{"value": BABS, "display": "Babs Jensen"}, {"value": MANDY, "display": "Mandy Pepperidge"}],
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"}
    })
}

fn patch_with(e: &Engine, rt: &str, res: &Value, ops: Value) -> Result<Value, ScimError> {
    let body = json!({"schemas": [PATCH_OP], "Operations": ops});
    e.apply_patch(rt, &res.to_string(), &body.to_string()).map(|o| serde_json::from_str(&o.value).unwrap())
}

/// Patches in strict mode: RFC behaviour needs no tolerance rule.
fn patch(rt: &str, res: &Value, ops: Value) -> Value {
    let out = patch_with(&strict(), rt, res, ops).unwrap();
    assert_no_unassigned(&out);
    out
}

fn patch_err(rt: &str, res: &Value, ops: Value, ty: ScimType) -> ScimError {
    let e = patch_with(&strict(), rt, res, ops).expect_err("the PATCH must fail");
    assert_eq!((e.status, e.scim_type), (400, Some(ty)), "{e}");
    e
}

fn raw_err(body: Value, ty: ScimType) -> ScimError {
    let e = strict().apply_patch("User", &user().to_string(), &body.to_string()).expect_err("the PATCH must fail");
    assert_eq!((e.status, e.scim_type), (400, Some(ty)), "{e}");
    e
}

fn member_ids(g: &Value) -> Vec<&str> {
    g["members"].as_array().map(|m| m.iter().filter_map(|v| v["value"].as_str()).collect()).unwrap_or_default()
}

/// RFC 7643 §2.5: no null and no empty array or object anywhere.
fn assert_no_unassigned(v: &Value) {
    match v {
        Value::Null => panic!("null in a patched resource"),
        Value::Array(a) => {
            assert!(!a.is_empty(), "empty array in a patched resource");
            a.iter().for_each(assert_no_unassigned);
        }
        Value::Object(o) => {
            assert!(!o.is_empty(), "empty object in a patched resource");
            o.values().for_each(assert_no_unassigned);
        }
        _ => {}
    }
}

// §3.5.2.1 add

#[test]
fn rfc7644_3_5_2_1_add_member_to_group() {
    let out = patch(
        "Group",
        &group(),
        json!([{"op": "add", "path": "members", "value": [{
            "display": "James Smith", "$ref": format!("https://example.com/v2/Users/{JAMES}"), "value": JAMES
        }]}]),
    );
    assert_eq!(member_ids(&out), [BABS, MANDY, JAMES]);
    assert_eq!(out["members"][2]["$ref"], format!("https://example.com/v2/Users/{JAMES}"));
    assert!(out["members"][2].get("display").is_none(), "display is readOnly and ignored on input");
    assert_eq!(out["displayName"], "Tour Guides");
}

#[test]
fn rfc7644_3_5_2_1_add_existing_member_changes_nothing() {
    let g = group();
    let out = patch("Group", &g, json!([{"op": "add", "path": "members", "value": [{"value": BABS}]}]));
    assert_eq!(out, g);
}

#[test]
fn rfc7644_3_5_2_1_add_without_path() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "add", "value": {
            "emails": [{"value": "babs@jensen.org", "type": "home"}, {"value": "barbara@jensen.org", "type": "other"}],
            "nickname": "Babs"
        }}]),
    );
    assert_eq!(out["nickName"], "Babs");
    let emails: Vec<&str> = out["emails"].as_array().unwrap().iter().map(|e| e["value"].as_str().unwrap()).collect();
    assert_eq!(emails, ["bjensen@example.com", "babs@jensen.org", "barbara@jensen.org"], "no duplicate is added");
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7644_3_5_2_1_add_to_single_valued_replaces() {
    let out = patch("User", &user(), json!([{"op": "add", "path": "title", "value": "Chief Guide"}]));
    assert_eq!(out["title"], "Chief Guide");
}

#[test]
fn rfc7644_3_5_2_1_add_complex_merges_sub_attributes() {
    let out = patch("User", &user(), json!([{"op": "add", "path": "name", "value": {"middleName": "Jane"}}]));
    assert_eq!(out["name"], json!({"givenName": "Barbara", "familyName": "Jensen", "middleName": "Jane"}));
}

#[test]
fn rfc7644_3_5_2_1_add_sub_attribute_path_is_case_insensitive() {
    let out = patch("User", &user(), json!([{"op": "add", "path": "NAME.honorificPrefix", "value": "Ms."}]));
    assert_eq!(out["name"]["honorificPrefix"], "Ms.");
}

#[test]
fn rfc7644_3_5_2_1_add_whole_extension_by_urn_path() {
    let out = patch("User", &user(), json!([{"op": "add", "path": ENTERPRISE, "value": {"employeeNumber": "701984"}}]));
    assert_eq!(out[ENTERPRISE], json!({"employeeNumber": "701984"}));
    assert_eq!(out["schemas"], json!([USER, ENTERPRISE]));
}

#[test]
fn rfc7644_3_5_2_1_add_extension_attribute_by_urn_path() {
    let path = format!("{ENTERPRISE}:department");
    let out = patch("User", &user(), json!([{"op": "add", "path": path, "value": "Tour Operations"}]));
    assert_eq!(out[ENTERPRISE]["department"], "Tour Operations");
    assert_eq!(out["schemas"], json!([USER, ENTERPRISE]));
}

#[test]
fn rfc7644_3_5_2_1_add_extension_object_without_path() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "add", "value": {ENTERPRISE: {"costCenter": "4130", "division": "Theme"}}}]),
    );
    assert_eq!(out[ENTERPRISE], json!({"costCenter": "4130", "division": "Theme"}));
}

#[test]
fn rfc7644_3_5_2_1_add_to_value_filter_path_sets_matching_sub_attribute() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "add", "path": "addresses[type eq \"home\"].postalCode", "value": "91608"}]),
    );
    assert_eq!(out["addresses"][1]["postalCode"], "91608");
    assert!(out["addresses"][0].get("postalCode").is_none());
}

// §3.5.2.2 remove

#[test]
fn rfc7644_3_5_2_2_remove_without_path_is_no_target() {
    let e = patch_err("Group", &group(), json!([{"op": "remove"}]), ScimType::NoTarget);
    assert!(e.detail.contains("path"), "{e}");
}

#[test]
fn rfc7644_3_5_2_2_remove_single_member() {
    let out = patch("Group", &group(), json!([{"op": "remove", "path": format!("members[value eq \"{BABS}\"]")}]));
    assert_eq!(member_ids(&out), [MANDY]);
}

#[test]
fn rfc7644_3_5_2_2_remove_all_members() {
    let out = patch("Group", &group(), json!([{"op": "remove", "path": "members"}]));
    assert!(out.get("members").is_none(), "members is unassigned, not []: {out}");
    assert_eq!(out["displayName"], "Tour Guides");
}

#[test]
fn rfc7644_3_5_2_2_remove_multiple_members() {
    let g = patch("Group", &group(), json!([{"op": "add", "path": "members", "value": [{"value": JAMES}]}]));
    let out = patch(
        "Group",
        &g,
        json!([{"op": "remove", "path": format!("members[value eq \"{BABS}\" or value eq \"{JAMES}\"]")}]),
    );
    assert_eq!(member_ids(&out), [MANDY]);
    let out = patch(
        "Group",
        &g,
        json!([
            {"op": "remove", "path": format!("members[value eq \"{BABS}\"]")},
            {"op": "remove", "path": format!("members[value eq \"{JAMES}\"]")}
        ]),
    );
    assert_eq!(member_ids(&out), [MANDY]);
}

#[test]
fn rfc7644_3_5_2_2_remove_all_members_then_add() {
    let out = patch(
        "Group",
        &group(),
        json!([
            {"op": "remove", "path": "members"},
            {"op": "add", "path": "members", "value": [{"value": JAMES}, {"value": MANDY}]}
        ]),
    );
    assert_eq!(member_ids(&out), [JAMES, MANDY]);
}

#[test]
fn rfc7644_3_5_2_2_remove_by_complex_filter() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "remove", "path": "emails[type eq \"work\" and value ew \"example.com\"]"}]),
    );
    assert_eq!(out["emails"], json!([{"value": "babs@jensen.org", "type": "home"}]));
}

#[test]
fn rfc7644_3_5_2_2_remove_last_value_leaves_attribute_unassigned() {
    let u = patch("User", &user(), json!([{"op": "remove", "path": "emails[type eq \"work\"]"}]));
    let out = patch("User", &u, json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]));
    assert!(out.get("emails").is_none(), "{out}");
}

#[test]
fn rfc7644_3_5_2_2_remove_sub_attribute_of_filtered_values() {
    let out = patch("User", &user(), json!([{"op": "remove", "path": "addresses[type eq \"work\"].locality"}]));
    assert!(out["addresses"][0].get("locality").is_none());
    assert_eq!(out["addresses"][1]["locality"], "Hollywood");
}

#[test]
fn rfc7644_3_5_2_2_remove_filter_matching_nothing_is_no_target() {
    patch_err(
        "Group",
        &group(),
        json!([{"op": "remove", "path": format!("members[value eq \"{JAMES}\"]")}]),
        ScimType::NoTarget,
    );
}

#[test]
fn rfc7644_3_5_2_2_remove_single_valued_and_sub_attribute() {
    let out =
        patch("User", &user(), json!([{"op": "remove", "path": "title"}, {"op": "remove", "path": "name.givenName"}]));
    assert!(out.get("title").is_none());
    assert_eq!(out["name"], json!({"familyName": "Jensen"}));
    let out = patch("User", &out, json!([{"op": "remove", "path": "name.familyName"}]));
    assert!(out.get("name").is_none(), "an emptied complex attribute is unassigned: {out}");
}

#[test]
fn rfc7644_3_5_2_2_remove_unassigned_attribute_succeeds() {
    let out = patch("User", &user(), json!([{"op": "remove", "path": "nickName"}]));
    assert_eq!(out, user());
}

#[test]
fn rfc7643_3_3_remove_last_extension_attribute_drops_the_schema() {
    let u = patch("User", &user(), json!([{"op": "add", "path": format!("{ENTERPRISE}:department"), "value": "Ops"}]));
    assert_eq!(u["schemas"], json!([USER, ENTERPRISE]));
    let out = patch("User", &u, json!([{"op": "remove", "path": format!("{ENTERPRISE}:department")}]));
    assert!(out.get(ENTERPRISE).is_none());
    assert_eq!(out["schemas"], json!([USER]));
    let out = patch("User", &u, json!([{"op": "remove", "path": ENTERPRISE}]));
    assert_eq!(out["schemas"], json!([USER]));
}

// §3.5.2.3 replace

#[test]
fn rfc7644_3_5_2_3_replace_all_members() {
    let out = patch(
        "Group",
        &group(),
        json!([{"op": "replace", "path": "members", "value": [
            {"display": "Babs Jensen", "$ref": format!("https://example.com/v2/Users/{BABS}"), "value": BABS},
            {"display": "James Smith", "$ref": format!("https://example.com/v2/Users/{JAMES}"), "value": JAMES}
        ]}]),
    );
    assert_eq!(member_ids(&out), [BABS, JAMES]);
}

#[test]
fn rfc7644_3_5_2_3_replace_members_with_empty_array_empties_the_group() {
    let out = patch("Group", &group(), json!([{"op": "replace", "path": "members", "value": []}]));
    assert!(out.get("members").is_none(), "{out}");
}

#[test]
fn rfc7644_3_5_2_3_replace_without_path() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "replace", "value": {
            "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
            "nickname": "Babs"
        }}]),
    );
    assert_eq!(out["emails"], json!([{"value": "bjensen@example.com", "type": "work", "primary": true}]));
    assert_eq!(out["nickName"], "Babs");
}

#[test]
fn rfc7644_3_5_2_3_replace_value_filtered_element() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "replace", "path": "addresses[type eq \"work\"]", "value": {
            "type": "work", "streetAddress": "911 Universal City Plaza", "locality": "Hollywood",
            "region": "CA", "postalCode": "91608", "country": "US", "formatted": "911 Universal City Plaza\nHollywood, CA 91608 US",
            "primary": true
        }}]),
    );
    assert_eq!(out["addresses"][0]["streetAddress"], "911 Universal City Plaza");
    assert_eq!(out["addresses"][0]["postalCode"], "91608");
    assert_eq!(out["addresses"][1]["streetAddress"], "456 Hollywood Blvd");
}

#[test]
fn rfc7644_3_5_2_3_replace_sub_attribute_of_value_filtered_element() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "1010 Broadway Ave"}]),
    );
    assert_eq!(out["addresses"][0]["streetAddress"], "1010 Broadway Ave");
    assert_eq!(out["addresses"][0]["locality"], "Hollywood", "other sub-attributes stay");
    assert_eq!(out["addresses"][1]["streetAddress"], "456 Hollywood Blvd");
}

#[test]
fn rfc7644_3_5_2_3_replace_by_complex_value_filter() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"work\" and value ew \"example.com\"].value", "value": "barbara@example.com"}]),
    );
    assert_eq!(out["emails"][0], json!({"value": "barbara@example.com", "type": "work", "primary": true}));
}

#[test]
fn rfc7644_3_5_2_3_replace_filter_matching_nothing_is_no_target() {
    patch_err(
        "User",
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "x@example.com"}]),
        ScimType::NoTarget,
    );
}

#[test]
fn rfc7644_3_5_2_3_replace_multi_valued_without_filter_replaces_all() {
    let out =
        patch("User", &user(), json!([{"op": "replace", "path": "emails", "value": [{"value": "new@example.com"}]}]));
    assert_eq!(out["emails"], json!([{"value": "new@example.com"}]));
}

#[test]
fn rfc7644_3_5_2_3_replace_complex_leaves_unspecified_sub_attributes() {
    let out = patch("User", &user(), json!([{"op": "replace", "path": "name", "value": {"givenName": "Babs"}}]));
    assert_eq!(out["name"], json!({"givenName": "Babs", "familyName": "Jensen"}));
}

#[test]
fn rfc7644_3_5_2_3_replace_of_unassigned_attribute_adds_it() {
    let out = patch("User", &user(), json!([{"op": "replace", "path": "displayName", "value": "Babs"}]));
    assert_eq!(out["displayName"], "Babs");
}

#[test]
fn rfc7643_2_5_replace_with_null_unassigns() {
    let out = patch("User", &user(), json!([{"op": "replace", "path": "title", "value": null}]));
    assert!(out.get("title").is_none());
}

#[test]
fn rfc7644_3_5_2_operations_key_is_case_insensitive() {
    let body = json!({"schemas": [PATCH_OP], "operations": [{"op": "replace", "path": "title", "value": "Guide"}]});
    let out = strict().apply_patch("User", &user().to_string(), &body.to_string()).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert_eq!(out["title"], "Guide");
}

// primary (RFC 7643 §2.4)

#[test]
fn rfc7643_2_4_adding_a_primary_email_clears_the_old_primary() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "add", "path": "emails", "value": [{"value": "b@new.example", "type": "other", "primary": true}]}]),
    );
    let primaries: Vec<&Value> = out["emails"].as_array().unwrap().iter().filter(|e| e["primary"] == true).collect();
    assert_eq!(primaries, [&json!({"value": "b@new.example", "type": "other", "primary": true})]);
}

#[test]
fn rfc7643_2_4_setting_primary_by_value_filter_clears_the_old_primary() {
    let out =
        patch("User", &user(), json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]));
    assert_eq!(out["emails"][1]["primary"], true);
    assert!(out["emails"][0].get("primary").is_none(), "{out}");
}

#[test]
fn rfc7643_2_4_two_primaries_in_one_value_is_invalid_value() {
    patch_err(
        "User",
        &user(),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "a@example.com", "primary": true}, {"value": "b@example.com", "primary": true}
        ]}]),
        ScimType::InvalidValue,
    );
}

// errors

#[test]
fn rfc7644_3_5_2_invalid_syntax_errors() {
    let op = json!([{"op": "add", "path": "title", "value": "x"}]);
    raw_err(json!({"Operations": op}), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [USER], "Operations": op}), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [PATCH_OP], "Operations": []}), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [PATCH_OP], "Operations": {"op": "add"}}), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [PATCH_OP]}), ScimType::InvalidSyntax);
    raw_err(json!([1]), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [PATCH_OP], "Operations": ["add"]}), ScimType::InvalidSyntax);
    raw_err(json!({"schemas": [PATCH_OP], "Operations": [{"path": "title", "value": "x"}]}), ScimType::InvalidSyntax);
    let e = raw_err(
        json!({"schemas": [PATCH_OP], "Operations": [{"op": "move", "path": "title"}]}),
        ScimType::InvalidSyntax,
    );
    assert!(e.detail.contains("move"), "{e}");
    raw_err(json!({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "title"}]}), ScimType::InvalidSyntax);
    raw_err(
        json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title"}]}),
        ScimType::InvalidSyntax,
    );
    let e = strict().apply_patch("User", &user().to_string(), "{\"schemas\":").unwrap_err();
    assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidSyntax)));
}

#[test]
fn rfc7644_3_5_2_2_remove_with_value_is_invalid_syntax_in_strict_mode() {
    let e = patch_err(
        "Group",
        &group(),
        json!([{"op": "remove", "path": "members", "value": [{"value": BABS}]}]),
        ScimType::InvalidSyntax,
    );
    assert!(e.detail.contains("remove takes no"), "{e}");
}

#[test]
fn rfc7644_3_5_2_invalid_path_errors() {
    let u = user();
    let e = patch_err("User", &u, json!([{"op": "add", "path": "nickNames", "value": "x"}]), ScimType::InvalidPath);
    assert!(e.detail.contains("nickNames"), "{e}");
    patch_err("User", &u, json!([{"op": "add", "path": "name.nickName", "value": "x"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "add", "path": "name..x", "value": "x"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "add", "path": "", "value": "x"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "add", "path": 7, "value": "x"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "remove", "path": "emails[type eq"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "remove", "path": "emails[typo eq \"work\"]"}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "remove", "path": "title[value eq \"x\"]"}]), ScimType::InvalidPath);
    patch_err(
        "User",
        &u,
        json!([{"op": "add", "path": "urn:example:unknown:1.0:User:x", "value": "x"}]),
        ScimType::InvalidPath,
    );
    patch_err("User", &u, json!([{"op": "add", "value": {"nickNames": "x"}}]), ScimType::InvalidPath);
    patch_err("User", &u, json!([{"op": "add", "path": ENTERPRISE, "value": {"salary": 1}}]), ScimType::InvalidPath);
}

#[test]
fn rfc7644_3_5_2_invalid_value_errors() {
    let u = user();
    let e = patch_err("User", &u, json!([{"op": "replace", "path": "active", "value": "yes"}]), ScimType::InvalidValue);
    assert!(e.detail.contains("active"), "{e}");
    patch_err("User", &u, json!([{"op": "add", "path": "emails", "value": "x@example.com"}]), ScimType::InvalidValue);
    patch_err("User", &u, json!([{"op": "add", "path": "name", "value": "Babs"}]), ScimType::InvalidValue);
    patch_err("User", &u, json!([{"op": "add", "value": "Babs"}]), ScimType::InvalidValue);
    patch_err("User", &u, json!([{"op": "replace", "path": "name.givenName", "value": 3}]), ScimType::InvalidValue);
    patch_err(
        "User",
        &u,
        json!([{"op": "add", "path": "emails[type eq \"work\"].primary", "value": "maybe"}]),
        ScimType::InvalidValue,
    );
}

#[test]
fn rfc7643_2_2_removing_a_required_attribute_is_invalid_value() {
    let e = patch_err("User", &user(), json!([{"op": "remove", "path": "userName"}]), ScimType::InvalidValue);
    assert!(e.detail.contains("userName"), "{e}");
    patch_err("User", &user(), json!([{"op": "replace", "path": "userName", "value": null}]), ScimType::InvalidValue);
    patch_err("Group", &group(), json!([{"op": "remove", "path": "displayName"}]), ScimType::InvalidValue);
}

#[test]
fn rfc7644_3_5_2_mutability_errors() {
    let u = user();
    let e = patch_err("User", &u, json!([{"op": "replace", "path": "id", "value": "other"}]), ScimType::Mutability);
    assert!(e.detail.contains("id"), "{e}");
    patch_err("User", &u, json!([{"op": "remove", "path": "id"}]), ScimType::Mutability);
    patch_err(
        "User",
        &u,
        json!([{"op": "replace", "path": "meta.lastModified", "value": "2020-01-01T00:00:00Z"}]),
        ScimType::Mutability,
    );
    patch_err("User", &u, json!([{"op": "add", "path": "groups", "value": [{"value": "g1"}]}]), ScimType::Mutability);
    patch_err("User", &u, json!([{"op": "replace", "value": {"id": "other", "title": "x"}}]), ScimType::Mutability);
    patch_err(
        "User",
        &u,
        json!([{"op": "add", "path": format!("{ENTERPRISE}:manager.displayName"), "value": "Boss"}]),
        ScimType::Mutability,
    );
    // Group member values are immutable once set (RFC 7643 §4.2).
    patch_err(
        "Group",
        &group(),
        json!([{"op": "replace", "path": format!("members[value eq \"{BABS}\"].value"), "value": JAMES}]),
        ScimType::Mutability,
    );
}

#[test]
fn rfc7644_3_5_2_read_only_echo_is_a_mutability_error_in_strict_mode() {
    patch_err("User", &user(), json!([{"op": "replace", "value": {"id": BABS, "title": "x"}}]), ScimType::Mutability);
}

// atomicity

#[test]
fn rfc7644_3_5_2_operations_apply_atomically() {
    let u = user();
    let snapshot = u.clone();
    let e = patch_err(
        "User",
        &u,
        json!([
            {"op": "replace", "path": "title", "value": "Changed"},
            {"op": "replace", "path": "active", "value": "not a boolean"}
        ]),
        ScimType::InvalidValue,
    );
    assert!(e.detail.contains("Operations[1]"), "{e}");
    let engine = strict();
    let rt = engine.resource_type("User").unwrap();
    let body = json!({"schemas": [PATCH_OP], "Operations": [
        {"op": "remove", "path": "emails"},
        {"op": "remove", "path": "userName"}
    ]});
    let mut l = engine.leniency();
    assert!(scim_engine::patch::apply(rt, &u, &body, &mut l).is_err());
    assert_eq!(u, snapshot);
}

#[test]
fn rfc7644_3_5_2_later_operations_see_earlier_ones() {
    let out = patch(
        "User",
        &user(),
        json!([
            {"op": "add", "path": "nickName", "value": "Babs"},
            {"op": "replace", "path": "nickName", "value": "Barb"},
            {"op": "add", "path": "emails", "value": [{"value": "x@example.com", "type": "other"}]},
            {"op": "remove", "path": "emails[value eq \"x@example.com\"]"}
        ]),
    );
    assert_eq!(out["nickName"], "Barb");
    assert_eq!(out["emails"], user()["emails"]);
}

#[test]
fn rfc7644_3_5_2_1_add_on_value_filter_path_merges_into_matching_values() {
    let out = patch(
        "User",
        &user(),
        json!([{"op": "add", "path": "addresses[type eq \"home\"]", "value": {"postalCode": "91608"}}]),
    );
    assert_eq!(
        out["addresses"][1],
        json!({"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood", "postalCode": "91608"})
    );
}

#[test]
fn rfc7643_2_2_read_only_sub_attributes_in_a_value_are_ignored() {
    let u = patch(
        "User",
        &user(),
        json!([{"op": "add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": JAMES}}]),
    );
    let out = patch(
        "User",
        &u,
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager"), "value": {"displayName": "Boss"}}]),
    );
    assert_eq!(out, u, "only readOnly parts: nothing changes, nothing is unassigned");
    let out = patch("User", &u, json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager"), "value": null}]));
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7644_3_5_2_3_replace_whole_extension_sets_the_given_attributes() {
    let u = patch(
        "User",
        &user(),
        json!([{"op": "add", "path": ENTERPRISE, "value": {"employeeNumber": "1", "division": "A"}}]),
    );
    let out = patch("User", &u, json!([{"op": "replace", "path": ENTERPRISE, "value": {"division": "B"}}]));
    assert_eq!(out[ENTERPRISE], json!({"employeeNumber": "1", "division": "B"}));
    let out = patch("User", &u, json!([{"op": "replace", "path": ENTERPRISE, "value": null}]));
    assert!(out.get(ENTERPRISE).is_none());
    patch_err("User", &u, json!([{"op": "add", "path": ENTERPRISE, "value": "x"}]), ScimType::InvalidValue);
}
