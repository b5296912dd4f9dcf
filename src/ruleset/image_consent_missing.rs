//! `image-consent-missing`: A photo showing pupils has no (current) consent reference.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `image-consent-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "image-consent-missing",
    default: Level::Error,
    wcag: None,
    summary: "A photo showing pupils has no (current) consent reference.",
    fires_when: "a photo marked as showing pupils has no consent reference, or its consent has expired",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
