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
