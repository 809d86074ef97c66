//! Custom extension schemas supplied as RFC 7643 §7 documents in the engine
//! configuration, and the configuration's own checks.

use scim_engine::path::AttrPath;
use scim_engine::schema::AttrType;
use scim_engine::tolerance::Rule;
use scim_engine::{Context, Engine, ScimError, ScimType};
use serde_json::{json, Value};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ACME: &str = "urn:example:params:scim:schemas:extension:acme:2.0:User";

fn acme_schema() -> Value {
    json!({
        "id": ACME,
        "name": "AcmeUser",
        "description": "Acme's own user attributes",
        "attributes": [
            {"name": "badge", "type": "string", "required": true, "caseExact": true, "uniqueness": "server"},
            {"name": "floor", "type": "integer"},
            {"name": "contractor", "type": "boolean"},
            {"name": "hired", "type": "dateTime"},
            {"name": "devices", "type": "complex", "multiValued": true, "subAttributes": [
                {"name": "serial", "type": "string", "required": true},
                {"name": "kind", "type": "string", "canonicalValues": ["laptop", "phone"]},
                {"name": "primary", "type": "boolean"}
            ]}
        ]
    })
}

fn acme_engine() -> Engine {
    let config = json!({"extensions": [{"resourceType": "User", "required": false, "schema": acme_schema()}]});
    Engine::from_config_json(&config.to_string()).unwrap()
}

fn config_err(config: Value) -> ScimError {
    Engine::from_config_json(&config.to_string()).unwrap_err()
}

fn with_schema(schema: Value) -> Value {
    json!({"extensions": [{"resourceType": "User", "schema": schema}]})
}

fn assert_invalid_value(e: &ScimError, mentions: &str) {
    assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidValue)), "{e}");
    assert!(e.detail.contains(mentions), "detail {:?} should mention {mentions:?}", e.detail);
}

fn acme_user() -> Value {
    json!({
        "schemas": [USER, ACME],
        "userName": "bjensen",
        ACME: {
            "Badge": "B-7", "floor": 3, "contractor": false, "hired": "2011-05-13T04:42:34Z",
            "devices": [{"serial": "SN1", "kind": "laptop", "primary": true}, {"Serial": "SN2"}]
        }
    })
}

#[test]
fn rfc7643_7_custom_extension_validates_resources() {
    let e = acme_engine();
    let out = e.validate_resource("User", Context::CreationRequest, &acme_user().to_string(), None).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert_eq!(out[ACME]["badge"], "B-7");
    assert_eq!(out[ACME]["devices"][1], json!({"serial": "SN2"}));
    assert_eq!(out["schemas"], json!([USER, ACME]));
}

#[test]
fn rfc7643_7_custom_extension_types_are_enforced() {
    let e = acme_engine();
    let cases = [
        (json!({"badge": "B", "floor": "3"}), "floor"),
        (json!({"badge": "B", "contractor": 1}), "contractor"),
        (json!({"badge": "B", "hired": "last tuesday"}), "hired"),
        (json!({"badge": "B", "devices": {"serial": "x"}}), "devices"),
        (json!({"badge": "B", "devices": [{"kind": "phone"}]}), "devices.serial"),
        (json!({"floor": 2}), "badge"),
        (
            json!({"badge": "B", "devices": [{"serial": "1", "primary": true}, {"serial": "2", "primary": true}]}),
            "devices",
        ),
    ];
    for (ext, name) in cases {
        let body = json!({"schemas": [USER, ACME], "userName": "u", ACME: ext});
        let err = e.validate_resource("User", Context::CreationRequest, &body.to_string(), None).unwrap_err();
        assert_invalid_value(&err, name);
    }
}

#[test]
fn rfc7643_7_optional_extension_may_be_absent_and_required_one_may_not() {
    let e = acme_engine();
    let body = json!({"schemas": [USER], "userName": "u"}).to_string();
    e.validate_resource("User", Context::CreationRequest, &body, None).unwrap();
    let config = json!({"extensions": [{"resourceType": "User", "required": true, "schema": acme_schema()}]});
    let required = Engine::from_config_json(&config.to_string()).unwrap();
    let err = required.validate_resource("User", Context::CreationRequest, &body, None).unwrap_err();
    assert_invalid_value(&err, ACME);
}

#[test]
fn rfc7643_7_custom_extension_is_in_schemas_json() {
    let schemas: Value = serde_json::from_str(&acme_engine().schemas_json()).unwrap();
    let acme = schemas.as_array().unwrap().iter().find(|s| s["id"] == ACME).expect("acme schema listed");
    assert_eq!(acme["name"], "AcmeUser");
    let attrs = acme["attributes"].as_array().unwrap();
    let names: Vec<&str> = attrs.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["badge", "floor", "contractor", "hired", "devices"]);
    assert_eq!(attrs[0]["required"], true);
    assert_eq!(attrs[0]["uniqueness"], "server");
    assert_eq!(attrs[1]["type"], "integer");
    assert_eq!(attrs[1]["mutability"], "readWrite");
    assert_eq!(attrs[1]["returned"], "default");
    assert_eq!(attrs[4]["subAttributes"][1]["canonicalValues"], json!(["laptop", "phone"]));
    assert!(!schemas.to_string().contains("null"));
}

#[test]
fn rfc7644_3_4_2_5_custom_extension_projects() {
    let e = acme_engine();
    let stored =
        json!({"id": "1", "userName": "u", ACME: {"badge": "B-7", "devices": [{"serial": "SN1", "kind": "phone"}]}});
    let out = e.project("User", &stored.to_string(), Some(&format!("{ACME}:devices.serial")), None).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert_eq!(out[ACME], json!({"devices": [{"serial": "SN1"}]}));
    assert_eq!(out["schemas"], json!([USER, ACME]));
    let out = e.project("User", &stored.to_string(), None, Some(ACME)).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert!(out.get(ACME).is_none());
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn rfc7644_3_10_custom_extension_attributes_resolve() {
    let e = acme_engine();
    let rt = e.resource_type("User").unwrap();
    let mut l = e.leniency();
    let path = AttrPath::parse(&format!("{ACME}:DEVICES.Serial")).unwrap();
    let r = rt.resolve(&path, &mut l).unwrap();
    assert_eq!(r.canonical(), format!("{ACME}:devices.serial"));
    assert!(r.in_extension);
    assert_eq!(r.leaf().ty, AttrType::String);
    let path = AttrPath::parse(&format!("{ACME}:floor")).unwrap();
    assert_eq!(rt.resolve(&path, &mut l).unwrap().leaf().ty, AttrType::Integer);
    let path = AttrPath::parse(&format!("{ACME}:nothing")).unwrap();
    let err = rt.resolve(&path, &mut l).unwrap_err();
    assert_eq!((err.status, err.scim_type), (400, Some(ScimType::InvalidPath)));
    // The Group resource type does not have it.
    let group = e.resource_type("Groups").unwrap();
    let path = AttrPath::parse(&format!("{ACME}:floor")).unwrap();
    assert_eq!(group.resolve(&path, &mut l).unwrap_err().scim_type, Some(ScimType::InvalidPath));
}

#[test]
fn rfc7643_7_group_extension_attaches_to_group_only() {
    let urn = "urn:example:scim:schemas:extension:acme:1.0:Group";
    let config =
        json!({"extensions": [{"resourceType": "Group", "schema": {"id": urn, "attributes": [{"name": "costCode"}]}}]});
    let e = Engine::from_config_json(&config.to_string()).unwrap();
    assert!(e.resource_type("Group").unwrap().extension(urn).is_some());
    assert!(e.resource_type("User").unwrap().extension(urn).is_none());
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", urn], "displayName": "G", urn: {"costcode": "CC1"}});
    let out = e.validate_resource("Group", Context::CreationRequest, &body.to_string(), None).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert_eq!(out[urn], json!({"costCode": "CC1"}));
}

#[test]
fn rfc7643_7_schema_id_must_be_a_urn() {
    assert_invalid_value(&config_err(with_schema(json!({"id": "acme-user", "attributes": []}))), "URN");
    assert_invalid_value(&config_err(with_schema(json!({"attributes": []}))), "id");
}

#[test]
fn rfc7643_2_3_unknown_attribute_type_is_rejected() {
    let err = config_err(with_schema(json!({"id": ACME, "attributes": [{"name": "x", "type": "float"}]})));
    assert_invalid_value(&err, "float");
}

#[test]
fn rfc7643_2_3_8_complex_inside_complex_is_rejected() {
    let err = config_err(with_schema(
        json!({"id": ACME, "attributes": [{"name": "outer", "type": "complex", "subAttributes": [
            {"name": "inner", "type": "complex", "subAttributes": [{"name": "x"}]}
        ]}]}),
    ));
    assert_invalid_value(&err, "complex");
}

#[test]
fn rfc7643_7_duplicate_attribute_is_rejected() {
    let err = config_err(with_schema(json!({"id": ACME, "attributes": [{"name": "badge"}, {"name": "Badge"}]})));
    assert_invalid_value(&err, "defined twice");
}

#[test]
fn rfc7643_7_bad_attribute_name_and_characteristics_are_rejected() {
    assert_invalid_value(&config_err(with_schema(json!({"id": ACME, "attributes": [{"name": "1x"}]}))), "1x");
    let err = config_err(with_schema(json!({"id": ACME, "attributes": [{"name": "x", "mutability": "sometimes"}]})));
    assert_invalid_value(&err, "sometimes");
    let err = config_err(with_schema(json!({"id": ACME, "attributes": [{"name": "x", "multiValued": "yes"}]})));
    assert_invalid_value(&err, "multiValued");
}

#[test]
fn rfc7643_7_duplicate_schema_id_is_rejected() {
    let twice = json!({"extensions": [
        {"resourceType": "User", "schema": acme_schema()},
        {"resourceType": "User", "schema": acme_schema()}
    ]});
    assert_invalid_value(&config_err(twice), "defined twice");
    assert_invalid_value(&config_err(with_schema(json!({"id": ENT, "attributes": []}))), "defined twice");
    assert_invalid_value(&config_err(with_schema(json!({"id": USER, "attributes": []}))), "defined twice");
}

#[test]
fn rfc7643_7_enterprise_urn_may_be_redefined_when_builtin_is_off() {
    let config = json!({"enterpriseUser": false, "extensions": [{"resourceType": "User", "schema": {"id": ENT, "attributes": [{"name": "employeeNumber"}]}}]});
    let e = Engine::from_config_json(&config.to_string()).unwrap();
    let ext = e.resource_type("User").unwrap().extension(ENT).unwrap();
    assert_eq!(ext.schema.attributes.len(), 1);
}

#[test]
fn config_unknown_resource_type_is_rejected() {
    let err = config_err(json!({"extensions": [{"resourceType": "Device", "schema": acme_schema()}]}));
    assert_invalid_value(&err, "Device");
    let err = config_err(json!({"extensions": [{"schema": acme_schema()}]}));
    assert_invalid_value(&err, "resourceType");
}

#[test]
fn config_unknown_key_and_unknown_tolerance_are_rejected() {
    assert_invalid_value(&config_err(json!({"strictMode": true})), "strictMode");
    assert_invalid_value(&config_err(json!({"tolerances": {"string-bools": true}})), "string-bools");
    assert_invalid_value(&config_err(json!({"tolerances": {"string-booleans": "yes"}})), "string-booleans");
    assert_invalid_value(&config_err(json!([])), "object");
    let err = Engine::from_config_json("{").unwrap_err();
    assert_eq!((err.status, err.scim_type), (400, Some(ScimType::InvalidSyntax)));
}

#[test]
fn config_strict_with_one_tolerance_back_on() {
    let e = Engine::from_config_json(r#"{"strict": true, "tolerances": {"string-booleans": true}}"#).unwrap();
    assert!(e.tolerances.is_on(Rule::StringBooleans));
    assert!(!e.tolerances.is_on(Rule::SchemasOmitted));
    let body = json!({"schemas": [USER], "userName": "u", "active": "True"}).to_string();
    let out = e.validate_resource("User", Context::CreationRequest, &body, None).unwrap();
    assert_eq!(out.fired.iter().map(|f| f.rule).collect::<Vec<_>>(), vec![Rule::StringBooleans]);
    let strict = Engine::from_config_json(r#"{"strict": true}"#).unwrap();
    for r in Rule::ALL {
        assert!(!strict.tolerances.is_on(r), "{}", r.name());
        assert!(Engine::default().tolerances.is_on(r), "{}", r.name());
    }
}

#[test]
fn config_enterprise_user_false_drops_the_extension() {
    let e = Engine::from_config_json(r#"{"enterpriseUser": false}"#).unwrap();
    assert!(e.resource_type("User").unwrap().extension(ENT).is_none());
    assert!(!e.schemas_json().contains(ENT));
    let body = json!({"schemas": [USER], "userName": "u", ENT: {"employeeNumber": "1"}}).to_string();
    let out = e.validate_resource("User", Context::CreationRequest, &body, None).unwrap();
    let out: Value = serde_json::from_str(&out.value).unwrap();
    assert!(out.get(ENT).is_none());
    assert!(Engine::default().schemas_json().contains(ENT));
}
