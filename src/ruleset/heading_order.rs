//! `heading-order`: Headings skip a level, or a page has more than one top-level heading.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `heading-order` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "heading-order",
    default: Level::Error,
    summary: "Headings skip a level, or a page has more than one top-level heading.",
    fires_when: "headings skip a level, or a page has more than one top-level heading",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
