//! Reading a raw request: routing the path to an endpoint, decoding the
//! query string, headers, and the body's size and content type.

use super::Request;
use crate::error::{Result, ScimError};
use crate::tolerance::{Leniency, Rule};

/// What a request path addresses (RFC 7644 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `/ServiceProviderConfig`.
    ServiceProviderConfig,
    /// `/ResourceTypes` or `/ResourceTypes/{name}`.
    ResourceTypes(Option<String>),
    /// `/Schemas` or `/Schemas/{urn}`.
    Schemas(Option<String>),
    /// `/Me` (not supported: 501).
    Me,
    /// `/Bulk` (not supported: 501).
    Bulk,
    /// `/.search` at the root.
    RootSearch,
    /// `/Users`, `/Groups`: the resource type's name.
    Collection(String),
    /// `/Users/.search`.
    CollectionSearch(String),
    /// `/Users/{id}`.
    Resource(String, String),
}

impl Endpoint {
    /// Routes a path below the SCIM base; unknown paths are 404.
    pub fn route(path: &str, resource_types: &[(&str, &str)], leniency: &mut Leniency) -> Result<Endpoint> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let mut trimmed = path.trim_start_matches('/');
        if trimmed.len() > 1 && trimmed.ends_with('/') {
            if !leniency.permits(Rule::TrailingSlash, || format!("path \"{path}\" read without its trailing slash")) {
                return Err(not_found(path));
            }
            trimmed = trimmed.trim_end_matches('/');
        }
        let segments: Vec<String> = trimmed.split('/').map(|s| percent_decode(s, false)).collect::<Result<_>>()?;
        let seg = |i: usize| segments.get(i).map(String::as_str);
        let endpoint = match (seg(0), seg(1), segments.len()) {
            (Some(".search"), None, 1) => Endpoint::RootSearch,
            (Some("ServiceProviderConfig"), None, 1) => Endpoint::ServiceProviderConfig,
            (Some("ResourceTypes"), None, 1) => Endpoint::ResourceTypes(None),
            (Some("ResourceTypes"), Some(n), 2) => Endpoint::ResourceTypes(Some(n.to_string())),
            (Some("Schemas"), None, 1) => Endpoint::Schemas(None),
            (Some("Schemas"), Some(n), 2) => Endpoint::Schemas(Some(n.to_string())),
            (Some("Me"), _, _) => Endpoint::Me,
            (Some("Bulk"), None, 1) => Endpoint::Bulk,
            (Some(first), second, n) if n <= 2 => {
                let Some((name, _)) = resource_types.iter().find(|(_, ep)| *ep == first) else {
                    return Err(not_found(path));
                };
                match second {
                    None => Endpoint::Collection(name.to_string()),
                    Some(".search") => Endpoint::CollectionSearch(name.to_string()),
                    Some("") => return Err(not_found(path)),
                    Some(id) => Endpoint::Resource(name.to_string(), id.to_string()),
                }
            }
            _ => return Err(not_found(path)),
        };
        Ok(endpoint)
    }

    /// The methods this endpoint answers, for 405 and its `Allow` header.
    pub fn allowed(&self) -> &'static [&'static str] {
        match self {
            Endpoint::ServiceProviderConfig | Endpoint::ResourceTypes(_) | Endpoint::Schemas(_) => &["GET"],
            Endpoint::Me => &["GET", "POST", "PUT", "PATCH", "DELETE"],
            Endpoint::Bulk | Endpoint::RootSearch | Endpoint::CollectionSearch(_) => &["POST"],
            Endpoint::Collection(_) => &["GET", "POST"],
            Endpoint::Resource(..) => &["GET", "PUT", "PATCH", "DELETE"],
        }
    }
}

fn not_found(path: &str) -> ScimError {
    ScimError::not_found(format!("no SCIM endpoint at \"{path}\""))
}

/// The decoded query parameters of a request.
#[derive(Debug, Clone, Default)]
pub struct Query {
    params: Vec<(String, String)>,
}

impl Query {
    /// Decodes `a=b&c=d` (percent-encoding, `+` as space as in HTML forms).
    pub fn parse(raw: &str) -> Result<Query> {
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        let mut params = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((percent_decode(k, true)?, percent_decode(v, true)?));
        }
        Ok(Query { params })
    }

    /// A parameter by its RFC 7644 name; another case is accepted under a rule.
    pub fn get(&self, name: &str, leniency: &mut Leniency) -> Option<&str> {
        if let Some((_, v)) = self.params.iter().find(|(k, _)| k == name) {
            return Some(v);
        }
        let (k, v) = self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
        leniency
            .permits(Rule::QueryParameterAnyCase, || format!("query parameter \"{k}\" read as \"{name}\""))
            .then_some(v.as_str())
    }
}

/// Percent-decodes one URL component; `plus_is_space` for query strings.
fn percent_decode(s: &str, plus_is_space: bool) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ScimError::invalid_syntax(format!("\"{s}\" has a malformed percent-encoding")))?;
                out.push(byte);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ScimError::invalid_syntax(format!("\"{s}\" does not decode to UTF-8")))
}

/// A header's value by name (HTTP header names are case-insensitive).
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// Checks the body's size and content type, and returns it as JSON.
pub fn json_body(request: &Request, max_bytes: usize) -> Result<serde_json::Value> {
    if request.body.len() > max_bytes {
        return Err(ScimError::status(
            413,
            format!("the request body has {} bytes; this server accepts at most {max_bytes}", request.body.len()),
        ));
    }
    if let Some(ct) = header(request, "content-type") {
        let media = ct.split(';').next().unwrap_or_default().trim();
        if !media.eq_ignore_ascii_case("application/scim+json") && !media.eq_ignore_ascii_case("application/json") {
            return Err(ScimError::status(
                415,
                format!("Content-Type \"{ct}\" is not supported; send application/scim+json"),
            ));
        }
    }
    let text = std::str::from_utf8(&request.body)
        .map_err(|_| ScimError::invalid_syntax("the request body is not UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(ScimError::invalid_syntax("the request has no body; a JSON object is expected"));
    }
    crate::engine::parse_json(text, "request body")
}
