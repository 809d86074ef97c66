//! Fuzz target `request`: whole HTTP requests served against the in-memory store; the body (and its invariants)
//! is shared with the stable regression replay.
#![no_main]

// Shared with guest/tests/fuzz_regressions.rs; see the comment at the top of fuzz_bodies.rs for why it is included by path.
#[path = "../../tests/common/fuzz_bodies.rs"]
mod fuzz_bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_bodies::request(data));
