//! The SCIM server (RFC 7644 §3) as a sans-IO conversation: the host hands in
//! a raw HTTP request, the engine answers with the next [`Effect`] the host
//! must perform, the host hands back the [`Outcome`], until the engine
//! answers [`Effect::Respond`]. Mirrors `interface server` in the WIT.

mod conversation;
mod discovery;
mod etag;
mod list;
mod request;
mod write;

pub use conversation::Conversation;
pub use etag::version_of;
pub use request::Endpoint;

use crate::tolerance::Fired;

/// Server settings from the engine configuration's `server` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The SCIM base URL, without a trailing slash (`Location`, `meta.location`).
    pub base_url: String,
    /// The largest page a list answers (`count` is clamped to it).
    pub max_page_size: u32,
    /// The largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// Whether PATCH answers 200 with the resource (true) or 204 (false).
    pub patch_returns_resource: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            base_url: "https://example.org/scim/v2".to_string(),
            max_page_size: 200,
            max_body_bytes: 1024 * 1024,
            patch_returns_resource: true,
        }
    }
}

/// A raw HTTP request as the host received it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// HTTP method in any case.
    pub method: String,
    /// Path below the SCIM base URL, e.g. `/Users/2819c223`.
    pub path: String,
    /// Raw query string without `?`, still percent-encoded.
    pub query: String,
    /// Headers as received.
    pub headers: Vec<(String, String)>,
    /// Body bytes as received.
    pub body: Vec<u8>,
}

/// Load one stored resource by id; answer [`Outcome::Resource`] or [`Outcome::Missing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOp {
    /// "User" or "Group".
    pub resource_type: String,
    /// The resource's id.
    pub id: String,
}

/// Search stored resources of one type; answer [`Outcome::Page`] (see [`Page`] for the contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOp {
    /// "User" or "Group".
    pub resource_type: String,
    /// The compiled filter as plan JSON text; `None` = every resource.
    pub plan: Option<String>,
    /// Canonical attribute path to sort by.
    pub sort_by: Option<String>,
    /// Sort descending.
    pub descending: bool,
    /// 1-based index of the first result.
    pub start_index: u32,
    /// Most results wanted (0: only the total).
    pub count: u32,
}

/// Store a resource; answer `Written`, `Conflict`, `Missing` or `VersionMismatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOp {
    /// "User" or "Group".
    pub resource_type: String,
    /// The resource's id.
    pub id: String,
    /// JSON text to store as is, with `meta.version`.
    pub resource: String,
    /// The `meta.version` this write is based on (replace only).
    pub expected_version: Option<String>,
    /// (attribute, value) pairs no other resource of the type may hold; values
    /// of case-insensitive attributes are lowercased.
    pub unique: Vec<(String, String)>,
    /// A writeOnly password for the host to hash; never inside `resource`.
    pub password: Option<String>,
}

/// Delete a stored resource; answer `Deleted`, `Missing` or `VersionMismatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOp {
    /// "User" or "Group".
    pub resource_type: String,
    /// The resource's id.
    pub id: String,
    /// Delete only if the stored `meta.version` equals this.
    pub expected_version: Option<String>,
}

/// The HTTP response that ends a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers in a stable order.
    pub headers: Vec<(String, String)>,
    /// JSON text; empty for 204 and 304.
    pub body: String,
    /// Tolerance rules that fired while serving the request.
    pub tolerances: Vec<Fired>,
}

impl Response {
    /// A header's value by name, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the host must do next. Performing it and calling
/// [`Conversation::resume`] with the outcome is the only way on.
#[must_use = "an effect must be performed and its outcome handed back, or the response sent"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Load one resource by id.
    Load(LoadOp),
    /// Search resources.
    Search(SearchOp),
    /// Create a new resource.
    Create(WriteOp),
    /// Replace a stored resource.
    Replace(WriteOp),
    /// Delete a stored resource.
    Delete(DeleteOp),
    /// Send this response; the conversation is over.
    Respond(Response),
}

/// One page of search results.
///
/// `exact: true`: storage applied the plan, sort and paging; `resources` is
/// the page and `total` counts all matches. `exact: false`: `resources` are
/// ALL candidates (a superset, unpaged); the engine filters, sorts and pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Total matches (ignored when not exact).
    pub total: u32,
    /// Resources as JSON text.
    pub resources: Vec<String>,
    /// Whether the whole plan, sort and paging were applied by storage.
    pub exact: bool,
}

/// What the host answers after performing an effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The loaded resource (JSON text).
    Resource(String),
    /// No resource with that id.
    Missing,
    /// The answer to a search.
    Page(Page),
    /// The stored JSON after a create or replace.
    Written(String),
    /// The resource was deleted.
    Deleted,
    /// A unique value is taken; names the attribute.
    Conflict(String),
    /// The expected version did not match.
    VersionMismatch,
}
