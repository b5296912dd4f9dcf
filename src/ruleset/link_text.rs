//! `link-text`: Link text that does not say where the link goes ("click here", a bare web address).

use crate::ruleset::{Rule, Wcag};
use crate::ruleset::Level;

/// The `link-text` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "link-text",
    default: Level::Error,
    wcag: Some(Wcag {
        criteria: &["2.4.4"],
        checked: "every link’s text says where it goes",
        issue: "a link’s text does not say where it goes",
    }),
    summary: "Link text that does not say where the link goes (\"click here\", a bare web address).",
    fires_when: "link text such as \"click here\", or a bare web address as the text",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
