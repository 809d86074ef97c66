//! The SCIM server conversation (RFC 7644 §3): error statuses, ETags,
//! concurrency, paging and tolerance rules, against the in-memory store.

mod support;

use scim_engine::server::{Effect, Outcome, Request};
use scim_engine::tolerance::Rule;
use scim_engine::Engine;
use serde_json::{json, Value};
use support::replay::{body, request, Replay};

const U: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const G: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

fn engine(config: Value) -> Engine {
    Engine::from_config_json(&config.to_string()).expect("config")
}

fn replay() -> Replay {
    Replay::new(Engine::default())
}

fn strict() -> Replay {
    Replay::new(engine(json!({"strict": true})))
}

fn user(name: &str) -> String {
    json!({"schemas": [U], "userName": name, "active": true}).to_string()
}

/// Creates a user and returns its id.
fn create_user(r: &mut Replay, name: &str) -> String {
    let resp = r.serve(request("POST", "/Users", "", Some(&user(name))));
    assert_eq!(resp.status, 201, "{}", resp.body);
    body(&resp)["id"].as_str().expect("id").to_string()
}

fn assert_error(resp: &scim_engine::server::Response, status: u16, scim_type: Option<&str>) {
    assert_eq!(resp.status, status, "{}", resp.body);
    let b = body(resp);
    assert_eq!(b["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]));
    assert_eq!(b["status"], json!(status.to_string()));
    assert_eq!(b.get("scimType").and_then(Value::as_str), scim_type, "{}", resp.body);
    assert_eq!(resp.header("Content-Type"), Some("application/scim+json"));
}

#[test]
fn rfc7644_3_3_create_answers_201_with_location_etag_and_meta() {
    let mut r = replay();
    let resp = r.serve(request("POST", "/Users", "", Some(&user("bjensen"))));
    assert_eq!(resp.status, 201);
    let b = body(&resp);
    let id = b["id"].as_str().expect("id");
    assert_eq!(resp.header("Location"), Some(format!("https://example.org/scim/v2/Users/{id}").as_str()));
    assert_eq!(resp.header("ETag"), b["meta"]["version"].as_str());
    assert_eq!(b["meta"]["resourceType"], "User");
    assert_eq!(b["meta"]["created"], b["meta"]["lastModified"]);
}

#[test]
fn rfc7644_3_3_create_keeps_the_password_out_of_storage_and_response() {
    let mut r = replay();
    let body_text = json!({"schemas": [U], "userName": "okta", "password": "s3cret"}).to_string();
    let resp = r.serve(request("POST", "/Users", "", Some(&body_text)));
    assert_eq!(resp.status, 201);
    assert!(!resp.body.contains("s3cret"));
    let id = body(&resp)["id"].as_str().expect("id").to_string();
    assert_eq!(r.store.passwords.get(&id).map(String::as_str), Some("s3cret"));
}

#[test]
fn rfc7644_3_3_duplicate_user_name_any_case_is_409_uniqueness() {
    let mut r = replay();
    create_user(&mut r, "bjensen@example.com");
    let resp = r.serve(request("POST", "/Users", "", Some(&user("BJensen@Example.com"))));
    assert_error(&resp, 409, Some("uniqueness"));
}

#[test]
fn rfc7644_3_3_duplicate_group_display_name_is_409_uniqueness() {
    let mut r = replay();
    let g = json!({"schemas": [G], "displayName": "Admins"}).to_string();
    assert_eq!(r.serve(request("POST", "/Groups", "", Some(&g))).status, 201);
    assert_error(&r.serve(request("POST", "/Groups", "", Some(&g))), 409, Some("uniqueness"));
}

#[test]
fn rfc7644_3_5_1_put_that_takes_another_users_user_name_is_409() {
    let mut r = replay();
    create_user(&mut r, "a");
    let b = create_user(&mut r, "b");
    let resp = r.serve(request("PUT", &format!("/Users/{b}"), "", Some(&user("A"))));
    assert_error(&resp, 409, Some("uniqueness"));
}

#[test]
fn rfc7644_3_3_group_with_unknown_member_is_400_invalid_value() {
    let mut r = replay();
    let u = create_user(&mut r, "member");
    let g = json!({"schemas": [G], "displayName": "G", "members": [{"value": u}, {"value": "nobody"}]});
    let resp = r.serve(request("POST", "/Groups", "", Some(&g.to_string())));
    assert_error(&resp, 400, Some("invalidValue"));
    assert!(body(&resp)["detail"].as_str().unwrap_or_default().contains("nobody"));
}

#[test]
fn rfc7644_3_5_1_put_replaces_the_member_list_and_fills_member_details() {
    let mut r = replay();
    let u1 = create_user(&mut r, "one");
    let u2 = create_user(&mut r, "two");
    let g = json!({"schemas": [G], "displayName": "G", "members": [{"value": u1}]});
    let gid =
        body(&r.serve(request("POST", "/Groups", "", Some(&g.to_string()))))["id"].as_str().expect("id").to_string();
    let put = json!({"schemas": [G], "displayName": "G", "members": [{"value": u2}]});
    let resp = r.serve(request("PUT", &format!("/Groups/{gid}"), "", Some(&put.to_string())));
    assert_eq!(resp.status, 200, "{}", resp.body);
    let members = body(&resp)["members"].clone();
    assert_eq!(
        members,
        json!([{"value": u2, "display": "two", "type": "User", "$ref": format!("https://example.org/scim/v2/Users/{u2}")}])
    );
}

#[test]
fn rfc7644_3_4_1_unknown_id_is_404() {
    let mut r = replay();
    assert_error(&r.serve(request("GET", "/Users/nope", "", None)), 404, None);
    assert_error(&r.serve(request("DELETE", "/Groups/nope", "", None)), 404, None);
    assert_error(&r.serve(request("PUT", "/Users/nope", "", Some(&user("x")))), 404, None);
}

#[test]
fn rfc7644_3_2_unknown_endpoint_is_404() {
    let mut r = replay();
    assert_error(&r.serve(request("GET", "/Widgets", "", None)), 404, None);
    assert_error(&r.serve(request("GET", "/Schemas/urn:nope", "", None)), 404, None);
    assert_error(&r.serve(request("GET", "/ResourceTypes/Widget", "", None)), 404, None);
}

#[test]
fn rfc7644_3_2_wrong_method_is_405_with_allow() {
    let mut r = replay();
    let resp = r.serve(request("DELETE", "/Users", "", None));
    assert_error(&resp, 405, None);
    assert_eq!(resp.header("Allow"), Some("GET, POST"));
    let resp = r.serve(request("POST", "/ServiceProviderConfig", "", Some("{}")));
    assert_eq!(resp.header("Allow"), Some("GET"));
    let resp = r.serve(request("POST", "/Users/abc", "", Some("{}")));
    assert_eq!(resp.header("Allow"), Some("GET, PUT, PATCH, DELETE"));
}

#[test]
fn rfc7644_3_2_body_over_the_configured_size_is_413() {
    let mut r = Replay::new(engine(json!({"server": {"maxBodyBytes": 64}})));
    let big = json!({"schemas": [U], "userName": "x".repeat(100)}).to_string();
    assert_error(&r.serve(request("POST", "/Users", "", Some(&big))), 413, None);
}

#[test]
fn rfc7644_3_1_non_json_content_type_is_415() {
    let mut r = replay();
    let mut req = request("POST", "/Users", "", Some(&user("x")));
    req.headers.retain(|(k, _)| k != "Content-Type");
    req.headers.push(("content-type".into(), "text/plain".into()));
    assert_error(&r.serve(req), 415, None);
}

#[test]
fn rfc7644_3_1_application_json_is_accepted() {
    let mut r = replay();
    let mut req = request("POST", "/Users", "", Some(&user("x")));
    req.headers.retain(|(k, _)| k != "Content-Type");
    req.headers.push(("Content-Type".into(), "application/json; charset=utf-8".into()));
    assert_eq!(r.serve(req).status, 201);
}

#[test]
fn rfc7644_3_12_malformed_json_is_400_invalid_syntax() {
    let mut r = replay();
    assert_error(&r.serve(request("POST", "/Users", "", Some("{\"userName\": "))), 400, Some("invalidSyntax"));
    let mut req = request("POST", "/Users", "", Some("x"));
    req.body = vec![0xff, 0xfe];
    assert_error(&r.serve(req), 400, Some("invalidSyntax"));
}

#[test]
fn rfc7644_3_4_2_2_bad_filter_is_400_invalid_filter() {
    let mut r = replay();
    assert_error(&r.serve(request("GET", "/Users", "filter=userName+eq", None)), 400, Some("invalidFilter"));
    assert_error(&r.serve(request("GET", "/Users", "filter=nosuch+eq+%22x%22", None)), 400, Some("invalidFilter"));
}

#[test]
fn rfc7644_3_4_2_4_non_numeric_start_index_is_400_invalid_value() {
    let mut r = replay();
    assert_error(&r.serve(request("GET", "/Users", "startIndex=abc", None)), 400, Some("invalidValue"));
    assert_error(&r.serve(request("GET", "/Users", "sortOrder=sideways", None)), 400, Some("invalidValue"));
}

#[test]
fn rfc7644_3_14_if_match_mismatch_is_412() {
    let mut r = replay();
    let id = create_user(&mut r, "etag");
    let mut req = request("PUT", &format!("/Users/{id}"), "", Some(&user("etag2")));
    req.headers.push(("If-Match".into(), "W/\"0000000000000000\"".into()));
    assert_error(&r.serve(req), 412, None);
    let mut req = request("DELETE", &format!("/Users/{id}"), "", None);
    req.headers.push(("If-Match".into(), "W/\"0000000000000000\"".into()));
    assert_error(&r.serve(req), 412, None);
}

#[test]
fn rfc7644_3_14_if_match_current_version_writes() {
    let mut r = replay();
    let id = create_user(&mut r, "etag");
    let etag = r.serve(request("GET", &format!("/Users/{id}"), "", None)).header("ETag").expect("etag").to_string();
    let mut req = request("PUT", &format!("/Users/{id}"), "", Some(&user("etag2")));
    req.headers.push(("If-Match".into(), etag.clone()));
    let resp = r.serve(req);
    assert_eq!(resp.status, 200);
    assert_ne!(resp.header("ETag"), Some(etag.as_str()), "a write changes the version");
    let mut req = request("DELETE", &format!("/Users/{id}"), "", None);
    req.headers.push(("If-Match".into(), resp.header("ETag").expect("etag").to_string()));
    assert_eq!(r.serve(req).status, 204);
}

#[test]
fn rfc7644_3_14_if_none_match_current_version_is_304() {
    let mut r = replay();
    let id = create_user(&mut r, "etag");
    let etag = r.serve(request("GET", &format!("/Users/{id}"), "", None)).header("ETag").expect("etag").to_string();
    let mut req = request("GET", &format!("/Users/{id}"), "", None);
    req.headers.push(("If-None-Match".into(), etag.clone()));
    let resp = r.serve(req);
    assert_eq!(resp.status, 304);
    assert!(resp.body.is_empty());
    assert_eq!(resp.header("ETag"), Some(etag.as_str()));
    let mut req = request("GET", &format!("/Users/{id}"), "", None);
    req.headers.push(("If-None-Match".into(), "W/\"other\"".into()));
    assert_eq!(r.serve(req).status, 200);
}

/// A concurrent writer changes the user between the engine's read and write.
fn race(r: &mut Replay, id: &str, req: Request) -> scim_engine::server::Response {
    let mut raced = false;
    let id = id.to_string();
    r.serve_with(req, move |effect, store| {
        if matches!(effect, Effect::Replace(_)) && !raced {
            raced = true;
            store.tamper("User", &id, |u| u["meta"]["version"] = json!("W/\"concurrent\""));
        }
    })
}

#[test]
fn rfc7644_3_14_concurrent_change_without_if_match_is_retried() {
    let mut r = replay();
    let id = create_user(&mut r, "race");
    let resp = race(&mut r, &id, request("PUT", &format!("/Users/{id}"), "", Some(&user("raced"))));
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(body(&resp)["userName"], "raced");
}

#[test]
fn rfc7644_3_14_concurrent_change_with_if_match_is_412() {
    let mut r = replay();
    let id = create_user(&mut r, "race");
    let etag = r.serve(request("GET", &format!("/Users/{id}"), "", None)).header("ETag").expect("etag").to_string();
    let mut req = request("PUT", &format!("/Users/{id}"), "", Some(&user("raced")));
    req.headers.push(("If-Match".into(), etag));
    assert_error(&race(&mut r, &id, req), 412, None);
}

#[test]
fn rfc7644_3_14_endless_concurrent_changes_give_up_with_409() {
    let mut r = replay();
    let id = create_user(&mut r, "race");
    let mut n = 0;
    let resp = r.serve_with(request("PUT", &format!("/Users/{id}"), "", Some(&user("raced"))), |effect, store| {
        if let Effect::Replace(op) = effect {
            n += 1;
            store.tamper("User", &op.id, |u| u["meta"]["version"] = json!(format!("W/\"{n}\"")));
        }
    });
    assert_eq!(n, 3, "three attempts");
    assert_error(&resp, 409, None);
}

#[test]
fn rfc7644_3_2_me_and_bulk_are_501() {
    let mut r = replay();
    assert_error(&r.serve(request("GET", "/Me", "", None)), 501, None);
    assert_error(&r.serve(request("POST", "/Bulk", "", Some("{}"))), 501, None);
    let spc = body(&r.serve(request("GET", "/ServiceProviderConfig", "", None)));
    assert_eq!(spc["bulk"]["supported"], false);
}

#[test]
fn rfc7644_3_4_2_4_paging_clamps_and_count_zero_gives_only_the_total() {
    let mut r = Replay::new(engine(json!({"server": {"maxPageSize": 2}})));
    for n in ["a", "b", "c"] {
        create_user(&mut r, n);
    }
    let b = body(&r.serve(request("GET", "/Users", "count=0", None)));
    assert_eq!(b["totalResults"], 3);
    assert!(b.get("Resources").is_none());
    let b = body(&r.serve(request("GET", "/Users", "startIndex=0&count=50", None)));
    assert_eq!((b["startIndex"].clone(), b["itemsPerPage"].clone()), (json!(1), json!(2)));
    let b = body(&r.serve(request("GET", "/Users", "startIndex=3&count=2", None)));
    assert_eq!(b["Resources"][0]["userName"], "c");
    assert_eq!(b["itemsPerPage"], 1);
    assert_eq!(b["totalResults"], 3);
}

#[test]
fn rfc7644_3_4_2_3_sorting_when_storage_answers_with_candidates() {
    let mut r = replay();
    for n in ["bravo", "Alpha", "charlie"] {
        create_user(&mut r, n);
    }
    let b = body(&r.serve(request("GET", "/Users", "sortBy=userName&sortOrder=descending&count=2", None)));
    let names: Vec<&str> =
        b["Resources"].as_array().expect("list").iter().filter_map(|u| u["userName"].as_str()).collect();
    assert_eq!(names, ["charlie", "bravo"]);
    assert_eq!(b["totalResults"], 3);
    assert!(r.store.candidate_searches > 0);
}

#[test]
fn rfc7644_3_4_2_2_filter_storage_cannot_push_down_is_evaluated_by_the_engine() {
    let mut r = replay();
    for n in ["ann", "anna", "bob"] {
        create_user(&mut r, n);
    }
    let b = body(&r.serve(request("GET", "/Users", "filter=userName+sw+%22ann%22", None)));
    assert_eq!(b["totalResults"], 2);
    let b = body(&r.serve(request("GET", "/Users", "filter=userName+eq+%22ANNA%22", None)));
    assert_eq!(b["Resources"][0]["userName"], "anna");
}

#[test]
fn rfc7644_3_4_3_search_with_post_on_a_type_and_at_the_root() {
    let mut r = replay();
    create_user(&mut r, "searcher");
    let g = json!({"schemas": [G], "displayName": "searchers"}).to_string();
    r.serve(request("POST", "/Groups", "", Some(&g)));
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "attributes": ["id"]});
    let b = body(&r.serve(request("POST", "/Users/.search", "", Some(&search.to_string()))));
    assert_eq!(b["totalResults"], 1);
    assert!(b["Resources"][0].get("userName").is_none());
    let b = body(&r.serve(request("POST", "/.search", "", Some(&search.to_string()))));
    assert_eq!(b["totalResults"], 2);
    let by_name = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "displayName eq \"searchers\""});
    let b = body(&r.serve(request("POST", "/.search", "", Some(&by_name.to_string()))));
    assert_eq!(b["totalResults"], 1, "{b}");
    assert_eq!(b["Resources"][0]["meta"]["resourceType"], "Group");
}

#[test]
fn rfc7644_3_4_3_search_request_without_its_schema_is_400() {
    let mut r = replay();
    assert_error(&r.serve(request("POST", "/Users/.search", "", Some("{}"))), 400, Some("invalidSyntax"));
}

#[test]
fn rfc7644_4_discovery_is_truthful_to_configuration() {
    let mut r = Replay::new(engine(json!({"enterpriseUser": false, "server": {"maxPageSize": 50}})));
    let spc = body(&r.serve(request("GET", "/ServiceProviderConfig", "", None)));
    assert_eq!(spc["filter"]["maxResults"], 50);
    let rt = body(&r.serve(request("GET", "/ResourceTypes/User", "", None)));
    assert!(rt.get("schemaExtensions").is_none());
    let schemas = body(&r.serve(request("GET", "/Schemas", "", None)));
    assert_eq!(schemas["totalResults"], 2);
    let rts = body(&r.serve(request("GET", "/ResourceTypes", "", None)));
    assert_eq!(rts["totalResults"], 2);
}

#[test]
fn rfc7644_3_6_delete_is_204_and_the_resource_is_gone() {
    let mut r = replay();
    let id = create_user(&mut r, "gone");
    let resp = r.serve(request("DELETE", &format!("/Users/{id}"), "", None));
    assert_eq!(resp.status, 204);
    assert!(resp.body.is_empty());
    assert_eq!(r.serve(request("GET", &format!("/Users/{id}"), "", None)).status, 404);
}

#[test]
fn server_patch_response_none_answers_204_with_etag() {
    let mut r = Replay::new(engine(json!({"server": {"patchResponse": "none"}})));
    let id = create_user(&mut r, "patched");
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": false}]});
    let resp = r.serve(request("PATCH", &format!("/Users/{id}"), "", Some(&patch.to_string())));
    assert_eq!(resp.status, 204, "{}", resp.body);
    assert!(resp.body.is_empty());
    assert!(resp.header("ETag").is_some());
}

#[test]
fn server_every_answer_is_scim_json() {
    let mut r = replay();
    for (m, p) in [("GET", "/Users"), ("GET", "/Nope"), ("GET", "/Me"), ("DELETE", "/Users")] {
        assert_eq!(r.serve(request(m, p, "", None)).header("Content-Type"), Some("application/scim+json"));
    }
}

#[test]
fn server_an_outcome_that_does_not_fit_is_500_and_a_finished_conversation_stays_finished() {
    let e = Engine::default();
    let (mut c, effect) =
        scim_engine::server::Conversation::start(&e, request("GET", "/Users/x", "", None), "2026-01-01T00:00:00Z", "n");
    assert!(matches!(effect, Effect::Load(_)));
    let Effect::Respond(resp) = c.resume(&e, Outcome::Deleted) else { panic!("expected a response") };
    assert_eq!(resp.status, 500);
    let Effect::Respond(resp) = c.resume(&e, Outcome::Missing) else { panic!("expected a response") };
    assert_eq!(resp.status, 500);
}

#[test]
fn tolerance_trailing_slash_on_and_off() {
    let resp = replay().serve(request("GET", "/Users/", "", None));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.tolerances.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::TrailingSlash]);
    assert_error(&strict().serve(request("GET", "/Users/", "", None)), 404, None);
}

#[test]
fn tolerance_query_parameter_any_case_on_and_off() {
    let mut r = replay();
    for n in ["a", "b"] {
        create_user(&mut r, n);
    }
    let resp = r.serve(request("GET", "/Users", "startindex=2&Count=1", None));
    let b = body(&resp);
    assert_eq!((b["startIndex"].clone(), b["itemsPerPage"].clone()), (json!(2), json!(1)));
    assert!(resp.tolerances.iter().all(|f| f.rule == Rule::QueryParameterAnyCase));
    assert_eq!(resp.tolerances.len(), 2);
    let mut s = strict();
    for n in ["a", "b"] {
        create_user(&mut s, n);
    }
    let b = body(&s.serve(request("GET", "/Users", "startindex=2&Count=1", None)));
    assert_eq!((b["startIndex"].clone(), b["itemsPerPage"].clone()), (json!(1), json!(2)));
}

#[test]
fn query_plus_is_a_space_and_percent_encoding_is_decoded() {
    let mut r = replay();
    create_user(&mut r, "plus user");
    let b = body(&r.serve(request("GET", "/Users", "filter=userName+eq+%22plus%20user%22", None)));
    assert_eq!(b["totalResults"], 1);
    assert_error(&r.serve(request("GET", "/Users", "filter=%zz", None)), 400, Some("invalidSyntax"));
}

#[test]
fn rfc7644_3_14_a_put_that_changes_nothing_keeps_the_version() {
    let mut r = replay();
    let id = create_user(&mut r, "same");
    let before = r.serve(request("GET", &format!("/Users/{id}"), "", None));
    let resp = r.serve(request("PUT", &format!("/Users/{id}"), "", Some(&user("same"))));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("ETag"), before.header("ETag"));
    assert_eq!(body(&resp)["meta"]["lastModified"], body(&before)["meta"]["lastModified"]);
}

#[test]
fn server_configuration_errors_are_invalid_value() {
    for bad in [
        json!({"server": {"patchResponse": "sometimes"}}),
        json!({"server": {"maxPageSize": 0}}),
        json!({"server": {"baseUrl": 3}}),
        json!({"server": {"colour": "blue"}}),
        json!({"server": []}),
    ] {
        let e = Engine::from_config_json(&bad.to_string()).expect_err("rejected");
        assert_eq!((e.status, e.scim_type), (400, Some(scim_engine::ScimType::InvalidValue)), "{bad}");
    }
}

#[test]
fn rfc7644_3_14_versions_are_weak_etags_of_the_content() {
    let a = json!({"id": "1", "userName": "a", "meta": {"version": "W/\"x\""}});
    let b = json!({"id": "1", "userName": "a", "meta": {}});
    let v = scim_engine::server::version_of(&a);
    assert_eq!(v, scim_engine::server::version_of(&b), "meta.version itself is not hashed");
    assert!(v.starts_with("W/\"") && v.len() == 20, "{v}");
    assert_ne!(v, scim_engine::server::version_of(&json!({"id": "1", "userName": "b"})));
}

fn create_group(r: &mut Replay, name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    let g = json!({"schemas": [G], "displayName": name, "members": members}).to_string();
    let resp = r.serve(request("POST", "/Groups", "", Some(&g)));
    assert_eq!(resp.status, 201, "{}", resp.body);
    body(&resp)["id"].as_str().expect("id").to_string()
}

fn patch(r: &mut Replay, path: &str, ops: Value) -> scim_engine::server::Response {
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
    r.serve(request("PATCH", path, "", Some(&b.to_string())))
}

fn member_values(resp: &scim_engine::server::Response) -> Vec<String> {
    body(resp)["members"]
        .as_array()
        .map(|m| m.iter().filter_map(|e| e["value"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[test]
fn tolerance_bare_member_ids_on_and_off() {
    let mut r = replay();
    let u = create_user(&mut r, "bare");
    let g = create_group(&mut r, "G", &[]);
    let resp = patch(&mut r, &format!("/Groups/{g}"), json!([{"op": "add", "path": "members", "value": [u]}]));
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(member_values(&resp), vec![u.clone()]);
    assert!(resp.tolerances.iter().any(|f| f.rule == Rule::BareMemberIds));
    let mut s = strict();
    let u = create_user(&mut s, "bare");
    let g = create_group(&mut s, "G", &[]);
    let resp = patch(&mut s, &format!("/Groups/{g}"), json!([{"op": "add", "path": "members", "value": [u]}]));
    assert_error(&resp, 400, Some("invalidValue"));
}

#[test]
fn rfc7644_3_5_2_3_replace_members_with_a_list_and_with_empty() {
    let mut r = replay();
    let a = create_user(&mut r, "a");
    let b = create_user(&mut r, "b");
    let g = create_group(&mut r, "G", &[&a]);
    let resp =
        patch(&mut r, &format!("/Groups/{g}"), json!([{"op": "replace", "path": "members", "value": [{"value": b}]}]));
    assert_eq!(member_values(&resp), vec![b.clone()]);
    let resp = patch(&mut r, &format!("/Groups/{g}"), json!([{"op": "replace", "path": "members", "value": []}]));
    assert!(member_values(&resp).is_empty());
}

#[test]
fn rfc7644_3_5_2_2_remove_members_by_value_array_removes_only_those() {
    let mut r = replay();
    let a = create_user(&mut r, "a");
    let b = create_user(&mut r, "b");
    let g = create_group(&mut r, "G", &[&a, &b]);
    let resp =
        patch(&mut r, &format!("/Groups/{g}"), json!([{"op": "remove", "path": "members", "value": [{"value": a}]}]));
    assert_eq!(member_values(&resp), vec![b.clone()]);
    assert!(resp.tolerances.iter().any(|f| f.rule == Rule::RemoveMembersByValue));
}

#[test]
fn rfc7644_3_5_2_a_patch_adding_a_member_that_does_not_exist_changes_nothing() {
    let mut r = replay();
    let a = create_user(&mut r, "a");
    let g = create_group(&mut r, "G", &[&a]);
    let before = r.serve(request("GET", &format!("/Groups/{g}"), "", None));
    let resp = patch(
        &mut r,
        &format!("/Groups/{g}"),
        json!([{"op": "add", "path": "members", "value": [{"value": "ghost"}]}]),
    );
    assert_error(&resp, 400, Some("invalidValue"));
    let after = r.serve(request("GET", &format!("/Groups/{g}"), "", None));
    assert_eq!(before.header("ETag"), after.header("ETag"));
}

#[test]
fn rfc7644_3_3_a_group_can_have_a_group_as_member() {
    let mut r = replay();
    let inner = create_group(&mut r, "inner", &[]);
    let outer = create_group(&mut r, "outer", &[&inner]);
    let resp = r.serve(request("GET", &format!("/Groups/{outer}"), "", None));
    assert_eq!(body(&resp)["members"][0]["type"], "Group");
}
