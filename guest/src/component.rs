//! The component's exports: a thin mapping from the WIT contract
//! (`wit/scim-engine.wit`) onto [`crate::Engine`].

wit_bindgen::generate!({
    path: "../wit",
    world: "scim-engine",
});

use crate::engine::Outcome;
use crate::error::ScimType;
use crate::tolerance::Fired;
use exports::scim::engine::primitives::{self, Context, GuestEngine, Verdict};
use scim::engine::types::{ScimError, ToleranceReport};

struct Component;

/// The exported `engine` resource.
pub struct EngineResource(crate::Engine);

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
            .map(|e| primitives::Engine::new(EngineResource(e)))
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

export!(Component);
