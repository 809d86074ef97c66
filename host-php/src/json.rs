//! The mechanical JSON mapping of WIT values (host-php/ABI.md): records as camelCase objects, variants as
//! a tag key plus the payload's fields (or `value`), options as absent fields, `list<u8>` as text.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value};
use wasmtime::component::{Type, Val};

/// `resource-type` -> `resourceType`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts input JSON to a value of type `ty`; `tag` is the key naming a variant's case.
pub fn to_val(ty: &Type, json: &Value, tag: &str) -> Result<Val, String> {
    let bad = |what: &str| Err(format!("`{tag}`: expected {what}, got {json}"));
    Ok(match ty {
        Type::Bool => match json.as_bool() {
            Some(b) => Val::Bool(b),
            None => return bad("a boolean"),
        },
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
            let Some(n) = json.as_u64() else { return bad("an unsigned integer") };
            let too_big = || format!("`{tag}`: {n} is out of range");
            match ty {
                Type::U8 => Val::U8(u8::try_from(n).map_err(|_| too_big())?),
                Type::U16 => Val::U16(u16::try_from(n).map_err(|_| too_big())?),
                Type::U32 => Val::U32(u32::try_from(n).map_err(|_| too_big())?),
                _ => Val::U64(n),
            }
        }
        Type::S8 | Type::S16 | Type::S32 | Type::S64 => {
            let Some(n) = json.as_i64() else { return bad("an integer") };
            let too_big = || format!("`{tag}`: {n} is out of range");
            match ty {
                Type::S8 => Val::S8(i8::try_from(n).map_err(|_| too_big())?),
                Type::S16 => Val::S16(i16::try_from(n).map_err(|_| too_big())?),
                Type::S32 => Val::S32(i32::try_from(n).map_err(|_| too_big())?),
                _ => Val::S64(n),
            }
        }
        Type::Float32 | Type::Float64 => {
            let Some(f) = json.as_f64() else { return bad("a number") };
            if matches!(ty, Type::Float32) {
                Val::Float32(f as f32)
            } else {
                Val::Float64(f)
            }
        }
        Type::Char => match json.as_str().map(|s| s.chars()) {
            Some(mut cs) => match (cs.next(), cs.next()) {
                (Some(c), None) => Val::Char(c),
                _ => return bad("one character"),
            },
            None => return bad("one character"),
        },
        Type::String => match json.as_str() {
            Some(s) => Val::String(s.to_string()),
            None => return bad("a string"),
        },
        Type::List(list) => {
            let elem = list.ty();
            match (json, &elem) {
                (Value::String(s), Type::U8) => Val::List(s.bytes().map(Val::U8).collect()),
                (Value::Array(items), _) => {
                    Val::List(items.iter().map(|i| to_val(&elem, i, tag)).collect::<Result<_, _>>()?)
                }
                _ => return bad("an array"),
            }
        }
        Type::Tuple(tuple) => {
            let Value::Array(items) = json else { return bad("an array") };
            if items.len() != tuple.types().len() {
                return bad(&format!("an array of {}", tuple.types().len()));
            }
            Val::Tuple(tuple.types().zip(items).map(|(t, i)| to_val(&t, i, tag)).collect::<Result<_, _>>()?)
        }
        Type::Record(record) => {
            let Value::Object(obj) = json else { return bad("an object") };
            let mut fields = Vec::new();
            for field in record.fields() {
                let key = camel(field.name);
                let v = obj.get(&key).unwrap_or(&Value::Null);
                fields.push((field.name.to_string(), to_val(&field.ty, v, &key)?));
            }
            Val::Record(fields)
        }
        Type::Variant(variant) => {
            let Some(case_name) = json.get(tag).and_then(Value::as_str) else {
                return bad(&format!("an object with a `{tag}` case name"));
            };
            let Some(case) = variant.cases().find(|c| c.name == case_name) else {
                let names: Vec<&str> = variant.cases().map(|c| c.name).collect();
                return Err(format!("`{tag}`: unknown case {case_name:?} (one of {})", names.join(", ")));
            };
            let payload = match &case.ty {
                None => None,
                Some(t @ Type::Record(_)) => Some(Box::new(to_val(t, json, tag)?)),
                Some(t) => Some(Box::new(to_val(t, json.get("value").unwrap_or(&Value::Null), "value")?)),
            };
            Val::Variant(case_name.to_string(), payload)
        }
        Type::Enum(e) => match json.as_str() {
            Some(s) if e.names().any(|n| n == s) => Val::Enum(s.to_string()),
            _ => return bad(&format!("one of {}", e.names().collect::<Vec<_>>().join(", "))),
        },
        Type::Option(o) => match json {
            Value::Null => Val::Option(None),
            v => Val::Option(Some(Box::new(to_val(&o.ty(), v, tag)?))),
        },
        Type::Flags(f) => {
            let Value::Array(items) = json else { return bad("an array of flag names") };
            let mut set = Vec::new();
            for i in items {
                match i.as_str() {
                    Some(s) if f.names().any(|n| n == s) => set.push(s.to_string()),
                    _ => return bad("known flag names"),
                }
            }
            Val::Flags(set)
        }
        _ => return Err(format!("`{tag}`: this WIT type cannot be given as JSON")),
    })
}

/// Converts a result value to JSON; `tag` is the key naming a variant's case.
pub fn to_json(val: &Val, tag: &str) -> Value {
    match val {
        Val::Bool(b) => Value::Bool(*b),
        Val::U8(n) => (*n).into(),
        Val::U16(n) => (*n).into(),
        Val::U32(n) => (*n).into(),
        Val::U64(n) => (*n).into(),
        Val::S8(n) => (*n).into(),
        Val::S16(n) => (*n).into(),
        Val::S32(n) => (*n).into(),
        Val::S64(n) => (*n).into(),
        Val::Float32(f) => Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number),
        Val::Float64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Char(c) => Value::String(c.to_string()),
        Val::String(s) => Value::String(s.clone()),
        Val::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Val::U8(_))) => {
            let bytes: Vec<u8> =
                items.iter().filter_map(|i| if let Val::U8(b) = i { Some(*b) } else { None }).collect();
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
        Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
            Value::Array(items.iter().map(|i| to_json(i, tag)).collect())
        }
        Val::Record(fields) => {
            let mut obj = Map::new();
            record_into(&mut obj, fields);
            Value::Object(obj)
        }
        Val::Variant(case, payload) => {
            let mut obj = Map::new();
            obj.insert(tag.to_string(), Value::String(case.clone()));
            match payload.as_deref() {
                None => {}
                Some(Val::Record(fields)) => record_into(&mut obj, fields),
                Some(v) => {
                    obj.insert("value".to_string(), to_json(v, "value"));
                }
            }
            Value::Object(obj)
        }
        Val::Enum(s) => Value::String(s.clone()),
        Val::Option(o) => o.as_deref().map_or(Value::Null, |v| to_json(v, tag)),
        Val::Result(r) => {
            let (key, v) = match r {
                Ok(v) => ("ok", v),
                Err(v) => ("err", v),
            };
            let mut obj = Map::new();
            obj.insert(key.to_string(), v.as_deref().map_or(Value::Null, |v| to_json(v, tag)));
            Value::Object(obj)
        }
        Val::Flags(f) => Value::Array(f.iter().cloned().map(Value::String).collect()),
        Val::Map(pairs) => {
            Value::Array(pairs.iter().map(|(k, v)| Value::Array(vec![to_json(k, tag), to_json(v, tag)])).collect())
        }
        Val::Resource(_) | Val::Future(_) | Val::Stream(_) | Val::ErrorContext(_) => Value::Null,
    }
}

/// A result value written straight to JSON text, the same mapping as [`to_json`] without building a `Value`
/// (the hot path: every effect of every request goes through it).
pub struct Json<'a> {
    pub val: &'a Val,
    /// The key naming a variant's case.
    pub tag: &'a str,
}

/// JSON text of a result value: `to_json(val, tag).to_string()`, without the intermediate `Value`.
pub fn to_text(val: &Val, tag: &str) -> String {
    serde_json::to_string(&Json { val, tag }).unwrap_or_else(|e| format!("{{\"error\":\"abi\",\"message\":\"{e}\"}}"))
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tag = self.tag;
        match self.val {
            Val::Bool(b) => s.serialize_bool(*b),
            Val::U8(n) => s.serialize_u8(*n),
            Val::U16(n) => s.serialize_u16(*n),
            Val::U32(n) => s.serialize_u32(*n),
            Val::U64(n) => s.serialize_u64(*n),
            Val::S8(n) => s.serialize_i8(*n),
            Val::S16(n) => s.serialize_i16(*n),
            Val::S32(n) => s.serialize_i32(*n),
            Val::S64(n) => s.serialize_i64(*n),
            Val::Float32(_) | Val::Float64(_) | Val::Char(_) => to_json(self.val, tag).serialize(s),
            Val::String(text) => s.serialize_str(text),
            Val::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Val::U8(_))) => {
                to_json(self.val, tag).serialize(s)
            }
            Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for val in items {
                    seq.serialize_element(&Json { val, tag })?;
                }
                seq.end()
            }
            Val::Record(fields) => {
                let mut map = s.serialize_map(None)?;
                record_fields(&mut map, fields)?;
                map.end()
            }
            Val::Variant(case, payload) => {
                let mut map = s.serialize_map(None)?;
                map.serialize_entry(tag, case)?;
                match payload.as_deref() {
                    None => {}
                    Some(Val::Record(fields)) => record_fields(&mut map, fields)?,
                    Some(val) => map.serialize_entry("value", &Json { val, tag: "value" })?,
                }
                map.end()
            }
            Val::Enum(name) => s.serialize_str(name),
            Val::Option(o) => match o.as_deref() {
                None => s.serialize_unit(),
                Some(val) => Json { val, tag }.serialize(s),
            },
            Val::Result(r) => {
                let (key, v) = match r {
                    Ok(v) => ("ok", v),
                    Err(v) => ("err", v),
                };
                let mut map = s.serialize_map(Some(1))?;
                match v.as_deref() {
                    None => map.serialize_entry(key, &())?,
                    Some(val) => map.serialize_entry(key, &Json { val, tag })?,
                }
                map.end()
            }
            Val::Flags(_) | Val::Map(_) | Val::Resource(_) | Val::Future(_) | Val::Stream(_) | Val::ErrorContext(_) => {
                to_json(self.val, tag).serialize(s)
            }
        }
    }
}

fn record_fields<M: SerializeMap>(map: &mut M, fields: &[(String, Val)]) -> Result<(), M::Error> {
    for (name, val) in fields {
        if matches!(val, Val::Option(None)) {
            continue;
        }
        let key = camel(name);
        map.serialize_entry(&key, &Json { val, tag: &key })?;
    }
    Ok(())
}

fn record_into(obj: &mut Map<String, Value>, fields: &[(String, Val)]) {
    for (name, v) in fields {
        if matches!(v, Val::Option(None)) {
            continue;
        }
        let key = camel(name);
        let j = to_json(v, &key);
        obj.insert(key, j);
    }
}

#[cfg(test)]
mod tests {
    use super::{to_json, to_text};
    use serde_json::Value;
    use wasmtime::component::Val;

    fn s(text: &str) -> Val {
        Val::String(text.to_string())
    }

    #[test]
    fn direct_text_is_the_same_json_as_the_value_mapping() {
        let record = Val::Record(vec![
            ("resource-type".into(), s("User")),
            ("expected-version".into(), Val::Option(None)),
            ("unique".into(), Val::List(vec![Val::Tuple(vec![s("userName"), s("bjensen")])])),
            ("total".into(), Val::U32(3)),
            ("exact".into(), Val::Bool(true)),
            ("bytes".into(), Val::List(vec![Val::U8(b'h'), Val::U8(b'i')])),
            ("flags".into(), Val::Flags(vec!["a".into()])),
            ("kind".into(), Val::Enum("query-response".into())),
            ("ratio".into(), Val::Float64(0.5)),
        ]);
        let cases = [
            Val::Variant("search".into(), Some(Box::new(record.clone()))),
            Val::Variant("written".into(), Some(Box::new(s("{\"id\":\"1\"}")))),
            Val::Variant("missing".into(), None),
            Val::Result(Ok(Some(Box::new(record)))),
            Val::Result(Err(None)),
            Val::Option(Some(Box::new(Val::S64(-7)))),
            Val::List(vec![]),
        ];
        for val in cases {
            let direct: Value = serde_json::from_str(&to_text(&val, "effect")).expect("valid JSON");
            assert_eq!(direct, to_json(&val, "effect"), "{val:?}");
        }
    }
}
