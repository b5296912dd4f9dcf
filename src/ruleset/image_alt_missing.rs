//! `image-alt-missing`: A content image has no alt text and is not marked decorative.

use crate::ruleset::{Rule, Wcag};
use crate::ruleset::Level;

/// The `image-alt-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "image-alt-missing",
    default: Level::Error,
    wcag: Some(Wcag {
        criteria: &["1.1.1"],
        checked: "every image has a text alternative, or is marked as decorative",
        issue: "an image has no text alternative, so people who cannot see it miss what it shows",
    }),
    summary: "A content image has no alt text and is not marked decorative.",
    fires_when: "an image in the text has no alt text and is not marked decorative",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
