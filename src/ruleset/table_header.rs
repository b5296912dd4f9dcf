//! `table-header`: A table without a header row.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `table-header` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "table-header",
    default: Level::Error,
    summary: "A table without a header row.",
    fires_when: "a table's header row is empty",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
