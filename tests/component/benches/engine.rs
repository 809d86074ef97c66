//! The component against the same Rust natively, call for call: each case
//! runs the `scim_engine::Engine` string-in/string-out function the component
//! exports (`native`) and the component export through wasmtime with one
//! reused instance (`component`). See BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use scim_component_tests::fixtures::*;
use scim_component_tests::ComponentEngine;
use scim_engine::Engine;
use std::hint::black_box;
use std::time::Duration;

fn filter_parse_evaluate(c: &mut Criterion) {
    let native = Engine::default();
    let mut component = ComponentEngine::new().expect("component instantiates");
    let cases = [
        ("entra_username_eq", FILTER_ENTRA_USERNAME, ENTRA_USER),
        ("entra_email_value_path", FILTER_ENTRA_EMAIL, ENTRA_USER),
        ("entra_last_modified_ge", FILTER_ENTRA_MODIFIED, ENTRA_USER),
        ("okta_username_eq_other_case", FILTER_OKTA_USERNAME, OKTA_USER),
        ("okta_active_and_group", FILTER_OKTA_ACTIVE, OKTA_USER),
    ];
    let mut group = c.benchmark_group("filter_parse_evaluate");
    for (name, filter, user) in cases {
        let expected = native.evaluate_filter("User", filter, user).expect("filter evaluates natively").value;
        let got = component.evaluate_filter("User", filter, user).expect("no trap").expect("evaluates").matches;
        assert_eq!(got, expected, "{name}: component and native disagree");
        assert!(expected, "{name}: the fixture should match");
        group.bench_function(format!("{name}/native"), |b| {
            b.iter(|| native.evaluate_filter(black_box("User"), black_box(filter), black_box(user)))
        });
        group.bench_function(format!("{name}/component"), |b| {
            b.iter(|| component.evaluate_filter(black_box("User"), black_box(filter), black_box(user)))
        });
    }
    group.finish();
}

fn patch_apply(c: &mut Criterion) {
    let native = Engine::default();
    let mut component = ComponentEngine::new().expect("component instantiates");
    let add_50 = group_add_members_patch(50);
    let cases = [
        ("entra_multi_op", "User", ENTRA_USER, ENTRA_PATCH),
        ("okta_deactivate", "User", OKTA_USER, OKTA_DEACTIVATE_PATCH),
        ("group_add_50_members", "Group", GROUP, add_50.as_str()),
    ];
    let mut group = c.benchmark_group("patch_apply");
    for (name, rt, resource, patch) in cases {
        let expected = native.apply_patch(rt, resource, patch).map(|o| o.value);
        let got = component.apply_patch(rt, resource, patch).expect("no trap").map(|o| o.json);
        assert_eq!(got.as_ref().ok(), expected.as_ref().ok(), "{name}: component and native disagree");
        if let Err(e) = &expected {
            eprintln!("note: {name} answers an error natively (is PATCH implemented?): {e:?}");
        }
        group.bench_function(format!("{name}/native"), |b| {
            b.iter(|| native.apply_patch(black_box(rt), black_box(resource), black_box(patch)))
        });
        group.bench_function(format!("{name}/component"), |b| {
            b.iter(|| component.apply_patch(black_box(rt), black_box(resource), black_box(patch)))
        });
    }
    group.finish();
}

/// The fixed cost of one export call: `render-error` on a small error does almost no work in the guest, so
/// the component side is mostly the crossing (lifting/lowering a record and a string, entering the instance).
fn call_overhead(c: &mut Criterion) {
    let native = Engine::default();
    let mut component = ComponentEngine::new().expect("component instantiates");
    let native_error = scim_engine::ScimError::invalid_filter("x");
    let wit_error = scim_component_tests::native::error(native_error.clone());
    assert_eq!(component.render_error(&wit_error).expect("no trap"), native_error.render());
    let mut group = c.benchmark_group("call_overhead");
    group.bench_function("render_error/native", |b| b.iter(|| black_box(&native_error).render()));
    group.bench_function("render_error/component", |b| b.iter(|| component.render_error(black_box(&wit_error))));
    // An unknown resource type is refused before any parsing: the cost of passing the 1.5 KB user in.
    let refused = native.evaluate_filter("Nope", FILTER_ENTRA_USERNAME, ENTRA_USER).expect_err("unknown type");
    let got = component.evaluate_filter("Nope", FILTER_ENTRA_USERNAME, ENTRA_USER).expect("no trap");
    assert_eq!(got.expect_err("unknown type"), scim_component_tests::native::error(refused));
    group.bench_function("unknown_resource_type_entra_user/native", |b| {
        b.iter(|| native.evaluate_filter(black_box("Nope"), black_box(FILTER_ENTRA_USERNAME), black_box(ENTRA_USER)))
    });
    group.bench_function("unknown_resource_type_entra_user/component", |b| {
        b.iter(|| component.evaluate_filter(black_box("Nope"), black_box(FILTER_ENTRA_USERNAME), black_box(ENTRA_USER)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = call_overhead, filter_parse_evaluate, patch_apply
}
criterion_main!(benches);
