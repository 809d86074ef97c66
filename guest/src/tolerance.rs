//! Named tolerance rules: deviations from RFC 7643/7644 that real identity
//! providers send (see `IDP_QUIRKS.md`). Each rule is on by default, can be
//! switched off (strict mode), and is reported when it fires so a host can
//! log it.

use std::collections::BTreeMap;

/// One named deviation that lenient mode accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// PATCH `op` in any case (`Add`, `Replace`, `Remove`): Entra ID.
    PatchOpAnyCase,
    /// Booleans sent as strings `"True"` / `"False"`: Entra ID without its
    /// `aadOptscim062020` flag.
    StringBooleans,
    /// Dotted keys (`name.givenName`) in the value object of a no-path
    /// `add`/`replace`: Entra ID.
    DottedKeysInPatchValue,
    /// URN-qualified attribute keys
    /// (`urn:...:enterprise:2.0:User:employeeNumber`) in the value object of a
    /// no-path `add`/`replace`: Entra ID.
    UrnKeysInPatchValue,
    /// Enterprise `manager` as a bare id string, `{"value": id}` or
    /// `[{"$ref":..,"value": id}]`, and addressed as `...:User:manager`,
    /// legacy `...:2.0:User.manager` or bare `manager`: Entra ID.
    ManagerShapes,
    /// PATCH `remove` with `path: "members"` and a `value` array removes only
    /// the listed members (RFC 7644 would remove all): Entra ID, JumpCloud.
    RemoveMembersByValue,
    /// Group members given as bare id strings instead of `{"value": id}`.
    BareMemberIds,
    /// `add`/`replace` on a value-filter path that matches no element
    /// creates the element (RFC 7644 answers `noTarget`): Entra ID.
    CreateOnValuePathMiss,
    /// Unquoted string values in filters (`externalId eq jyoung`): Entra ID
    /// test traffic.
    UnquotedFilterValues,
    /// `emails[type eq "work"].value eq "x"`: a comparison on a sub-attribute
    /// after a value filter, read as `emails[type eq "work" and value eq "x"]`.
    ValuePathSubAttributeCompare,
    /// `replace` of read-only `id` (or `meta`) with the resource's own value
    /// in a PATCH is ignored: Okta renames groups with `{"id":..,"displayName":..}`.
    ReadOnlyEchoInPatch,
    /// A single-valued attribute given as a one-element array (`[{...}]`).
    SingleElementArrayForSingleValue,
    /// A resource body without `schemas` (RFC 7643 §3 requires it).
    SchemasOmitted,
    /// Query parameter names in another case (`startindex`, `Filter`):
    /// Microsoft's test traffic.
    QueryParameterAnyCase,
    /// A request path with a trailing slash (`/Users/`): tenant URLs
    /// configured with one.
    TrailingSlash,
    /// One value where a PATCH targets a multi-valued attribute
    /// (`{"op":"add","path":"members","value":"<id>"}`): read as a one-element array.
    SingleValueForMultiValued,
    /// PATCH `remove` on a value filter that matches nothing succeeds as a
    /// no-op (RFC 7644 answers `noTarget`): Entra ID removes members that
    /// another change already removed.
    RemoveOfAbsentValue,
}

impl Rule {
    /// Every rule, in a stable order.
    pub const ALL: [Rule; 17] = [
        Rule::PatchOpAnyCase,
        Rule::StringBooleans,
        Rule::DottedKeysInPatchValue,
        Rule::UrnKeysInPatchValue,
        Rule::ManagerShapes,
        Rule::RemoveMembersByValue,
        Rule::BareMemberIds,
        Rule::CreateOnValuePathMiss,
        Rule::UnquotedFilterValues,
        Rule::ValuePathSubAttributeCompare,
        Rule::ReadOnlyEchoInPatch,
        Rule::SingleElementArrayForSingleValue,
        Rule::SchemasOmitted,
        Rule::QueryParameterAnyCase,
        Rule::TrailingSlash,
        Rule::SingleValueForMultiValued,
        Rule::RemoveOfAbsentValue,
    ];

    /// The rule's stable name, used in configuration and reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::PatchOpAnyCase => "patch-op-any-case",
            Rule::StringBooleans => "string-booleans",
            Rule::DottedKeysInPatchValue => "dotted-keys-in-patch-value",
            Rule::UrnKeysInPatchValue => "urn-keys-in-patch-value",
            Rule::ManagerShapes => "manager-shapes",
            Rule::RemoveMembersByValue => "remove-members-by-value",
            Rule::BareMemberIds => "bare-member-ids",
            Rule::CreateOnValuePathMiss => "create-on-value-path-miss",
            Rule::UnquotedFilterValues => "unquoted-filter-values",
            Rule::ValuePathSubAttributeCompare => "value-path-sub-attribute-compare",
            Rule::ReadOnlyEchoInPatch => "read-only-echo-in-patch",
            Rule::SingleElementArrayForSingleValue => "single-element-array-for-single-value",
            Rule::SchemasOmitted => "schemas-omitted",
            Rule::QueryParameterAnyCase => "query-parameter-any-case",
            Rule::TrailingSlash => "trailing-slash",
            Rule::SingleValueForMultiValued => "single-value-for-multi-valued",
            Rule::RemoveOfAbsentValue => "remove-of-absent-value",
        }
    }

    /// Looks a rule up by its name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Which rules are switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tolerances {
    enabled: BTreeMap<Rule, bool>,
}

impl Default for Tolerances {
    /// Lenient: every rule on.
    fn default() -> Self {
        Tolerances { enabled: Rule::ALL.into_iter().map(|r| (r, true)).collect() }
    }
}

impl Tolerances {
    /// Every rule off.
    pub fn strict() -> Self {
        Tolerances { enabled: Rule::ALL.into_iter().map(|r| (r, false)).collect() }
    }

    /// Switches one rule on or off.
    pub fn set(&mut self, rule: Rule, on: bool) {
        self.enabled.insert(rule, on);
    }

    /// Whether a rule is on.
    pub fn is_on(&self, rule: Rule) -> bool {
        self.enabled.get(&rule).copied().unwrap_or(false)
    }
}

/// A rule that fired, with what it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub rule: Rule,
    pub detail: String,
}

/// Asks whether a deviation may be accepted, and records it when it is.
///
/// One `Leniency` lives for one engine call; its `fired` list goes back to the
/// caller with the result.
#[derive(Debug)]
pub struct Leniency<'a> {
    rules: &'a Tolerances,
    fired: Vec<Fired>,
}

impl<'a> Leniency<'a> {
    pub fn new(rules: &'a Tolerances) -> Self {
        Leniency { rules, fired: Vec::new() }
    }

    /// True when `rule` is on; then the firing is recorded with `detail`.
    pub fn permits(&mut self, rule: Rule, detail: impl FnOnce() -> String) -> bool {
        if !self.rules.is_on(rule) {
            return false;
        }
        let detail = detail();
        if !self.fired.iter().any(|f| f.rule == rule && f.detail == detail) {
            self.fired.push(Fired { rule, detail });
        }
        true
    }

    /// Whether `rule` is on, without recording anything.
    pub fn is_on(&self, rule: Rule) -> bool {
        self.rules.is_on(rule)
    }

    /// The rules that fired so far.
    pub fn fired(&self) -> &[Fired] {
        &self.fired
    }

    /// Ends the call, handing back what fired.
    pub fn into_fired(self) -> Vec<Fired> {
        self.fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_round_trips_by_name() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_name(r.name()), Some(r));
        }
    }

    #[test]
    fn strict_mode_permits_nothing_and_records_nothing() {
        let strict = Tolerances::strict();
        let mut l = Leniency::new(&strict);
        assert!(!l.permits(Rule::StringBooleans, || "x".into()));
        assert!(l.fired().is_empty());
    }

    #[test]
    fn lenient_mode_records_each_firing_once() {
        let lenient = Tolerances::default();
        let mut l = Leniency::new(&lenient);
        assert!(l.permits(Rule::StringBooleans, || "active".into()));
        assert!(l.permits(Rule::StringBooleans, || "active".into()));
        assert_eq!(l.into_fired().len(), 1);
    }
}
