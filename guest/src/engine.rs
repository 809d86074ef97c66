//! The engine: a configured schema registry and tolerance rules, and the
//! primitive operations hosts call (the same functions the component exports).

use crate::config::Config;
use crate::error::{Result, ScimError};
use crate::filter;
use crate::patch;
use crate::projection::Projection;
use crate::resource::{self, Context};
use crate::schema::{Extension, ResourceType, SchemaRegistry, ENTERPRISE_USER_SCHEMA};
use crate::server::ServerConfig;
use crate::tolerance::{Fired, Leniency, Tolerances};
use serde_json::Value;

/// A result together with the tolerance rules that fired producing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<T> {
    pub value: T,
    pub fired: Vec<Fired>,
}

/// A configured engine; cheap to share, built once per host process.
#[derive(Debug, Clone)]
pub struct Engine {
    pub registry: SchemaRegistry,
    pub tolerances: Tolerances,
    /// The SCIM server's settings.
    pub server: ServerConfig,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Config::default()).expect("the default configuration is valid")
    }
}

impl Engine {
    /// Builds an engine; custom extensions are checked against the core schemas.
    pub fn new(config: Config) -> Result<Engine> {
        let mut user_ext = Vec::new();
        let mut group_ext = Vec::new();
        if config.enterprise_user {
            user_ext.push(Extension { schema: crate::schema::enterprise_user_schema(), required: false });
        }
        for (rt, ext) in config.extensions {
            let list = if rt.eq_ignore_ascii_case("User") {
                &mut user_ext
            } else if rt.eq_ignore_ascii_case("Group") {
                &mut group_ext
            } else {
                return Err(ScimError::invalid_value(format!(
                    "extension \"{}\" names resource type \"{rt}\"; use \"User\" or \"Group\"",
                    ext.schema.id
                )));
            };
            let clash =
                [crate::schema::USER_SCHEMA, crate::schema::GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA].iter().any(|u| {
                    u.eq_ignore_ascii_case(&ext.schema.id)
                        && !(rt.eq_ignore_ascii_case("User") && *u == ENTERPRISE_USER_SCHEMA && !config.enterprise_user)
                }) || list.iter().any(|e| e.schema.id.eq_ignore_ascii_case(&ext.schema.id));
            if clash {
                return Err(ScimError::invalid_value(format!("schema \"{}\" is defined twice", ext.schema.id)));
            }
            list.push(ext);
        }
        Ok(Engine {
            registry: SchemaRegistry::new(user_ext, group_ext),
            tolerances: config.tolerances,
            server: config.server,
        })
    }

    /// Builds an engine from configuration JSON.
    pub fn from_config_json(text: &str) -> Result<Engine> {
        Engine::new(Config::from_json(text)?)
    }

    /// A resource type by name or endpoint.
    pub fn resource_type(&self, name: &str) -> Result<&ResourceType> {
        self.registry.get(name)
    }

    /// A fresh tolerance recorder for one call.
    pub fn leniency(&self) -> Leniency<'_> {
        Leniency::new(&self.tolerances)
    }

    /// Parses a filter and prints it back canonically.
    pub fn parse_filter(&self, rt: &str, text: &str) -> Result<Outcome<String>> {
        self.resource_type(rt)?;
        let mut l = self.leniency();
        let f = filter::parse(text, &mut l)?;
        Ok(Outcome { value: f.to_string(), fired: l.into_fired() })
    }

    /// Compiles a filter to its storage plan, as JSON text.
    pub fn compile_filter(&self, rt: &str, text: &str) -> Result<Outcome<String>> {
        let rt = self.resource_type(rt)?;
        let mut l = self.leniency();
        let f = filter::parse(text, &mut l)?;
        let plan = filter::compile(&f, rt, &mut l)?;
        Ok(Outcome { value: crate::json::text(&plan.to_json()), fired: l.into_fired() })
    }

    /// Parses a filter and evaluates it against one resource.
    pub fn evaluate_filter(&self, rt: &str, text: &str, resource: &str) -> Result<Outcome<bool>> {
        let rt = self.resource_type(rt)?;
        let mut l = self.leniency();
        let f = filter::parse(text, &mut l)?;
        let plan = filter::compile(&f, rt, &mut l)?;
        let resource = plan.parse_for_matching(resource).map_err(|e| bad_json(e, "resource"))?;
        Ok(Outcome { value: plan.matches(&resource), fired: l.into_fired() })
    }

    /// Validates a resource body in a context.
    pub fn validate_resource(
        &self,
        rt: &str,
        ctx: Context,
        body: &str,
        existing: Option<&str>,
    ) -> Result<Outcome<String>> {
        let rt = self.resource_type(rt)?;
        let body = parse_json(body, "request body")?;
        let existing = existing.map(|e| parse_json(e, "existing resource")).transpose()?;
        let mut l = self.leniency();
        let out = resource::validate(rt, ctx, &body, existing.as_ref(), &mut l)?;
        Ok(Outcome { value: crate::json::text(&out), fired: l.into_fired() })
    }

    /// Applies a PatchOp body to a resource, atomically.
    pub fn apply_patch(&self, rt: &str, resource: &str, patch: &str) -> Result<Outcome<String>> {
        let rt = self.resource_type(rt)?;
        let resource = parse_json(resource, "resource")?;
        let patch = parse_json(patch, "PATCH body")?;
        let mut l = self.leniency();
        let out = patch::apply(rt, &resource, &patch, &mut l)?;
        Ok(Outcome { value: crate::json::text(&out), fired: l.into_fired() })
    }

    /// Applies `attributes` / `excludedAttributes` and `returned` to a resource.
    pub fn project(
        &self,
        rt: &str,
        resource: &str,
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<Outcome<String>> {
        let rt = self.resource_type(rt)?;
        let resource = parse_json(resource, "resource")?;
        let mut l = self.leniency();
        let projection = Projection::parse(rt, attributes, excluded, &mut l)?;
        let out = projection.apply(rt, &resource);
        Ok(Outcome { value: crate::json::text(&out), fired: l.into_fired() })
    }

    /// Every schema as RFC 7643 §7 documents, as a JSON array.
    pub fn schemas_json(&self) -> String {
        crate::json::text(&Value::Array(self.registry.schemas().iter().map(|s| s.to_json(None)).collect()))
    }
}

/// Parses JSON text; a failure is `invalidSyntax` naming what was parsed.
/// serde_json's recursion limit (128) turns deep nesting into this error too.
pub fn parse_json(text: &str, what: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| bad_json(e, what))
}

fn bad_json(e: serde_json::Error, what: &str) -> ScimError {
    ScimError::invalid_syntax(format!("the {what} is not valid JSON: {e}"))
}
