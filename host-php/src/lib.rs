//! The PHP host's native half: runs the SCIM engine component under wasmtime (precompiled, cached per
//! process, with a deadline and a memory cap) behind the small C ABI in `include/scim_host.h`.

mod abi;
mod cache;
mod host;
mod json;
mod server_json;
mod wasi;

pub use abi::{scim_free, scim_host_abi_version, scim_host_call, scim_host_close, scim_host_open, ABI_VERSION};
pub use host::ScimHost;
pub use scim_engine_config::WASMTIME_VERSION;
