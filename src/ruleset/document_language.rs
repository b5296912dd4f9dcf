//! `document-language`: A page does not declare a valid document language.

use crate::ruleset::{Rule, Wcag};
use crate::ruleset::Level;

/// The `document-language` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "document-language",
    default: Level::Error,
    wcag: Some(Wcag {
        criteria: &["3.1.1"],
        checked: "every page declares its language",
        issue: "its language is not declared, so a screen reader may read it with the wrong voice",
    }),
    summary: "A page does not declare a valid document language.",
    fires_when: "the site's language is not a valid tag, or a page does not declare it",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;

/// A BCP 47 language tag in the common form: `en`, `en-GB`, `cy-GB`.
pub fn valid_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
