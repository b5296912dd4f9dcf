//! `heading-order`: Headings skip a level, or a page has more than one top-level heading.

use crate::ruleset::{Rule, Wcag};
use crate::ruleset::Level;

/// The `heading-order` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "heading-order",
    default: Level::Error,
    wcag: Some(Wcag {
        criteria: &["1.3.1", "2.4.6"],
        checked: "headings are in order: one main heading on each page, and none skips a level",
        issue: "its headings skip a level or are out of order, so its outline is harder to follow with a screen reader",
    }),
    summary: "Headings skip a level, or a page has more than one top-level heading.",
    fires_when: "headings skip a level, or a page has more than one top-level heading",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
