//! `placeholder-link`: A link goes nowhere (# or an empty address).

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `placeholder-link` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "placeholder-link",
    default: Level::Error,
    wcag: None,
    summary: "A link goes nowhere (# or an empty address).",
    fires_when: "a link to `#` or to nothing",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
