//! What a PATCH path or a no-path value key addresses in a resource.

use crate::error::{Result, ScimError, ScimType};
use crate::filter::{self, Plan};
use crate::path::AttrPath;
use crate::schema::{Attribute, Extension, PathTarget, ResourceType};
use crate::tolerance::{Leniency, Rule};
use serde_json::{Map, Value};

/// Where a top-level attribute lives: in the resource, or under an extension URN.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot<'a> {
    pub ext: Option<&'a str>,
    pub attr: &'a Attribute,
}

impl<'a> Slot<'a> {
    /// Every top-level attribute of the resource type (core, common, extensions).
    pub fn all(rt: &'a ResourceType) -> impl Iterator<Item = Slot<'a>> {
        let core = rt.schema.attributes.iter().chain(rt.common.iter()).map(|attr| Slot { ext: None, attr });
        let ext = rt
            .extensions
            .iter()
            .flat_map(|e| e.schema.attributes.iter().map(move |attr| Slot { ext: Some(e.schema.id.as_str()), attr }));
        core.chain(ext)
    }

    /// The canonical path, for messages.
    pub fn path(&self) -> String {
        match self.ext {
            Some(urn) => format!("{urn}:{}", self.attr.name),
            None => self.attr.name.clone(),
        }
    }

    /// The current value, if any.
    pub fn get<'r>(&self, res: &'r Map<String, Value>) -> Option<&'r Value> {
        match self.ext {
            None => res.get(&self.attr.name),
            Some(urn) => res.get(urn)?.as_object()?.get(&self.attr.name),
        }
        .filter(|v| !v.is_null())
    }

    /// The current value, mutably.
    pub fn get_mut<'r>(&self, res: &'r mut Map<String, Value>) -> Option<&'r mut Value> {
        match self.ext {
            None => res.get_mut(&self.attr.name),
            Some(urn) => res.get_mut(urn)?.as_object_mut()?.get_mut(&self.attr.name),
        }
    }

    /// Sets (or, with `None`, removes) the value, creating the extension object.
    pub fn set(&self, res: &mut Map<String, Value>, value: Option<Value>) {
        let container = match self.ext {
            None => res,
            Some(urn) => {
                let entry = res.entry(urn.to_string()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                match entry.as_object_mut() {
                    Some(m) => m,
                    None => return,
                }
            }
        };
        match value {
            Some(v) => container.insert(self.attr.name.clone(), v),
            None => container.remove(&self.attr.name),
        };
    }
}

/// What one operation addresses.
pub(super) enum Target<'a> {
    /// A whole schema extension (its URN as path or key).
    Extension(&'a Extension),
    /// An attribute, or one sub-attribute of it.
    Attr { slot: Slot<'a>, sub: Option<&'a Attribute> },
    /// The elements of a multi-valued complex attribute a value filter selects,
    /// or one sub-attribute of them.
    Filtered { slot: Slot<'a>, plan: Plan, text: String, sub: Option<&'a Attribute> },
}

/// Resolves a PATCH `path` (RFC 7644 §3.5.2 PATH ABNF).
pub(super) fn resolve_path<'a>(rt: &'a ResourceType, text: &str, l: &mut Leniency) -> Result<Target<'a>> {
    let parsed = filter::parse_patch_path(text, l)?;
    let mut attr_path = parsed.attr;
    let mut sub_name = parsed.sub;
    if parsed.filter.is_none() && sub_name.is_some() {
        if attr_path.sub.is_some() {
            return Err(ScimError::invalid_path(format!("\"{text}\" has too many sub-attribute levels")));
        }
        attr_path.sub = sub_name.take();
    }
    let resolved = match rt.resolve_target(&attr_path, l)? {
        PathTarget::Extension(ext) => {
            if parsed.filter.is_some() || sub_name.is_some() {
                return Err(ScimError::invalid_path(format!("\"{text}\" filters a whole schema extension")));
            }
            return Ok(Target::Extension(ext));
        }
        PathTarget::Attribute(r) => r,
    };
    let slot = Slot { ext: resolved.in_extension.then_some(resolved.schema), attr: resolved.attr };
    let Some(f) = parsed.filter else {
        return Ok(Target::Attr { slot, sub: resolved.sub });
    };
    if resolved.sub.is_some() || !(slot.attr.multi_valued && slot.attr.is_complex()) {
        return Err(ScimError::invalid_path(format!(
            "\"{text}\": a value filter applies only to a multi-valued complex attribute (RFC 7644 §3.5.2)"
        )));
    }
    let sub = match sub_name {
        None => None,
        Some(name) => Some(slot.attr.sub(&name).ok_or_else(|| {
            ScimError::invalid_path(format!("\"{text}\": \"{}\" has no sub-attribute \"{name}\"", slot.path()))
        })?),
    };
    let plan = filter::compile_element_filter(&f, slot.attr, &slot.path(), l).map_err(|e| match e.scim_type {
        Some(ScimType::InvalidFilter) => ScimError::invalid_path(format!("\"{text}\": {}", e.detail)),
        _ => e,
    })?;
    Ok(Target::Filtered { slot, plan, text: text.to_string(), sub })
}

/// Resolves a key of a no-path `add`/`replace` value object.
pub(super) fn resolve_key<'a>(rt: &'a ResourceType, key: &str, l: &mut Leniency) -> Result<Target<'a>> {
    if let Some(ext) = rt.extension(key) {
        return Ok(Target::Extension(ext));
    }
    let path = AttrPath::parse(key).map_err(ScimError::invalid_path)?;
    if path.urn.is_some() {
        if !l.permits(Rule::UrnKeysInPatchValue, || format!("URN-qualified key \"{key}\" in a PATCH value")) {
            return Err(ScimError::invalid_path(format!(
                "\"{key}\": a PATCH value object takes attribute names or extension objects, not URN-qualified \
                 attribute paths; put the path in \"path\" (RFC 7644 §3.5.2)"
            )));
        }
    } else if path.sub.is_some()
        && !l.permits(Rule::DottedKeysInPatchValue, || format!("dotted key \"{key}\" in a PATCH value"))
    {
        return Err(ScimError::invalid_path(format!(
            "\"{key}\": a PATCH value object takes attribute names, not dotted paths; send \"{}\": {{\"{}\": ..}} \
             or put the path in \"path\" (RFC 7644 §3.5.2)",
            path.attr,
            path.sub.as_deref().unwrap_or_default()
        )));
    }
    Ok(match rt.resolve_target(&path, l)? {
        PathTarget::Extension(ext) => Target::Extension(ext),
        PathTarget::Attribute(r) => {
            Target::Attr { slot: Slot { ext: r.in_extension.then_some(r.schema), attr: r.attr }, sub: r.sub }
        }
    })
}

/// The `eq` comparisons of an element plan made only of `eq` and `and`:
/// what a created element must contain to match it. `None` otherwise.
pub(super) fn eq_values(plan: &Value, out: &mut Vec<(String, Value)>, depth: usize) -> Option<()> {
    if depth > 32 {
        return None;
    }
    match plan.get("op")?.as_str()? {
        "eq" => {
            let attr = plan.get("attr")?.as_str()?;
            let name = attr.rsplit('.').next().unwrap_or(attr);
            out.push((name.to_string(), plan.get("value")?.clone()));
            Some(())
        }
        "and" => {
            for arg in plan.get("args")?.as_array()? {
                eq_values(arg, out, depth + 1)?;
            }
            Some(())
        }
        _ => None,
    }
}
