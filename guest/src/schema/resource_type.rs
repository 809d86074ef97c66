//! Resource types (RFC 7643 §6) and the resolution of attribute paths
//! against them.

use super::builtin::common_attributes;
use super::{Attribute, Schema, ENTERPRISE_USER_SCHEMA};
use crate::error::{Result, ScimError};
use crate::path::AttrPath;
use crate::tolerance::{Leniency, Rule};

/// A schema extension attached to a resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    pub schema: Schema,
    pub required: bool,
}

/// A resource type: its core schema, extensions and endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceType {
    /// The name, e.g. `User`.
    pub name: String,
    /// The endpoint below the base URL, e.g. `/Users`.
    pub endpoint: String,
    pub description: String,
    pub schema: Schema,
    pub extensions: Vec<Extension>,
    /// `id`, `externalId`, `meta` (RFC 7643 §3.1).
    pub common: Vec<Attribute>,
}

/// An attribute path resolved against a resource type's schemas, with
/// canonical names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'a> {
    /// URN of the schema the attribute belongs to (the core schema for
    /// common attributes).
    pub schema: &'a str,
    /// Whether the attribute lives under its schema URN in the JSON body.
    pub in_extension: bool,
    pub attr: &'a Attribute,
    pub sub: Option<&'a Attribute>,
}

impl Resolved<'_> {
    /// The canonical path: `name.givenName`, or
    /// `urn:...:enterprise:2.0:User:manager.value` for extension attributes.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        if self.in_extension {
            out.push_str(self.schema);
            out.push(':');
        }
        out.push_str(&self.attr.name);
        if let Some(sub) = self.sub {
            out.push('.');
            out.push_str(&sub.name);
        }
        out
    }

    /// The definition addressed: the sub-attribute if there is one.
    pub fn leaf(&self) -> &Attribute {
        self.sub.unwrap_or(self.attr)
    }
}

/// What a path names: an attribute, or a whole extension (its URN alone).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathTarget<'a> {
    Attribute(Resolved<'a>),
    Extension(&'a Extension),
}

impl ResourceType {
    /// The core schema followed by every extension schema.
    pub fn schemas(&self) -> impl Iterator<Item = &Schema> {
        std::iter::once(&self.schema).chain(self.extensions.iter().map(|e| &e.schema))
    }

    /// An extension by URN, matched case-insensitively.
    pub fn extension(&self, urn: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.schema.id.eq_ignore_ascii_case(urn))
    }

    /// Whether `urn` is this type's core schema or one of its extensions.
    pub fn knows_schema(&self, urn: &str) -> bool {
        self.schema.id.eq_ignore_ascii_case(urn) || self.extension(urn).is_some()
    }

    /// A top-level attribute of the core schema or the common attributes.
    pub fn core_attribute(&self, name: &str) -> Option<&Attribute> {
        self.schema.attribute(name).or_else(|| self.common.iter().find(|a| a.name.eq_ignore_ascii_case(name)))
    }

    /// Resolves a path that must name an attribute (not a whole extension).
    pub fn resolve(&self, path: &AttrPath, leniency: &mut Leniency) -> Result<Resolved<'_>> {
        match self.resolve_target(path, leniency)? {
            PathTarget::Attribute(r) => Ok(r),
            PathTarget::Extension(e) => Err(ScimError::invalid_path(format!(
                "\"{}\" names a whole schema extension, not an attribute",
                e.schema.id
            ))),
        }
    }

    /// Resolves a path to an attribute or an extension; errors are
    /// `invalidPath` and name the path. Callers re-type them where another
    /// `scimType` applies (filters answer `invalidFilter`).
    pub fn resolve_target(&self, path: &AttrPath, leniency: &mut Leniency) -> Result<PathTarget<'_>> {
        let unknown =
            || ScimError::invalid_path(format!("\"{path}\" is not an attribute of the {} resource type", self.name));
        let Some(urn) = path.urn.as_deref() else {
            if let Some(attr) = self.core_attribute(&path.attr) {
                return self.with_sub(&self.schema.id, false, attr, path);
            }
            // Bare `manager`: Entra ID's enterprise extension without its URN.
            if path.attr.eq_ignore_ascii_case("manager") {
                if let Some(ext) = self.extension(ENTERPRISE_USER_SCHEMA) {
                    if leniency
                        .permits(Rule::ManagerShapes, || format!("bare \"{path}\" read as the enterprise manager"))
                    {
                        let attr = ext.schema.attribute("manager").ok_or_else(unknown)?;
                        return self.with_sub(&ext.schema.id, true, attr, path);
                    }
                }
            }
            return Err(unknown());
        };
        if urn.eq_ignore_ascii_case(&self.schema.id) {
            let attr = self.core_attribute(&path.attr).ok_or_else(unknown)?;
            return self.with_sub(&self.schema.id, false, attr, path);
        }
        if let Some(ext) = self.extension(urn) {
            let attr = ext.schema.attribute(&path.attr).ok_or_else(unknown)?;
            return self.with_sub(&ext.schema.id, true, attr, path);
        }
        // The URN's last segment was split off as an attribute name: either the
        // path is an extension URN alone, or the legacy `...:2.0:User.manager`.
        let joined = format!("{urn}:{}", path.attr);
        if let Some(ext) = self.extension(&joined) {
            return match &path.sub {
                None => Ok(PathTarget::Extension(ext)),
                Some(sub) => {
                    let legacy = || format!("legacy \"{path}\" read as \"{}:{sub}\"", ext.schema.id);
                    if !leniency.permits(Rule::ManagerShapes, legacy) {
                        return Err(unknown());
                    }
                    let attr = ext.schema.attribute(sub).ok_or_else(unknown)?;
                    Ok(PathTarget::Attribute(Resolved { schema: &ext.schema.id, in_extension: true, attr, sub: None }))
                }
            };
        }
        if joined.eq_ignore_ascii_case(&self.schema.id) {
            return Err(ScimError::invalid_path(format!("\"{path}\" names the core schema, not an attribute")));
        }
        Err(ScimError::invalid_path(format!("\"{urn}\" is not a schema of the {} resource type", self.name)))
    }

    fn with_sub<'a>(
        &'a self,
        schema: &'a str,
        in_extension: bool,
        attr: &'a Attribute,
        path: &AttrPath,
    ) -> Result<PathTarget<'a>> {
        let sub = match &path.sub {
            None => None,
            Some(name) => Some(attr.sub(name).ok_or_else(|| {
                ScimError::invalid_path(format!("\"{path}\": \"{}\" has no sub-attribute \"{name}\"", attr.name))
            })?),
        };
        Ok(PathTarget::Attribute(Resolved { schema, in_extension, attr, sub }))
    }
}

/// Every resource type an engine serves.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRegistry {
    pub resource_types: Vec<ResourceType>,
}

impl SchemaRegistry {
    /// `User` (with the given extensions) and `Group` (with its own).
    pub fn new(user_extensions: Vec<Extension>, group_extensions: Vec<Extension>) -> Self {
        let user = ResourceType {
            name: "User".into(),
            endpoint: "/Users".into(),
            description: "User Account".into(),
            schema: super::user_schema(),
            extensions: user_extensions,
            common: common_attributes(),
        };
        let group = ResourceType {
            name: "Group".into(),
            endpoint: "/Groups".into(),
            description: "Group".into(),
            schema: super::group_schema(),
            extensions: group_extensions,
            common: common_attributes(),
        };
        SchemaRegistry { resource_types: vec![user, group] }
    }

    /// A resource type by name (`User`) or endpoint (`/Users`, `Users`),
    /// matched case-insensitively.
    pub fn get(&self, name: &str) -> Result<&ResourceType> {
        let bare = name.trim_start_matches('/');
        self.resource_types
            .iter()
            .find(|rt| rt.name.eq_ignore_ascii_case(bare) || rt.endpoint[1..].eq_ignore_ascii_case(bare))
            .ok_or_else(|| {
                ScimError::not_found(format!("\"{name}\" is not a resource type of this server (User, Group)"))
            })
    }

    /// Every distinct schema, core schemas first.
    pub fn schemas(&self) -> Vec<&Schema> {
        let mut out: Vec<&Schema> = self.resource_types.iter().map(|rt| &rt.schema).collect();
        for rt in &self.resource_types {
            for ext in &rt.extensions {
                if !out.iter().any(|s| s.id == ext.schema.id) {
                    out.push(&ext.schema);
                }
            }
        }
        out
    }
}
