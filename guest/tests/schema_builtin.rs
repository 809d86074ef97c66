//! The built-in schema documents (RFC 7643 §4, §8.7.1) as `/Schemas` serves
//! them, the common attributes (§3.1), and the Error body (RFC 7644 §3.12).

use scim_engine::schema::{Mutability, Returned, Uniqueness};
use scim_engine::{Engine, ScimError, ScimType};
use serde_json::Value;

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn schemas() -> Vec<Value> {
    serde_json::from_str::<Value>(&Engine::default().schemas_json()).unwrap().as_array().unwrap().clone()
}

fn schema(id: &str) -> Value {
    schemas().into_iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("{id} not listed"))
}

fn attribute<'a>(attrs: &'a Value, name: &str) -> &'a Value {
    attrs.as_array().unwrap().iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("{name} missing"))
}

fn no_nulls(v: &Value, at: &str) {
    match v {
        Value::Null => panic!("null at {at}"),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, x)| no_nulls(x, &format!("{at}[{i}]"))),
        Value::Object(o) => o.iter().for_each(|(k, x)| no_nulls(x, &format!("{at}.{k}"))),
        _ => {}
    }
}

#[test]
fn rfc7643_7_schemas_are_listed_core_first_with_no_nulls() {
    let all = schemas();
    let ids: Vec<&str> = all.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![USER, GROUP, ENT]);
    for s in &all {
        no_nulls(s, s["id"].as_str().unwrap());
        assert_eq!(s["schemas"], serde_json::json!(["urn:ietf:params:scim:schemas:core:2.0:Schema"]));
        assert_eq!(s["meta"]["resourceType"], "Schema");
        for a in s["attributes"].as_array().unwrap() {
            for key in ["name", "type", "multiValued", "description", "required", "mutability", "returned"] {
                assert!(a.get(key).is_some(), "{} lacks {key}", a["name"]);
            }
        }
    }
}

#[test]
fn rfc7643_8_7_1_user_name_is_required_server_unique_and_not_case_exact() {
    let user = schema(USER);
    let a = attribute(&user["attributes"], "userName");
    assert_eq!(a["type"], "string");
    assert_eq!(a["required"], true);
    assert_eq!(a["uniqueness"], "server");
    assert_eq!(a["caseExact"], false);
    assert_eq!(a["mutability"], "readWrite");
    assert_eq!(a["returned"], "default");
}

#[test]
fn rfc7643_8_7_1_password_is_write_only_and_never_returned() {
    let user = schema(USER);
    let a = attribute(&user["attributes"], "password");
    assert_eq!(a["mutability"], "writeOnly");
    assert_eq!(a["returned"], "never");
}

#[test]
fn rfc7643_3_1_id_is_always_returned_read_only_and_case_exact() {
    let e = Engine::default();
    for rt in ["User", "Group"] {
        let id = e.resource_type(rt).unwrap().core_attribute("ID").unwrap();
        assert_eq!(id.name, "id");
        assert_eq!(id.returned, Returned::Always);
        assert_eq!(id.mutability, Mutability::ReadOnly);
        assert!(id.case_exact);
        assert_eq!(id.uniqueness, Uniqueness::Server);
        let meta = e.resource_type(rt).unwrap().core_attribute("meta").unwrap();
        assert_eq!(meta.mutability, Mutability::ReadOnly);
        assert_eq!(meta.returned, Returned::Default);
        for sub in ["resourceType", "created", "lastModified", "location", "version"] {
            assert!(meta.sub(sub).is_some(), "meta.{sub}");
        }
        let external = e.resource_type(rt).unwrap().core_attribute("externalId").unwrap();
        assert!(external.case_exact);
    }
    // The common attributes are not part of any schema document.
    assert!(schemas().iter().all(|s| s["attributes"].as_array().unwrap().iter().all(|a| a["name"] != "id")));
}

#[test]
fn entra_emails_phone_numbers_and_ims_advertise_no_display() {
    let user = schema(USER);
    for name in ["emails", "phoneNumbers", "ims", "photos"] {
        let a = attribute(&user["attributes"], name);
        assert_eq!(a["multiValued"], true);
        let subs: Vec<&str> =
            a["subAttributes"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert!(!subs.contains(&"display"), "{name} advertises display");
        assert!(subs.contains(&"value") && subs.contains(&"type") && subs.contains(&"primary"), "{name}: {subs:?}");
    }
    let emails = attribute(&user["attributes"], "emails");
    assert_eq!(
        attribute(&emails["subAttributes"], "type")["canonicalValues"],
        serde_json::json!(["work", "home", "other"])
    );
}

#[test]
fn rfc7643_8_7_1_user_groups_are_read_only() {
    let user = schema(USER);
    let groups = attribute(&user["attributes"], "groups");
    assert_eq!(groups["mutability"], "readOnly");
    for sub in groups["subAttributes"].as_array().unwrap() {
        assert_eq!(sub["mutability"], "readOnly", "groups.{}", sub["name"]);
    }
}

#[test]
fn rfc7643_8_7_1_group_members_sub_attributes() {
    let group = schema(GROUP);
    let dn = attribute(&group["attributes"], "displayName");
    assert_eq!(dn["required"], true);
    let members = attribute(&group["attributes"], "members");
    assert_eq!(members["type"], "complex");
    assert_eq!(members["multiValued"], true);
    let subs = &members["subAttributes"];
    assert_eq!(attribute(subs, "value")["mutability"], "immutable");
    let r = attribute(subs, "$ref");
    assert_eq!(r["type"], "reference");
    assert_eq!(r["referenceTypes"], serde_json::json!(["User", "Group"]));
    assert_eq!(attribute(subs, "type")["canonicalValues"], serde_json::json!(["User", "Group"]));
}

#[test]
fn rfc7643_4_3_enterprise_manager() {
    let ent = schema(ENT);
    let names: Vec<&str> = ent["attributes"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["employeeNumber", "costCenter", "organization", "division", "department", "manager"]);
    let manager = attribute(&ent["attributes"], "manager");
    assert_eq!(manager["type"], "complex");
    assert_eq!(manager["multiValued"], false);
    let subs = &manager["subAttributes"];
    assert_eq!(attribute(subs, "value")["type"], "string");
    assert_eq!(attribute(subs, "$ref")["referenceTypes"], serde_json::json!(["User"]));
    assert_eq!(attribute(subs, "displayName")["mutability"], "readOnly");
}

#[test]
fn rfc7643_2_2_complex_attributes_carry_no_uniqueness_or_case_exact() {
    for s in schemas() {
        for a in s["attributes"].as_array().unwrap() {
            if a["type"] == "complex" {
                assert!(a.get("uniqueness").is_none() && a.get("caseExact").is_none(), "{}", a["name"]);
                assert!(a["subAttributes"].as_array().is_some_and(|v| !v.is_empty()), "{}", a["name"]);
            } else {
                assert!(a.get("subAttributes").is_none(), "{}", a["name"]);
            }
        }
    }
}

#[test]
fn rfc7644_3_12_error_status_is_a_string_and_scim_type_only_when_set() {
    let typed: Value = serde_json::from_str(&ScimError::uniqueness("userName \"bjensen\" is taken").render()).unwrap();
    assert_eq!(typed["schemas"], serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
    assert_eq!(typed["status"], "409");
    assert_eq!(typed["scimType"], "uniqueness");
    assert_eq!(typed["detail"], "userName \"bjensen\" is taken");
    let plain: Value = serde_json::from_str(&ScimError::not_found("no such user").render()).unwrap();
    assert_eq!(plain["status"], "404");
    assert!(plain.get("scimType").is_none());
    assert_eq!(plain["detail"], "no such user");
}

#[test]
fn rfc7644_3_12_table_9_statuses() {
    for t in [ScimType::InvalidFilter, ScimType::InvalidSyntax, ScimType::InvalidPath, ScimType::Mutability] {
        let e = ScimError::typed(t, "x");
        assert_eq!(e.status, 400);
        assert_eq!(ScimType::parse(t.as_str()), Some(t));
    }
    assert_eq!(ScimError::typed(ScimType::Uniqueness, "x").status, 409);
    assert_eq!(ScimError::typed(ScimType::Sensitive, "x").status, 403);
    assert_eq!(ScimType::parse("nope"), None);
}
