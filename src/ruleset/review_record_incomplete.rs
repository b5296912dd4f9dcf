//! `review-record-incomplete`: A filtering and monitoring review record lacks a role or a part the DfE's standards ask for.

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `review-record-incomplete` rule's entry in the registry: its id, default severity and
/// words.
pub const RULE: Rule = Rule {
    id: "review-record-incomplete",
    default: Level::Error,
    wcag: None,
    summary: "A filtering and monitoring review record lacks a role or a part the DfE's standards ask for.",
    fires_when: "a record in `content/reviews/` has no `reviewed` date, `provider`, `filtering` or `monitoring`, no senior leader, DSL, governor or IT provider among its `participants`, no `[[checks]]`, or a check, decision or action without its details",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
