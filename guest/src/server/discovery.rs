//! Discovery endpoints (RFC 7644 §4): `/ServiceProviderConfig`,
//! `/ResourceTypes` and `/Schemas`, truthful to the engine's configuration.

use super::list::list_response;
use crate::engine::Engine;
use crate::error::{Result, ScimError};
use serde_json::{json, Value};

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/// The service provider configuration (RFC 7643 §5).
pub fn service_provider_config(engine: &Engine) -> Value {
    let base = &engine.server.base_url;
    json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": engine.server.max_page_size},
        "changePassword": {"supported": true},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with a bearer token in the Authorization header (RFC 6750)",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

fn resource_type_doc(engine: &Engine, index: usize) -> Option<Value> {
    let rt = engine.registry.resource_types.get(index)?;
    let extensions: Vec<Value> =
        rt.extensions.iter().map(|e| json!({"schema": e.schema.id, "required": e.required})).collect();
    let mut doc = json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": rt.name,
        "name": rt.name,
        "endpoint": rt.endpoint,
        "description": rt.description,
        "schema": rt.schema.id,
        "meta": {"resourceType": "ResourceType", "location": format!("{}/ResourceTypes/{}", engine.server.base_url, rt.name)},
    });
    if !extensions.is_empty() {
        doc["schemaExtensions"] = Value::Array(extensions);
    }
    Some(doc)
}

/// `/ResourceTypes` (a ListResponse) or `/ResourceTypes/{name}`.
pub fn resource_types(engine: &Engine, name: Option<&str>) -> Result<Value> {
    let count = engine.registry.resource_types.len();
    match name {
        None => Ok(list_response((0..count).filter_map(|i| resource_type_doc(engine, i)).collect(), count, 1, true)),
        Some(name) => engine
            .registry
            .resource_types
            .iter()
            .position(|rt| rt.name.eq_ignore_ascii_case(name))
            .and_then(|i| resource_type_doc(engine, i))
            .ok_or_else(|| ScimError::not_found(format!("no resource type \"{name}\" (known: User, Group)"))),
    }
}

/// `/Schemas` (a ListResponse) or `/Schemas/{urn}`.
pub fn schemas(engine: &Engine, urn: Option<&str>) -> Result<Value> {
    let base = &engine.server.base_url;
    let doc = |s: &crate::schema::Schema| s.to_json(Some(&format!("{base}/Schemas/{}", s.id)));
    let all = engine.registry.schemas();
    match urn {
        None => Ok(list_response(all.iter().map(|s| doc(s)).collect(), all.len(), 1, true)),
        Some(urn) => all
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(urn))
            .map(|s| doc(s))
            .ok_or_else(|| ScimError::not_found(format!("no schema \"{urn}\" on this server"))),
    }
}
