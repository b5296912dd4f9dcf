//! `malformed-email`: An e-mail address is broken.

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `malformed-email` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "malformed-email",
    default: Level::Error,
    wcag: None,
    summary: "An e-mail address is broken.",
    fires_when: "an e-mail address is broken (`office@school .sch.uk`, `a@b`, `mailto:` typos)",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
