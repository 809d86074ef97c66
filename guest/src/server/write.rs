//! Writes (RFC 7644 §3.3, §3.5): POST, PUT and PATCH as a read-modify-write
//! with group members checked to exist and the stored version guarded.

use super::etag::{self, stored_version, version_of};
use super::{Effect, LoadOp, Outcome, Page, SearchOp, WriteOp};
use crate::engine::{parse_json, Engine};
use crate::error::{Result, ScimError};
use crate::patch;
use crate::resource::{self, Context};
use crate::schema::{ResourceType, Uniqueness};
use crate::tolerance::Leniency;
use serde_json::{json, Map, Value};

/// How often a write without `If-Match` is retried after a concurrent change.
const MAX_ATTEMPTS: u32 = 3;

/// Which write.
#[derive(Debug, Clone)]
pub enum WriteKind {
    /// POST: the body of a new resource.
    Create(Value),
    /// PUT: the full replacement body.
    Put(Value),
    /// PATCH: the PatchOp body.
    Patch(Value),
}

/// What a finished write answers: the status and the stored resource.
#[derive(Debug)]
pub struct Written {
    /// 201 for a create, 200 otherwise.
    pub status: u16,
    /// The resource as stored.
    pub resource: Value,
}

/// A step of a write: ask the host something, or finish.
pub enum Step {
    /// Perform this effect and resume with its outcome.
    Ask(Effect),
    /// The write is finished.
    Done(Written),
}

#[derive(Debug)]
enum Stage {
    Loading,
    Members { candidate: Candidate, wanted: Vec<String>, found: Vec<(String, String, Value)>, in_groups: bool },
    Writing(Candidate),
}

#[derive(Debug, Clone)]
struct Candidate {
    resource: Value,
    password: Option<String>,
    base_version: Option<String>,
}

/// A write in progress.
#[derive(Debug)]
pub struct WriteJob {
    kind: WriteKind,
    rt: String,
    id: String,
    if_match: Option<String>,
    now: String,
    attempts: u32,
    stage: Stage,
}

impl WriteJob {
    /// Starts a write; `id` is the new id for a create.
    pub fn start(
        engine: &Engine,
        kind: WriteKind,
        rt: &ResourceType,
        id: String,
        if_match: Option<String>,
        now: String,
        l: &mut Leniency,
    ) -> Result<(WriteJob, Step)> {
        let mut job = WriteJob { kind, rt: rt.name.clone(), id, if_match, now, attempts: 1, stage: Stage::Loading };
        let step = match &job.kind {
            WriteKind::Create(body) => {
                let resource = resource::validate(rt, Context::CreationRequest, body, None, l)?;
                job.prepare(engine, rt, resource, None)?
            }
            WriteKind::Put(_) | WriteKind::Patch(_) => job.load(),
        };
        Ok((job, step))
    }

    /// The resource type written.
    pub fn resource_type(&self) -> &str {
        &self.rt
    }

    /// Whether this is a PATCH.
    pub fn is_patch(&self) -> bool {
        matches!(self.kind, WriteKind::Patch(_))
    }

    fn load(&mut self) -> Step {
        self.stage = Stage::Loading;
        Step::Ask(Effect::Load(LoadOp { resource_type: self.rt.clone(), id: self.id.clone() }))
    }

    /// Takes the host's outcome of the last effect.
    pub fn resume(&mut self, engine: &Engine, outcome: Outcome, l: &mut Leniency) -> Result<Step> {
        let rt = engine.resource_type(&self.rt)?;
        let stage = std::mem::replace(&mut self.stage, Stage::Loading);
        match (stage, outcome) {
            (Stage::Loading, Outcome::Missing) | (Stage::Writing(_), Outcome::Missing) => Err(not_found(rt, &self.id)),
            (Stage::Loading, Outcome::Resource(text)) => {
                let existing = parse_json(&text, "stored resource")?;
                let version = stored_version(&existing).map(str::to_string).unwrap_or_else(|| version_of(&existing));
                if let Some(want) = &self.if_match {
                    if !etag::matches(want, &version) {
                        return Err(precondition(&version));
                    }
                }
                let resource = match &self.kind {
                    WriteKind::Put(body) => resource::validate(rt, Context::ReplaceRequest, body, Some(&existing), l)?,
                    WriteKind::Patch(body) => patch::apply(rt, &existing, body, l)?,
                    WriteKind::Create(_) => return Err(unexpected()),
                };
                self.prepare(engine, rt, resource, Some((existing, version)))
            }
            (Stage::Members { candidate, wanted, mut found, in_groups }, Outcome::Page(page)) => {
                take_members(&page, &wanted, if in_groups { "Group" } else { "User" }, &mut found)?;
                let missing: Vec<String> =
                    wanted.iter().filter(|w| !found.iter().any(|(id, _, _)| id == *w)).cloned().collect();
                if missing.is_empty() {
                    let mut candidate = candidate;
                    fill_members(engine, &mut candidate.resource, &found);
                    return Ok(self.write(rt, candidate));
                }
                if in_groups {
                    return Err(ScimError::invalid_value(format!(
                        "members do not exist: {} (no User or Group has that id)",
                        missing.join(", ")
                    )));
                }
                let search = member_search("Group", &missing);
                self.stage = Stage::Members { candidate, wanted: missing, found, in_groups: true };
                Ok(Step::Ask(search))
            }
            (Stage::Writing(candidate), Outcome::Written(text)) => {
                let resource = parse_json(&text, "stored resource")?;
                let status = if matches!(self.kind, WriteKind::Create(_)) { 201 } else { 200 };
                let _ = candidate;
                Ok(Step::Done(Written { status, resource }))
            }
            (Stage::Writing(candidate), Outcome::Conflict(attr)) => {
                let value = candidate.resource.get(&attr).and_then(Value::as_str).unwrap_or_default().to_string();
                Err(ScimError::uniqueness(format!(
                    "a {} with {attr} \"{value}\" already exists ({attr} must be unique)",
                    rt.name
                )))
            }
            (Stage::Writing(candidate), Outcome::VersionMismatch) => {
                if self.if_match.is_some() || candidate.base_version.is_none() {
                    return Err(precondition("changed meanwhile"));
                }
                if self.attempts >= MAX_ATTEMPTS {
                    return Err(ScimError::status(
                        409,
                        format!("the {} kept changing during {MAX_ATTEMPTS} attempts; retry the request", rt.name),
                    ));
                }
                self.attempts += 1;
                Ok(self.load())
            }
            _ => Err(unexpected()),
        }
    }

    /// Completes the candidate (id, meta, password) and checks new members.
    fn prepare(
        &mut self,
        engine: &Engine,
        rt: &ResourceType,
        mut resource: Value,
        existing: Option<(Value, String)>,
    ) -> Result<Step> {
        let obj = resource.as_object_mut().ok_or_else(|| ScimError::status(500, "a resource must be an object"))?;
        let password = match obj.remove("password") {
            Some(Value::String(p)) => Some(p),
            _ => None,
        };
        obj.insert("id".into(), Value::String(self.id.clone()));
        let created = existing
            .as_ref()
            .and_then(|(e, _)| e.get("meta")?.get("created")?.as_str().map(str::to_string))
            .unwrap_or_else(|| self.now.clone());
        obj.insert(
            "meta".into(),
            json!({
                "resourceType": rt.name,
                "created": created,
                "lastModified": self.now,
                "location": format!("{}{}/{}", engine.server.base_url, rt.endpoint, self.id),
            }),
        );
        obj.insert("schemas".into(), resource::schemas_of(rt, obj));
        let old_members: Vec<String> = existing.as_ref().map(|(e, _)| member_ids(e)).unwrap_or_default();
        let mut wanted: Vec<String> = Vec::new();
        for id in member_ids(&resource) {
            if !old_members.contains(&id) && !wanted.contains(&id) {
                wanted.push(id);
            }
        }
        if let Some((old, _)) = &existing {
            if password.is_none() && same_content(old, &resource) {
                // Nothing changes: keep the stored version (and lastModified).
                return Ok(Step::Done(Written { status: 200, resource: old.clone() }));
            }
        }
        let candidate = Candidate { resource, password, base_version: existing.map(|(_, v)| v) };
        if wanted.is_empty() {
            return Ok(self.write(rt, candidate));
        }
        let search = member_search("User", &wanted);
        self.stage = Stage::Members { candidate, wanted, found: Vec::new(), in_groups: false };
        Ok(Step::Ask(search))
    }

    fn write(&mut self, rt: &ResourceType, mut candidate: Candidate) -> Step {
        let version = version_of(&candidate.resource);
        if let Some(meta) = candidate.resource.get_mut("meta").and_then(Value::as_object_mut) {
            meta.insert("version".into(), Value::String(version));
        }
        let op = WriteOp {
            resource_type: rt.name.clone(),
            id: self.id.clone(),
            resource: crate::json::text(&candidate.resource),
            expected_version: candidate.base_version.clone(),
            unique: unique_values(rt, &candidate.resource),
            password: candidate.password.clone(),
        };
        let create = matches!(self.kind, WriteKind::Create(_));
        self.stage = Stage::Writing(candidate);
        Step::Ask(if create { Effect::Create(op) } else { Effect::Replace(op) })
    }
}

/// The values storage must keep unique: top-level core attributes with
/// `uniqueness` server or global (not `id`), lowercased unless caseExact.
fn unique_values(rt: &ResourceType, resource: &Value) -> Vec<(String, String)> {
    rt.schema
        .attributes
        .iter()
        .filter(|a| a.uniqueness != Uniqueness::None && !a.multi_valued)
        .filter_map(|a| {
            let v = resource.get(&a.name)?.as_str()?;
            Some((a.name.clone(), if a.case_exact { v.to_string() } else { v.to_lowercase() }))
        })
        .collect()
}

/// Whether two resources are equal apart from `meta`.
fn same_content(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("meta");
        }
        v
    };
    strip(a) == strip(b)
}

fn member_ids(resource: &Value) -> Vec<String> {
    resource
        .get("members")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(|e| e.get("value")?.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A search for resources whose `id` is one of `ids`, as plan JSON.
fn member_search(rt: &str, ids: &[String]) -> Effect {
    let eq = |id: &String| json!({"op": "eq", "attr": "id", "type": "string", "caseExact": true, "multiValued": false, "value": id});
    let plan = match ids {
        [one] => eq(one),
        _ => json!({"op": "or", "args": ids.iter().map(eq).collect::<Vec<_>>()}),
    };
    Effect::Search(SearchOp {
        resource_type: rt.to_string(),
        plan: Some(crate::json::text(&plan)),
        sort_by: None,
        descending: false,
        start_index: 1,
        count: u32::try_from(ids.len()).unwrap_or(u32::MAX),
    })
}

fn take_members(page: &Page, wanted: &[String], rt: &str, found: &mut Vec<(String, String, Value)>) -> Result<()> {
    for text in &page.resources {
        let r = parse_json(text, "stored resource")?;
        let Some(id) = r.get("id").and_then(Value::as_str).map(str::to_string) else { continue };
        if wanted.contains(&id) && !found.iter().any(|(f, _, _)| *f == id) {
            found.push((id, rt.to_string(), r));
        }
    }
    Ok(())
}

/// Sets `type`, `$ref` and `display` of the members just checked.
fn fill_members(engine: &Engine, resource: &mut Value, found: &[(String, String, Value)]) {
    let Some(members) = resource.get_mut("members").and_then(Value::as_array_mut) else { return };
    for m in members.iter_mut() {
        let Some(obj) = m.as_object_mut() else { continue };
        let Some(id) = obj.get("value").and_then(Value::as_str).map(str::to_string) else { continue };
        let Some((_, rt, r)) = found.iter().find(|(f, _, _)| *f == id) else { continue };
        let endpoint = if rt == "User" { "Users" } else { "Groups" };
        let display = r.get(if rt == "User" { "userName" } else { "displayName" }).cloned();
        let mut out = Map::new();
        out.insert("value".into(), Value::String(id.clone()));
        out.insert("$ref".into(), Value::String(format!("{}/{endpoint}/{id}", engine.server.base_url)));
        out.insert("type".into(), Value::String(rt.clone()));
        if let Some(d) = display {
            out.insert("display".into(), d);
        }
        *obj = out;
    }
}

/// 404 for an id that is not stored.
pub fn not_found(rt: &ResourceType, id: &str) -> ScimError {
    ScimError::not_found(format!("{} \"{id}\" not found", rt.name))
}

/// 412 for a failed `If-Match`.
pub fn precondition(current: &str) -> ScimError {
    ScimError::status(412, format!("If-Match does not match the current version ({current}); fetch it again"))
}

/// 500 for an outcome that does not answer the effect asked for.
pub fn unexpected() -> ScimError {
    ScimError::status(500, "the host answered with an outcome that does not fit the effect the engine asked for")
}
