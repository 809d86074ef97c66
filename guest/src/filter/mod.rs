//! Filters (RFC 7644 §3.4.2.2): parsing to an AST, printing, compilation to
//! a storage plan, and evaluation.
//!
//! # Plan JSON (`Plan::to_json`), the format storage layers push down
//!
//! - comparison: `{"op":"eq"|"ne"|"co"|"sw"|"ew"|"gt"|"ge"|"lt"|"le","attr":"<canonical path>",
//!   "type":"string"|"boolean"|"integer"|"decimal"|"dateTime"|"binary"|"reference","caseExact":bool,
//!   "multiValued":bool,"value":<string|bool|number|null>}`. The canonical path is `userName`,
//!   `name.givenName`, `emails.value`, `meta.lastModified` or
//!   `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`. A complex attribute
//!   compared without sub-attribute (`emails co "x"`) is normalised to its `value` sub-attribute.
//!   `dateTime` values are the string as written (compare them as instants); `binary` is always
//!   `caseExact`. `value: null` appears only with `eq` (attribute absent) and `ne` (present).
//! - presence: `{"op":"pr","attr":...,"multiValued":bool}`.
//! - `{"op":"and","args":[...]}` / `{"op":"or","args":[...]}` (flattened, 2+ args),
//!   `{"op":"not","arg":{...}}`.
//! - value path: `{"op":"any","attr":"emails","filter":<plan whose attr are sub-attribute names
//!   like "type","value">}`, true when ONE element satisfies the whole inner filter. For a
//!   multi-valued attribute of simple type the inner attr is `value`, meaning the element itself.
//!
//! # Semantics
//!
//! A comparison on a multi-valued path is true when any value satisfies it; a comparison against
//! an absent attribute is false (as SQL `NULL` compares), except `eq null` (true when absent) and
//! `ne null` (true when present). `pr` treats null, `""`, `[]` and `{}` as absent. Strings compare
//! case-insensitively unless the attribute is `caseExact`; `dateTime` compares as instants.

mod parse;
mod plan;

pub use parse::{parse, parse_patch_path, MAX_DEPTH};
pub use plan::{compile, compile_element_filter, Plan};

use crate::path::AttrPath;
use std::fmt;

/// A comparison operator (RFC 7644 §3.4.2.2, Table 3), without `pr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Lt,
    Ge,
    Le,
}

impl CompareOp {
    /// Every operator, in RFC order.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Lt,
        CompareOp::Ge,
        CompareOp::Le,
    ];

    /// The lowercase wire name, e.g. `eq`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Lt => "lt",
            CompareOp::Ge => "ge",
            CompareOp::Le => "le",
        }
    }

    /// Looks an operator up by name, case-insensitively.
    pub fn parse(s: &str) -> Option<CompareOp> {
        CompareOp::ALL.into_iter().find(|op| op.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether this is an ordering operator (`gt`, `ge`, `lt`, `le`).
    pub fn is_ordering(self) -> bool {
        matches!(self, CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le)
    }

    /// Whether this is a substring operator (`co`, `sw`, `ew`).
    pub fn is_substring(self) -> bool {
        matches!(self, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comparison value as written (RFC 7644 `compValue`).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An `i64` or a finite `f64`.
    Number(serde_json::Number),
    /// A JSON string, escapes decoded.
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            CompValue::String(s) => f.write_str(&serde_json::Value::String(s.clone()).to_string()),
        }
    }
}

/// A parsed filter (syntactic AST; attribute paths as written). Display prints canonical text
/// that parses back to an equal AST.
///
/// `And`/`Or` hold 2+ operands; a chain `a and b and c` is one `And` of three, while
/// parentheses keep their grouping (`(a and b) and c` is an `And` whose first operand is an `And`).
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `path op value`.
    Compare { path: AttrPath, op: CompareOp, value: CompValue },
    /// `path pr`.
    Present(AttrPath),
    /// `a and b and ...`.
    And(Vec<Filter>),
    /// `a or b or ...`.
    Or(Vec<Filter>),
    /// `not (f)`.
    Not(Box<Filter>),
    /// `attr[filter]`: one element of `attr` satisfies `filter` (whose paths are sub-attributes).
    ValuePath { attr: AttrPath, filter: Box<Filter> },
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::And(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    if matches!(item, Filter::And(_) | Filter::Or(_)) {
                        write!(f, "({item})")?;
                    } else {
                        write!(f, "{item}")?;
                    }
                }
                Ok(())
            }
            Filter::Or(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    if matches!(item, Filter::Or(_)) {
                        write!(f, "({item})")?;
                    } else {
                        write!(f, "{item}")?;
                    }
                }
                Ok(())
            }
            Filter::Not(inner) => write!(f, "not ({inner})"),
            Filter::ValuePath { attr, filter } => write!(f, "{attr}[{filter}]"),
        }
    }
}

/// A PATCH path (RFC 7644 §3.5.2 ABNF: PATH = attrPath / valuePath [subAttr]):
/// `members`, `name.familyName`, `emails[type eq "work"].value`, `members[value eq "2819c223"]`,
/// `urn:...:enterprise:2.0:User:manager`, `urn:...:enterprise:2.0:User` (whole extension).
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when no filter is written: `name.familyName`).
    pub attr: AttrPath,
    /// The value filter inside `[...]`, its paths naming sub-attributes of `attr`.
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter: `value` in `emails[type eq "work"].value`.
    pub sub: Option<String>,
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}
