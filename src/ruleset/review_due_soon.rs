//! `review-due-soon`: A policy's review is due soon.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `review-due-soon` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "review-due-soon",
    default: Level::Warning,
    wcag: None,
    summary: "A policy's review is due soon.",
    fires_when: "a policy's review is due within 60 days (`days`)",
};

/// `[rules.review-due-soon]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// How many days before the review date to warn (0 to 3650; default 60).
    pub days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { days: 60 }
    }
}

impl RuleSettings for Settings {
    fn finish(&mut self) -> Result<(), String> {
        self.days = self.days.clamp(0, 3650);
        Ok(())
    }
}
