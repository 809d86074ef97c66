//! Attribute paths as written (RFC 7644 §3.10): `[URN ":"]ATTRNAME["." subAttr]`.
//! Resolution against schemas lives in `schema::ResourceType::resolve`.

use crate::schema::document::is_attr_name;
use std::fmt;

/// A syntactic attribute path; names keep the case they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN prefix, when written.
    pub urn: Option<String>,
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// A path to a top-level attribute without URN.
    pub fn bare(attr: impl Into<String>) -> Self {
        AttrPath { urn: None, attr: attr.into(), sub: None }
    }

    /// Parses `text`; the error says what is wrong, for the caller to wrap
    /// in the `scimType` of its context.
    pub fn parse(text: &str) -> Result<AttrPath, String> {
        if text.is_empty() {
            return Err("an attribute path is empty".into());
        }
        let (urn, rest) = if text.len() > 4 && text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
            let colon = text.rfind(':').filter(|&i| i >= 4);
            match colon {
                Some(i) if i + 1 < text.len() => (Some(text[..i].to_string()), &text[i + 1..]),
                _ => return Err(format!("\"{text}\" is a URN with no attribute name after it")),
            }
        } else {
            (None, text)
        };
        let (attr, sub) = match rest.split_once('.') {
            Some((a, s)) => (a, Some(s)),
            None => (rest, None),
        };
        if !is_attr_name(attr) {
            return Err(format!("\"{attr}\" in \"{text}\" is not a valid attribute name"));
        }
        if let Some(s) = sub {
            if !is_attr_name(s) {
                return Err(format!("\"{s}\" in \"{text}\" is not a valid sub-attribute name"));
            }
        }
        Ok(AttrPath { urn, attr: attr.to_string(), sub: sub.map(str::to_string) })
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.attr)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_core_sub_attribute_path() {
        let p = AttrPath::parse("name.givenName").unwrap();
        assert_eq!(p, AttrPath { urn: None, attr: "name".into(), sub: Some("givenName".into()) });
    }

    #[test]
    fn parses_urn_path_whose_urn_contains_a_dot() {
        let p = AttrPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value").unwrap();
        assert_eq!(p.urn.as_deref(), Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        assert_eq!(p.attr, "manager");
        assert_eq!(p.sub.as_deref(), Some("value"));
    }

    #[test]
    fn rejects_bad_names() {
        assert!(AttrPath::parse("").is_err());
        assert!(AttrPath::parse("1abc").is_err());
        assert!(AttrPath::parse("a.b.c").is_err());
        assert!(AttrPath::parse("urn:").is_err());
    }

    #[test]
    fn non_ascii_input_is_an_error_not_a_panic() {
        assert!(AttrPath::parse("ab€").is_err());
        assert!(AttrPath::parse("€€€€€").is_err());
    }
}
