//! Filter printing round-trips (random AST -> print -> parse == AST), and
//! arbitrary input never panics the parser.

use proptest::prelude::*;
use scim_engine::filter::{parse, parse_patch_path, CompValue, CompareOp, Filter};
use scim_engine::path::AttrPath;
use scim_engine::tolerance::{Leniency, Tolerances};

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("userName".to_string()),
        Just("DisplayName".to_string()),
        Just("emails".to_string()),
        Just("x".to_string()),
        "[a-zA-Z][a-zA-Z0-9_-]{0,8}".prop_filter("not a keyword", |s| {
            !["and", "or", "not", "pr", "true", "false", "null"].iter().any(|k| k.eq_ignore_ascii_case(s))
                && CompareOp::parse(s).is_none()
        }),
    ]
}

fn path(with_sub: bool) -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        3 => Just(None),
        1 => Just(Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_string())),
        1 => Just(Some("urn:ietf:params:scim:schemas:core:2.0:User".to_string())),
    ];
    let sub = if with_sub { proptest::option::of(name()).boxed() } else { Just(None).boxed() };
    (urn, name(), sub).prop_map(|(urn, attr, sub)| AttrPath { urn, attr, sub })
}

fn value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|i| CompValue::Number(i.into())),
        any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64).prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
        "[\\x00-\\x1f\"\\\\/a-z]{0,6}".prop_map(CompValue::String),
    ]
}

fn leaf() -> impl Strategy<Value = Filter> {
    let ops = proptest::sample::select(CompareOp::ALL.to_vec());
    prop_oneof![
        4 => (path(true), ops, value()).prop_map(|(path, op, value)| Filter::Compare { path, op, value }),
        1 => path(true).prop_map(Filter::Present),
    ]
}

fn tree(inner: BoxedStrategy<Filter>) -> BoxedStrategy<Filter> {
    inner
        .prop_recursive(4, 24, 4, |f| {
            prop_oneof![
                proptest::collection::vec(f.clone(), 2..4).prop_map(Filter::And),
                proptest::collection::vec(f.clone(), 2..4).prop_map(Filter::Or),
                f.prop_map(|x| Filter::Not(Box::new(x))),
            ]
        })
        .boxed()
}

fn filter() -> BoxedStrategy<Filter> {
    let value_path = (path(false), tree(leaf().boxed()))
        .prop_map(|(attr, f)| Filter::ValuePath { attr, filter: Box::new(f) })
        .boxed();
    tree(prop_oneof![3 => leaf(), 1 => value_path].boxed())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_filter_parses_back_equal(f in filter()) {
        let text = f.to_string();
        let strict = Tolerances::strict();
        let back = parse(&text, &mut Leniency::new(&strict));
        prop_assert_eq!(back, Ok(f), "printed: {}", text);
    }

    #[test]
    fn arbitrary_text_never_panics_and_reprints_stably(text in any::<String>()) {
        let lenient = Tolerances::default();
        if let Ok(f) = parse(&text, &mut Leniency::new(&lenient)) {
            let printed = f.to_string();
            prop_assert_eq!(parse(&printed, &mut Leniency::new(&lenient)), Ok(f));
        }
        let _ = parse_patch_path(&text, &mut Leniency::new(&lenient));
    }

    #[test]
    fn filter_like_text_never_panics(text in "[a-zA-Z \\[\\]().\"\\\\:0-9€é-]{0,40}") {
        let lenient = Tolerances::default();
        if let Ok(f) = parse(&text, &mut Leniency::new(&lenient)) {
            let printed = f.to_string();
            prop_assert_eq!(parse(&printed, &mut Leniency::new(&lenient)), Ok(f));
        }
        let _ = parse_patch_path(&text, &mut Leniency::new(&lenient));
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64).prop_map(Value::Number),
        prop_oneof![
            Just("2011-05-13T04:42:34Z".to_string()),
            Just("True".to_string()),
            Just("work".to_string()),
            any::<String>()
        ]
        .prop_map(Value::String),
    ];
    let keys = proptest::sample::select(vec![
        "userName",
        "emails",
        "value",
        "type",
        "primary",
        "active",
        "meta",
        "lastModified",
        "name",
        "givenName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "employeeNumber",
        "manager",
        "schemas",
        "title",
    ]);
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

const EVAL_FILTERS: &[&str] = &[
    r#"userName eq "work""#,
    r#"emails[type eq "work" and value co "W"] or emails.primary eq true"#,
    r#"not (active eq true) and meta.lastModified ge "2011-05-13T04:42:34Z""#,
    r#"name.givenName sw "t" or name pr or title eq null or title ne null"#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value ew "e" or schemas eq "x""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber gt "5" and emails pr"#,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn evaluation_never_panics_and_not_negates(resource in json_value()) {
        let engine = scim_engine::Engine::default();
        let rt = engine.resource_type("User").unwrap();
        for text in EVAL_FILTERS {
            let mut l = engine.leniency();
            let f = parse(text, &mut l).unwrap();
            let plan = scim_engine::filter::compile(&f, rt, &mut l).unwrap();
            let negated = scim_engine::filter::compile(&Filter::Not(Box::new(f)), rt, &mut l).unwrap();
            prop_assert_eq!(plan.matches(&resource), !negated.matches(&resource), "{}", text);
        }
    }
}
