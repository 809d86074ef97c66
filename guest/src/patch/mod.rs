//! PATCH (RFC 7644 §3.5.2): a PatchOp body applied atomically to a resource.
//!
//! Choices where the RFC leaves room (documented here so hosts can rely on them):
//! - Removing a required attribute (`userName`, a Group's `displayName`) is
//!   `400 invalidValue` (RFC 7644 §3.12: "a required value was missing").
//! - A value filter that matches nothing is `400 noTarget` for every op
//!   (RFC 7644 §3.12 defines noTarget as "a filter that yields no match"),
//!   unless `Rule::CreateOnValuePathMiss` creates the element on add/replace.
//! - `remove` with a `value` is `400 invalidSyntax` unless
//!   `Rule::RemoveMembersByValue` removes just the listed values; a remove
//!   with a value never removes everything.
//! - A key of a no-path value object that names no attribute is
//!   `400 invalidPath`: PATCH asks for a change, and dropping it silently
//!   would report success for a change that was not made.
//! - `replace` of a single-valued complex attribute (or a whole extension)
//!   sets the given sub-attributes and leaves the others (RFC 7644 §3.5.2.3);
//!   `replace` on a value-filter path without sub-attribute replaces the
//!   matching elements whole.

mod ops;
mod target;

use crate::error::{Result, ScimError};
use crate::resource::{get_ci, is_unassigned, primary_count, schemas_of};
use crate::schema::{Mutability, ResourceType};
use crate::tolerance::{Leniency, Rule};
use serde_json::{Map, Value};
use target::Slot;

/// The PatchOp message schema URN (RFC 7644 §3.5.2).
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Deepest nesting `prune` walks; canonical resources are at most 4 deep.
const MAX_DEPTH: usize = 16;

/// A PATCH operation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

impl Op {
    /// The wire name.
    fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Replace => "replace",
            Op::Remove => "remove",
        }
    }
}

/// One parsed operation of a PatchOp body.
#[derive(Debug, Clone, PartialEq)]
struct Operation {
    op: Op,
    path: Option<String>,
    /// `None` when absent; `Some(Null)` when given as null.
    value: Option<Value>,
}

/// Applies a PatchOp `body` to `resource`; on any error the resource is left
/// as it was (the result is only returned on success).
pub fn apply(rt: &ResourceType, resource: &Value, body: &Value, leniency: &mut Leniency) -> Result<Value> {
    let operations = parse_body(body, leniency)?;
    let original = resource
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax(format!("the {} to patch must be a JSON object", rt.name)))?;
    let mut work = original.clone();
    for (i, operation) in operations.iter().enumerate() {
        let before = primaries(rt, &work);
        apply_operation(rt, &mut work, operation, leniency).map_err(|e| in_operation(e, i, operation))?;
        settle_primary(rt, &before, &mut work).map_err(|e| in_operation(e, i, operation))?;
    }
    prune(&mut work, 0);
    check_required(rt, original, &work)?;
    work.insert("schemas".into(), schemas_of(rt, &work));
    Ok(Value::Object(work))
}

fn in_operation(mut e: ScimError, i: usize, operation: &Operation) -> ScimError {
    let path = operation.path.as_deref().map(|p| format!(" \"{p}\"")).unwrap_or_default();
    e.detail = format!("Operations[{i}] ({}{path}): {}", operation.op.as_str(), e.detail);
    e
}

fn parse_body(body: &Value, leniency: &mut Leniency) -> Result<Vec<Operation>> {
    let obj = body.as_object().ok_or_else(|| ScimError::invalid_syntax("a PATCH body must be a JSON object"))?;
    let names_patch_op = match get_ci(obj, "schemas") {
        Some(Value::Array(items)) => {
            items.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(PATCH_OP_SCHEMA)))
        }
        _ => false,
    };
    if !names_patch_op {
        return Err(ScimError::invalid_syntax(format!(
            "a PATCH body needs \"schemas\": [\"{PATCH_OP_SCHEMA}\"] (RFC 7644 §3.5.2)"
        )));
    }
    let items = match get_ci(obj, "Operations") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => {
            return Err(ScimError::invalid_syntax(
                "a PATCH body needs a non-empty \"Operations\" array (RFC 7644 §3.5.2)",
            ))
        }
    };
    items.iter().enumerate().map(|(i, item)| parse_operation(i, item, leniency)).collect()
}

fn parse_operation(i: usize, item: &Value, leniency: &mut Leniency) -> Result<Operation> {
    let obj = item.as_object().ok_or_else(|| ScimError::invalid_syntax(format!("Operations[{i}] is not an object")))?;
    let name = match get_ci(obj, "op") {
        Some(Value::String(s)) => s.as_str(),
        _ => {
            return Err(ScimError::invalid_syntax(format!(
                "Operations[{i}] needs \"op\": \"add\", \"replace\" or \"remove\""
            )))
        }
    };
    let op = [Op::Add, Op::Replace, Op::Remove]
        .into_iter()
        .find(|op| op.as_str().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            ScimError::invalid_syntax(format!(
                "Operations[{i}]: \"{name}\" is not a PATCH op; use \"add\", \"replace\" or \"remove\""
            ))
        })?;
    if name != op.as_str()
        && !leniency.permits(Rule::PatchOpAnyCase, || format!("op \"{name}\" read as \"{}\"", op.as_str()))
    {
        return Err(ScimError::invalid_syntax(format!(
            "Operations[{i}]: op \"{name}\" must be written \"{}\" (RFC 7644 §3.5.2)",
            op.as_str()
        )));
    }
    let path = match get_ci(obj, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(_) => return Err(ScimError::invalid_path(format!("Operations[{i}]: \"path\" must be a string"))),
    };
    let value = get_ci(obj, "value").cloned();
    Ok(Operation { op, path, value })
}

fn apply_operation(rt: &ResourceType, res: &mut Map<String, Value>, o: &Operation, l: &mut Leniency) -> Result<()> {
    let value = match (o.op, &o.value) {
        (Op::Add, None | Some(Value::Null)) => return Err(ScimError::invalid_syntax("add needs a \"value\"")),
        (Op::Replace, None) => return Err(ScimError::invalid_syntax("replace needs a \"value\"")),
        (_, Some(v)) => Some(v),
        (Op::Remove, None) => None,
    };
    let Some(path) = &o.path else {
        if o.op == Op::Remove {
            return Err(ScimError::no_target("remove needs a \"path\" (RFC 7644 §3.5.2.2)"));
        }
        let Some(Value::Object(attrs)) = value else {
            return Err(ScimError::invalid_value(format!(
                "{} without \"path\" needs an object of attributes as \"value\"",
                o.op.as_str()
            )));
        };
        for (key, v) in attrs {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            let t = target::resolve_key(rt, key, l)?;
            ops::write(rt, res, &t, o.op, v, l)?;
        }
        return Ok(());
    };
    let t = target::resolve_path(rt, path, l)?;
    match (o.op, value) {
        (Op::Remove, value) => ops::remove(res, &t, value.filter(|v| !v.is_null()), l),
        (op, Some(v)) => ops::write(rt, res, &t, op, v, l),
        (op, None) => Err(ScimError::invalid_syntax(format!("{} needs a \"value\"", op.as_str()))),
    }
}

/// The multi-valued attributes with a `primary` sub-attribute.
fn primary_slots(rt: &ResourceType) -> impl Iterator<Item = Slot<'_>> {
    Slot::all(rt).filter(|s| s.attr.multi_valued && s.attr.sub("primary").is_some())
}

/// The elements with `primary: true`, per slot of `primary_slots`.
fn primaries(rt: &ResourceType, res: &Map<String, Value>) -> Vec<Vec<Value>> {
    primary_slots(rt)
        .map(|slot| match slot.get(res) {
            Some(Value::Array(items)) => items.iter().filter(|v| is_primary(v)).cloned().collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn is_primary(v: &Value) -> bool {
    v.get("primary") == Some(&Value::Bool(true))
}

/// Keeps at most one `primary: true` per multi-valued attribute: elements
/// that were primary before the operation give way to the ones it set.
fn settle_primary(rt: &ResourceType, before: &[Vec<Value>], after: &mut Map<String, Value>) -> Result<()> {
    for (slot, old) in primary_slots(rt).zip(before) {
        let Some(Value::Array(items)) = slot.get_mut(after) else { continue };
        if primary_count(items) < 2 {
            continue;
        }
        for item in items.iter_mut() {
            if old.contains(item) {
                if let Some(o) = item.as_object_mut() {
                    o.remove("primary");
                }
            }
        }
        if primary_count(items) > 1 {
            return Err(ScimError::invalid_value(format!(
                "\"{}\" would have more than one value with \"primary\": true (RFC 7643 §2.4)",
                slot.path()
            )));
        }
    }
    Ok(())
}

/// Removes null, empty arrays and empty objects (RFC 7643 §2.5: unassigned).
fn prune(obj: &mut Map<String, Value>, depth: usize) {
    for v in obj.values_mut() {
        prune_value(v, depth + 1);
    }
    obj.retain(|_, v| !is_unassigned(v));
}

fn prune_value(v: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(o) => prune(o, depth),
        Value::Array(items) => {
            for item in items.iter_mut() {
                prune_value(item, depth + 1);
            }
            items.retain(|v| !is_unassigned(v));
        }
        _ => {}
    }
}

/// A required attribute the resource had may not be removed by a PATCH.
fn check_required(rt: &ResourceType, original: &Map<String, Value>, patched: &Map<String, Value>) -> Result<()> {
    for slot in Slot::all(rt).filter(|s| s.attr.required && s.attr.mutability != Mutability::ReadOnly) {
        if slot.get(original).is_some_and(|v| !is_unassigned(v)) && slot.get(patched).is_none() {
            return Err(ScimError::invalid_value(format!(
                "\"{}\" is required and cannot be removed (RFC 7643 §2.2)",
                slot.path()
            )));
        }
    }
    Ok(())
}
