//! Whole IdP conversations replayed from fixture files (one file per
//! request/response exchange, `tests/fixtures/conversations/<idp>/`) against
//! the reference in-memory store. Each exchange checks status, headers, body
//! and the tolerance rules that fired. `SCIM_BLESS=1` rewrites the expected
//! responses (review the diff before committing).

mod support;

use support::replay::{fixtures_dir, replay_dir};

#[test]
fn entra_id_conversation() {
    assert_eq!(replay_dir(&fixtures_dir().join("entra")), 23);
}

#[test]
fn okta_conversation() {
    assert_eq!(replay_dir(&fixtures_dir().join("okta")), 17);
}

#[test]
fn cyberark_centrify_conversation() {
    assert_eq!(replay_dir(&fixtures_dir().join("cyberark")), 14);
}

#[test]
fn jumpcloud_conversation() {
    assert_eq!(replay_dir(&fixtures_dir().join("jumpcloud")), 11);
}

#[test]
fn rfc7644_plain_client_conversation() {
    assert_eq!(replay_dir(&fixtures_dir().join("rfc7644")), 15);
}
