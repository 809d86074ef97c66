//! The conversation: one request served as a state machine of effects.

use super::discovery;
use super::etag::{self, stored_version, version_of};
use super::list::{ListJob, ListParams};
use super::request::{header, json_body, Endpoint, Query};
use super::write::{self, Step, WriteJob, WriteKind};
use super::{DeleteOp, Effect, LoadOp, Outcome, Request, Response};
use crate::engine::{parse_json, Engine};
use crate::error::{Result, ScimError};
use crate::projection::Projection;
use crate::schema::ResourceType;
use crate::tolerance::{Fired, Leniency};
use serde_json::Value;

/// The media type of every answer (RFC 7644 §3.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// One request being served. Start it with [`Conversation::start`], perform
/// each [`Effect`] and hand its [`Outcome`] to [`Conversation::resume`]
/// (with the same engine) until the effect is [`Effect::Respond`].
pub struct Conversation {
    state: State,
    fired: Vec<Fired>,
    attributes: Option<String>,
    excluded: Option<String>,
    if_none_match: Option<String>,
    if_match: Option<String>,
}

enum State {
    Done,
    Read { rt: String, id: String },
    List(Box<ListJob>),
    Write(Box<WriteJob>),
    DeleteLoad { rt: String, id: String },
    Delete { rt: String, id: String },
}

impl Conversation {
    /// Starts serving `request`; `now` (RFC 3339) stamps `meta`, `new_id` is
    /// the id a created resource gets.
    pub fn start(engine: &Engine, request: Request, now: &str, new_id: &str) -> (Conversation, Effect) {
        let mut c = Conversation {
            state: State::Done,
            fired: Vec::new(),
            attributes: None,
            excluded: None,
            if_none_match: header(&request, "if-none-match").map(str::to_string),
            if_match: header(&request, "if-match").map(str::to_string),
        };
        let mut l = engine.leniency();
        let result = c.begin(engine, &request, now, new_id, &mut l);
        c.fired.extend(l.into_fired());
        let effect = c.settle(engine, result);
        (c, effect)
    }

    /// Hands over the outcome of the last effect; returns the next one.
    pub fn resume(&mut self, engine: &Engine, outcome: Outcome) -> Effect {
        let mut l = engine.leniency();
        let result = self.step(engine, outcome, &mut l);
        self.fired.extend(l.into_fired());
        self.settle(engine, result)
    }

    /// Whether the conversation has responded.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn settle(&mut self, engine: &Engine, result: Result<Next>) -> Effect {
        let response = match result {
            Ok(Next::Ask(effect)) => return effect,
            Ok(Next::Reply(r)) => r,
            Err(e) => error_response(engine, &e),
        };
        self.state = State::Done;
        let mut response = response;
        response.tolerances = std::mem::take(&mut self.fired);
        Effect::Respond(response)
    }

    fn begin(&mut self, engine: &Engine, req: &Request, now: &str, new_id: &str, l: &mut Leniency) -> Result<Next> {
        let names: Vec<(&str, &str)> = engine
            .registry
            .resource_types
            .iter()
            .map(|rt| (rt.name.as_str(), rt.endpoint.get(1..).unwrap_or_default()))
            .collect();
        let endpoint = Endpoint::route(&req.path, &names, l)?;
        let method = req.method.to_ascii_uppercase();
        if matches!(endpoint, Endpoint::Me | Endpoint::Bulk) {
            let what = if endpoint == Endpoint::Me { "/Me" } else { "/Bulk" };
            return Err(ScimError::status(501, format!("{what} is not supported by this server")));
        }
        let allowed = endpoint.allowed();
        if !allowed.contains(&method.as_str()) {
            return Ok(Next::Reply(method_not_allowed(engine, &method, allowed)));
        }
        let query = Query::parse(&req.query)?;
        self.attributes = query.get("attributes", l).filter(|s| !s.is_empty()).map(str::to_string);
        self.excluded = query.get("excludedAttributes", l).filter(|s| !s.is_empty()).map(str::to_string);
        let max_page = engine.server.max_page_size;
        match (endpoint, method.as_str()) {
            (Endpoint::ServiceProviderConfig, _) => Ok(json_reply(200, discovery::service_provider_config(engine))),
            (Endpoint::ResourceTypes(name), _) => {
                Ok(json_reply(200, discovery::resource_types(engine, name.as_deref())?))
            }
            (Endpoint::Schemas(urn), _) => Ok(json_reply(200, discovery::schemas(engine, urn.as_deref())?)),
            (Endpoint::Collection(rt), "GET") => {
                let params = ListParams::from_query(&query, max_page, l)?;
                self.list(engine, &[engine.resource_type(&rt)?], params, l)
            }
            (Endpoint::CollectionSearch(rt), _) => {
                let params = ListParams::from_body(&json_body(req, engine.server.max_body_bytes)?, max_page)?;
                self.list(engine, &[engine.resource_type(&rt)?], params, l)
            }
            (Endpoint::RootSearch, _) => {
                let params = ListParams::from_body(&json_body(req, engine.server.max_body_bytes)?, max_page)?;
                let all: Vec<&ResourceType> = engine.registry.resource_types.iter().collect();
                self.list(engine, &all, params, l)
            }
            (Endpoint::Collection(rt), _) => {
                let body = json_body(req, engine.server.max_body_bytes)?;
                self.write(engine, WriteKind::Create(body), &rt, new_id, now, l)
            }
            (Endpoint::Resource(rt, id), "GET") => {
                let rt = engine.resource_type(&rt)?;
                Projection::parse(rt, self.attributes.as_deref(), self.excluded.as_deref(), l)?;
                self.state = State::Read { rt: rt.name.clone(), id: id.clone() };
                Ok(Next::Ask(Effect::Load(LoadOp { resource_type: rt.name.clone(), id })))
            }
            (Endpoint::Resource(rt, id), "PUT") => {
                let body = json_body(req, engine.server.max_body_bytes)?;
                self.write(engine, WriteKind::Put(body), &rt, &id, now, l)
            }
            (Endpoint::Resource(rt, id), "PATCH") => {
                let body = json_body(req, engine.server.max_body_bytes)?;
                self.write(engine, WriteKind::Patch(body), &rt, &id, now, l)
            }
            (Endpoint::Resource(rt, id), _) => {
                let rt = engine.resource_type(&rt)?.name.clone();
                if self.if_match.is_some() {
                    self.state = State::DeleteLoad { rt: rt.clone(), id: id.clone() };
                    return Ok(Next::Ask(Effect::Load(LoadOp { resource_type: rt, id })));
                }
                self.state = State::Delete { rt: rt.clone(), id: id.clone() };
                Ok(Next::Ask(Effect::Delete(DeleteOp { resource_type: rt, id, expected_version: None })))
            }
            _ => Err(ScimError::status(500, "unrouted request")),
        }
    }

    fn list(&mut self, engine: &Engine, rts: &[&ResourceType], params: ListParams, l: &mut Leniency) -> Result<Next> {
        let job = ListJob::new(rts, params, l)?;
        let search = job.next_search().ok_or_else(write::unexpected)?;
        self.state = State::List(Box::new(job));
        let _ = engine;
        Ok(Next::Ask(Effect::Search(search)))
    }

    fn write(
        &mut self,
        engine: &Engine,
        kind: WriteKind,
        rt: &str,
        id: &str,
        now: &str,
        l: &mut Leniency,
    ) -> Result<Next> {
        let rt = engine.resource_type(rt)?;
        Projection::parse(rt, self.attributes.as_deref(), self.excluded.as_deref(), l)?;
        let (job, step) = WriteJob::start(engine, kind, rt, id.to_string(), self.if_match.clone(), now.to_string(), l)?;
        self.state = State::Write(Box::new(job));
        self.after_write(engine, step, l)
    }

    fn after_write(&mut self, engine: &Engine, step: Step, l: &mut Leniency) -> Result<Next> {
        match step {
            Step::Ask(effect) => Ok(Next::Ask(effect)),
            Step::Done(w) => {
                let State::Write(job) = &self.state else { return Err(write::unexpected()) };
                let rt = engine.resource_type(job.resource_type())?;
                if w.status == 200 && !engine.server.patch_returns_resource && job.is_patch() {
                    let mut r = reply(204, String::new());
                    r.headers.push(("ETag".into(), version(&w.resource)));
                    return Ok(Next::Reply(r));
                }
                self.resource_reply(engine, rt, w.status, w.resource, l)
            }
        }
    }

    fn step(&mut self, engine: &Engine, outcome: Outcome, l: &mut Leniency) -> Result<Next> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => Err(ScimError::status(500, "the conversation has already responded")),
            State::Read { rt, id } => {
                let rt = engine.resource_type(&rt)?;
                let resource = match outcome {
                    Outcome::Resource(text) => parse_json(&text, "stored resource")?,
                    Outcome::Missing => return Err(write::not_found(rt, &id)),
                    _ => return Err(write::unexpected()),
                };
                if let Some(inm) = &self.if_none_match {
                    let v = version(&resource);
                    if etag::matches(inm, &v) {
                        let mut r = reply(304, String::new());
                        r.headers.push(("ETag".into(), v));
                        return Ok(Next::Reply(r));
                    }
                }
                self.resource_reply(engine, rt, 200, resource, l)
            }
            State::List(mut job) => {
                let Outcome::Page(page) = outcome else { return Err(write::unexpected()) };
                if job.take(page)? {
                    let search = job.next_search().ok_or_else(write::unexpected)?;
                    self.state = State::List(job);
                    return Ok(Next::Ask(Effect::Search(search)));
                }
                Ok(json_reply(200, job.finish(engine)?))
            }
            State::Write(mut job) => {
                let step = job.resume(engine, outcome, l)?;
                self.state = State::Write(job);
                self.after_write(engine, step, l)
            }
            State::DeleteLoad { rt, id } => {
                let rt = engine.resource_type(&rt)?;
                let resource = match outcome {
                    Outcome::Resource(text) => parse_json(&text, "stored resource")?,
                    Outcome::Missing => return Err(write::not_found(rt, &id)),
                    _ => return Err(write::unexpected()),
                };
                let v = version(&resource);
                if !self.if_match.as_deref().is_some_and(|m| etag::matches(m, &v)) {
                    return Err(write::precondition(&v));
                }
                self.state = State::Delete { rt: rt.name.clone(), id: id.clone() };
                Ok(Next::Ask(Effect::Delete(DeleteOp {
                    resource_type: rt.name.clone(),
                    id,
                    expected_version: Some(v),
                })))
            }
            State::Delete { rt, id } => match outcome {
                Outcome::Deleted => Ok(Next::Reply(reply(204, String::new()))),
                Outcome::Missing => Err(write::not_found(engine.resource_type(&rt)?, &id)),
                Outcome::VersionMismatch => Err(write::precondition("changed meanwhile")),
                _ => Err(write::unexpected()),
            },
        }
    }

    fn resource_reply(
        &self,
        engine: &Engine,
        rt: &ResourceType,
        status: u16,
        resource: Value,
        l: &mut Leniency,
    ) -> Result<Next> {
        let projection = Projection::parse(rt, self.attributes.as_deref(), self.excluded.as_deref(), l)?;
        let v = version(&resource);
        let id = resource.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
        let body = present(engine, rt, &projection, resource);
        let mut r = reply(status, crate::json::text(&body));
        if status == 201 {
            r.headers.push(("Location".into(), format!("{}{}/{id}", engine.server.base_url, rt.endpoint)));
        }
        r.headers.push(("ETag".into(), v));
        Ok(Next::Reply(r))
    }
}

/// What a step of the conversation leads to.
enum Next {
    Ask(Effect),
    Reply(Response),
}

/// A stored resource as a client sees it: `meta.location` and `meta.version`
/// set, then projected (attributes, excludedAttributes, `returned`).
pub fn present(engine: &Engine, rt: &ResourceType, projection: &Projection, mut resource: Value) -> Value {
    let v = version(&resource);
    let id = resource.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(meta) = resource.get_mut("meta").and_then(Value::as_object_mut) {
        meta.insert("location".into(), Value::String(format!("{}{}/{id}", engine.server.base_url, rt.endpoint)));
        meta.insert("version".into(), Value::String(v));
        meta.insert("resourceType".into(), Value::String(rt.name.clone()));
    }
    if let Some(obj) = resource.as_object_mut() {
        obj.remove("password");
    }
    projection.apply(rt, &resource)
}

fn version(resource: &Value) -> String {
    stored_version(resource).map(str::to_string).unwrap_or_else(|| version_of(resource))
}

fn reply(status: u16, body: String) -> Response {
    Response { status, headers: vec![("Content-Type".into(), SCIM_JSON.into())], body, tolerances: Vec::new() }
}

fn json_reply(status: u16, body: Value) -> Next {
    Next::Reply(reply(status, crate::json::text(&body)))
}

fn method_not_allowed(engine: &Engine, method: &str, allowed: &[&str]) -> Response {
    let e = ScimError::status(405, format!("{method} is not allowed here; use {}", allowed.join(", ")));
    let mut r = error_response(engine, &e);
    r.headers.push(("Allow".into(), allowed.join(", ")));
    r
}

fn error_response(_engine: &Engine, e: &ScimError) -> Response {
    reply(e.status, e.render())
}
