//! Realistic inputs shaped like Entra ID and Okta traffic, shared by the
//! component tests and the benchmarks.

/// A stored Entra ID provisioned user: enterprise extension, emails, addresses, manager.
pub const ENTRA_USER: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee@contoso.com",
  "active": true,
  "displayName": "Adele Vance",
  "title": "Retail Manager",
  "preferredLanguage": "en-US",
  "name": {"formatted": "Adele Vance", "familyName": "Vance", "givenName": "Adele"},
  "emails": [
    {"value": "adele.vance@contoso.com", "type": "work", "primary": true},
    {"value": "adele@example.org", "type": "home"}
  ],
  "phoneNumbers": [
    {"value": "+1 425 555 0109", "type": "work"},
    {"value": "+1 425 555 0110", "type": "mobile"}
  ],
  "addresses": [
    {"type": "work", "formatted": "One Microsoft Way\nRedmond, WA 98052 US", "streetAddress": "One Microsoft Way",
     "locality": "Redmond", "region": "WA", "postalCode": "98052", "country": "US", "primary": true}
  ],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984",
    "costCenter": "4130",
    "organization": "Contoso",
    "division": "Retail",
    "department": "Sales & Marketing",
    "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
  },
  "meta": {
    "resourceType": "User",
    "created": "2024-03-01T10:15:00Z",
    "lastModified": "2025-06-17T08:30:12.1234567Z",
    "version": "W/\"3694e05e9dff591\"",
    "location": "https://example.com/scim/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
}"#;

/// A stored Okta provisioned user.
pub const OKTA_USER: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
  "externalId": "00u1esetj2WiK6ODn0h8",
  "userName": "isabel.garcia@example.com",
  "active": true,
  "displayName": "Isabel Garcia",
  "locale": "en-US",
  "name": {"givenName": "Isabel", "familyName": "Garcia"},
  "emails": [{"primary": true, "value": "isabel.garcia@example.com", "type": "work"}],
  "groups": [],
  "meta": {"resourceType": "User", "created": "2025-01-02T03:04:05Z", "lastModified": "2025-01-02T03:04:05Z"}
}"#;

/// Entra's test-connection style lookup.
pub const FILTER_ENTRA_USERNAME: &str = r#"userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee@contoso.com""#;
/// A comparison on a sub-attribute after a value filter (Entra).
pub const FILTER_ENTRA_EMAIL: &str = r#"emails[type eq "work"].value eq "adele.vance@contoso.com""#;
/// Incremental sync by modification time, 7 fractional digits.
pub const FILTER_ENTRA_MODIFIED: &str = r#"meta.lastModified ge "2025-06-01T00:00:00.0000000Z""#;
/// Okta's lookup, in a different case than stored.
pub const FILTER_OKTA_USERNAME: &str = r#"userName eq "Isabel.Garcia@Example.com""#;
/// Okta-style compound filter.
pub const FILTER_OKTA_ACTIVE: &str =
    r#"active eq true and (emails.value co "example.com" or name.familyName eq "Garcia")"#;

/// Entra multi-operation PATCH: capitalised ops, dotted and URN keys, string boolean.
pub const ENTRA_PATCH: &str = r#"{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {"op": "Replace", "path": "displayName", "value": "Adele J. Vance"},
    {"op": "Replace", "value": {
        "name.givenName": "Adele J.",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "701985",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Retail"}},
    {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "adele.j.vance@contoso.com"},
    {"op": "Replace", "path": "active", "value": "False"},
    {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
     "value": "9f3ac5d4-1a49-4c7b-8b66-3f8e1e2c0d11"}
  ]
}"#;

/// Okta deactivation.
pub const OKTA_DEACTIVATE_PATCH: &str = r#"{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"active": false}}]
}"#;

/// A stored group with two members.
pub const GROUP: &str = r#"{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
  "displayName": "Sales Reps",
  "members": [
    {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Adele Vance"},
    {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Isabel Garcia"}
  ],
  "meta": {"resourceType": "Group", "created": "2024-03-01T10:15:00Z", "lastModified": "2025-06-17T08:30:12Z"}
}"#;

/// A PATCH adding `n` members to a group in one operation.
pub fn group_add_members_patch(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!(r#"{{"value":"00000000-0000-4000-8000-{i:012}"}}"#)).collect();
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"add","path":"members","value":[{}]}}]}}"#,
        members.join(",")
    )
}
