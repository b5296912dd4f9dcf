//! `broken-internal-link`: A link to a page or heading of the site that does not exist.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `broken-internal-link` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "broken-internal-link",
    default: Level::Error,
    wcag: None,
    summary: "A link to a page or heading of the site that does not exist.",
    fires_when: "an `@/` link, `#anchor` or image that does not exist",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
