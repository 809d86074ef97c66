//! The SCIM 2.0 protocol core (RFC 7643, RFC 7644), sans-IO.
//!
//! Everything here is pure: inputs in, decisions out. The same code runs
//! natively (tests, benchmarks) and as a WASI component (see `component`).

pub mod config;
pub mod datetime;
pub mod engine;
pub mod error;
pub mod filter;
pub mod json;
pub mod patch;
pub mod path;
pub mod projection;
pub mod resource;
pub mod schema;
pub mod server;
pub mod tolerance;

#[cfg(target_arch = "wasm32")]
mod component;

pub use engine::{Engine, Outcome};
pub use error::{ScimError, ScimType};
pub use resource::Context;
