//! `review-record-overdue`: A school's latest filtering and monitoring review is more than a year old.

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `review-record-overdue` rule's entry in the registry: its id, default severity and
/// words.
pub const RULE: Rule = Rule {
    id: "review-record-overdue",
    default: Level::Warning,
    wcag: None,
    summary: "A school's latest filtering and monitoring review is more than a year old.",
    fires_when: "the newest record in `content/reviews/` a school publishes has a `reviewed` date more than 12 months before the build's date",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
