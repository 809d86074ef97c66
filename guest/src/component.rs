//! The component's exports: a thin mapping from the WIT contract
//! (`wit/scim-engine.wit`) onto [`crate::Engine`].

wit_bindgen::generate!({
    path: "../wit",
    world: "scim-engine",
});

use crate::engine::Outcome;
use crate::error::ScimType;
use crate::tolerance::Fired;
use exports::scim::engine::primitives::{self, Context, EngineBorrow, GuestEngine, Verdict};
use exports::scim::engine::server;
use scim::engine::types::{ScimError, ToleranceReport};
use std::cell::RefCell;
use std::rc::Rc;

struct Component;

/// The exported `engine` resource; shared with the conversations it serves.
pub struct EngineResource(Rc<crate::Engine>);

fn to_wit_error(e: crate::ScimError) -> ScimError {
    ScimError { status: e.status, scim_type: e.scim_type.map(|t| t.as_str().to_string()), detail: e.detail }
}

fn reports(fired: Vec<Fired>) -> Vec<ToleranceReport> {
    fired.into_iter().map(|f| ToleranceReport { rule: f.rule.name().to_string(), detail: f.detail }).collect()
}

fn outcome(r: crate::error::Result<Outcome<String>>) -> Result<primitives::Outcome, ScimError> {
    r.map(|o| primitives::Outcome { json: o.value, tolerances: reports(o.fired) }).map_err(to_wit_error)
}

impl From<Context> for crate::Context {
    fn from(c: Context) -> Self {
        match c {
            Context::CreationRequest => crate::Context::CreationRequest,
            Context::ReplaceRequest => crate::Context::ReplaceRequest,
            Context::QueryResponse => crate::Context::QueryResponse,
        }
    }
}

impl primitives::Guest for Component {
    type Engine = EngineResource;

    fn render_error(error: ScimError) -> String {
        crate::ScimError {
            status: error.status,
            scim_type: error.scim_type.as_deref().and_then(ScimType::parse),
            detail: error.detail,
        }
        .render()
    }
}

impl GuestEngine for EngineResource {
    fn open(config: String) -> Result<primitives::Engine, ScimError> {
        crate::Engine::from_config_json(&config)
            .map(|e| primitives::Engine::new(EngineResource(Rc::new(e))))
            .map_err(to_wit_error)
    }

    fn parse_filter(&self, resource_type: String, filter: String) -> Result<primitives::Outcome, ScimError> {
        outcome(self.0.parse_filter(&resource_type, &filter))
    }

    fn compile_filter(&self, resource_type: String, filter: String) -> Result<primitives::Outcome, ScimError> {
        outcome(self.0.compile_filter(&resource_type, &filter))
    }

    fn evaluate_filter(&self, resource_type: String, filter: String, resource: String) -> Result<Verdict, ScimError> {
        self.0
            .evaluate_filter(&resource_type, &filter, &resource)
            .map(|o| Verdict { matches: o.value, tolerances: reports(o.fired) })
            .map_err(to_wit_error)
    }

    fn validate_resource(
        &self,
        resource_type: String,
        ctx: Context,
        body: String,
        existing: Option<String>,
    ) -> Result<primitives::Outcome, ScimError> {
        outcome(self.0.validate_resource(&resource_type, ctx.into(), &body, existing.as_deref()))
    }

    fn apply_patch(
        &self,
        resource_type: String,
        resource: String,
        patch: String,
    ) -> Result<primitives::Outcome, ScimError> {
        outcome(self.0.apply_patch(&resource_type, &resource, &patch))
    }

    fn project(
        &self,
        resource_type: String,
        resource: String,
        attributes: Option<String>,
        excluded_attributes: Option<String>,
    ) -> Result<primitives::Outcome, ScimError> {
        outcome(self.0.project(&resource_type, &resource, attributes.as_deref(), excluded_attributes.as_deref()))
    }

    fn schemas(&self) -> String {
        self.0.schemas_json()
    }
}

/// The exported `conversation` resource: one request being served.
pub struct ConversationResource {
    engine: Rc<crate::Engine>,
    state: RefCell<ConversationState>,
}

enum ConversationState {
    /// `serve` was called; the first `next(none)` starts the conversation.
    Pending {
        request: crate::server::Request,
        now: String,
        new_id: String,
    },
    Running(crate::server::Conversation),
}

impl server::Guest for Component {
    type Conversation = ConversationResource;

    fn serve(engine: EngineBorrow<'_>, request: server::Request, now: String, new_id: String) -> server::Conversation {
        let engine = Rc::clone(&engine.get::<EngineResource>().0);
        let request = crate::server::Request {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body: request.body,
        };
        server::Conversation::new(ConversationResource {
            engine,
            state: RefCell::new(ConversationState::Pending { request, now, new_id }),
        })
    }
}

impl server::GuestConversation for ConversationResource {
    fn next(&self, outcome: Option<server::Outcome>) -> server::Effect {
        let mut state = self.state.borrow_mut();
        let effect = match (&mut *state, outcome) {
            (ConversationState::Running(c), Some(o)) => c.resume(&self.engine, outcome_from(o)),
            (ConversationState::Pending { request, now, new_id }, None) => {
                let (c, effect) =
                    crate::server::Conversation::start(&self.engine, std::mem::take(request), now, new_id);
                *state = ConversationState::Running(c);
                effect
            }
            (ConversationState::Running(_), None) | (ConversationState::Pending { .. }, Some(_)) => {
                crate::server::Effect::Respond(crate::server::Response {
                    status: 500,
                    headers: vec![("Content-Type".into(), "application/scim+json".into())],
                    body: crate::ScimError::status(
                        500,
                        "host error: next() takes none on the first call and an outcome afterwards",
                    )
                    .render(),
                    tolerances: Vec::new(),
                })
            }
        };
        effect_to(effect)
    }
}

fn outcome_from(o: server::Outcome) -> crate::server::Outcome {
    use crate::server::Outcome as O;
    match o {
        server::Outcome::Resource(r) => O::Resource(r),
        server::Outcome::Missing => O::Missing,
        server::Outcome::Page(p) => {
            O::Page(crate::server::Page { total: p.total, resources: p.resources, exact: p.exact })
        }
        server::Outcome::Written(r) => O::Written(r),
        server::Outcome::Deleted => O::Deleted,
        server::Outcome::Conflict(a) => O::Conflict(a),
        server::Outcome::VersionMismatch => O::VersionMismatch,
    }
}

fn write_op(w: crate::server::WriteOp) -> server::WriteOp {
    server::WriteOp {
        resource_type: w.resource_type,
        id: w.id,
        resource: w.resource,
        expected_version: w.expected_version,
        unique: w.unique,
        password: w.password,
    }
}

fn effect_to(e: crate::server::Effect) -> server::Effect {
    use crate::server::Effect as E;
    match e {
        E::Load(l) => server::Effect::Load(server::LoadOp { resource_type: l.resource_type, id: l.id }),
        E::Search(s) => server::Effect::Search(server::SearchOp {
            resource_type: s.resource_type,
            plan: s.plan,
            sort_by: s.sort_by,
            descending: s.descending,
            start_index: s.start_index,
            count: s.count,
        }),
        E::Create(w) => server::Effect::Create(write_op(w)),
        E::Replace(w) => server::Effect::Replace(write_op(w)),
        E::Delete(d) => server::Effect::Delete(server::DeleteOp {
            resource_type: d.resource_type,
            id: d.id,
            expected_version: d.expected_version,
        }),
        E::Respond(r) => server::Effect::Respond(server::Response {
            status: r.status,
            headers: r.headers,
            body: r.body,
            tolerances: reports(r.tolerances),
        }),
    }
}

export!(Component);
