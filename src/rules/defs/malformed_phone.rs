//! `malformed-phone`: A telephone number that is not a valid UK number.

use crate::rules::defs::Rule;
use crate::rules::Level;

pub const RULE: Rule = Rule {
    id: "malformed-phone",
    default: Level::Error,
    summary: "A telephone number that is not a valid UK number.",
    fires_when: "a number that is not a valid UK telephone number",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::rules::defs::NoSettings;
