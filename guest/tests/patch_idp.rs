//! PATCH as identity providers really send it (IDP_QUIRKS.md, "PATCH"): each
//! tolerance rule accepted by default and refused in strict mode.

use scim_engine::config::Config;
use scim_engine::tolerance::{Rule, Tolerances};
use scim_engine::{Engine, ScimError, ScimType};
use serde_json::{json, Value};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USER_ID: &str = "6c5bb468-14b2-4183-baf2-06d523e03bd3";
const GROUP_ID: &str = "00g1emaKYZTWRYYRRTSK";
const BOSS: &str = "26118915-6090-4610-87e4-49d8ca9f808d";
const M1: &str = "00u1a7zqj1CQMEKXGMQP";
const M2: &str = "00u1a7zqj1CQMEKXGMQQ";
const M3: &str = "00u1a7zqj1CQMEKXGMQR";

fn lenient() -> Engine {
    Engine::default()
}

fn strict() -> Engine {
    Engine::new(Config { tolerances: Tolerances::strict(), ..Default::default() }).unwrap()
}

/// Strict except for one rule: shows that rule alone is what accepts the input.
fn only(rule: Rule) -> Engine {
    let mut tolerances = Tolerances::strict();
    tolerances.set(rule, true);
    Engine::new(Config { tolerances, ..Default::default() }).unwrap()
}

fn user() -> Value {
    json!({
        "schemas": [USER],
        "id": USER_ID,
        "userName": "Test_User_ab6490ee@contoso.com",
        "name": {"givenName": "Test", "familyName": "User"},
        "active": true,
        "emails": [{"value": "Test_User_ab6490ee@contoso.com", "type": "work", "primary": true}],
        "meta": {"resourceType": "User"}
    })
}

fn group() -> Value {
    json!({
        "schemas": [GROUP],
        "id": GROUP_ID,
        "displayName": "Engineering",
        "members": [{"value": M1}, {"value": M2}, {"value": M3}],
        "meta": {"resourceType": "Group"}
    })
}

/// Applies `ops`, returning the patched resource and the names of the rules that fired.
fn run(e: &Engine, rt: &str, res: &Value, ops: Value) -> Result<(Value, Vec<Rule>), ScimError> {
    let body = json!({"schemas": [PATCH_OP], "Operations": ops});
    e.apply_patch(rt, &res.to_string(), &body.to_string())
        .map(|o| (serde_json::from_str(&o.value).unwrap(), o.fired.into_iter().map(|f| f.rule).collect()))
}

fn ok_firing(e: &Engine, rt: &str, res: &Value, ops: Value, rule: Rule) -> Value {
    let (out, fired) = run(e, rt, res, ops).unwrap();
    assert!(fired.contains(&rule), "{} should have fired; fired: {fired:?}", rule.name());
    out
}

fn err(e: &Engine, rt: &str, res: &Value, ops: Value, ty: ScimType) -> ScimError {
    let e = run(e, rt, res, ops).expect_err("the PATCH must fail");
    assert_eq!((e.status, e.scim_type), (400, Some(ty)), "{e}");
    e
}

fn member_ids(g: &Value) -> Vec<&str> {
    g["members"].as_array().map(|m| m.iter().filter_map(|v| v["value"].as_str()).collect()).unwrap_or_default()
}

#[test]
fn entra_patch_capitalised_ops() {
    let ops = json!([
        {"op": "Replace", "path": "displayName", "value": "Test User"},
        {"op": "Add", "path": "nickName", "value": "Tess"},
        {"op": "Remove", "path": "name.familyName"}
    ]);
    for e in [lenient(), only(Rule::PatchOpAnyCase)] {
        let out = ok_firing(&e, "User", &user(), ops.clone(), Rule::PatchOpAnyCase);
        assert_eq!((&out["displayName"], &out["nickName"]), (&json!("Test User"), &json!("Tess")));
        assert_eq!(out["name"], json!({"givenName": "Test"}));
    }
    let e = err(&strict(), "User", &user(), ops, ScimType::InvalidSyntax);
    assert!(e.detail.contains("\"replace\""), "{e}");
}

#[test]
fn entra_patch_string_booleans() {
    let ops = json!([{"op": "Replace", "path": "active", "value": "False"}]);
    let out = ok_firing(&lenient(), "User", &user(), ops.clone(), Rule::StringBooleans);
    assert_eq!(out["active"], false);
    let mut e = Tolerances::default();
    e.set(Rule::StringBooleans, false);
    let e = Engine::new(Config { tolerances: e, ..Default::default() }).unwrap();
    let error = err(&e, "User", &user(), ops, ScimType::InvalidValue);
    assert!(error.detail.contains("active"), "{error}");
    // Inside a no-path value object and a value-filter path too.
    let ops = json!([
        {"op": "replace", "value": {"active": "True"}},
        {"op": "replace", "path": "emails[type eq \"work\"].primary", "value": "True"}
    ]);
    let out = ok_firing(&only(Rule::StringBooleans), "User", &user(), ops.clone(), Rule::StringBooleans);
    assert_eq!((&out["active"], &out["emails"][0]["primary"]), (&json!(true), &json!(true)));
    err(&strict(), "User", &user(), ops, ScimType::InvalidValue);
}

#[test]
fn entra_patch_dotted_keys_in_value() {
    let ops = json!([{"op": "replace", "value": {"name.givenName": "Tess", "name.familyName": "Tester", "displayName": "Tess Tester"}}]);
    let out =
        ok_firing(&only(Rule::DottedKeysInPatchValue), "User", &user(), ops.clone(), Rule::DottedKeysInPatchValue);
    assert_eq!(out["name"], json!({"givenName": "Tess", "familyName": "Tester"}));
    assert_eq!(out["displayName"], "Tess Tester");
    let e = err(&strict(), "User", &user(), ops, ScimType::InvalidPath);
    assert!(e.detail.contains("dotted"), "{e}");
}

#[test]
fn entra_patch_urn_keys_in_value() {
    let ops = json!([{"op": "add", "value": {
        format!("{ENTERPRISE}:employeeNumber"): "701984",
        format!("{ENTERPRISE}:department"): "Tour Operations",
        format!("{USER}:title"): "Guide"
    }}]);
    let out = ok_firing(&only(Rule::UrnKeysInPatchValue), "User", &user(), ops.clone(), Rule::UrnKeysInPatchValue);
    assert_eq!(out[ENTERPRISE], json!({"employeeNumber": "701984", "department": "Tour Operations"}));
    assert_eq!(out["title"], "Guide");
    assert_eq!(out["schemas"], json!([USER, ENTERPRISE]));
    err(&strict(), "User", &user(), ops, ScimType::InvalidPath);
}

#[test]
fn entra_manager_three_shapes_three_paths() {
    let paths = [format!("{ENTERPRISE}:manager"), format!("{ENTERPRISE}.manager"), "manager".to_string()];
    let shapes = [
        json!(BOSS),
        json!({"value": BOSS}),
        json!([{"$ref": format!("https://example.com/scim/v2/Users/{BOSS}"), "value": BOSS}]),
    ];
    for (pi, path) in paths.iter().enumerate() {
        for (si, shape) in shapes.iter().enumerate() {
            for op in ["add", "replace", "Replace"] {
                let ops = json!([{"op": op, "path": path, "value": shape}]);
                let (out, fired) = run(&lenient(), "User", &user(), ops.clone()).unwrap();
                assert_eq!(out[ENTERPRISE]["manager"]["value"], BOSS, "{path} {shape}");
                assert_eq!(out["schemas"], json!([USER, ENTERPRISE]));
                if pi > 0 || si == 0 {
                    assert!(fired.contains(&Rule::ManagerShapes), "{path} {shape}: {fired:?}");
                }
                if si == 2 {
                    // A one-element array is also what SingleElementArrayForSingleValue accepts.
                    assert!(
                        fired.contains(&Rule::ManagerShapes) || fired.contains(&Rule::SingleElementArrayForSingleValue),
                        "{path} {shape}: {fired:?}"
                    );
                }
                if pi == 0 && si == 1 && op != "Replace" {
                    assert!(run(&strict(), "User", &user(), ops).is_ok(), "the RFC shape needs no rule");
                } else {
                    let e = run(&strict(), "User", &user(), ops).expect_err("strict refuses");
                    assert_eq!(e.status, 400);
                    let expected = if op == "Replace" {
                        ScimType::InvalidSyntax
                    } else if pi > 0 {
                        ScimType::InvalidPath
                    } else {
                        ScimType::InvalidValue
                    };
                    assert_eq!(e.scim_type, Some(expected), "{path} {shape}: {e}");
                }
            }
        }
    }
    // With only ManagerShapes on, the array shape is accepted by that rule alone.
    let ops = json!([{"op": "replace", "path": "manager", "value": shapes[2]}]);
    let out = ok_firing(&only(Rule::ManagerShapes), "User", &user(), ops, Rule::ManagerShapes);
    assert_eq!(
        out[ENTERPRISE]["manager"],
        json!({"value": BOSS, "$ref": format!("https://example.com/scim/v2/Users/{BOSS}")})
    );
}

#[test]
fn entra_manager_removed() {
    let u = ok_firing(
        &lenient(),
        "User",
        &user(),
        json!([{"op": "add", "path": "manager", "value": BOSS}]),
        Rule::ManagerShapes,
    );
    let (out, _) =
        run(&strict(), "User", &u, json!([{"op": "remove", "path": format!("{ENTERPRISE}:manager")}])).unwrap();
    assert!(out.get(ENTERPRISE).is_none(), "{out}");
    assert_eq!(out["schemas"], json!([USER]));
}

#[test]
fn okta_deactivate_user() {
    let ops = json!([{"op": "replace", "value": {"active": false}}]);
    for e in [lenient(), strict()] {
        let (out, fired) = run(&e, "User", &user(), ops.clone()).unwrap();
        assert_eq!(out["active"], false);
        assert!(fired.is_empty(), "RFC-conformant: {fired:?}");
    }
}

#[test]
fn okta_group_rename_with_id_echo() {
    let ops = json!([{"op": "replace", "value": {"id": GROUP_ID, "displayName": "Engineering (all)"}}]);
    let out = ok_firing(&only(Rule::ReadOnlyEchoInPatch), "Group", &group(), ops.clone(), Rule::ReadOnlyEchoInPatch);
    assert_eq!(out["displayName"], "Engineering (all)");
    assert_eq!(out["id"], GROUP_ID);
    assert_eq!(member_ids(&out), [M1, M2, M3]);
    err(&strict(), "Group", &group(), ops, ScimType::Mutability);
    // A different id is never an echo.
    let ops = json!([{"op": "replace", "value": {"id": "00gOTHER", "displayName": "Engineering (all)"}}]);
    let e = err(&lenient(), "Group", &group(), ops, ScimType::Mutability);
    assert!(e.detail.contains("id"), "{e}");
}

#[test]
fn okta_group_membership_add_and_remove() {
    let (out, _) = run(
        &strict(),
        "Group",
        &group(),
        json!([
            {"op": "remove", "path": format!("members[value eq \"{M2}\"]")},
            {"op": "add", "path": "members", "value": [{"value": "00u1NEW", "display": "New Member"}]}
        ]),
    )
    .unwrap();
    assert_eq!(member_ids(&out), [M1, M3, "00u1NEW"]);
}

#[test]
fn entra_remove_members_by_value_array() {
    let ops = json!([{"op": "Remove", "path": "members", "value": [{"value": M2}]}]);
    let out = ok_firing(&lenient(), "Group", &group(), ops, Rule::RemoveMembersByValue);
    assert_eq!(member_ids(&out), [M1, M3], "only the listed member is removed, never all");
    let ops = json!([{"op": "remove", "path": "members", "value": [{"value": M2}]}]);
    let e = err(&strict(), "Group", &group(), ops, ScimType::InvalidSyntax);
    assert!(e.detail.contains("remove takes no"), "{e}");
}

#[test]
fn jumpcloud_remove_members_by_value_array() {
    let ops = json!([{"op": "remove", "path": "members", "value": [{"value": M1}, {"value": M3}, {"value": "00uNOTAMEMBER"}]}]);
    let out = ok_firing(&only(Rule::RemoveMembersByValue), "Group", &group(), ops.clone(), Rule::RemoveMembersByValue);
    assert_eq!(member_ids(&out), [M2]);
    err(&strict(), "Group", &group(), ops, ScimType::InvalidSyntax);
    let ops = json!([{"op": "remove", "path": "members", "value": [{"value": M1}, {"value": M2}, {"value": M3}]}]);
    let out = ok_firing(&lenient(), "Group", &group(), ops, Rule::RemoveMembersByValue);
    assert!(out.get("members").is_none(), "{out}");
}

#[test]
fn replace_members_with_empty_array_empties_the_group() {
    for e in [lenient(), strict()] {
        let (out, fired) =
            run(&e, "Group", &group(), json!([{"op": "replace", "path": "members", "value": []}])).unwrap();
        assert!(out.get("members").is_none(), "{out}");
        assert!(fired.is_empty());
    }
}

#[test]
fn bare_member_ids() {
    let ops = json!([{"op": "add", "path": "members", "value": ["00u1NEW", M1]}]);
    let out = ok_firing(&only(Rule::BareMemberIds), "Group", &group(), ops.clone(), Rule::BareMemberIds);
    assert_eq!(member_ids(&out), [M1, M2, M3, "00u1NEW"]);
    err(&strict(), "Group", &group(), ops, ScimType::InvalidValue);
}

#[test]
fn entra_value_path_miss_creates_the_element() {
    let ops = json!([
        {"op": "add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0100"},
        {"op": "replace", "path": "addresses[type eq \"work\"].locality", "value": "Redmond"},
        {"op": "replace", "path": "emails[type eq \"home\"]", "value": {"value": "tess@home.example"}}
    ]);
    let out = ok_firing(&only(Rule::CreateOnValuePathMiss), "User", &user(), ops.clone(), Rule::CreateOnValuePathMiss);
    assert_eq!(out["phoneNumbers"], json!([{"type": "mobile", "value": "+1 555 0100"}]));
    assert_eq!(out["addresses"], json!([{"type": "work", "locality": "Redmond"}]));
    assert_eq!(out["emails"][1], json!({"type": "home", "value": "tess@home.example"}));
    err(&strict(), "User", &user(), ops, ScimType::NoTarget);
    // A filter that does not say what to create still misses.
    let ops = json!([{"op": "replace", "path": "emails[value ew \"@example.org\"].type", "value": "work"}]);
    err(&lenient(), "User", &user(), ops, ScimType::NoTarget);
}

#[test]
fn entra_value_path_hit_replaces_matching_sub_attribute() {
    let ops = json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "tess@contoso.com"}]);
    let (out, fired) = run(&lenient(), "User", &user(), ops).unwrap();
    assert_eq!(out["emails"], json!([{"value": "tess@contoso.com", "type": "work", "primary": true}]));
    assert_eq!(fired, [Rule::PatchOpAnyCase]);
}

#[test]
fn entra_full_update_trace() {
    // One PATCH as Entra sends it after an attribute change in the portal.
    let ops = json!([
        {"op": "Replace", "path": "userName", "value": "tess@contoso.com"},
        {"op": "Replace", "path": "active", "value": "True"},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "tess@contoso.com"},
        {"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1 555 0100"},
        {"op": "Add", "value": {"name.givenName": "Tess", format!("{ENTERPRISE}:department"): "Sales"}},
        {"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": BOSS}
    ]);
    let (out, fired) = run(&lenient(), "User", &user(), ops.clone()).unwrap();
    assert_eq!(out["userName"], "tess@contoso.com");
    assert_eq!(out["name"]["givenName"], "Tess");
    assert_eq!(out[ENTERPRISE], json!({"department": "Sales", "manager": {"value": BOSS}}));
    assert_eq!(out["phoneNumbers"], json!([{"type": "work", "value": "+1 555 0100"}]));
    for rule in [
        Rule::PatchOpAnyCase,
        Rule::StringBooleans,
        Rule::CreateOnValuePathMiss,
        Rule::DottedKeysInPatchValue,
        Rule::UrnKeysInPatchValue,
        Rule::ManagerShapes,
    ] {
        assert!(fired.contains(&rule), "{}: {fired:?}", rule.name());
    }
    assert!(run(&strict(), "User", &user(), ops).is_err());
}

#[test]
fn single_element_array_for_single_valued_attribute() {
    let ops = json!([{"op": "replace", "path": "title", "value": ["Guide"]}]);
    let out = ok_firing(
        &only(Rule::SingleElementArrayForSingleValue),
        "User",
        &user(),
        ops.clone(),
        Rule::SingleElementArrayForSingleValue,
    );
    assert_eq!(out["title"], "Guide");
    let e = err(&strict(), "User", &user(), ops, ScimType::InvalidValue);
    assert!(e.detail.contains("title"), "{e}");
}

#[test]
fn large_group_membership_changes() {
    let members: Vec<Value> = (0..20_000).map(|i| json!({"value": format!("m{i}")})).collect();
    let g = json!({"schemas": [GROUP], "id": GROUP_ID, "displayName": "All", "members": members});
    let adds: Vec<Value> = (19_000..21_000).map(|i| json!({"value": format!("m{i}")})).collect();
    let ops = json!([
        {"op": "add", "path": "members", "value": adds},
        {"op": "remove", "path": "members[value eq \"m5\"]"}
    ]);
    let (out, _) = run(&strict(), "Group", &g, ops).unwrap();
    assert_eq!(out["members"].as_array().unwrap().len(), 20_999);
}

#[test]
fn group_member_added_as_one_bare_id_not_in_an_array() {
    let ops = json!([{"op": "add", "path": "members", "value": "00u1a7zqj1CQMEKXGMQS"}]);
    let mut both = Tolerances::strict();
    both.set(Rule::SingleValueForMultiValued, true);
    both.set(Rule::BareMemberIds, true);
    let e = Engine::new(Config { tolerances: both, ..Default::default() }).unwrap();
    let out = ok_firing(&e, "Group", &group(), ops.clone(), Rule::SingleValueForMultiValued);
    assert_eq!(member_ids(&out), [M1, M2, M3, "00u1a7zqj1CQMEKXGMQS"]);
    let (_, fired) = run(&lenient(), "Group", &group(), ops.clone()).unwrap();
    assert!(fired.contains(&Rule::BareMemberIds));
    err(&only(Rule::BareMemberIds), "Group", &group(), ops.clone(), ScimType::InvalidValue);
    err(&strict(), "Group", &group(), ops, ScimType::InvalidValue);
}

#[test]
fn one_email_object_added_without_an_array() {
    let ops = json!([{"op": "add", "path": "emails", "value": {"value": "home@contoso.com", "type": "home"}}]);
    let out = ok_firing(
        &only(Rule::SingleValueForMultiValued),
        "User",
        &user(),
        ops.clone(),
        Rule::SingleValueForMultiValued,
    );
    assert_eq!(out["emails"].as_array().map(Vec::len), Some(2));
    err(&strict(), "User", &user(), ops, ScimType::InvalidValue);
}

#[test]
fn entra_removes_a_member_that_is_already_gone() {
    let gone = "00u1a7zqj1CQMEKXGMQZ";
    let ops = json!([{"op": "Remove", "path": format!("members[value eq \"{gone}\"]")}]);
    let out = ok_firing(&lenient(), "Group", &group(), ops.clone(), Rule::RemoveOfAbsentValue);
    assert_eq!(member_ids(&out), [M1, M2, M3]);
    let only_this = json!([{"op": "remove", "path": format!("members[value eq \"{gone}\"]")}]);
    ok_firing(&only(Rule::RemoveOfAbsentValue), "Group", &group(), only_this.clone(), Rule::RemoveOfAbsentValue);
    err(&strict(), "Group", &group(), only_this, ScimType::NoTarget);
}
