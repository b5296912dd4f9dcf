//! `review-overdue`: A policy's review date has passed.

use crate::rules::defs::Rule;
use crate::rules::Level;

pub const RULE: Rule = Rule {
    id: "review-overdue",
    default: Level::Error,
    summary: "A policy's review date has passed.",
    fires_when: "a policy's next review date has passed",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::rules::defs::NoSettings;
