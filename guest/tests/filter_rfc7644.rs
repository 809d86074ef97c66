//! RFC 7644 §3.4.2.2 filters and the filters identity providers really send
//! (IDP_QUIRKS.md): parse, print, compile, evaluate, and errors.

use scim_engine::filter::{self, compile, compile_element_filter, parse, parse_patch_path, Filter, Plan};
use scim_engine::path::AttrPath;
use scim_engine::schema::ResourceType;
use scim_engine::tolerance::{Leniency, Rule, Tolerances};
use scim_engine::{Engine, ScimError, ScimType};
use serde_json::{json, Value};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

fn engine() -> Engine {
    Engine::default()
}

fn user_rt(e: &Engine) -> &ResourceType {
    e.resource_type("User").unwrap()
}

/// Parses with the given tolerances, checks the printed form parses back equal, compiles.
fn plan_with(rules: &Tolerances, rt: &str, text: &str) -> Result<(Plan, Vec<Rule>), ScimError> {
    let e = engine();
    let rt = e.resource_type(rt).unwrap();
    let mut l = Leniency::new(rules);
    let f = parse(text, &mut l)?;
    let printed = f.to_string();
    let mut l2 = Leniency::new(rules);
    let reparsed = parse(&printed, &mut l2).unwrap_or_else(|e| panic!("{printed:?} does not parse back: {e}"));
    assert_eq!(reparsed, f, "printed {printed:?}");
    let plan = compile(&f, rt, &mut l)?;
    Ok((plan, l.into_fired().into_iter().map(|f| f.rule).collect()))
}

fn plan(text: &str) -> Plan {
    plan_with(&Tolerances::default(), "User", text).unwrap_or_else(|e| panic!("{text}: {e}")).0
}

fn printed(text: &str) -> String {
    parse(text, &mut Leniency::new(&Tolerances::default())).unwrap().to_string()
}

fn filter_error(rules: &Tolerances, rt: &str, text: &str) -> ScimError {
    match plan_with(rules, rt, text) {
        Ok(_) => panic!("{text:?} should fail"),
        Err(e) => {
            assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidFilter)), "{text:?}: {e}");
            e
        }
    }
}

fn lenient_error(text: &str) -> String {
    filter_error(&Tolerances::default(), "User", text).detail
}

fn bjensen() -> Value {
    json!({
        "schemas": [CORE, ENTERPRISE],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "bjensen",
        "userName": "bjensen",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "title": "Tour Guide",
        "userType": "Employee",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "ims": [{"value": "bjensen@foo.com", "type": "xmpp"}],
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"},
        ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}}
    })
}

fn omalley() -> Value {
    json!({
        "schemas": [CORE],
        "id": "c3a26dd3-27a0-4dec-a2ac-ce211e105f97",
        "externalId": "jyoung",
        "userName": "Jim.OMalley",
        "name": {"familyName": "O'Malley", "givenName": "Jim"},
        "userType": "Intern",
        "active": false,
        "emails": [{"value": "jim@example.org", "type": "home"}],
        "meta": {"resourceType": "User", "lastModified": "2010-01-23T04:56:22Z"}
    })
}

fn contractor() -> Value {
    json!({
        "schemas": [CORE],
        "userName": "carl",
        "userType": "Contractor",
        "emails": [{"value": "carl@other.net", "type": "work"}],
        "meta": {"lastModified": "2019-09-20T08:16:03.1234567Z"}
    })
}

/// An employee whose work address is elsewhere and whose home address is at example.com.
fn mixed() -> Value {
    json!({
        "schemas": [CORE],
        "userName": "mixed",
        "userType": "Employee",
        "emails": [{"value": "m@other.net", "type": "work"}, {"value": "m@example.com", "type": "home"}],
        "ims": [{"value": "m@foo.com", "type": "aim"}]
    })
}

/// `text` matches exactly the users named in `expected` among bjensen, omalley, contractor, mixed.
fn check(text: &str, expected: &[&str]) {
    let p = plan(text);
    for (name, user) in
        [("bjensen", bjensen()), ("omalley", omalley()), ("contractor", contractor()), ("mixed", mixed())]
    {
        assert_eq!(p.matches(&user), expected.contains(&name), "{text} on {name}");
    }
}

#[test]
fn rfc7644_3_4_2_2_username_eq() {
    check(r#"userName eq "bjensen""#, &["bjensen"]);
    check(r#"userName eq "BJensen""#, &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_family_name_co() {
    check(r#"name.familyName co "O'Malley""#, &["omalley"]);
}

#[test]
fn rfc7644_3_4_2_2_username_sw() {
    check(r#"userName sw "J""#, &["omalley"]);
}

#[test]
fn rfc7644_3_4_2_2_urn_qualified_username_sw() {
    check(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, &["omalley"]);
    assert_eq!(plan(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#).to_json()["attr"], "userName");
}

#[test]
fn rfc7644_3_4_2_2_title_pr() {
    check("title pr", &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_last_modified_comparisons() {
    check(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, &["contractor"]);
    check(r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, &["bjensen", "contractor"]);
    check(r#"meta.lastModified lt "2011-05-13T04:42:34Z""#, &["omalley"]);
    check(r#"meta.lastModified le "2011-05-13T04:42:34Z""#, &["bjensen", "omalley"]);
}

#[test]
fn rfc7644_3_4_2_2_title_pr_and_user_type() {
    check(r#"title pr and userType eq "Employee""#, &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_title_pr_or_user_type() {
    check(r#"title pr or userType eq "Intern""#, &["bjensen", "omalley"]);
}

#[test]
fn rfc7644_3_4_2_2_schemas_eq_enterprise() {
    check(r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#, &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_employee_and_emails_co_group() {
    let text = r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#;
    check(text, &["bjensen", "mixed"]);
    assert_eq!(printed(text), text);
}

#[test]
fn rfc7644_3_4_2_2_not_employee_and_not_group() {
    let text = r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#;
    check(text, &["contractor"]);
    assert_eq!(printed(text), text);
}

#[test]
fn rfc7644_3_4_2_2_employee_and_parenthesised_email_type() {
    let text = r#"userType eq "Employee" and (emails.type eq "work")"#;
    check(text, &["bjensen", "mixed"]);
    assert_eq!(printed(text), r#"userType eq "Employee" and emails.type eq "work""#);
}

#[test]
fn rfc7644_3_4_2_2_employee_and_value_path() {
    // `mixed` has a work address and an example.com address, but not in the same element.
    check(r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_value_path_or_value_path() {
    let text = r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#;
    check(text, &["bjensen"]);
    assert_eq!(printed(text), text);
}

#[test]
fn rfc7644_3_4_2_2_precedence_not_and_or() {
    let f = parse(r#"a eq 1 or b eq 2 and c eq 3"#, &mut Leniency::new(&Tolerances::default())).unwrap();
    assert!(matches!(&f, Filter::Or(items) if items.len() == 2 && matches!(items[1], Filter::And(_))));
    check(r#"userName eq "carl" or userType eq "Employee" and title pr"#, &["bjensen", "contractor"]);
    check(r#"(userName eq "carl" or userType eq "Employee") and title pr"#, &["bjensen"]);
    assert_eq!(printed(r#"((a eq 1 or b eq 2)) and c eq 3"#), r#"(a eq 1 or b eq 2) and c eq 3"#);
}

#[test]
fn rfc7644_3_4_2_2_operators_and_names_case_insensitive() {
    check(r#"UserName EQ "bjensen" AND Title PR"#, &["bjensen"]);
    assert_eq!(printed(r#"userName Eq "x" Or Not (title Pr)"#), r#"userName eq "x" or not (title pr)"#);
}

#[test]
fn rfc7644_3_4_2_2_string_escapes() {
    let f =
        parse(r#"displayName eq "a\"b\\c\u00e9\ud83d\ude00\n""#, &mut Leniency::new(&Tolerances::strict())).unwrap();
    assert!(matches!(f, Filter::Compare { value: filter::CompValue::String(ref s), .. } if s == "a\"b\\cé😀\n"));
    assert_eq!(f.to_string(), r#"displayName eq "a\"b\\cé😀\n""#);
}

#[test]
fn rfc7644_3_4_2_2_eq_null_and_ne_null() {
    check("title eq null", &["omalley", "contractor", "mixed"]);
    check("title ne null", &["bjensen"]);
}

#[test]
fn rfc7643_enterprise_extension_attributes() {
    check(&format!(r#"{ENTERPRISE}:employeeNumber eq "701984""#), &["bjensen"]);
    check(&format!(r#"{ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#), &["bjensen"]);
    check(&format!("{ENTERPRISE}:manager pr"), &["bjensen"]);
}

#[test]
fn rfc7643_case_exact_attributes_compare_exactly() {
    check(r#"externalId eq "BJENSEN""#, &[]);
    check(r#"externalId eq "bjensen""#, &["bjensen"]);
    check(r#"id eq "2819C223-7F76-453A-919D-413861904646""#, &[]);
}

#[test]
fn rfc7644_3_4_2_2_booleans() {
    check("active eq true", &["bjensen"]);
    check("active eq false", &["omalley"]);
    check("active ne true", &["omalley"]);
    check(r#"emails[primary eq true]"#, &["bjensen"]);
}

#[test]
fn rfc7644_3_4_2_2_complex_single_valued_value_path() {
    check(r#"name[givenName eq "jim" and familyName sw "o'"]"#, &["omalley"]);
}

#[test]
fn entra_test_connection_random_guid() {
    check(r#"userName eq "5f1d9f0e-0f2f-4b6e-9d2b-7d1e6c1b2a3c""#, &[]);
}

#[test]
fn entra_unquoted_values() {
    let (p, fired) = plan_with(&Tolerances::default(), "User", "externalId eq jyoung").unwrap();
    assert_eq!(fired, vec![Rule::UnquotedFilterValues]);
    assert!(p.matches(&omalley()));
    assert!(!p.matches(&bjensen()));
    check("userName sw J", &["omalley"]);
    assert_eq!(printed("userName sw O"), r#"userName sw "O""#);
    let e = filter_error(&Tolerances::strict(), "User", "externalId eq jyoung");
    assert!(e.detail.contains("character 14") && e.detail.contains("jyoung"), "{}", e.detail);
}

#[test]
fn entra_unquoted_number_for_string_attribute() {
    let (p, fired) = plan_with(&Tolerances::default(), "User", "externalId eq 12345").unwrap();
    assert_eq!(fired, vec![Rule::UnquotedFilterValues]);
    assert!(p.matches(&json!({"externalId": "12345"})));
    let e = filter_error(&Tolerances::strict(), "User", "externalId eq 12345");
    assert!(e.detail.contains("externalId"), "{}", e.detail);
}

#[test]
fn entra_pascal_case_names_and_operators() {
    let (p, _) = plan_with(&Tolerances::strict(), "Group", r#"DisplayName Eq "Admins""#).unwrap();
    assert!(p.matches(&json!({"displayName": "admins"})));
    assert!(p.matches(&json!({"DISPLAYNAME": "Admins"})));
    assert!(!p.matches(&json!({"displayName": "Users"})));
    check(r#"ActiVe Eq TRUE"#, &["bjensen"]);
}

#[test]
fn entra_value_path_sub_attribute_compare() {
    let text = r#"emails[type eq "work"].value eq "bjensen@example.com""#;
    let (p, fired) = plan_with(&Tolerances::default(), "User", text).unwrap();
    assert_eq!(fired, vec![Rule::ValuePathSubAttributeCompare]);
    assert!(p.matches(&bjensen()));
    assert!(!p.matches(&json!({"emails": [{"type": "home", "value": "bjensen@example.com"}, {"type": "work"}]})));
    assert_eq!(printed(text), r#"emails[type eq "work" and value eq "bjensen@example.com"]"#);
    let e = filter_error(&Tolerances::strict(), "User", text);
    assert!(e.detail.contains("character 22") && e.detail.contains(".value"), "{}", e.detail);
}

#[test]
fn entra_string_booleans_in_filters() {
    let (p, fired) = plan_with(&Tolerances::default(), "User", r#"active eq "True""#).unwrap();
    assert_eq!(fired, vec![Rule::StringBooleans]);
    assert!(p.matches(&bjensen()));
    let e = filter_error(&Tolerances::strict(), "User", r#"active eq "True""#);
    assert!(e.detail.contains("active"), "{}", e.detail);
}

#[test]
fn entra_seven_digit_fractions_and_offsets() {
    check(r#"meta.lastModified ge "2019-09-20T08:16:03.1234567Z""#, &["contractor"]);
    check(r#"meta.lastModified gt "2019-09-20T08:16:03.1234567Z""#, &[]);
    check(r#"meta.lastModified eq "2019-09-20T10:16:03.1234567+02:00""#, &["contractor"]);
    check(r#"meta.lastModified le "2011-05-13T06:42:34.0000000+02:00""#, &["bjensen", "omalley"]);
}

#[test]
fn entra_active_and_parenthesised_or() {
    check(r#"active eq true and (userName eq "x" or externalId eq "bjensen")"#, &["bjensen"]);
}

#[test]
fn okta_group_members_value_path() {
    let (p, _) = plan_with(&Tolerances::strict(), "Group", r#"members[value eq "2819c223"]"#).unwrap();
    assert!(p.matches(&json!({"members": [{"value": "x"}, {"value": "2819c223"}]})));
    assert!(!p.matches(&json!({"members": []})));
}

#[test]
fn long_chains_parse_and_evaluate_without_recursion() {
    let or_chain: Vec<String> = (0..10_000).map(|i| format!(r#"userName eq "u{i}""#)).collect();
    let p = plan(&or_chain.join(" or "));
    assert!(p.matches(&json!({"userName": "u9999"})));
    assert!(!p.matches(&json!({"userName": "v"})));
    let and_chain: Vec<&str> = (0..10_000).map(|_| "userName pr").collect();
    let p = plan(&and_chain.join(" AND "));
    assert!(p.matches(&bjensen()));
}

fn assert_detail(text: &str, parts: &[&str]) {
    let d = lenient_error(text);
    for p in parts {
        assert!(d.contains(p), "{text:?}: {d:?} lacks {p:?}");
    }
}

#[test]
fn rfc7644_3_4_2_2_syntax_errors_say_where_and_what() {
    assert_detail("", &["empty"]);
    assert_detail("   ", &["empty"]);
    assert_detail("userName eq", &["end of input", "character 11", "expected a value"]);
    assert_detail(r#"userName eq "x" and"#, &["end of input", "expected an attribute path"]);
    assert_detail(r#"userName xx "x""#, &["character 9", "\"xx\"", "expected an operator"]);
    assert_detail(r#"(userName eq "x""#, &["end of input", "expected \")\""]);
    assert_detail(r#"userName eq "x")"#, &["character 15", "\")\"", "end of the filter"]);
    assert_detail(r#"emails[type eq "work""#, &["expected \"]\""]);
    assert_detail(r#"emails[type eq "work"] x"#, &["character 23", "\"x\""]);
    assert_detail(r#"not userName eq "x""#, &["character 4", "expected \"(\" after \"not\""]);
    assert_detail(r#"emails[type[value eq "x"]]"#, &["cannot contain another value filter"]);
    assert_detail(r#"name.givenName[value eq "x"]"#, &["character 0", "not a sub-attribute"]);
    assert_detail(r#"1abc eq "x""#, &["character 0", "expected an attribute path"]);
    assert_detail(r#"userName eq "abc"#, &["character 12", "not terminated"]);
}

#[test]
fn rfc7644_3_4_2_2_value_errors() {
    assert_detail("userName eq 1e999", &["character 12", "out of range"]);
    assert_detail("userName eq 99999999999999999999", &["out of range"]);
    assert_detail(r#"userName eq "a\qb""#, &["character 14", "invalid escape"]);
    assert_detail(r#"userName eq "\ud800""#, &["surrogate"]);
    assert_detail(r#"userName eq "\u12""#, &["4 hex digits"]);
    assert_detail("userName eq \"a\u{1}b\"", &["character 14", "U+0001"]);
    assert_detail("userName\u{7} eq \"x\"", &["character 8", "U+0007"]);
}

#[test]
fn unicode_input_never_panics() {
    for text in
        ["ünïcödé eq \"x\"", "€€€", "ab€ eq 1", "userName eq €", "emails[€]", "urn:€:x eq 1", "\u{feff}", "日本 pr"]
    {
        let strict = Tolerances::strict();
        let mut l = Leniency::new(&strict);
        if let Ok(f) = parse(text, &mut l) {
            let _ = compile(&f, user_rt(&engine()), &mut l);
        }
    }
    assert_detail("ab€ eq 1", &["character 0", "ab€"]);
}

#[test]
fn nesting_too_deeply_is_invalid_filter() {
    for depth in [51, 10_000] {
        let text = format!("{}userName pr{}", "(".repeat(depth), ")".repeat(depth));
        assert_detail(&text, &["nested too deeply"]);
        let text = format!("{}userName pr{}", "not (".repeat(depth), ")".repeat(depth));
        assert_detail(&text, &["nested too deeply"]);
    }
    let ok = format!("{}userName pr{}", "(".repeat(50), ")".repeat(50));
    plan(&ok);
}

#[test]
fn rfc7644_3_4_2_2_compile_errors() {
    assert_detail(r#"foo eq "x""#, &["\"foo\""]);
    assert_detail(r#"name.middle eq "x""#, &["middle"]);
    assert_detail("active gt true", &["\"gt\"", "active", "boolean"]);
    assert_detail(r#"x509Certificates.value ge "AAAA""#, &["\"ge\"", "binary"]);
    assert_detail(r#"x509Certificates.value co "AAAA""#, &["\"co\"", "binary"]);
    assert_detail(r#"meta.lastModified co "2011""#, &["\"co\"", "dateTime"]);
    assert_detail(r#"meta.lastModified gt "yesterday""#, &["meta.lastModified", "xsd:dateTime"]);
    assert_detail(r#"active eq "maybe""#, &["active", "true or false"]);
    assert_detail("userName gt null", &["null"]);
    assert_detail(r#"name eq "x""#, &["complex"]);
    assert_detail(r#"userName[value eq "x"]"#, &["multi-valued or complex"]);
    assert_detail(r#"emails[display eq "x"]"#, &["\"display\"", "emails"]);
    assert_detail(r#"urn:example:unknown:2.0:User:foo eq "x""#, &["urn:example:unknown:2.0:User"]);
}

#[test]
fn plan_json_username_eq() {
    assert_eq!(
        plan(r#"userName eq "x""#).to_json(),
        json!({"op":"eq","attr":"userName","type":"string","caseExact":false,"multiValued":false,"value":"x"})
    );
}

#[test]
fn plan_json_external_id_and_username() {
    assert_eq!(
        plan(r#"externalId eq "x" and userName eq "y""#).to_json(),
        json!({"op":"and","args":[
            {"op":"eq","attr":"externalId","type":"string","caseExact":true,"multiValued":false,"value":"x"},
            {"op":"eq","attr":"userName","type":"string","caseExact":false,"multiValued":false,"value":"y"}
        ]})
    );
}

#[test]
fn plan_json_value_path_and_normalisations() {
    assert_eq!(
        plan(r#"emails[type eq "work" and value co "@example.com"]"#).to_json(),
        json!({"op":"any","attr":"emails","filter":{"op":"and","args":[
            {"op":"eq","attr":"type","type":"string","caseExact":false,"multiValued":false,"value":"work"},
            {"op":"co","attr":"value","type":"string","caseExact":false,"multiValued":false,"value":"@example.com"}
        ]}})
    );
    // Complex attribute without sub-attribute -> its `value`; nested same-op groups flattened.
    assert_eq!(
        plan(r#"emails co "x" or (title pr or not (active eq true))"#).to_json(),
        json!({"op":"or","args":[
            {"op":"co","attr":"emails.value","type":"string","caseExact":false,"multiValued":true,"value":"x"},
            {"op":"pr","attr":"title","multiValued":false},
            {"op":"not","arg":{"op":"eq","attr":"active","type":"boolean","caseExact":false,"multiValued":false,"value":true}}
        ]})
    );
    assert_eq!(
        plan(&format!(r#"{ENTERPRISE}:employeeNumber eq "1" and meta.lastModified ge "2011-05-13T04:42:34Z""#))
            .to_json()["args"],
        json!([
            {"op":"eq","attr":format!("{ENTERPRISE}:employeeNumber"),"type":"string","caseExact":false,"multiValued":false,"value":"1"},
            {"op":"ge","attr":"meta.lastModified","type":"dateTime","caseExact":false,"multiValued":false,"value":"2011-05-13T04:42:34Z"}
        ])
    );
}

#[test]
fn engine_filter_primitives() {
    let e = engine();
    assert_eq!(e.parse_filter("User", r#"userName Eq "x""#).unwrap().value, r#"userName eq "x""#);
    let out = e.compile_filter("User", "externalId eq jyoung").unwrap();
    assert_eq!(out.fired.len(), 1);
    assert!(e.evaluate_filter("User", r#"userName eq "BJENSEN""#, &bjensen().to_string()).unwrap().value);
    let err = e.compile_filter("User", "bogus eq 1").unwrap_err();
    assert_eq!((err.status, err.scim_type), (400, Some(ScimType::InvalidFilter)));
}

fn patch_path(text: &str) -> filter::PatchPath {
    parse_patch_path(text, &mut Leniency::new(&Tolerances::strict())).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn rfc7644_3_5_2_patch_paths() {
    let p = patch_path("members");
    assert_eq!((p.attr, p.filter, p.sub), (AttrPath::bare("members"), None, None));
    let p = patch_path("name.familyName");
    assert_eq!(p.attr.sub.as_deref(), Some("familyName"));
    let p = patch_path(r#"emails[type eq "work"].value"#);
    assert_eq!(p.attr, AttrPath::bare("emails"));
    assert_eq!(p.filter.as_ref().unwrap().to_string(), r#"type eq "work""#);
    assert_eq!(p.sub.as_deref(), Some("value"));
    assert_eq!(p.to_string(), r#"emails[type eq "work"].value"#);
    let p = patch_path(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#);
    assert!(p.filter.is_some() && p.sub.is_none());
    let p = patch_path(&format!("{ENTERPRISE}:manager"));
    assert_eq!((p.attr.urn.as_deref(), p.attr.attr.as_str()), (Some(ENTERPRISE), "manager"));
    let p = patch_path(ENTERPRISE);
    assert_eq!(p.attr.to_string(), ENTERPRISE);
}

#[test]
fn rfc7644_3_5_2_patch_path_errors_are_invalid_path() {
    for (text, part) in [
        ("", "empty"),
        (r#"emails[type eq "work""#, "expected \"]\""),
        (r#"emails[type eq "work"]x"#, "character 22"),
        (r#"emails[type eq "work"].value.x"#, "sub-attribute name"),
        (r#"name.givenName[value eq "x"]"#, "not a sub-attribute"),
        ("emails value", "end of the path"),
        ("€", "character 0"),
    ] {
        let e = parse_patch_path(text, &mut Leniency::new(&Tolerances::default())).unwrap_err();
        assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidPath)), "{text}");
        assert!(e.detail.contains(part), "{text:?}: {}", e.detail);
    }
}

#[test]
fn rfc7644_3_5_2_element_filter() {
    let e = engine();
    let emails = user_rt(&e).core_attribute("emails").unwrap();
    let strict = Tolerances::strict();
    let mut l = Leniency::new(&strict);
    let f = parse(r#"type eq "work" and primary eq true"#, &mut l).unwrap();
    let p = compile_element_filter(&f, emails, "emails", &mut l).unwrap();
    assert!(p.matches(&json!({"type": "Work", "value": "a@b", "primary": true})));
    assert!(!p.matches(&json!({"type": "home", "primary": true})));
    assert_eq!(p.to_json()["args"][0]["attr"], "type");
    let f = parse(r#"display eq "x""#, &mut l).unwrap();
    let err = compile_element_filter(&f, emails, "emails", &mut l).unwrap_err();
    assert_eq!((err.status, err.scim_type), (400, Some(ScimType::InvalidPath)));
    assert!(err.detail.contains("display"), "{}", err.detail);
}

const ACME: &str = "urn:example:params:scim:schemas:extension:acme:2.0:User";

fn acme_engine() -> Engine {
    let config = json!({"extensions": [{"resourceType": "User", "schema": {"id": ACME, "name": "Acme", "attributes": [
        {"name": "level", "type": "integer"},
        {"name": "score", "type": "decimal"},
        {"name": "tags", "type": "string", "multiValued": true, "caseExact": true}
    ]}}]});
    Engine::from_config_json(&config.to_string()).unwrap()
}

fn acme_matches(text: &str, resource: &Value) -> bool {
    acme_engine().evaluate_filter("User", text, &resource.to_string()).unwrap_or_else(|e| panic!("{text}: {e}")).value
}

#[test]
fn rfc7644_3_4_2_2_integers_decimals_and_multi_valued_strings() {
    let r = json!({"userName": "a", ACME: {"level": 7, "score": 2.5, "tags": ["Red", "blue"]}});
    let f = |s: &str| format!("{ACME}:{s}");
    assert!(acme_matches(&f("level gt 6"), &r));
    assert!(!acme_matches(&f("level gt 7"), &r));
    assert!(acme_matches(&f("level le 7"), &r));
    assert!(!acme_matches(&f("level lt -1"), &r));
    assert!(acme_matches(&f("score ge 2.5"), &r));
    assert!(acme_matches(&f("score lt 3"), &r));
    assert!(acme_matches(&f("score gt 2.4999e0"), &r));
    assert!(acme_matches(&f(r#"tags eq "Red""#), &r));
    assert!(!acme_matches(&f(r#"tags eq "red""#), &r));
    assert!(acme_matches(&f(r#"tags[value sw "bl"]"#), &r));
    assert!(acme_matches(&f(r#"tags ew "ue""#), &r));
    let e = acme_engine();
    for (text, part) in [("level eq 1.5", "an integer"), (r#"level eq "1""#, "an integer"), ("score co 1", "\"co\"")] {
        let err = e.compile_filter("User", &f(text)).unwrap_err();
        assert_eq!((err.status, err.scim_type), (400, Some(ScimType::InvalidFilter)));
        assert!(err.detail.contains(part), "{text}: {}", err.detail);
    }
    let plan: Value = serde_json::from_str(&e.compile_filter("User", &f("level ge 3")).unwrap().value).unwrap();
    assert_eq!(
        plan,
        json!({"op":"ge","attr":f("level"),"type":"integer","caseExact":false,"multiValued":false,"value":3})
    );
}

#[test]
fn rfc7644_3_4_2_2_error_names_string_token_once_quoted() {
    assert_detail(r#"userName eq "x" "y""#, &["character 16 (\"y\")", "expected \"and\""]);
}

/// `Plan::parse_for_matching` builds only what the plan reads; every verdict must be the one on the
/// whole resource, whatever the key case, the extension or the shape.
#[test]
fn pruned_parse_gives_the_same_verdict_as_the_whole_resource() {
    // bjensen with the key case an IdP might send, a string boolean and a large attribute no filter reads.
    let mut resource = bjensen();
    let obj = resource.as_object_mut().expect("an object");
    obj.remove("userName");
    obj.insert("USERNAME".into(), json!("Bjensen@Example.com"));
    obj.insert("active".into(), json!("True"));
    obj.insert("phoneNumbers".into(), json!([{"value": "555-555-8377", "type": "work"}]));
    obj.insert("unknownBlob".into(), json!({"deep": [[[{"x": 1e300}]]], "n": "-12345678901234567890"}));
    let text = resource.to_string();
    let filters = [
        r#"userName eq "bjensen@example.com""#,
        r#"username sw "B""#,
        r#"name.familyName co "ens""#,
        r#"title pr"#,
        r#"nickName pr"#,
        r#"not (nickName pr)"#,
        r#"active eq true"#,
        r#"emails[type eq "work" and value co "@example.com"]"#,
        r#"emails.type eq "home" and not (phoneNumbers.value eq "1")"#,
        r#"meta.lastModified gt "2011-05-13T04:42:34Z" or meta.created lt "2011-01-01T00:00:00Z""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value sw "26118915""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"id sw "2819c223" and externalId eq "bjensen""#,
    ];
    let mut matched = 0;
    for f in filters {
        let p = plan(f);
        let pruned = p.parse_for_matching(&text).expect("valid JSON");
        assert_eq!(p.matches(&pruned), p.matches(&resource), "{f}");
        matched += usize::from(p.matches(&resource));
        assert!(pruned.as_object().is_some_and(|o| !o.contains_key("unknownBlob")), "{f}: unread keys are not built");
    }
    assert!(matched >= 10, "most of these filters match bjensen ({matched} did): the test compares real verdicts");
    // Not an object, and JSON errors in skipped parts, behave as before.
    let p = plan(r#"userName pr"#);
    assert_eq!(p.parse_for_matching("[1, 2]").expect("an array is JSON"), json!([1, 2]));
    assert!(p.parse_for_matching(r#"{"skipped": [1, 2,], "userName": "x"}"#).is_err());
    assert!(p.parse_for_matching(r#"{"userName": "x"} trailing"#).is_err());
}
