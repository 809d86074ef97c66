//! Schema documents (RFC 7643 §7) to and from the model: custom extension
//! schemas arrive this way in configuration, and `/Schemas` is rendered this
//! way.

use super::{AttrType, Attribute, Mutability, Returned, Schema, Uniqueness};
use crate::error::{Result, ScimError};
use serde_json::{json, Map, Value};

/// The URN of the schema that describes schemas.
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

impl Schema {
    /// Reads an RFC 7643 §7 schema document. Omitted characteristics take
    /// the defaults of RFC 7643 §2.2.
    pub fn from_json(doc: &Value) -> Result<Schema> {
        let obj = doc.as_object().ok_or_else(|| ScimError::invalid_value("a schema document must be a JSON object"))?;
        let id = string_field(obj, "id", "schema")?
            .ok_or_else(|| ScimError::invalid_value("a schema document needs an \"id\" (its URN)"))?;
        if !id.to_ascii_lowercase().starts_with("urn:") {
            return Err(ScimError::invalid_value(format!("schema id \"{id}\" must be a URN (urn:...)")));
        }
        let name = string_field(obj, "name", &id)?.unwrap_or_default();
        let description = string_field(obj, "description", &id)?.unwrap_or_default();
        let attributes = attributes_from_json(obj.get("attributes"), &id)?;
        Ok(Schema { id, name, description, attributes })
    }

    /// Renders the schema as an RFC 7643 §7 document, with no nulls.
    pub fn to_json(&self, location: Option<&str>) -> Value {
        let mut doc = json!({
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": self.attributes.iter().map(Attribute::to_json).collect::<Vec<_>>(),
            "meta": { "resourceType": "Schema" },
        });
        if let Some(loc) = location {
            doc["meta"]["location"] = Value::String(loc.to_string());
        }
        doc
    }
}

impl Attribute {
    /// Renders the attribute definition, with no nulls.
    pub fn to_json(&self) -> Value {
        let mut a = Map::new();
        a.insert("name".into(), json!(self.name));
        a.insert("type".into(), json!(self.ty.as_str()));
        a.insert("multiValued".into(), json!(self.multi_valued));
        a.insert("description".into(), json!(self.description));
        a.insert("required".into(), json!(self.required));
        if matches!(self.ty, AttrType::String | AttrType::Reference | AttrType::Binary) {
            a.insert("caseExact".into(), json!(self.case_exact));
        }
        if !self.canonical_values.is_empty() {
            a.insert("canonicalValues".into(), json!(self.canonical_values));
        }
        if !self.reference_types.is_empty() {
            a.insert("referenceTypes".into(), json!(self.reference_types));
        }
        a.insert("mutability".into(), json!(self.mutability.as_str()));
        a.insert("returned".into(), json!(self.returned.as_str()));
        if !self.is_complex() {
            a.insert("uniqueness".into(), json!(self.uniqueness.as_str()));
        }
        if self.is_complex() {
            a.insert(
                "subAttributes".into(),
                Value::Array(self.sub_attributes.iter().map(Attribute::to_json).collect()),
            );
        }
        Value::Object(a)
    }
}

fn attributes_from_json(v: Option<&Value>, owner: &str) -> Result<Vec<Attribute>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let mut out: Vec<Attribute> = Vec::with_capacity(items.len());
            for item in items {
                let attr = attribute_from_json(item, owner)?;
                if out.iter().any(|a| a.name.eq_ignore_ascii_case(&attr.name)) {
                    return Err(ScimError::invalid_value(format!(
                        "{owner}: attribute \"{}\" is defined twice",
                        attr.name
                    )));
                }
                out.push(attr);
            }
            Ok(out)
        }
        Some(_) => Err(ScimError::invalid_value(format!("{owner}: \"attributes\" must be an array"))),
    }
}

fn attribute_from_json(v: &Value, owner: &str) -> Result<Attribute> {
    let obj =
        v.as_object().ok_or_else(|| ScimError::invalid_value(format!("{owner}: each attribute must be an object")))?;
    let name = string_field(obj, "name", owner)?
        .ok_or_else(|| ScimError::invalid_value(format!("{owner}: an attribute has no \"name\"")))?;
    if !is_attr_name(&name) {
        return Err(ScimError::invalid_value(format!(
            "{owner}: \"{name}\" is not a valid attribute name (RFC 7643 §2.1: ALPHA *(\"-\" / \"_\" / DIGIT / ALPHA))"
        )));
    }
    let path = format!("{owner}:{name}");
    let ty = match string_field(obj, "type", &path)? {
        None => AttrType::String,
        Some(t) => {
            AttrType::parse(&t).ok_or_else(|| ScimError::invalid_value(format!("{path}: unknown type \"{t}\"")))?
        }
    };
    let enum_field = |key: &str| string_field(obj, key, &path);
    let mutability = match enum_field("mutability")? {
        None => Mutability::ReadWrite,
        Some(m) => Mutability::parse(&m)
            .ok_or_else(|| ScimError::invalid_value(format!("{path}: unknown mutability \"{m}\"")))?,
    };
    let returned = match enum_field("returned")? {
        None => Returned::Default,
        Some(r) => {
            Returned::parse(&r).ok_or_else(|| ScimError::invalid_value(format!("{path}: unknown returned \"{r}\"")))?
        }
    };
    let uniqueness = match enum_field("uniqueness")? {
        None => Uniqueness::None,
        Some(u) => Uniqueness::parse(&u)
            .ok_or_else(|| ScimError::invalid_value(format!("{path}: unknown uniqueness \"{u}\"")))?,
    };
    let sub_attributes = if ty == AttrType::Complex {
        let subs = attributes_from_json(obj.get("subAttributes"), &path)?;
        if subs.iter().any(Attribute::is_complex) {
            return Err(ScimError::invalid_value(format!(
                "{path}: a complex attribute may not contain complex sub-attributes (RFC 7643 §2.3.8)"
            )));
        }
        subs
    } else {
        Vec::new()
    };
    Ok(Attribute {
        name,
        ty,
        multi_valued: bool_field(obj, "multiValued", &path)?.unwrap_or(false),
        description: enum_field("description")?.unwrap_or_default(),
        required: bool_field(obj, "required", &path)?.unwrap_or(false),
        case_exact: bool_field(obj, "caseExact", &path)?.unwrap_or(false),
        mutability,
        returned,
        uniqueness,
        canonical_values: string_list(obj, "canonicalValues", &path)?,
        reference_types: string_list(obj, "referenceTypes", &path)?,
        sub_attributes,
    })
}

/// RFC 7643 §2.1 ATTRNAME, plus `$ref`.
pub(crate) fn is_attr_name(name: &str) -> bool {
    if name == "$ref" {
        return true;
    }
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn find<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

fn string_field(obj: &Map<String, Value>, key: &str, owner: &str) -> Result<Option<String>> {
    match find(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::invalid_value(format!("{owner}: \"{key}\" must be a string"))),
    }
}

fn bool_field(obj: &Map<String, Value>, key: &str, owner: &str) -> Result<Option<bool>> {
    match find(obj, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ScimError::invalid_value(format!("{owner}: \"{key}\" must be a boolean"))),
    }
}

fn string_list(obj: &Map<String, Value>, key: &str, owner: &str) -> Result<Vec<String>> {
    match find(obj, key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ScimError::invalid_value(format!("{owner}: \"{key}\" must hold strings")))
            })
            .collect(),
        Some(_) => Err(ScimError::invalid_value(format!("{owner}: \"{key}\" must be an array"))),
    }
}
