//! The component's import list is pinned: a new import is a stub that traps
//! only when called, so a change here must be looked at by a person.

use scim_component_tests::component_imports;
use std::path::PathBuf;

fn expected_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("expected-imports.txt")
}

#[test]
fn imports_match_the_checked_in_list() {
    let actual = component_imports();
    if std::env::var_os("UPDATE_EXPECTED_IMPORTS").is_some() {
        std::fs::write(expected_path(), actual.join("\n") + "\n").expect("writing expected-imports.txt");
        return;
    }
    let text = std::fs::read_to_string(expected_path()).unwrap_or_default();
    let expected: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    let added: Vec<&String> = actual.iter().filter(|i| !expected.contains(i)).collect();
    let removed: Vec<&String> = expected.iter().filter(|i| !actual.contains(i)).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "the component's imports changed.\n  new: {added:#?}\n  gone: {removed:#?}\n\
         Every import is stubbed with a trap (no WASI is linked), so a new one fails only when the guest calls it. \
         Check why it appeared, then update the list with:\n  \
         ./build.sh && UPDATE_EXPECTED_IMPORTS=1 cargo test -p scim-component-tests --test component_imports"
    );
}

#[test]
fn no_wasi_random_import() {
    let random: Vec<String> = component_imports().into_iter().filter(|i| i.starts_with("wasi:random/")).collect();
    assert!(
        random.is_empty(),
        "the component imports {random:?}. That almost always means a HashMap/HashSet (std's RandomState) or \
         serde_json's `preserve_order` crept into the guest: RandomState seeds itself from wasi:random, which the \
         hosts stub with a trap, so the first such map would crash the call at run time. Use BTreeMap/BTreeSet/Vec."
    );
}
