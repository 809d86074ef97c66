//! Filters (RFC 7644 §3.4.2.2): parsing to an AST, printing, compilation to
//! a storage plan, and evaluation.

use crate::error::{Result, ScimError};
use crate::schema::ResourceType;
use crate::tolerance::Leniency;
use serde_json::Value;
use std::fmt;

/// A parsed filter. (Placeholder: replaced by the full AST.)
#[derive(Debug, Clone, PartialEq)]
pub struct Filter;

impl fmt::Display for Filter {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

/// A compiled filter. (Placeholder.)
#[derive(Debug, Clone, PartialEq)]
pub struct Plan;

impl Plan {
    pub fn matches(&self, _resource: &Value) -> bool {
        false
    }
    pub fn to_json(&self) -> Value {
        Value::Null
    }
}

pub fn parse(_text: &str, _leniency: &mut Leniency) -> Result<Filter> {
    Err(ScimError::invalid_filter("not implemented"))
}

pub fn compile(_filter: &Filter, _rt: &ResourceType, _leniency: &mut Leniency) -> Result<Plan> {
    Err(ScimError::invalid_filter("not implemented"))
}

// TEMP filter stubs: replaced by the filter module when it lands on main.

/// A PATCH path (RFC 7644 §3.5.2): attribute path, optional value filter, optional sub-attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: crate::path::AttrPath,
    pub filter: Option<Filter>,
    pub sub: Option<String>,
}

/// Parses a PATCH path (TEMP stub: no value filters).
pub fn parse_patch_path(text: &str, _leniency: &mut Leniency) -> Result<PatchPath> {
    if text.contains('[') {
        return Err(ScimError::invalid_path("value filters in PATCH paths need the filter module (TEMP stub)"));
    }
    let attr = crate::path::AttrPath::parse(text).map_err(ScimError::invalid_path)?;
    Ok(PatchPath { attr, filter: None, sub: None })
}

/// Compiles a value filter relative to one multi-valued complex attribute (TEMP stub).
pub fn compile_element_filter(
    _filter: &Filter,
    _attr: &crate::schema::Attribute,
    _attr_path: &str,
    _leniency: &mut Leniency,
) -> Result<Plan> {
    Err(ScimError::invalid_filter("not implemented (TEMP stub)"))
}
