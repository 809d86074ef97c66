//! PATCH (RFC 7644 §3.5.2). (Placeholder.)

use crate::error::{Result, ScimError};
use crate::schema::ResourceType;
use crate::tolerance::Leniency;
use serde_json::Value;

pub fn apply(_rt: &ResourceType, _resource: &Value, _body: &Value, _leniency: &mut Leniency) -> Result<Value> {
    Err(ScimError::invalid_syntax("not implemented"))
}
