//! Engine configuration, read from JSON once when an engine is opened.

use crate::error::{Result, ScimError};
use crate::schema::{Extension, Schema};
use crate::server::ServerConfig;
use crate::tolerance::{Rule, Tolerances};
use serde_json::Value;

/// What a host configures: tolerance rules and schema extensions.
#[derive(Debug, Clone)]
pub struct Config {
    pub tolerances: Tolerances,
    /// Attach the Enterprise User extension to `User` (default true).
    pub enterprise_user: bool,
    /// Custom extensions: (resource type name, extension).
    pub extensions: Vec<(String, Extension)>,
    /// The SCIM server's settings (`server` key).
    pub server: ServerConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tolerances: Tolerances::default(),
            enterprise_user: true,
            extensions: Vec::new(),
            server: ServerConfig::default(),
        }
    }
}

impl Config {
    /// Reads the configuration JSON documented in `wit/scim-engine.wit`.
    pub fn from_json(text: &str) -> Result<Config> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ScimError::invalid_syntax(format!("engine configuration is not valid JSON: {e}")))?;
        let obj =
            value.as_object().ok_or_else(|| ScimError::invalid_value("engine configuration must be a JSON object"))?;
        let mut config = Config::default();
        for (key, v) in obj {
            match key.as_str() {
                "strict" => {
                    if bool_of(key, v)? {
                        config.tolerances = Tolerances::strict();
                    }
                }
                "tolerances" | "enterpriseUser" | "extensions" | "server" => {}
                other => {
                    return Err(ScimError::invalid_value(format!(
                        "unknown engine configuration key \"{other}\" (known: strict, tolerances, enterpriseUser, extensions, server)"
                    )))
                }
            }
        }
        if let Some(t) = obj.get("tolerances") {
            let t = t
                .as_object()
                .ok_or_else(|| ScimError::invalid_value("\"tolerances\" must map rule names to booleans"))?;
            for (name, on) in t {
                let rule = Rule::from_name(name).ok_or_else(|| {
                    let known: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                    ScimError::invalid_value(format!(
                        "unknown tolerance rule \"{name}\"; known rules: {}",
                        known.join(", ")
                    ))
                })?;
                config.tolerances.set(rule, bool_of(name, on)?);
            }
        }
        if let Some(v) = obj.get("enterpriseUser") {
            config.enterprise_user = bool_of("enterpriseUser", v)?;
        }
        if let Some(v) = obj.get("extensions") {
            let items = v.as_array().ok_or_else(|| ScimError::invalid_value("\"extensions\" must be an array"))?;
            for item in items {
                config.extensions.push(extension_of(item)?);
            }
        }
        if let Some(v) = obj.get("server") {
            config.server = server_of(v)?;
        }
        Ok(config)
    }
}

fn server_of(v: &Value) -> Result<ServerConfig> {
    let obj = v.as_object().ok_or_else(|| ScimError::invalid_value("\"server\" must be an object"))?;
    let mut out = ServerConfig::default();
    for (key, v) in obj {
        let number = || {
            v.as_u64()
                .filter(|n| *n > 0)
                .ok_or_else(|| ScimError::invalid_value(format!("\"server.{key}\" must be a positive integer")))
        };
        match key.as_str() {
            "baseUrl" => {
                let url = v
                    .as_str()
                    .ok_or_else(|| ScimError::invalid_value("\"server.baseUrl\" must be a URL string"))?;
                out.base_url = url.trim_end_matches('/').to_string();
            }
            "maxPageSize" => out.max_page_size = u32::try_from(number()?).unwrap_or(u32::MAX),
            "maxBodyBytes" => out.max_body_bytes = usize::try_from(number()?).unwrap_or(usize::MAX),
            "patchResponse" => {
                out.patch_returns_resource = match v.as_str() {
                    Some("resource") => true,
                    Some("none") => false,
                    _ => {
                        return Err(ScimError::invalid_value(
                            "\"server.patchResponse\" must be \"resource\" or \"none\"",
                        ))
                    }
                }
            }
            other => {
                return Err(ScimError::invalid_value(format!(
                    "unknown server configuration key \"{other}\" (known: baseUrl, maxPageSize, maxBodyBytes, patchResponse)"
                )))
            }
        }
    }
    Ok(out)
}

fn bool_of(key: &str, v: &Value) -> Result<bool> {
    v.as_bool().ok_or_else(|| ScimError::invalid_value(format!("\"{key}\" must be true or false")))
}

fn extension_of(item: &Value) -> Result<(String, Extension)> {
    let obj = item.as_object().ok_or_else(|| {
        ScimError::invalid_value("each extension must be {\"resourceType\": ..., \"required\": ..., \"schema\": {...}}")
    })?;
    let resource_type = obj
        .get("resourceType")
        .and_then(Value::as_str)
        .ok_or_else(|| ScimError::invalid_value("an extension needs \"resourceType\" (\"User\" or \"Group\")"))?
        .to_string();
    let required = match obj.get("required") {
        None => false,
        Some(v) => bool_of("required", v)?,
    };
    let schema = Schema::from_json(
        obj.get("schema").ok_or_else(|| ScimError::invalid_value("an extension needs its \"schema\" document"))?,
    )?;
    Ok((resource_type, Extension { schema, required }))
}
