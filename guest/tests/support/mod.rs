//! Test support: the reference in-memory store and the conversation replay.
#![allow(dead_code)]

pub mod memory_store;
pub mod replay;
