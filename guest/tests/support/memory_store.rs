//! A reference in-memory store that performs the server's effects
//! faithfully: ids, uniqueness, versions and honest paging.
//!
//! Searches are answered exactly (plan, sort and paging applied) when the
//! plan is absent or is `eq` (or an `or` of `eq`) on `id`, `userName`,
//! `externalId` or `displayName` without a sort; otherwise every resource of
//! the type is returned as a candidate (`exact: false`), so both paths of
//! the contract are exercised.

use scim_engine::server::{DeleteOp, LoadOp, Outcome, Page, SearchOp, WriteOp};
use serde_json::Value;
use std::collections::BTreeMap;

/// One stored resource: the JSON text as written, parsed once (so searches
/// and uniqueness checks over many resources do not re-parse every one).
#[derive(Debug, Clone)]
pub struct Stored {
    /// The JSON text as written (answered to loads).
    pub text: String,
    /// The parsed resource.
    pub value: Value,
    /// `value` printed again (answered in search pages).
    pub printed: String,
}

impl Stored {
    fn new(text: &str) -> Stored {
        let value: Value = serde_json::from_str(text).expect("stored JSON");
        Stored { text: text.to_string(), printed: value.to_string(), value }
    }
}

/// The store: resources by type, then by id.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    pub resources: BTreeMap<String, BTreeMap<String, Stored>>,
    /// Passwords handed over by writes (a real host hashes them).
    pub passwords: BTreeMap<String, String>,
    /// How many searches were answered exactly / with candidates.
    pub exact_searches: usize,
    pub candidate_searches: usize,
}

const PUSHED_DOWN: [&str; 4] = ["id", "userName", "externalId", "displayName"];

impl MemoryStore {
    fn table(&mut self, rt: &str) -> &mut BTreeMap<String, Stored> {
        self.resources.entry(rt.to_string()).or_default()
    }

    /// Answers a load.
    pub fn load(&mut self, op: &LoadOp) -> Outcome {
        match self.table(&op.resource_type).get(&op.id) {
            Some(r) => Outcome::Resource(r.text.clone()),
            None => Outcome::Missing,
        }
    }

    /// Answers a search.
    pub fn search(&mut self, op: &SearchOp) -> Outcome {
        let plan: Option<Value> = op.plan.as_deref().map(|p| serde_json::from_str(p).expect("plan JSON"));
        let pushable = op.sort_by.is_none() && plan.as_ref().is_none_or(pushable);
        if !pushable {
            self.candidate_searches += 1;
            let resources = self.table(&op.resource_type).values().map(|s| s.printed.clone()).collect();
            return Outcome::Page(Page { total: 0, resources, exact: false });
        }
        self.exact_searches += 1;
        let table = self.table(&op.resource_type);
        let matching: Vec<&Stored> =
            table.values().filter(|s| plan.as_ref().is_none_or(|p| eval(p, &s.value))).collect();
        let start = op.start_index.max(1) as usize - 1;
        let resources = matching.iter().skip(start).take(op.count as usize).map(|s| s.printed.clone()).collect();
        Outcome::Page(Page { total: matching.len() as u32, resources, exact: true })
    }

    fn taken(&mut self, op: &WriteOp) -> Option<String> {
        let table = self.table(&op.resource_type);
        for (attr, value) in &op.unique {
            let clash = table.iter().any(|(id, stored)| {
                id != &op.id
                    && stored
                        .value
                        .get(attr)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.to_lowercase() == *value.to_lowercase())
            });
            if clash {
                return Some(attr.clone());
            }
        }
        None
    }

    /// Answers a create.
    pub fn create(&mut self, op: &WriteOp) -> Outcome {
        if self.table(&op.resource_type).contains_key(&op.id) {
            return Outcome::Conflict("id".into());
        }
        if let Some(attr) = self.taken(op) {
            return Outcome::Conflict(attr);
        }
        self.store(op)
    }

    /// Answers a replace.
    pub fn replace(&mut self, op: &WriteOp) -> Outcome {
        let Some(current) = self.table(&op.resource_type).get(&op.id).cloned() else { return Outcome::Missing };
        if let Some(expected) = &op.expected_version {
            if version(&current.value).as_deref() != Some(expected.as_str()) {
                return Outcome::VersionMismatch;
            }
        }
        if let Some(attr) = self.taken(op) {
            return Outcome::Conflict(attr);
        }
        self.store(op)
    }

    fn store(&mut self, op: &WriteOp) -> Outcome {
        assert!(!op.resource.contains("\"password\""), "a password must never reach the stored resource");
        if let Some(p) = &op.password {
            self.passwords.insert(op.id.clone(), p.clone());
        }
        self.table(&op.resource_type).insert(op.id.clone(), Stored::new(&op.resource));
        Outcome::Written(op.resource.clone())
    }

    /// Answers a delete.
    pub fn delete(&mut self, op: &DeleteOp) -> Outcome {
        let Some(current) = self.table(&op.resource_type).get(&op.id).cloned() else { return Outcome::Missing };
        if let Some(expected) = &op.expected_version {
            if version(&current.value).as_deref() != Some(expected.as_str()) {
                return Outcome::VersionMismatch;
            }
        }
        self.table(&op.resource_type).remove(&op.id);
        self.passwords.remove(&op.id);
        Outcome::Deleted
    }

    /// Changes a stored resource behind the engine's back (a concurrent writer).
    pub fn tamper(&mut self, rt: &str, id: &str, f: impl FnOnce(&mut Value)) {
        let table = self.table(rt);
        let mut r = table.get(id).expect("stored").value.clone();
        f(&mut r);
        table.insert(id.to_string(), Stored::new(&r.to_string()));
    }
}

fn version(r: &Value) -> Option<String> {
    r.get("meta")?.get("version")?.as_str().map(str::to_string)
}

fn pushable(plan: &Value) -> bool {
    match plan.get("op").and_then(Value::as_str) {
        Some("eq") => plan.get("attr").and_then(Value::as_str).is_some_and(|a| PUSHED_DOWN.contains(&a)),
        Some("or") => plan.get("args").and_then(Value::as_array).is_some_and(|a| a.iter().all(pushable)),
        _ => false,
    }
}

fn eval(plan: &Value, r: &Value) -> bool {
    match plan.get("op").and_then(Value::as_str) {
        Some("or") => plan.get("args").and_then(Value::as_array).is_some_and(|a| a.iter().any(|p| eval(p, r))),
        Some("eq") => {
            let attr = plan.get("attr").and_then(Value::as_str).unwrap_or_default();
            let want = plan.get("value").and_then(Value::as_str).unwrap_or_default();
            let exact = plan.get("caseExact").and_then(Value::as_bool).unwrap_or(false);
            // The engine folds case with `to_lowercase` (filter/plan.rs); an
            // exact answer must fold the same way or it silently drops matches.
            r.get(attr).and_then(Value::as_str).is_some_and(|v| {
                if exact {
                    v == want
                } else {
                    v.to_lowercase() == want.to_lowercase()
                }
            })
        }
        _ => false,
    }
}
