//! Parsing and validating resource bodies against a resource type's schemas.
//!
//! One explicit [`Context`] decides what is ignored, rejected or never
//! returned, from each attribute's `mutability` and `returned`.

use crate::datetime::Instant;
use crate::error::{Result, ScimError};
use crate::schema::{AttrType, Attribute, Mutability, ResourceType, Returned, ENTERPRISE_USER_SCHEMA};
use crate::tolerance::{Leniency, Rule};
use serde_json::{Map, Value};

/// Why a resource (or value) is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// POST body: readOnly ignored, required enforced.
    CreationRequest,
    /// PUT body: as creation, and immutable values may not change.
    ReplaceRequest,
    /// A value inside a PATCH operation: readOnly sub-attributes ignored.
    PatchValue,
    /// A resource about to be returned: `returned: never` removed.
    QueryResponse,
}

impl Context {
    /// Whether this context reads client input.
    pub fn is_request(self) -> bool {
        !matches!(self, Context::QueryResponse)
    }

    /// Whether an attribute with these characteristics is dropped here.
    pub fn drops(self, attr: &Attribute) -> bool {
        match self {
            Context::QueryResponse => attr.returned == Returned::Never || attr.mutability == Mutability::WriteOnly,
            _ => attr.mutability == Mutability::ReadOnly,
        }
    }
}

/// A key of a JSON object matched case-insensitively (RFC 7643 §2.1).
pub fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    match obj.get(key) {
        Some(v) => Some(v),
        None => obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v),
    }
}

/// Whether a value counts as unassigned (RFC 7643 §2.5: null, empty array).
pub fn is_unassigned(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Parses and validates a resource body in `ctx`, returning it with
/// canonical attribute names, unknown and ignored attributes removed, and
/// `schemas` recomputed. `existing` is the stored resource for a replace.
pub fn validate(
    rt: &ResourceType,
    ctx: Context,
    body: &Value,
    existing: Option<&Value>,
    leniency: &mut Leniency,
) -> Result<Value> {
    let obj = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax(format!("a {} body must be a JSON object", rt.name)))?;
    check_schemas(rt, ctx, obj, leniency)?;
    let mut out = Map::new();
    for (key, value) in obj {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if let Some(ext) = rt.extension(key) {
            let Some(ext_obj) = extension_object(key, value)? else { continue };
            let mut ext_out = Map::new();
            for (k, v) in ext_obj {
                let Some(attr) = ext.schema.attribute(k) else { continue };
                let path = format!("{}:{}", ext.schema.id, attr.name);
                insert_attribute(&mut ext_out, attr, v, &path, ctx, leniency)?;
            }
            if !ext_out.is_empty() {
                if out.contains_key(&ext.schema.id) {
                    return Err(duplicate(&ext.schema.id));
                }
                out.insert(ext.schema.id.clone(), Value::Object(ext_out));
            }
        } else if let Some(attr) = rt.core_attribute(key) {
            insert_attribute(&mut out, attr, value, &attr.name, ctx, leniency)?;
        }
        // Attributes of no schema are ignored (RFC 7644 §3.3 lets the service
        // provider drop what it does not define).
    }
    // Immutable values kept from the stored resource count for `required`
    // and for `schemas`, so both come after.
    if let (Context::ReplaceRequest, Some(existing)) = (ctx, existing) {
        keep_immutable(rt, &mut out, existing)?;
    }
    out.insert("schemas".into(), schemas_of(rt, &out));
    if ctx.is_request() && ctx != Context::PatchValue {
        check_required(rt, &out)?;
    }
    Ok(Value::Object(out))
}

/// The `schemas` value for a canonical resource: the core schema and every
/// extension that has attributes.
pub fn schemas_of(rt: &ResourceType, resource: &Map<String, Value>) -> Value {
    let mut schemas = vec![Value::String(rt.schema.id.clone())];
    for ext in &rt.extensions {
        if resource.get(&ext.schema.id).is_some_and(|v| !is_unassigned(v)) {
            schemas.push(Value::String(ext.schema.id.clone()));
        }
    }
    Value::Array(schemas)
}

fn check_schemas(rt: &ResourceType, ctx: Context, obj: &Map<String, Value>, leniency: &mut Leniency) -> Result<()> {
    if !ctx.is_request() {
        return Ok(());
    }
    match get_ci(obj, "schemas") {
        None | Some(Value::Null) => {
            if leniency.permits(Rule::SchemasOmitted, || format!("{} body without \"schemas\"", rt.name)) {
                Ok(())
            } else {
                Err(ScimError::invalid_syntax(format!(
                    "the body has no \"schemas\"; a {} needs [\"{}\"] (RFC 7643 §3)",
                    rt.name, rt.schema.id
                )))
            }
        }
        Some(Value::Array(items)) => {
            let mut has_core = false;
            for item in items {
                let urn = item
                    .as_str()
                    .ok_or_else(|| ScimError::invalid_syntax("\"schemas\" must be an array of URN strings"))?;
                has_core |= urn.eq_ignore_ascii_case(&rt.schema.id);
            }
            if has_core || ctx == Context::PatchValue {
                Ok(())
            } else {
                Err(ScimError::invalid_value(format!(
                    "\"schemas\" does not name \"{}\", the core schema of a {}",
                    rt.schema.id, rt.name
                )))
            }
        }
        Some(_) => Err(ScimError::invalid_syntax("\"schemas\" must be an array of URN strings")),
    }
}

fn extension_object<'a>(key: &str, value: &'a Value) -> Result<Option<&'a Map<String, Value>>> {
    match value {
        Value::Null => Ok(None),
        Value::Object(o) => Ok(Some(o)),
        _ => Err(ScimError::invalid_syntax(format!("\"{key}\" must be an object of the extension's attributes"))),
    }
}

fn duplicate(name: &str) -> ScimError {
    ScimError::invalid_syntax(format!("\"{name}\" is given twice (attribute names are case-insensitive)"))
}

/// Canonicalises `value` for `attr` and inserts it under its canonical name,
/// unless the context drops it or it is unassigned.
fn insert_attribute(
    out: &mut Map<String, Value>,
    attr: &Attribute,
    value: &Value,
    path: &str,
    ctx: Context,
    leniency: &mut Leniency,
) -> Result<()> {
    if ctx.drops(attr) {
        return Ok(());
    }
    if let Some(v) = canonical_value(attr, value, path, ctx, leniency)? {
        if out.contains_key(&attr.name) {
            return Err(duplicate(path));
        }
        out.insert(attr.name.clone(), v);
    }
    Ok(())
}

/// Canonicalises the whole value of an attribute (an array when
/// multi-valued). `None` means unassigned.
pub fn canonical_value(
    attr: &Attribute,
    value: &Value,
    path: &str,
    ctx: Context,
    leniency: &mut Leniency,
) -> Result<Option<Value>> {
    if value.is_null() {
        return Ok(None);
    }
    if !attr.multi_valued {
        return canonical_element(attr, value, path, ctx, leniency);
    }
    let Value::Array(items) = value else {
        if ctx == Context::PatchValue
            && leniency.permits(Rule::SingleValueForMultiValued, || format!("\"{path}\" given one value, not an array"))
        {
            return canonical_value(attr, &Value::Array(vec![value.clone()]), path, ctx, leniency);
        }
        return Err(ScimError::invalid_value(format!("\"{path}\" is multi-valued and must be an array")));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(v) = canonical_element(attr, item, path, ctx, leniency)? {
            out.push(v);
        }
    }
    if ctx.is_request() && primary_count(&out) > 1 {
        return Err(ScimError::invalid_value(format!(
            "\"{path}\" has more than one value with \"primary\": true (RFC 7643 §2.4)"
        )));
    }
    Ok(if out.is_empty() { None } else { Some(Value::Array(out)) })
}

/// How many elements of a multi-valued attribute say `primary: true`.
pub fn primary_count(items: &[Value]) -> usize {
    items.iter().filter(|v| v.get("primary") == Some(&Value::Bool(true))).count()
}

/// Canonicalises one value of an attribute (one element when multi-valued).
pub fn canonical_element(
    attr: &Attribute,
    value: &Value,
    path: &str,
    ctx: Context,
    leniency: &mut Leniency,
) -> Result<Option<Value>> {
    if value.is_null() {
        return Ok(None);
    }
    if !attr.multi_valued {
        if let Value::Array(items) = value {
            if items.len() == 1
                && (leniency.permits(Rule::SingleElementArrayForSingleValue, || {
                    format!("\"{path}\" given as a one-element array")
                }) || (is_manager(attr, path)
                    && leniency.permits(Rule::ManagerShapes, || format!("\"{path}\" given as an array"))))
            {
                return canonical_element(attr, &items[0], path, ctx, leniency);
            }
            if items.is_empty() {
                return Ok(None);
            }
            return Err(ScimError::invalid_value(format!("\"{path}\" is single-valued; an array is not allowed")));
        }
    }
    if attr.ty != AttrType::Complex {
        return scalar(attr, value, path, leniency).map(Some);
    }
    let obj = match value {
        Value::Object(o) => o,
        Value::String(id) if is_manager(attr, path) => {
            if !leniency.permits(Rule::ManagerShapes, || format!("\"{path}\" given as a bare id string")) {
                return Err(not_an_object(path));
            }
            return Ok(Some(Value::Object(Map::from_iter([("value".to_string(), Value::String(id.clone()))]))));
        }
        Value::String(id) if attr.name == "members" => {
            if !leniency.permits(Rule::BareMemberIds, || format!("\"{path}\" member given as a bare id string")) {
                return Err(not_an_object(path));
            }
            return Ok(Some(Value::Object(Map::from_iter([("value".to_string(), Value::String(id.clone()))]))));
        }
        _ => return Err(not_an_object(path)),
    };
    let mut out = Map::new();
    for (key, v) in obj {
        let Some(sub) = attr.sub(key) else { continue };
        if ctx.drops(sub) || v.is_null() {
            continue;
        }
        let sub_path = format!("{path}.{}", sub.name);
        if out.contains_key(&sub.name) {
            return Err(duplicate(&sub_path));
        }
        out.insert(sub.name.clone(), scalar(sub, v, &sub_path, leniency)?);
    }
    if ctx.is_request() && ctx != Context::PatchValue && !out.is_empty() {
        for sub in attr.sub_attributes.iter().filter(|s| s.required && s.mutability != Mutability::ReadOnly) {
            if !out.contains_key(&sub.name) {
                return Err(ScimError::invalid_value(format!("\"{path}.{}\" is required", sub.name)));
            }
        }
    }
    Ok(if out.is_empty() { None } else { Some(Value::Object(out)) })
}

fn not_an_object(path: &str) -> ScimError {
    ScimError::invalid_value(format!("\"{path}\" is complex and must be an object"))
}

fn is_manager(attr: &Attribute, path: &str) -> bool {
    attr.name == "manager" && path.starts_with(ENTERPRISE_USER_SCHEMA)
}

/// Type-checks a value of a simple (non-complex) attribute.
pub fn scalar(attr: &Attribute, value: &Value, path: &str, leniency: &mut Leniency) -> Result<Value> {
    let wrong = |what: &str| ScimError::invalid_value(format!("\"{path}\" must be {what}, not {}", describe(value)));
    match attr.ty {
        AttrType::String | AttrType::Reference => match value {
            Value::String(_) => Ok(value.clone()),
            _ => Err(wrong("a string")),
        },
        AttrType::Binary => match value {
            Value::String(s) if is_base64(s) => Ok(value.clone()),
            _ => Err(wrong("base64-encoded binary")),
        },
        AttrType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) => match parse_string_boolean(s) {
                Some(b) if leniency.permits(Rule::StringBooleans, || format!("\"{path}\": \"{s}\" read as {b}")) => {
                    Ok(Value::Bool(b))
                }
                _ => Err(wrong("a boolean")),
            },
            _ => Err(wrong("a boolean")),
        },
        AttrType::Integer => match value {
            Value::Number(n) if n.is_i64() => Ok(value.clone()),
            _ => Err(wrong("an integer")),
        },
        AttrType::Decimal => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => Err(wrong("a decimal number")),
        },
        AttrType::DateTime => match value {
            Value::String(s) if Instant::parse(s).is_some() => Ok(value.clone()),
            _ => Err(wrong("an xsd:dateTime such as \"2011-05-13T04:42:34Z\"")),
        },
        AttrType::Complex => Err(ScimError::invalid_value(format!(
            "\"{path}\" is a complex sub-attribute, which RFC 7643 §2.3.8 does not allow"
        ))),
    }
}

/// `"true"` / `"false"` in any case.
pub fn parse_string_boolean(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2
        && body.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'\r' | b'\n'))
}

/// A short description of a JSON value's kind, for error messages.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_required(rt: &ResourceType, out: &Map<String, Value>) -> Result<()> {
    for attr in rt.schema.attributes.iter().filter(|a| a.required && a.mutability != Mutability::ReadOnly) {
        if !out.contains_key(&attr.name) {
            return Err(ScimError::invalid_value(format!(
                "\"{}\" is required for a {} (RFC 7643 §{})",
                attr.name,
                rt.name,
                if rt.name == "Group" { "4.2" } else { "4.1" }
            )));
        }
    }
    for ext in &rt.extensions {
        let ext_obj = out.get(&ext.schema.id).and_then(Value::as_object);
        if ext.required && ext_obj.is_none() {
            return Err(ScimError::invalid_value(format!("the extension \"{}\" is required", ext.schema.id)));
        }
        if let Some(ext_obj) = ext_obj {
            for attr in ext.schema.attributes.iter().filter(|a| a.required && a.mutability != Mutability::ReadOnly) {
                if !ext_obj.contains_key(&attr.name) {
                    return Err(ScimError::invalid_value(format!("\"{}:{}\" is required", ext.schema.id, attr.name)));
                }
            }
        }
    }
    Ok(())
}

/// On replace, an immutable attribute that has a value keeps it: sending a
/// different value is a `mutability` error; omitting it keeps the old one.
fn keep_immutable(rt: &ResourceType, out: &mut Map<String, Value>, existing: &Value) -> Result<()> {
    let Some(existing) = existing.as_object() else { return Ok(()) };
    let core = rt.schema.attributes.iter().chain(rt.common.iter()).map(|a| (None, a));
    let ext =
        rt.extensions.iter().flat_map(|e| e.schema.attributes.iter().map(move |a| (Some(e.schema.id.as_str()), a)));
    for (urn, attr) in core.chain(ext).filter(|(_, a)| a.mutability == Mutability::Immutable) {
        let old = match urn {
            None => existing.get(&attr.name),
            Some(u) => existing.get(u).and_then(|e| e.get(&attr.name)),
        };
        let Some(old) = old.filter(|v| !is_unassigned(v)) else { continue };
        let target = match urn {
            None => &mut *out,
            Some(u) => match out.entry(u.to_string()).or_insert_with(|| Value::Object(Map::new())) {
                Value::Object(o) => o,
                _ => return Err(ScimError::invalid_syntax(format!("\"{u}\" must be an object"))),
            },
        };
        match target.get(&attr.name) {
            Some(new) if new != old => {
                return Err(ScimError::mutability(format!(
                    "\"{}\" is immutable and already set; it cannot change",
                    attr.name
                )))
            }
            Some(_) => {}
            None => {
                target.insert(attr.name.clone(), old.clone());
            }
        }
    }
    Ok(())
}
