//! `malformed-phone`: A telephone number that is not a valid UK number.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `malformed-phone` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "malformed-phone",
    default: Level::Error,
    wcag: None,
    summary: "A telephone number that is not a valid UK number.",
    fires_when: "a number that is not a valid UK telephone number",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
