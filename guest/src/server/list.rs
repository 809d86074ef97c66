//! Query endpoints (RFC 7644 §3.4.2, §3.4.3): list parameters from the
//! query string or a SearchRequest body, the search effects, and the engine's
//! own filtering, sorting and paging when storage answers with candidates.

use super::request::Query;
use super::{Page, SearchOp};
use crate::datetime::Instant;
use crate::engine::{parse_json, Engine};
use crate::error::{Result, ScimError};
use crate::filter::{self, Plan};
use crate::path::AttrPath;
use crate::projection::Projection;
use crate::schema::{AttrType, ResourceType};
use crate::tolerance::Leniency;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// The ListResponse message URN.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// A ListResponse (RFC 7644 §3.4.2); `Resources` is left out when `count=0`.
pub fn list_response(items: Vec<Value>, total: usize, start_index: u32, with_resources: bool) -> Value {
    let mut out = json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "itemsPerPage": items.len(),
        "startIndex": start_index,
    });
    if with_resources {
        out["Resources"] = Value::Array(items);
    }
    out
}

/// The list parameters of one query, as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// `filter` text.
    pub filter: Option<String>,
    /// `sortBy` as written.
    pub sort_by: Option<String>,
    /// `sortOrder=descending`.
    pub descending: bool,
    /// `startIndex`, clamped to at least 1.
    pub start_index: u32,
    /// `count`, clamped to 0..=maxPageSize.
    pub count: u32,
    /// `attributes`, comma-separated.
    pub attributes: Option<String>,
    /// `excludedAttributes`, comma-separated.
    pub excluded: Option<String>,
}

impl ListParams {
    /// Reads `filter`, `sortBy`, `sortOrder`, `startIndex`, `count`,
    /// `attributes`, `excludedAttributes` from the query string.
    pub fn from_query(q: &Query, max: u32, l: &mut Leniency) -> Result<ListParams> {
        let mut get = |name: &str| q.get(name, l).map(str::to_string);
        let (filter, sort_by, order) = (get("filter"), get("sortBy"), get("sortOrder"));
        let (start, count) = (get("startIndex"), get("count"));
        let (attributes, excluded) = (get("attributes"), get("excludedAttributes"));
        let number = |name: &str, v: Option<String>| -> Result<Option<i64>> {
            v.map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| ScimError::invalid_value(format!("\"{name}\" must be an integer, not \"{v}\"")))
            })
            .transpose()
        };
        Ok(ListParams {
            filter: filter.filter(|f| !f.trim().is_empty()),
            sort_by: sort_by.filter(|s| !s.is_empty()),
            descending: descending(order.as_deref())?,
            start_index: clamp_start(number("startIndex", start)?),
            count: clamp_count(number("count", count)?, max),
            attributes: attributes.filter(|s| !s.is_empty()),
            excluded: excluded.filter(|s| !s.is_empty()),
        })
    }

    /// Reads a SearchRequest body (RFC 7644 §3.4.3).
    pub fn from_body(body: &Value, max: u32) -> Result<ListParams> {
        let obj =
            body.as_object().ok_or_else(|| ScimError::invalid_syntax("a SearchRequest body must be a JSON object"))?;
        let schemas_ok = obj
            .get("schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(SEARCH_REQUEST))));
        if !schemas_ok {
            return Err(ScimError::invalid_syntax(format!(
                "a SearchRequest needs \"schemas\": [\"{SEARCH_REQUEST}\"]"
            )));
        }
        let text = |name: &str| -> Result<Option<String>> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Array(items)) if name.ends_with("ttributes") => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| Some(v.join(",")))
                    .ok_or_else(|| ScimError::invalid_syntax(format!("\"{name}\" must be a list of attribute names"))),
                Some(_) => Err(ScimError::invalid_syntax(format!("\"{name}\" must be a string"))),
            }
        };
        let number = |name: &str| -> Result<Option<i64>> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| ScimError::invalid_value(format!("\"{name}\" must be an integer"))),
            }
        };
        Ok(ListParams {
            filter: text("filter")?,
            sort_by: text("sortBy")?,
            descending: descending(text("sortOrder")?.as_deref())?,
            start_index: clamp_start(number("startIndex")?),
            count: clamp_count(number("count")?, max),
            attributes: text("attributes")?,
            excluded: text("excludedAttributes")?,
        })
    }
}

fn descending(order: Option<&str>) -> Result<bool> {
    match order {
        None | Some("ascending") => Ok(false),
        Some("descending") => Ok(true),
        Some(other) => Err(ScimError::invalid_value(format!(
            "\"sortOrder\" must be \"ascending\" or \"descending\", not \"{other}\""
        ))),
    }
}

/// RFC 7644 §3.4.2.4: a `startIndex` below 1 is read as 1.
fn clamp_start(v: Option<i64>) -> u32 {
    u32::try_from(v.unwrap_or(1).max(1)).unwrap_or(u32::MAX)
}

/// A negative `count` is 0; above the server's page size it is that size.
fn clamp_count(v: Option<i64>, max: u32) -> u32 {
    u32::try_from(v.unwrap_or(i64::from(max)).clamp(0, i64::from(max))).unwrap_or(max)
}

/// How to sort: a canonical path and how its values compare.
#[derive(Debug, Clone)]
struct SortKey {
    canonical: String,
    ty: AttrType,
    case_exact: bool,
}

/// One resource type searched by a list.
struct Target {
    rt: String,
    plan: Option<Plan>,
    sort: Option<SortKey>,
    projection: Projection,
}

/// A list or search in progress: one search effect per resource type.
pub struct ListJob {
    params: ListParams,
    targets: Vec<Target>,
    next: usize,
    found: Vec<(usize, Value)>,
    total: usize,
}

impl ListJob {
    /// Prepares a list over the given resource types (more than one at the root).
    pub fn new(rts: &[&ResourceType], params: ListParams, l: &mut Leniency) -> Result<ListJob> {
        let parsed = params.filter.as_deref().map(|f| filter::parse(f, l)).transpose()?;
        let mut targets = Vec::new();
        let mut first_error = None;
        for rt in rts {
            let plan = match &parsed {
                None => None,
                Some(f) => match filter::compile(f, rt, l) {
                    Ok(p) => Some(p),
                    Err(e) if rts.len() > 1 => {
                        first_error.get_or_insert(e);
                        continue;
                    }
                    Err(e) => return Err(e),
                },
            };
            let sort = match params.sort_by.as_deref().map(|s| sort_key(rt, s, l)) {
                None => None,
                Some(Ok(k)) => Some(k),
                Some(Err(_)) if rts.len() > 1 => None,
                Some(Err(e)) => return Err(e),
            };
            let projection = Projection::parse(rt, params.attributes.as_deref(), params.excluded.as_deref(), l)?;
            targets.push(Target { rt: rt.name.clone(), plan, sort, projection });
        }
        if targets.is_empty() {
            return Err(first_error.unwrap_or_else(|| ScimError::invalid_filter("the filter matches no resource type")));
        }
        Ok(ListJob { params, targets, next: 0, found: Vec::new(), total: 0 })
    }

    fn single(&self) -> bool {
        self.targets.len() == 1
    }

    /// The next search effect, or `None` when every type has answered.
    pub fn next_search(&self) -> Option<SearchOp> {
        let target = self.targets.get(self.next)?;
        let (start_index, count) =
            if self.single() { (self.params.start_index, self.params.count) } else { (1, self.window()) };
        Some(SearchOp {
            resource_type: target.rt.clone(),
            plan: target.plan.as_ref().map(|p| crate::json::text(&p.to_json())),
            sort_by: target.sort.as_ref().map(|s| s.canonical.clone()),
            descending: self.params.descending,
            start_index,
            count,
        })
    }

    /// How many results from the first are needed to cut the requested page.
    fn window(&self) -> u32 {
        self.params.start_index.saturating_sub(1).saturating_add(self.params.count)
    }

    /// Takes one type's page; returns true when more searches follow.
    pub fn take(&mut self, page: Page) -> Result<bool> {
        let index = self.next;
        let Some(target) = self.targets.get(index) else {
            return Err(ScimError::status(500, "the host answered a search the engine did not ask for"));
        };
        let mut items = Vec::with_capacity(page.resources.len());
        for text in &page.resources {
            items.push(parse_json(text, "stored resource")?);
        }
        if page.exact {
            self.total += page.total as usize;
            let keep = if self.single() { self.params.count } else { self.window() } as usize;
            items.truncate(keep);
        } else {
            if let Some(plan) = &target.plan {
                items.retain(|r| plan.matches(r));
            }
            if let Some(key) = &target.sort {
                sort(&mut items, key, self.params.descending);
            }
            self.total += items.len();
            let skip = if self.single() { self.params.start_index.saturating_sub(1) as usize } else { 0 };
            let keep = if self.single() { self.params.count } else { self.window() } as usize;
            items = items.into_iter().skip(skip).take(keep).collect();
        }
        self.found.extend(items.into_iter().map(|r| (index, r)));
        self.next += 1;
        Ok(self.next < self.targets.len())
    }

    /// The ListResponse once every type has answered.
    pub fn finish(mut self, engine: &Engine) -> Result<Value> {
        if !self.single() {
            if let Some(key) = self.targets.iter().find_map(|t| t.sort.clone()) {
                let desc = self.params.descending;
                self.found.sort_by(|(_, a), (_, b)| compare(a, b, &key, desc));
            }
            let skip = self.params.start_index.saturating_sub(1) as usize;
            self.found = self.found.into_iter().skip(skip).take(self.params.count as usize).collect();
        }
        let mut out = Vec::with_capacity(self.found.len());
        for (index, resource) in self.found {
            let Some(target) = self.targets.get(index) else { continue };
            let rt = engine.resource_type(&target.rt)?;
            out.push(super::conversation::present(engine, rt, &target.projection, resource));
        }
        Ok(list_response(out, self.total, self.params.start_index, self.params.count > 0))
    }
}

fn sort_key(rt: &ResourceType, text: &str, l: &mut Leniency) -> Result<SortKey> {
    let bad = |why: String| ScimError::invalid_value(format!("\"sortBy={text}\": {why}"));
    let path = AttrPath::parse(text).map_err(bad)?;
    let resolved = rt.resolve(&path, l).map_err(|e| bad(e.detail))?;
    let leaf = resolved.leaf();
    let leaf = if leaf.is_complex() { leaf.sub("value").unwrap_or(leaf) } else { leaf };
    let mut canonical = resolved.canonical();
    if resolved.sub.is_none() && resolved.attr.is_complex() && leaf.name == "value" {
        canonical.push_str(".value");
    }
    Ok(SortKey { canonical, ty: leaf.ty, case_exact: leaf.case_exact })
}

/// The value a resource sorts by: for a multi-valued attribute, the primary
/// element's (or the first's).
fn sort_value<'a>(resource: &'a Value, canonical: &str) -> Option<&'a Value> {
    let (container, path) = match canonical.rfind(':') {
        Some(i) if canonical.starts_with("urn:") => (resource.get(canonical.get(..i)?)?, canonical.get(i + 1..)?),
        _ => (resource, canonical),
    };
    let (attr, sub) = match path.split_once('.') {
        Some((a, s)) => (a, Some(s)),
        None => (path, None),
    };
    let mut v = container.get(attr)?;
    if let Value::Array(items) = v {
        v = items.iter().find(|e| e.get("primary") == Some(&Value::Bool(true))).or_else(|| items.first())?;
    }
    match sub {
        Some(s) => v.get(s),
        None => Some(v),
    }
}

fn compare(a: &Value, b: &Value, key: &SortKey, descending: bool) -> Ordering {
    let (va, vb) = (sort_value(a, &key.canonical), sort_value(b, &key.canonical));
    // Resources without a value sort last in either order (RFC 7644 §3.4.2.3).
    match (va.filter(|v| !v.is_null()), vb.filter(|v| !v.is_null())) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = compare_values(x, y, key);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
    }
}

fn compare_values(x: &Value, y: &Value, key: &SortKey) -> Ordering {
    match (x, y) {
        (Value::Number(a), Value::Number(b)) => {
            a.as_f64().unwrap_or(0.0).partial_cmp(&b.as_f64().unwrap_or(0.0)).unwrap_or(Ordering::Equal)
        }
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::String(a), Value::String(b)) => {
            if key.ty == AttrType::DateTime {
                if let (Some(ia), Some(ib)) = (Instant::parse(a), Instant::parse(b)) {
                    return ia.cmp(&ib);
                }
            }
            if key.case_exact {
                a.cmp(b)
            } else {
                a.to_lowercase().cmp(&b.to_lowercase())
            }
        }
        _ => Ordering::Equal,
    }
}

fn sort(items: &mut [Value], key: &SortKey, descending: bool) {
    items.sort_by(|a, b| compare(a, b, key, descending));
}
