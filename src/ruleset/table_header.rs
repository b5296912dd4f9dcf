//! `table-header`: A table without a header row.

use crate::ruleset::{Rule, Wcag};
use crate::ruleset::Level;

/// The `table-header` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "table-header",
    default: Level::Error,
    wcag: Some(Wcag {
        criteria: &["1.3.1"],
        checked: "every table has a header row",
        issue: "a table has no header row, so a screen reader cannot say which column a value is in",
    }),
    summary: "A table without a header row.",
    fires_when: "a table's header row is empty",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
