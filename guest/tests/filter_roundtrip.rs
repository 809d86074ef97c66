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
