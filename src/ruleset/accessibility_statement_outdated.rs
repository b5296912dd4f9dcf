//! `accessibility-statement-outdated`: A school's accessibility statement was last reviewed more than a year ago.

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `accessibility-statement-outdated` rule's entry in the registry: its id, default
/// severity and words.
pub const RULE: Rule = Rule {
    id: "accessibility-statement-outdated",
    default: Level::Warning,
    wcag: None,
    summary: "A school's accessibility statement was last reviewed more than a year ago.",
    fires_when: "the `reviewed` date (else `prepared`) under `[accessibility]` is more than a year before the build's date",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
