//! `policy-metadata-missing`: A policy lacks its approval date, version, approver or owner.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `policy-metadata-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "policy-metadata-missing",
    default: Level::Error,
    wcag: None,
    summary: "A policy lacks its approval date, version, approver or owner.",
    fires_when: "a policy has no approval date, version, approver or owner",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
