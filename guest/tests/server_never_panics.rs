//! Whole requests of arbitrary shape never panic the server conversation:
//! every one ends in a response within a bounded number of effects, with a
//! status the engine documents.

mod support;

use proptest::prelude::*;
use scim_engine::Engine;
use support::replay::{request, Replay};

const PATHS: [&str; 12] = [
    "/Users",
    "/Users/",
    "/Groups",
    "/Users/00000000-0000-4000-8000-000000000001",
    "/Groups/00000000-0000-4000-8000-000000000002",
    "/Users/.search",
    "/.search",
    "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
    "/ResourceTypes/Group",
    "/ServiceProviderConfig",
    "/Me",
    "/%ff/x",
];

fn body_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"}"#.to_string()),
        Just(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"00000000-0000-4000-8000-000000000001"}]}"#.to_string()),
        Just(r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"00000000-0000-4000-8000-000000000001"}]}]}"#.to_string()),
        Just(r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"u\"","sortBy":"userName","startIndex":-4,"count":99999}"#.to_string()),
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn server_any_request_sequence_responds_without_panicking(
        steps in prop::collection::vec(
            (prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE", "head"]),
             prop::sample::select(PATHS.to_vec()),
             prop_oneof![Just(String::new()), Just("filter=userName+eq+%22u%22&startIndex=0&count=-1".to_string()),
                         Just("sortBy=meta.created&sortOrder=descending".to_string()), "\\PC{0,20}"],
             body_strategy()),
            1..8)
    ) {
        let mut r = Replay::new(Engine::default());
        for (method, path, query, body) in steps {
            let resp = r.serve(request(method, path, &query, Some(&body)));
            prop_assert!(
                [200, 201, 204, 304, 400, 404, 405, 409, 412, 413, 415, 501].contains(&resp.status),
                "{} {} -> {} {}", method, path, resp.status, resp.body
            );
        }
    }
}
