//! `document-language`: A page does not declare a valid document language.

use crate::rules::defs::Rule;
use crate::rules::Level;

pub const RULE: Rule = Rule {
    id: "document-language",
    default: Level::Error,
    summary: "A page does not declare a valid document language.",
    fires_when: "the site's language is not a valid tag, or a page does not declare it",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::rules::defs::NoSettings;
