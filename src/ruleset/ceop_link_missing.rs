//! `ceop-link-missing`: A home page (a school's, or a federation's landing page) has no CEOP
//! "report a concern" link.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `ceop-link-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "ceop-link-missing",
    default: Level::Error,
    wcag: None,
    summary: "A home page has no CEOP \"report a concern\" link.",
    fires_when: "a school's home page, or a federation's landing page, has no link to the CEOP \"report a concern\" site (`ceop.police.uk`): the address written as plain text does not count, as no one can follow it",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
