//! The add, replace and remove operations on a resolved target
//! (RFC 7644 §3.5.2.1-3).

use super::target::{eq_values, Slot, Target};
use super::Op;
use crate::error::{Result, ScimError};
use crate::filter::Plan;
use crate::resource::{canonical_element, canonical_value, is_unassigned, Context};
use crate::schema::{Attribute, Extension, Mutability, ResourceType};
use crate::tolerance::{Leniency, Rule};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const CTX: Context = Context::PatchValue;

/// `add` or `replace` of `value` at `target`.
pub(super) fn write(
    rt: &ResourceType,
    res: &mut Map<String, Value>,
    target: &Target,
    op: Op,
    value: &Value,
    l: &mut Leniency,
) -> Result<()> {
    match target {
        Target::Extension(ext) => write_extension(rt, res, ext, op, value, l),
        Target::Attr { slot, sub: None } => write_attr(res, *slot, op, value, l),
        Target::Attr { slot, sub: Some(sub) } => write_sub(res, *slot, sub, value, l),
        Target::Filtered { slot, plan, text, sub } => write_filtered(res, *slot, plan, text, *sub, op, value, l),
    }
}

/// `remove` at `target`; `value` is the (non-null) value some clients send.
pub(super) fn remove(
    res: &mut Map<String, Value>,
    target: &Target,
    value: Option<&Value>,
    l: &mut Leniency,
) -> Result<()> {
    if let (Some(v), Target::Attr { slot, sub: None }) = (value, target) {
        if slot.attr.multi_valued
            && l.permits(Rule::RemoveMembersByValue, || format!("remove \"{}\" with a value list", slot.path()))
        {
            return remove_listed(res, *slot, v, l);
        }
    }
    if value.is_some() {
        return Err(ScimError::invalid_syntax(
            "remove takes no \"value\" (RFC 7644 §3.5.2.2); select values with a filter in \"path\"",
        ));
    }
    match target {
        Target::Extension(ext) => {
            let urn = ext.schema.id.as_str();
            for attr in &ext.schema.attributes {
                let slot = Slot { ext: Some(urn), attr };
                writable(slot.attr, &slot.path())?;
                immutable(slot.attr, &slot.path(), slot.get(res), None)?;
            }
            res.remove(urn);
            Ok(())
        }
        Target::Attr { slot, sub: None } => {
            writable(slot.attr, &slot.path())?;
            immutable(slot.attr, &slot.path(), slot.get(res), None)?;
            slot.set(res, None);
            Ok(())
        }
        Target::Attr { slot, sub: Some(sub) } => {
            let path = format!("{}.{}", slot.path(), sub.name);
            writable(slot.attr, &path)?;
            writable(sub, &path)?;
            for_each_element(res, *slot, |elem| {
                immutable(sub, &path, elem.get(&sub.name), None)?;
                elem.remove(&sub.name);
                Ok(())
            })
        }
        Target::Filtered { slot, plan, text, sub } => {
            let path = slot.path();
            writable(slot.attr, &path)?;
            let mut items = items_of(res, *slot);
            let matched = matching(&items, plan);
            if matched.is_empty() {
                let already_gone = || format!("remove \"{text}\" matched no value; nothing to remove");
                if l.permits(Rule::RemoveOfAbsentValue, already_gone) {
                    return Ok(());
                }
                return Err(no_match(text));
            }
            match sub {
                None => {
                    if slot.attr.mutability == Mutability::Immutable {
                        return Err(immutable_error(&path));
                    }
                    items =
                        items.into_iter().enumerate().filter(|(i, _)| !matched.contains(i)).map(|(_, v)| v).collect();
                }
                Some(sub) => {
                    let sub_path = format!("{path}.{}", sub.name);
                    writable(sub, &sub_path)?;
                    for i in matched {
                        if let Some(Value::Object(elem)) = items.get_mut(i) {
                            immutable(sub, &sub_path, elem.get(&sub.name), None)?;
                            elem.remove(&sub.name);
                        }
                    }
                }
            }
            slot.set(res, Some(Value::Array(items)));
            Ok(())
        }
    }
}

/// `Rule::RemoveMembersByValue`: removes only the listed values.
fn remove_listed(res: &mut Map<String, Value>, slot: Slot, value: &Value, l: &mut Leniency) -> Result<()> {
    let path = slot.path();
    writable(slot.attr, &path)?;
    let listed = match canonical_value(slot.attr, value, &path, CTX, l)? {
        Some(Value::Array(v)) => v,
        _ => Vec::new(),
    };
    let mut items = items_of(res, slot);
    let before = items.len();
    items.retain(|item| !listed.iter().any(|given| contains(item, given)));
    if items.len() != before && slot.attr.mutability == Mutability::Immutable {
        return Err(immutable_error(&path));
    }
    slot.set(res, Some(Value::Array(items)));
    Ok(())
}

fn write_extension(
    rt: &ResourceType,
    res: &mut Map<String, Value>,
    ext: &Extension,
    op: Op,
    value: &Value,
    l: &mut Leniency,
) -> Result<()> {
    let urn = ext.schema.id.as_str();
    let attrs = match value {
        Value::Object(o) => o,
        Value::Null if op == Op::Replace => {
            return remove(res, &Target::Extension(ext), None, l);
        }
        _ => {
            return Err(ScimError::invalid_value(format!(
                "\"{urn}\" must be given an object of the extension's attributes"
            )))
        }
    };
    for (key, v) in attrs {
        let attr = ext.schema.attribute(key).ok_or_else(|| {
            ScimError::invalid_path(format!("\"{urn}:{key}\" is not an attribute of the {} resource type", rt.name))
        })?;
        write_attr(res, Slot { ext: Some(urn), attr }, op, v, l)?;
    }
    Ok(())
}

fn write_attr(res: &mut Map<String, Value>, slot: Slot, op: Op, value: &Value, l: &mut Leniency) -> Result<()> {
    let attr = slot.attr;
    let path = slot.path();
    let old = slot.get(res).cloned();
    if attr.mutability == Mutability::ReadOnly {
        return echo(attr, &path, old.as_ref(), value, l);
    }
    if attr.multi_valued {
        let new = match canonical_value(attr, value, &path, CTX, l)? {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let items = match op {
            Op::Add => {
                let mut items = items_of(res, slot);
                // Member ids indexed: groups can be large and adds come in batches.
                let mut ids: BTreeSet<String> = BTreeSet::new();
                if attr.name == "members" {
                    ids.extend(items.iter().filter_map(|m| m.get("value")?.as_str().map(str::to_string)));
                }
                for n in new {
                    let id = n.get("value").and_then(Value::as_str).filter(|_| attr.name == "members");
                    let known = match id {
                        Some(id) => !ids.insert(id.to_string()),
                        None => items.iter().any(|e| same_element(attr, e, &n)),
                    };
                    if !known {
                        items.push(n);
                    }
                }
                items
            }
            _ => new,
        };
        let new = (!items.is_empty()).then_some(Value::Array(items));
        immutable(attr, &path, old.as_ref(), new.as_ref())?;
        slot.set(res, new);
        return Ok(());
    }
    let new = canonical_element(attr, value, &path, CTX, l)?;
    match (new, old) {
        (Some(Value::Object(new)), Some(Value::Object(mut cur))) => {
            merge(attr, &path, &mut cur, new)?;
            slot.set(res, Some(Value::Object(cur)));
        }
        (new, old) => {
            // Only an explicit null unassigns: a value whose every part is
            // ignored (readOnly sub-attributes) changes nothing.
            if new.is_none() && (op == Op::Add || !value.is_null()) {
                return Ok(());
            }
            immutable(attr, &path, old.as_ref(), new.as_ref())?;
            slot.set(res, new);
        }
    }
    Ok(())
}

/// Writes `sub` of a complex attribute: of the value (single-valued) or of
/// every element (multi-valued; one is created when there is none).
fn write_sub(res: &mut Map<String, Value>, slot: Slot, sub: &Attribute, value: &Value, l: &mut Leniency) -> Result<()> {
    let path = format!("{}.{}", slot.path(), sub.name);
    writable(slot.attr, &path)?;
    writable(sub, &path)?;
    let new = canonical_value(sub, value, &path, CTX, l)?;
    if slot.get(res).is_none_or(is_unassigned) {
        if let Some(n) = new {
            let elem = Value::Object(Map::from_iter([(sub.name.clone(), n)]));
            slot.set(res, Some(if slot.attr.multi_valued { Value::Array(vec![elem]) } else { elem }));
        }
        return Ok(());
    }
    for_each_element(res, slot, |elem| set_sub(sub, &path, elem, new.clone()))
}

#[allow(clippy::too_many_arguments)]
fn write_filtered(
    res: &mut Map<String, Value>,
    slot: Slot,
    plan: &Plan,
    text: &str,
    sub: Option<&Attribute>,
    op: Op,
    value: &Value,
    l: &mut Leniency,
) -> Result<()> {
    let attr = slot.attr;
    let path = slot.path();
    writable(attr, &path)?;
    let sub_path = sub.map(|s| format!("{path}.{}", s.name));
    if let (Some(sub), Some(sp)) = (sub, &sub_path) {
        writable(sub, sp)?;
    }
    let mut items = items_of(res, slot);
    let matched = matching(&items, plan);
    if matched.is_empty() {
        let miss = || format!("{} \"{text}\" matched no value; one was created", op.as_str());
        if !l.permits(Rule::CreateOnValuePathMiss, miss) {
            return Err(no_match(text));
        }
        let mut eqs = Vec::new();
        eq_values(&plan.to_json(), &mut eqs, 0).ok_or_else(|| no_match(text))?;
        let mut elem = Map::new();
        for (name, v) in eqs {
            let s = attr.sub(&name).ok_or_else(|| no_match(text))?;
            elem.insert(s.name.clone(), v);
        }
        match (sub, &sub_path) {
            (Some(sub), Some(sp)) => set_sub(sub, sp, &mut elem, canonical_value(sub, value, sp, CTX, l)?)?,
            _ => {
                if let Some(Value::Object(given)) = canonical_element(attr, value, &path, CTX, l)? {
                    elem.extend(given);
                }
            }
        }
        let elem = Value::Object(elem);
        if !plan.matches(&elem) {
            return Err(no_match(text));
        }
        items.push(elem);
    } else {
        let new = match (sub, &sub_path) {
            (Some(sub), Some(sp)) => canonical_value(sub, value, sp, CTX, l)?,
            _ => canonical_element(attr, value, &path, CTX, l)?,
        };
        for i in matched {
            let Some(Value::Object(elem)) = items.get_mut(i) else { continue };
            match (sub, &sub_path, &new) {
                (Some(sub), Some(sp), new) => set_sub(sub, sp, elem, new.clone())?,
                (_, _, Some(Value::Object(n))) if op == Op::Add => merge(attr, &path, elem, n.clone())?,
                (_, _, new) => {
                    let n = match new {
                        Some(Value::Object(n)) => n.clone(),
                        _ => Map::new(),
                    };
                    for s in attr.sub_attributes.iter().filter(|s| s.mutability == Mutability::Immutable) {
                        immutable(s, &format!("{path}.{}", s.name), elem.get(&s.name), n.get(&s.name))?;
                    }
                    *elem = n;
                }
            }
        }
    }
    slot.set(res, Some(Value::Array(items)));
    Ok(())
}

/// Runs `f` on the value of a single-valued complex attribute, or on every
/// element of a multi-valued one.
fn for_each_element(
    res: &mut Map<String, Value>,
    slot: Slot,
    mut f: impl FnMut(&mut Map<String, Value>) -> Result<()>,
) -> Result<()> {
    match slot.get_mut(res) {
        Some(Value::Object(elem)) => f(elem),
        Some(Value::Array(items)) => {
            for item in items.iter_mut() {
                if let Value::Object(elem) = item {
                    f(elem)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn set_sub(sub: &Attribute, path: &str, elem: &mut Map<String, Value>, new: Option<Value>) -> Result<()> {
    immutable(sub, path, elem.get(&sub.name), new.as_ref())?;
    match new {
        Some(v) => elem.insert(sub.name.clone(), v),
        None => elem.remove(&sub.name),
    };
    Ok(())
}

/// Merges sub-attributes into a complex value (add, and replace of a complex).
fn merge(attr: &Attribute, path: &str, cur: &mut Map<String, Value>, new: Map<String, Value>) -> Result<()> {
    for (k, v) in new {
        if let Some(sub) = attr.sub(&k) {
            immutable(sub, &format!("{path}.{}", sub.name), cur.get(&sub.name), Some(&v))?;
        }
        cur.insert(k, v);
    }
    Ok(())
}

fn items_of(res: &Map<String, Value>, slot: Slot) -> Vec<Value> {
    match slot.get(res) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn matching(items: &[Value], plan: &Plan) -> Vec<usize> {
    items.iter().enumerate().filter(|(_, v)| plan.matches(v)).map(|(i, _)| i).collect()
}

/// Whether two elements are the same value (RFC 7644 §3.5.2.1: adding an
/// existing value changes nothing). A Group member is identified by `value`.
fn same_element(attr: &Attribute, a: &Value, b: &Value) -> bool {
    if attr.name == "members" {
        if let (Some(x), Some(y)) = (a.get("value"), b.get("value")) {
            return x == y;
        }
    }
    a == b
}

/// Whether `item` has every sub-attribute value `given` has.
fn contains(item: &Value, given: &Value) -> bool {
    match (item, given) {
        (Value::Object(i), Value::Object(g)) => !g.is_empty() && g.iter().all(|(k, v)| i.get(k) == Some(v)),
        _ => item == given,
    }
}

/// A readOnly attribute is never written; `Rule::ReadOnlyEchoInPatch` lets
/// a client send its current value back (Okta's `{"id":..,"displayName":..}`).
fn echo(attr: &Attribute, path: &str, old: Option<&Value>, new: &Value, l: &mut Leniency) -> Result<()> {
    if old == Some(new) && l.permits(Rule::ReadOnlyEchoInPatch, || format!("\"{path}\" echoed unchanged; ignored")) {
        return Ok(());
    }
    Err(read_only_error(attr, path))
}

fn writable(attr: &Attribute, path: &str) -> Result<()> {
    if attr.mutability == Mutability::ReadOnly {
        return Err(read_only_error(attr, path));
    }
    Ok(())
}

fn read_only_error(attr: &Attribute, path: &str) -> ScimError {
    ScimError::mutability(format!(
        "\"{path}\" is read-only (\"{}\" has mutability readOnly) and cannot be changed by PATCH",
        attr.name
    ))
}

/// An immutable attribute with a value may not change (RFC 7644 §3.5.2).
fn immutable(attr: &Attribute, path: &str, old: Option<&Value>, new: Option<&Value>) -> Result<()> {
    if attr.mutability == Mutability::Immutable && old.is_some_and(|o| !is_unassigned(o)) && old != new {
        return Err(immutable_error(path));
    }
    Ok(())
}

fn immutable_error(path: &str) -> ScimError {
    ScimError::mutability(format!("\"{path}\" is immutable and already has a value; it cannot change"))
}

fn no_match(text: &str) -> ScimError {
    ScimError::no_target(format!("the value filter in \"{text}\" matched no value (RFC 7644 §3.5.2)"))
}
