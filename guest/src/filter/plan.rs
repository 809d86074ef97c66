//! Compilation of a filter against a schema (canonical paths, typed values),
//! the plan's JSON form, and evaluation.

use super::{CompValue, CompareOp, Filter};
use crate::datetime::Instant;
use crate::error::{Result, ScimError};
use crate::path::AttrPath;
use crate::resource::{get_ci, is_unassigned, parse_string_boolean};
use crate::schema::{AttrType, Attribute, Mutability, ResourceType, Returned, Uniqueness};
use crate::tolerance::{Leniency, Rule};
use serde_json::{json, Map, Number, Value};
use std::cmp::Ordering;
use std::sync::LazyLock;

/// Where a path's values are found in a resource (or in one element).
#[derive(Debug, Clone, PartialEq)]
enum Loc {
    /// The element itself (a value filter on a multi-valued simple attribute).
    Element,
    /// `[urn key] -> attr [-> sub]`, keys matched case-insensitively.
    Path { ext: Option<String>, attr: String, sub: Option<String> },
}

/// A comparison value typed by its attribute.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Null,
    Bool(bool),
    Num(Number),
    /// The string as written, and the form compared (lowercased unless case-exact).
    Str(String, String),
    Time(Instant, String),
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Compare { op: CompareOp, attr: String, loc: Loc, ty: AttrType, case_exact: bool, multi_valued: bool, value: Typed },
    Present { attr: String, loc: Loc, multi_valued: bool },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Any { attr: String, loc: Loc, filter: Box<Node> },
}

/// A filter compiled against a resource type: canonical attribute paths, typed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    node: Node,
}

/// `schemas` (RFC 7643 §3), filterable as RFC 7644 §3.4.2.2 shows though no schema defines it.
static SCHEMAS: LazyLock<Attribute> = LazyLock::new(|| Attribute {
    name: "schemas".into(),
    ty: AttrType::Reference,
    multi_valued: true,
    description: "The schema URNs of the resource.".into(),
    required: true,
    case_exact: false,
    mutability: Mutability::ReadWrite,
    returned: Returned::Always,
    uniqueness: Uniqueness::None,
    canonical_values: Vec::new(),
    reference_types: vec!["uri".into()],
    sub_attributes: Vec::new(),
});

/// What paths are resolved against.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Resource(&'a ResourceType),
    /// Inside `attr[...]`: paths name sub-attributes of `attr`.
    Element(&'a Attribute, &'a str),
}

/// A resolved path.
struct Target<'a> {
    canonical: String,
    loc: Loc,
    leaf: &'a Attribute,
    multi_valued: bool,
}

fn fail(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_filter(detail)
}

impl<'a> Scope<'a> {
    /// Resolves `path`; with `compare`, a complex attribute is normalised to its `value` sub-attribute.
    fn resolve(self, path: &AttrPath, compare: bool, leniency: &mut Leniency) -> Result<Target<'a>> {
        match self {
            Scope::Resource(rt) => {
                if path.urn.is_none() && path.sub.is_none() && path.attr.eq_ignore_ascii_case("schemas") {
                    let leaf: &'static Attribute = &SCHEMAS;
                    let loc = Loc::Path { ext: None, attr: "schemas".into(), sub: None };
                    return Ok(Target { canonical: "schemas".into(), loc, leaf, multi_valued: true });
                }
                let r = rt.resolve(path, leniency).map_err(|e| fail(e.detail))?;
                let mut sub = r.sub;
                if compare && sub.is_none() && r.attr.is_complex() {
                    sub = Some(r.attr.sub("value").ok_or_else(|| {
                        fail(format!(
                            "\"{path}\" is a complex attribute; compare one of its sub-attributes (e.g. \"{}.{}\")",
                            r.attr.name,
                            r.attr.sub_attributes.first().map_or("value", |s| s.name.as_str())
                        ))
                    })?);
                }
                let r = crate::schema::Resolved { sub, ..r };
                Ok(Target {
                    canonical: r.canonical(),
                    loc: Loc::Path {
                        ext: r.in_extension.then(|| r.schema.to_string()),
                        attr: r.attr.name.clone(),
                        sub: r.sub.map(|s| s.name.clone()),
                    },
                    leaf: sub.unwrap_or(r.attr),
                    multi_valued: r.attr.multi_valued || r.sub.is_some_and(|s| s.multi_valued),
                })
            }
            Scope::Element(attr, owner) => {
                if path.urn.is_some() || path.sub.is_some() {
                    return Err(fail(format!(
                        "\"{path}\" inside \"{owner}[...]\" must be a sub-attribute name of \"{owner}\""
                    )));
                }
                if !attr.is_complex() {
                    if path.attr.eq_ignore_ascii_case("value") {
                        return Ok(Target {
                            canonical: "value".into(),
                            loc: Loc::Element,
                            leaf: attr,
                            multi_valued: false,
                        });
                    }
                    return Err(fail(format!(
                        "\"{owner}\" has simple values; inside \"{owner}[...]\" only \"value\" can be named, not \"{path}\""
                    )));
                }
                let sub = attr
                    .sub(&path.attr)
                    .ok_or_else(|| fail(format!("\"{}\" is not a sub-attribute of \"{owner}\"", path.attr)))?;
                Ok(Target {
                    canonical: sub.name.clone(),
                    loc: Loc::Path { ext: None, attr: sub.name.clone(), sub: None },
                    leaf: sub,
                    multi_valued: sub.multi_valued,
                })
            }
        }
    }
}

fn type_value(t: &Target, op: CompareOp, value: &CompValue, leniency: &mut Leniency) -> Result<Typed> {
    let path = &t.canonical;
    let ty = t.leaf.ty;
    if op.is_ordering() && matches!(ty, AttrType::Boolean | AttrType::Binary) {
        return Err(fail(format!(
            "\"{op}\" cannot compare \"{path}\", a {} attribute (RFC 7644 §3.4.2.2)",
            ty.as_str()
        )));
    }
    if op.is_substring() && !matches!(ty, AttrType::String | AttrType::Reference) {
        return Err(fail(format!("\"{op}\" needs a string attribute; \"{path}\" is {}", ty.as_str())));
    }
    if *value == CompValue::Null {
        return match op {
            CompareOp::Eq | CompareOp::Ne => Ok(Typed::Null),
            _ => Err(fail(format!("null can only be compared with \"eq\" or \"ne\", not \"{op}\" (\"{path}\")"))),
        };
    }
    let wrong = |what: &str| fail(format!("\"{path}\" is {}: the value {value} is not {what}", ty.as_str()));
    match ty {
        AttrType::String | AttrType::Reference | AttrType::Binary => match value {
            CompValue::String(s) => Ok(Typed::Str(s.clone(), String::new())),
            CompValue::Number(_) | CompValue::Bool(_)
                if leniency.permits(Rule::UnquotedFilterValues, || {
                    format!("unquoted value {value} compared with string \"{path}\" read as \"{value}\"")
                }) =>
            {
                Ok(Typed::Str(value.to_string(), String::new()))
            }
            _ => Err(wrong("a string")),
        },
        AttrType::Boolean => match value {
            CompValue::Bool(b) => Ok(Typed::Bool(*b)),
            CompValue::String(s) => match parse_string_boolean(s) {
                Some(b)
                    if leniency
                        .permits(Rule::StringBooleans, || format!("filter on \"{path}\": \"{s}\" read as {b}")) =>
                {
                    Ok(Typed::Bool(b))
                }
                _ => Err(wrong("true or false")),
            },
            _ => Err(wrong("true or false")),
        },
        AttrType::Integer => match value {
            CompValue::Number(n) if n.is_i64() => Ok(Typed::Num(n.clone())),
            _ => Err(wrong("an integer")),
        },
        AttrType::Decimal => match value {
            CompValue::Number(n) => Ok(Typed::Num(n.clone())),
            _ => Err(wrong("a number")),
        },
        AttrType::DateTime => match value {
            CompValue::String(s) => match Instant::parse(s) {
                Some(i) => Ok(Typed::Time(i, s.clone())),
                None => Err(wrong("an xsd:dateTime such as \"2011-05-13T04:42:34Z\"")),
            },
            _ => Err(wrong("an xsd:dateTime string such as \"2011-05-13T04:42:34Z\"")),
        },
        AttrType::Complex => Err(fail(format!("\"{path}\" is complex and cannot be compared"))),
    }
}

fn compile_node(filter: &Filter, scope: Scope, leniency: &mut Leniency) -> Result<Node> {
    Ok(match filter {
        Filter::Compare { path, op, value } => {
            let t = scope.resolve(path, true, leniency)?;
            let case_exact = t.leaf.case_exact || t.leaf.ty == AttrType::Binary;
            let value = match type_value(&t, *op, value, leniency)? {
                Typed::Str(raw, _) => {
                    let folded = if case_exact { raw.clone() } else { raw.to_lowercase() };
                    Typed::Str(raw, folded)
                }
                other => other,
            };
            Node::Compare {
                op: *op,
                case_exact,
                ty: t.leaf.ty,
                attr: t.canonical,
                loc: t.loc,
                multi_valued: t.multi_valued,
                value,
            }
        }
        Filter::Present(path) => {
            let t = scope.resolve(path, false, leniency)?;
            Node::Present { attr: t.canonical, loc: t.loc, multi_valued: t.multi_valued }
        }
        Filter::And(items) | Filter::Or(items) => {
            let is_and = matches!(filter, Filter::And(_));
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match (compile_node(item, scope, leniency)?, is_and) {
                    (Node::And(inner), true) | (Node::Or(inner), false) => out.extend(inner),
                    (node, _) => out.push(node),
                }
            }
            if out.len() == 1 {
                out.remove(0)
            } else if is_and {
                Node::And(out)
            } else {
                Node::Or(out)
            }
        }
        Filter::Not(inner) => Node::Not(Box::new(compile_node(inner, scope, leniency)?)),
        Filter::ValuePath { attr, filter } => {
            let Scope::Resource(rt) = scope else {
                return Err(fail("a value filter cannot contain another value filter"));
            };
            if attr.sub.is_some() {
                return Err(fail(format!("\"{attr}[...]\": a value filter follows an attribute, not a sub-attribute")));
            }
            let r = rt.resolve(attr, leniency).map_err(|e| fail(e.detail))?;
            if !r.attr.multi_valued && !r.attr.is_complex() {
                return Err(fail(format!(
                    "\"{}[...]\": value filters apply to multi-valued or complex attributes only",
                    r.canonical()
                )));
            }
            let canonical = r.canonical();
            let inner = compile_node(filter, Scope::Element(r.attr, &canonical), leniency)?;
            Node::Any {
                loc: Loc::Path {
                    ext: r.in_extension.then(|| r.schema.to_string()),
                    attr: r.attr.name.clone(),
                    sub: None,
                },
                attr: canonical,
                filter: Box::new(inner),
            }
        }
    })
}

/// Compiles a filter against a resource type; errors are 400 `invalidFilter`.
pub fn compile(filter: &Filter, rt: &ResourceType, leniency: &mut Leniency) -> Result<Plan> {
    Ok(Plan { node: compile_node(filter, Scope::Resource(rt), leniency)? })
}

/// Compiles a value filter (the part inside `[...]`) relative to one multi-valued complex attribute:
/// its paths name sub-attributes of `attr` (`type`, `value`, `primary`), and `matches` is then
/// called with ONE ELEMENT object of that attribute. Errors are 400 `invalidPath`.
pub fn compile_element_filter(
    filter: &Filter,
    attr: &Attribute,
    attr_path: &str,
    leniency: &mut Leniency,
) -> Result<Plan> {
    compile_node(filter, Scope::Element(attr, attr_path), leniency)
        .map(|node| Plan { node })
        .map_err(|e| ScimError::invalid_path(e.detail))
}

/// Pushes the non-null values at `loc` (arrays flattened) onto `out`.
fn values<'v>(loc: &Loc, root: &'v Value, out: &mut Vec<&'v Value>) {
    fn push<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
        match v {
            Value::Null => {}
            Value::Array(items) => out.extend(items.iter().filter(|i| !i.is_null())),
            other => out.push(other),
        }
    }
    match loc {
        Loc::Element => push(root, out),
        Loc::Path { ext, attr, sub } => {
            let Some(mut obj) = root.as_object() else { return };
            if let Some(urn) = ext {
                match get_ci(obj, urn).and_then(Value::as_object) {
                    Some(o) => obj = o,
                    None => return,
                }
            }
            let Some(v) = get_ci(obj, attr) else { return };
            match sub {
                None => push(v, out),
                Some(sub) => {
                    let sub_of = |o: &'v Map<String, Value>, out: &mut Vec<&'v Value>| {
                        if let Some(sv) = get_ci(o, sub) {
                            push(sv, out);
                        }
                    };
                    match v {
                        Value::Object(o) => sub_of(o, out),
                        Value::Array(items) => {
                            for item in items {
                                if let Value::Object(o) = item {
                                    sub_of(o, out);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn ordered(op: CompareOp, ord: Ordering) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn compare_one(v: &Value, op: CompareOp, case_exact: bool, value: &Typed) -> bool {
    match value {
        Typed::Null => false,
        Typed::Str(_, want) => {
            let Some(have) = v.as_str() else { return false };
            let folded;
            let have = if case_exact {
                have
            } else {
                folded = have.to_lowercase();
                folded.as_str()
            };
            match op {
                CompareOp::Co => have.contains(want.as_str()),
                CompareOp::Sw => have.starts_with(want.as_str()),
                CompareOp::Ew => have.ends_with(want.as_str()),
                _ => ordered(op, have.cmp(want.as_str())),
            }
        }
        Typed::Bool(want) => {
            let have = match v {
                Value::Bool(b) => *b,
                _ => return false,
            };
            ordered(op, have.cmp(want))
        }
        Typed::Num(want) => match v {
            Value::Number(have) => compare_numbers(have, want).is_some_and(|o| ordered(op, o)),
            _ => false,
        },
        Typed::Time(want, _) => match v.as_str().and_then(Instant::parse) {
            Some(have) => ordered(op, have.cmp(want)),
            None => false,
        },
    }
}

fn eval(node: &Node, root: &Value) -> bool {
    match node {
        Node::Compare { op, loc, case_exact, value, .. } => {
            let mut vs = Vec::new();
            values(loc, root, &mut vs);
            if *value == Typed::Null {
                let present = vs.iter().any(|v| !is_unassigned(v));
                return if *op == CompareOp::Eq { !present } else { present };
            }
            vs.iter().any(|v| compare_one(v, *op, *case_exact, value))
        }
        Node::Present { loc, .. } => {
            let mut vs = Vec::new();
            values(loc, root, &mut vs);
            vs.iter().any(|v| !is_unassigned(v) && v.as_str() != Some(""))
        }
        Node::And(items) => items.iter().all(|n| eval(n, root)),
        Node::Or(items) => items.iter().any(|n| eval(n, root)),
        Node::Not(inner) => !eval(inner, root),
        Node::Any { loc, filter, .. } => {
            let mut vs = Vec::new();
            values(loc, root, &mut vs);
            vs.iter().any(|element| eval(filter, element))
        }
    }
}

fn node_json(node: &Node) -> Value {
    match node {
        Node::Compare { op, attr, ty, case_exact, multi_valued, value, .. } => json!({
            "op": op.as_str(),
            "attr": attr,
            "type": ty.as_str(),
            "caseExact": case_exact,
            "multiValued": multi_valued,
            "value": match value {
                Typed::Null => Value::Null,
                Typed::Bool(b) => Value::Bool(*b),
                Typed::Num(n) => Value::Number(n.clone()),
                Typed::Str(s, _) | Typed::Time(_, s) => Value::String(s.clone()),
            },
        }),
        Node::Present { attr, multi_valued, .. } => json!({"op": "pr", "attr": attr, "multiValued": multi_valued}),
        Node::And(items) => json!({"op": "and", "args": items.iter().map(node_json).collect::<Vec<_>>()}),
        Node::Or(items) => json!({"op": "or", "args": items.iter().map(node_json).collect::<Vec<_>>()}),
        Node::Not(inner) => json!({"op": "not", "arg": node_json(inner)}),
        Node::Any { attr, filter, .. } => json!({"op": "any", "attr": attr, "filter": node_json(filter)}),
    }
}

impl Plan {
    /// Whether a resource (or, for an element plan, one element) satisfies the filter (RFC 7644 §3.4.2.2).
    pub fn matches(&self, resource: &Value) -> bool {
        eval(&self.node, resource)
    }

    /// Parses resource JSON keeping only the top-level attributes this plan reads (and whole extension
    /// objects it reads from), the rest skipped without being built: what [`Plan::matches`] needs.
    /// Skipped parts are still checked to be JSON.
    pub fn parse_for_matching(&self, text: &str) -> serde_json::Result<Value> {
        let mut keep = Vec::new();
        reads(&self.node, &mut keep);
        let mut de = serde_json::Deserializer::from_str(text);
        let value = serde::de::DeserializeSeed::deserialize(Keep(&keep), &mut de)?;
        de.end()?;
        Ok(value)
    }

    /// The storage push-down form documented in the module.
    pub fn to_json(&self) -> Value {
        node_json(&self.node)
    }
}

/// The top-level keys a plan reads: an extension URN or a core attribute name.
fn reads<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    let mut top = |loc: &'a Loc| {
        if let Loc::Path { ext, attr, .. } = loc {
            out.push(ext.as_deref().unwrap_or(attr));
        }
    };
    match node {
        Node::Compare { loc, .. } | Node::Present { loc, .. } => top(loc),
        // The inner filter reads sub-attributes of this element: nothing more at the top.
        Node::Any { loc, .. } => top(loc),
        Node::And(nodes) | Node::Or(nodes) => nodes.iter().for_each(|n| reads(n, out)),
        Node::Not(inner) => reads(inner, out),
    }
}

/// A resource object with only the keys (matched case-insensitively) a plan reads.
struct Keep<'k>(&'k [&'k str]);

impl<'de> serde::de::DeserializeSeed<'de> for Keep<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Keep<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if self.0.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                out.insert(key.into_owned(), map.next_value()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }

    // Not an object: nothing in it can match, but it is kept as it is so evaluation sees the same value.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> std::result::Result<Value, A::Error> {
        serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
}
