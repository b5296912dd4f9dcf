//! `image-alt-missing`: A content image has no alt text and is not marked decorative.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `image-alt-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "image-alt-missing",
    default: Level::Error,
    summary: "A content image has no alt text and is not marked decorative.",
    fires_when: "an image in the text has no alt text and is not marked decorative",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
