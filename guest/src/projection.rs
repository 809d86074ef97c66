//! Projection (RFC 7644 §3.4.2.5). (Placeholder.)

use crate::error::Result;
use crate::schema::ResourceType;
use crate::tolerance::Leniency;
use serde_json::Value;

pub struct Projection;

impl Projection {
    pub fn parse(
        _rt: &ResourceType,
        _attributes: Option<&str>,
        _excluded: Option<&str>,
        _l: &mut Leniency,
    ) -> Result<Projection> {
        Ok(Projection)
    }
    pub fn apply(&self, _rt: &ResourceType, resource: &Value) -> Value {
        resource.clone()
    }
}
