//! Projection: which attributes a response carries (RFC 7644 §3.4.2.5,
//! §3.9), from the `attributes` / `excludedAttributes` query parameters and
//! each attribute's `returned` characteristic (RFC 7643 §2.2, §7).
//!
//! Decisions where the RFC leaves room, and why:
//! - Both parameters at once: 400 `invalidSyntax`. RFC 7644 §3.4.2.5 lets a
//!   client use "one of these two OPTIONAL parameters"; the lists would
//!   contradict each other ("overriding" vs "removed from" the default set).
//! - A name that is not in standard attribute notation (§3.10), or an empty
//!   name between commas: 400 `invalidPath` (Table 9: the attribute path "was
//!   invalid or malformed"; it is the same grammar as a PATCH path).
//! - A well-formed name of no attribute of the resource type is ignored: it
//!   can have no value, and RFC 7643 §2.5 never returns unassigned attributes.
//! - An empty parameter (`attributes=`) is the same as an absent one.
//! - Keys of a stored resource that no schema defines are not returned.

use crate::error::{Result, ScimError};
use crate::path::AttrPath;
use crate::resource::schemas_of;
use crate::schema::{Attribute, Mutability, PathTarget, ResourceType, Returned};
use crate::tolerance::Leniency;
use serde_json::{Map, Value};

/// A parsed `attributes` / `excludedAttributes` request, applied to any
/// number of resources of one resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    mode: Mode,
    /// Attributes named, by canonical name.
    named: Vec<Named>,
    /// Extension URNs named whole (canonical).
    whole_extensions: Vec<String>,
    /// Whether the core schema URN was named whole.
    whole_core: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Neither parameter: `always` and `default` attributes.
    Default,
    /// `attributes`: `always` attributes and those named.
    Include,
    /// `excludedAttributes`: the default set minus those named.
    Exclude,
}

/// One top-level attribute named in a list, with the sub-attributes named.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    /// Extension URN, or `None` for core and common attributes.
    schema: Option<String>,
    attr: String,
    /// The attribute was named without a sub-attribute.
    whole: bool,
    subs: Vec<String>,
}

/// How the sub-attributes of a complex value are chosen.
#[derive(Clone, Copy)]
enum Subs<'a> {
    /// `always` and `default` sub-attributes.
    Default,
    /// `always` ones and these.
    Only(&'a [String]),
    /// The default ones except these.
    Except(&'a [String]),
}

impl Projection {
    /// Parses the two query parameters (comma-separated attribute paths)
    /// against a resource type; canonical names are resolved here once.
    pub fn parse(
        rt: &ResourceType,
        attributes: Option<&str>,
        excluded: Option<&str>,
        leniency: &mut Leniency,
    ) -> Result<Projection> {
        let attributes = attributes.filter(|s| !s.trim().is_empty());
        let excluded = excluded.filter(|s| !s.trim().is_empty());
        let (mode, list) = match (attributes, excluded) {
            (Some(_), Some(_)) => {
                return Err(ScimError::invalid_syntax(
                    "use either \"attributes\" or \"excludedAttributes\", not both (RFC 7644 §3.4.2.5)",
                ))
            }
            (Some(a), None) => (Mode::Include, a),
            (None, Some(e)) => (Mode::Exclude, e),
            (None, None) => (Mode::Default, ""),
        };
        let mut p = Projection { mode, named: Vec::new(), whole_extensions: Vec::new(), whole_core: false };
        if mode == Mode::Default {
            return Ok(p);
        }
        let param = if mode == Mode::Include { "attributes" } else { "excludedAttributes" };
        for item in list.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(ScimError::invalid_path(format!(
                    "\"{param}\" has an empty attribute name in \"{list}\"; separate names with single commas"
                )));
            }
            let path = AttrPath::parse(item).map_err(|e| {
                ScimError::invalid_path(format!(
                    "\"{param}\": {e}; use attribute notation such as \"name.givenName\" (RFC 7644 §3.10)"
                ))
            })?;
            p.add(rt, &path, leniency);
        }
        Ok(p)
    }

    fn add(&mut self, rt: &ResourceType, path: &AttrPath, leniency: &mut Leniency) {
        match rt.resolve_target(path, leniency) {
            Ok(PathTarget::Extension(ext)) => {
                if !self.whole_extensions.contains(&ext.schema.id) {
                    self.whole_extensions.push(ext.schema.id.clone());
                }
            }
            Ok(PathTarget::Attribute(r)) => {
                let schema = r.in_extension.then(|| r.schema.to_string());
                let idx = match self.named.iter().position(|n| n.schema == schema && n.attr == r.attr.name) {
                    Some(i) => i,
                    None => {
                        self.named.push(Named { schema, attr: r.attr.name.clone(), whole: false, subs: Vec::new() });
                        self.named.len() - 1
                    }
                };
                if let Some(n) = self.named.get_mut(idx) {
                    match r.sub {
                        None => n.whole = true,
                        Some(sub) if !n.subs.contains(&sub.name) => n.subs.push(sub.name.clone()),
                        Some(_) => {}
                    }
                }
            }
            Err(_) => {
                // The core schema URN alone names every core attribute.
                let core = path.urn.as_ref().is_some_and(|u| {
                    path.sub.is_none() && format!("{u}:{}", path.attr).eq_ignore_ascii_case(&rt.schema.id)
                });
                self.whole_core |= core;
            }
        }
    }

    /// Applies the projection and `returned` to a stored resource; `schemas`
    /// is recomputed from what is left.
    pub fn apply(&self, rt: &ResourceType, resource: &Value) -> Value {
        let Some(obj) = resource.as_object() else { return resource.clone() };
        let mut out = Map::new();
        for (key, value) in obj {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            if let Some(ext) = rt.extension(key) {
                let Value::Object(ext_obj) = value else { continue };
                let whole = self.whole_extensions.contains(&ext.schema.id);
                let mut ext_out = Map::new();
                for (k, v) in ext_obj {
                    let Some(attr) = ext.schema.attribute(k) else { continue };
                    if let Some(pv) = self.project(Some(&ext.schema.id), attr, v, whole) {
                        ext_out.insert(attr.name.clone(), pv);
                    }
                }
                if !ext_out.is_empty() {
                    out.insert(ext.schema.id.clone(), Value::Object(ext_out));
                }
            } else if let Some(attr) = rt.core_attribute(key) {
                let whole = self.whole_core && rt.schema.attribute(&attr.name).is_some();
                if let Some(pv) = self.project(None, attr, value, whole) {
                    out.insert(attr.name.clone(), pv);
                }
            }
        }
        let schemas = schemas_of(rt, &out);
        out.insert("schemas".into(), schemas);
        Value::Object(out)
    }

    fn named(&self, schema: Option<&str>, attr: &str) -> Option<&Named> {
        self.named.iter().find(|n| n.schema.as_deref() == schema && n.attr == attr)
    }

    /// The projected value of one top-level attribute; `None` leaves it out.
    /// `whole` says its schema was named as a whole.
    fn project(&self, schema: Option<&str>, attr: &Attribute, value: &Value, whole: bool) -> Option<Value> {
        if never_returned(attr) {
            return None;
        }
        let named = self.named(schema, &attr.name);
        let subs = match self.mode {
            Mode::Default if attr.returned == Returned::Request => return None,
            Mode::Default => Subs::Default,
            Mode::Include => match named {
                _ if attr.returned == Returned::Always || whole => Subs::Default,
                Some(n) if n.whole => Subs::Default,
                Some(n) => Subs::Only(&n.subs),
                None => return None,
            },
            Mode::Exclude => match named {
                _ if attr.returned == Returned::Always => Subs::Default,
                _ if attr.returned == Returned::Request || whole => return None,
                Some(n) if n.whole => return None,
                Some(n) => Subs::Except(&n.subs),
                None => Subs::Default,
            },
        };
        select_subs(attr, value, subs)
    }
}

fn never_returned(attr: &Attribute) -> bool {
    attr.returned == Returned::Never || attr.mutability == Mutability::WriteOnly
}

/// Keeps the chosen sub-attributes of a complex value (each element of a
/// multi-valued one); elements left empty are dropped.
fn select_subs(attr: &Attribute, value: &Value, subs: Subs<'_>) -> Option<Value> {
    if !attr.is_complex() {
        return (!value.is_null()).then(|| value.clone());
    }
    match value {
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(o) => select_object(attr, o, subs),
                    _ => None,
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        Value::Object(o) => select_object(attr, o, subs),
        _ => None,
    }
}

fn select_object(attr: &Attribute, obj: &Map<String, Value>, subs: Subs<'_>) -> Option<Value> {
    let mut out = Map::new();
    for (key, v) in obj {
        let Some(sub) = attr.sub(key) else { continue };
        if never_returned(sub) || v.is_null() {
            continue;
        }
        let keep = sub.returned == Returned::Always
            || match subs {
                Subs::Default => sub.returned != Returned::Request,
                Subs::Only(names) => names.contains(&sub.name),
                Subs::Except(names) => sub.returned != Returned::Request && !names.contains(&sub.name),
            };
        if keep {
            out.insert(sub.name.clone(), v.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}
