//! `review-overdue`: A policy's review date has passed.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::RuleSettings;
use crate::ruleset::Level;

/// The `review-overdue` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "review-overdue",
    default: Level::Error,
    wcag: None,
    summary: "A policy's review date has passed.",
    fires_when: "a policy's next review date has passed (its page and PDF then say so at the top, even when the finding is allowed, unless `notice = false`)",
};

/// `[rules.review-overdue]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// An overdue policy's page and PDF say so at the top ("Review overdue since …"), even
    /// when the finding is allowed; `notice = false` leaves the notice out.
    pub notice: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { notice: true }
    }
}

impl RuleSettings for Settings {}
