//! The conversation fixtures (`tests/fixtures/conversations/<idp>/`) replayed
//! THROUGH THE COMPONENT under wasmtime, against the same reference in-memory
//! store and with the same driver as the native replay
//! (`guest/tests/conversations.rs`): each exchange checks status, headers,
//! body and the tolerance rules that fired, and the component's transcript
//! must equal the native one byte for byte (both are produced in-process).
//! The component's transcript is also written to
//! `${CARGO_TARGET_DIR:-target}/transcripts/component/<idp>.json`.

#[path = "../../../guest/tests/support/mod.rs"]
mod support;

use scim_component_tests::{native, ComponentEngine};
use scim_engine::server::{Effect, Outcome, Request};
use scim_engine::Engine;
use support::replay::{fixtures_dir, replay_on, write_transcript, Server};
use wasmtime::component::ResourceAny;

/// The component as a [`Server`]: one instance, one opened engine.
struct Component(ComponentEngine);

impl Component {
    fn open(config: &str) -> Component {
        match ComponentEngine::open(config) {
            Ok(Ok(engine)) => Component(engine),
            Ok(Err(e)) => panic!("the component refused the fixture configuration: {e:?}"),
            Err(e) => panic!("the component trapped opening the engine: {e:#}"),
        }
    }

    fn step(&mut self, conversation: ResourceAny, outcome: Option<Outcome>) -> Effect {
        let outcome = outcome.map(native::outcome_to_wit);
        let effect = self.0.next(conversation, outcome.as_ref()).unwrap_or_else(|e| panic!("next trapped: {e:#}"));
        let effect = native::effect(effect).unwrap_or_else(|e| panic!("{e:#}"));
        if matches!(effect, Effect::Respond(_)) {
            self.0.end(conversation).unwrap_or_else(|e| panic!("dropping the conversation: {e:#}"));
        }
        effect
    }
}

impl Server for Component {
    type Conversation = ResourceAny;

    fn start(&mut self, request: Request, now: &str, new_id: &str) -> (ResourceAny, Effect) {
        let conversation =
            self.0.serve(&native::request(&request), now, new_id).unwrap_or_else(|e| panic!("serve trapped: {e:#}"));
        (conversation, self.step(conversation, None))
    }

    fn resume(&mut self, conversation: &mut ResourceAny, outcome: Outcome) -> Effect {
        self.step(*conversation, Some(outcome))
    }
}

/// Replays one IdP directory natively and through the component; returns the exchange count.
fn replay_both(idp: &str) -> usize {
    let dir = fixtures_dir().join(idp);
    let native = replay_on(&dir, |c| Engine::from_config_json(c).expect("fixture engine configuration"), false);
    let component = replay_on(&dir, Component::open, false);
    write_transcript("component", &dir, &component.transcript);
    assert!(
        component.failures.is_empty(),
        "through the component, {} of {} exchanges differ from the fixtures:\n{}",
        component.failures.len(),
        component.exchanges,
        component.failures.join("\n")
    );
    assert!(native.failures.is_empty(), "natively: {}", native.failures.join("\n"));
    assert_eq!(component.exchanges, native.exchanges);
    if component.transcript != native.transcript {
        let first = component.transcript.lines().zip(native.transcript.lines()).position(|(a, b)| a != b);
        panic!("{idp}: the component's transcript differs from the native one (first differing line {first:?})");
    }
    component.exchanges
}

#[test]
fn entra_id_conversation_through_component() {
    assert_eq!(replay_both("entra"), 23);
}

#[test]
fn okta_conversation_through_component() {
    assert_eq!(replay_both("okta"), 17);
}

#[test]
fn cyberark_centrify_conversation_through_component() {
    assert_eq!(replay_both("cyberark"), 14);
}

#[test]
fn jumpcloud_conversation_through_component() {
    assert_eq!(replay_both("jumpcloud"), 11);
}

#[test]
fn rfc7644_plain_client_conversation_through_component() {
    assert_eq!(replay_both("rfc7644"), 15);
}

#[test]
fn every_fixture_directory_is_replayed_through_component() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    dirs.sort();
    assert_eq!(dirs, ["cyberark", "entra", "jumpcloud", "okta", "rfc7644"], "add a test above for a new IdP");
}
