//! `personal-email`: An e-mail address is not on one of the school's official domains.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `personal-email` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "personal-email",
    default: Level::Error,
    wcag: None,
    summary: "An e-mail address is not on one of the school's official domains.",
    fires_when: "an e-mail address is not on a school's `email_domains` (or `allowed_domains`)",
};

/// `[rules.personal-email]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// More domains that may appear (national organisations, the council), lower case,
    /// without `@`.
    pub allowed_domains: Vec<String>,
}

impl RuleSettings for Settings {
    fn finish(&mut self) -> Result<(), String> {
        for d in &mut self.allowed_domains {
            *d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        }
        Ok(())
    }
}
