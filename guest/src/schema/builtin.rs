//! The schemas RFC 7643 defines: core `User` (§4.1), `Group` (§4.2) and the
//! Enterprise User extension (§4.3), with the characteristics of §8.7.1.
//!
//! Deliberate differences from §8.7.1, so `/Schemas` advertises only what is
//! really supported: `display` of emails, phoneNumbers, ims and photos is
//! left out (Entra's validator rejects it), and `Group.displayName` is
//! `uniqueness: server` because this server enforces it.

use super::{
    AttrType, Attribute, Mutability, Returned, Schema, Uniqueness, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA,
};

fn attr(name: &str, ty: AttrType, description: &str) -> Attribute {
    Attribute {
        name: name.to_string(),
        ty,
        multi_valued: false,
        description: description.to_string(),
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        uniqueness: Uniqueness::None,
        canonical_values: Vec::new(),
        reference_types: Vec::new(),
        sub_attributes: Vec::new(),
    }
}

fn string(name: &str, description: &str) -> Attribute {
    attr(name, AttrType::String, description)
}

fn complex(name: &str, description: &str, subs: Vec<Attribute>) -> Attribute {
    Attribute { sub_attributes: subs, ..attr(name, AttrType::Complex, description) }
}

impl Attribute {
    fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    fn mutability(mut self, m: Mutability) -> Self {
        self.mutability = m;
        self
    }
    fn returned(mut self, r: Returned) -> Self {
        self.returned = r;
        self
    }
    fn unique(mut self) -> Self {
        self.uniqueness = Uniqueness::Server;
        self
    }
    fn canonical(mut self, values: &[&str]) -> Self {
        self.canonical_values = values.iter().map(|v| v.to_string()).collect();
        self
    }
    fn refs(mut self, types: &[&str]) -> Self {
        self.reference_types = types.iter().map(|v| v.to_string()).collect();
        self
    }
}

fn reference(name: &str, description: &str, types: &[&str]) -> Attribute {
    attr(name, AttrType::Reference, description).refs(types)
}

fn primary() -> Attribute {
    attr(
        "primary",
        AttrType::Boolean,
        "A Boolean value indicating the 'primary' or preferred attribute value. The primary attribute value 'true' MUST appear no more than once.",
    )
}

/// The `value`/`type`/`primary` shape shared by emails, phoneNumbers, ims.
fn typed_values(name: &str, description: &str, value_description: &str, types: &[&str]) -> Attribute {
    complex(
        name,
        description,
        vec![
            string("value", value_description),
            string("type", &format!("A label indicating the attribute's function, e.g., '{}'.", types[0]))
                .canonical(types),
            primary(),
        ],
    )
    .multi()
}

/// The `value`/`display`/`type`/`primary` shape of entitlements, roles, x509Certificates.
fn labelled_values(name: &str, description: &str, value: Attribute) -> Attribute {
    complex(
        name,
        description,
        vec![
            value,
            string("display", "A human-readable name, primarily used for display purposes. READ-ONLY.")
                .mutability(Mutability::ReadOnly),
            string("type", "A label indicating the attribute's function."),
            primary(),
        ],
    )
    .multi()
}

/// The core `User` schema (RFC 7643 §4.1).
pub fn user_schema() -> Schema {
    let name = complex(
        "name",
        "The components of the user's real name.",
        vec![
            string("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
            string("familyName", "The family name of the User, or last name in most Western languages."),
            string("givenName", "The given name of the User, or first name in most Western languages."),
            string("middleName", "The middle name(s) of the User."),
            string("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages."),
            string("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages."),
        ],
    );
    let photos = complex(
        "photos",
        "URLs of photos of the User.",
        vec![
            reference("value", "URL of a photo of the User.", &["external"]),
            string("type", "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.")
                .canonical(&["photo", "thumbnail"]),
            primary(),
        ],
    )
    .multi();
    let addresses = complex(
        "addresses",
        "A physical mailing address for this User.",
        vec![
            string("formatted", "The full mailing address, formatted for display or use with a mailing label."),
            string("streetAddress", "The full street address component."),
            string("locality", "The city or locality component."),
            string("region", "The state or region component."),
            string("postalCode", "The zip code or postal code component."),
            string("country", "The country name component."),
            string("type", "A label indicating the attribute's function, e.g., 'work' or 'home'.")
                .canonical(&["work", "home", "other"]),
            primary(),
        ],
    )
    .multi();
    let groups = complex(
        "groups",
        "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
        vec![
            string("value", "The identifier of the User's group.").mutability(Mutability::ReadOnly),
            reference("$ref", "The URI of the corresponding 'Group' resource to which the user belongs.", &["User", "Group"])
                .mutability(Mutability::ReadOnly),
            string("display", "A human-readable name, primarily used for display purposes. READ-ONLY.")
                .mutability(Mutability::ReadOnly),
            string("type", "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.")
                .canonical(&["direct", "indirect"])
                .mutability(Mutability::ReadOnly),
        ],
    )
    .multi()
    .mutability(Mutability::ReadOnly);
    Schema {
        id: USER_SCHEMA.to_string(),
        name: "User".to_string(),
        description: "User Account".to_string(),
        attributes: vec![
            string("userName", "Unique identifier for the User, typically used by the user to directly authenticate to the service provider.")
                .required()
                .unique(),
            name,
            string("displayName", "The name of the User, suitable for display to end-users."),
            string("nickName", "The casual way to address the user in real life."),
            reference("profileUrl", "A fully qualified URL pointing to a page representing the User's online profile.", &["external"]),
            string("title", "The user's title, such as \"Vice President\"."),
            string("userType", "Used to identify the relationship between the organization and the user."),
            string("preferredLanguage", "Indicates the User's preferred written or spoken language."),
            string("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
            string("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
            attr("active", AttrType::Boolean, "A Boolean value indicating the User's administrative status."),
            string("password", "The User's cleartext password, used to set or replace it. Never returned.")
                .mutability(Mutability::WriteOnly)
                .returned(Returned::Never),
            typed_values("emails", "Email addresses for the user.", "Email addresses for the user.", &["work", "home", "other"]),
            typed_values(
                "phoneNumbers",
                "Phone numbers for the User.",
                "Phone number of the User.",
                &["work", "home", "mobile", "fax", "pager", "other"],
            ),
            typed_values(
                "ims",
                "Instant messaging addresses for the User.",
                "Instant messaging address for the User.",
                &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
            ),
            photos,
            addresses,
            groups,
            labelled_values("entitlements", "A list of entitlements for the User that represent a thing the User has.", string("value", "The value of an entitlement.")),
            labelled_values("roles", "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.", string("value", "The value of a role.")),
            labelled_values(
                "x509Certificates",
                "A list of certificates issued to the User.",
                attr("value", AttrType::Binary, "The value of an X.509 certificate."),
            ),
        ],
    }
}

/// The core `Group` schema (RFC 7643 §4.2).
pub fn group_schema() -> Schema {
    let members = complex(
        "members",
        "A list of members of the Group.",
        vec![
            string("value", "Identifier of the member of this Group.").mutability(Mutability::Immutable),
            reference(
                "$ref",
                "The URI corresponding to a SCIM resource that is a member of this Group.",
                &["User", "Group"],
            )
            .mutability(Mutability::Immutable),
            string("type", "A label indicating the type of resource, e.g., 'User' or 'Group'.")
                .canonical(&["User", "Group"])
                .mutability(Mutability::Immutable),
            string("display", "A human-readable name for the member, primarily used for display purposes. READ-ONLY.")
                .mutability(Mutability::ReadOnly),
        ],
    )
    .multi();
    Schema {
        id: GROUP_SCHEMA.to_string(),
        name: "Group".to_string(),
        description: "Group".to_string(),
        attributes: vec![string("displayName", "A human-readable name for the Group.").required().unique(), members],
    }
}

/// The Enterprise User extension (RFC 7643 §4.3).
pub fn enterprise_user_schema() -> Schema {
    let manager = complex(
        "manager",
        "The User's manager.",
        vec![
            string("value", "The id of the SCIM resource representing the User's manager."),
            reference("$ref", "The URI of the SCIM resource representing the User's manager.", &["User"]),
            string("displayName", "The displayName of the User's manager.").mutability(Mutability::ReadOnly),
        ],
    );
    Schema {
        id: ENTERPRISE_USER_SCHEMA.to_string(),
        name: "EnterpriseUser".to_string(),
        description: "Enterprise User".to_string(),
        attributes: vec![
            string("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
            string("costCenter", "Identifies the name of a cost center."),
            string("organization", "Identifies the name of an organization."),
            string("division", "Identifies the name of a division."),
            string("department", "Identifies the name of a department."),
            manager,
        ],
    }
}

/// Attributes every resource has (RFC 7643 §3.1), outside any schema document.
pub(crate) fn common_attributes() -> Vec<Attribute> {
    vec![
        string("id", "A unique identifier for a SCIM resource as defined by the service provider.")
            .case_exact()
            .mutability(Mutability::ReadOnly)
            .returned(Returned::Always)
            .unique(),
        string("externalId", "An identifier for the resource as defined by the provisioning client.").case_exact(),
        complex(
            "meta",
            "A complex attribute containing resource metadata.",
            vec![
                string("resourceType", "The name of the resource type of the resource.")
                    .case_exact()
                    .mutability(Mutability::ReadOnly),
                attr(
                    "created",
                    AttrType::DateTime,
                    "The DateTime that the resource was added to the service provider.",
                )
                .mutability(Mutability::ReadOnly),
                attr(
                    "lastModified",
                    AttrType::DateTime,
                    "The most recent DateTime that the details of this resource were updated at the service provider.",
                )
                .mutability(Mutability::ReadOnly),
                reference("location", "The URI of the resource being returned.", &["uri"])
                    .mutability(Mutability::ReadOnly),
                string("version", "The version of the resource being returned.")
                    .case_exact()
                    .mutability(Mutability::ReadOnly),
            ],
        )
        .mutability(Mutability::ReadOnly),
    ]
}
