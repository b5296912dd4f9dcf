//! `broken-external-link`: A link to another website does not work (checked with --external).

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `broken-external-link` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "broken-external-link",
    default: Level::Error,
    wcag: None,
    summary: "A link to another website does not work (checked with --external).",
    fires_when: "(with `--external`) a link to another website does not work",
};

/// `[rules.broken-external-link]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Seconds to wait for a site (1 to 120; default 10).
    pub timeout: u64,
    /// How many sites to ask at once (1 to 32; default 8).
    pub concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: 10,
            concurrency: 8,
        }
    }
}

impl RuleSettings for Settings {
    fn finish(&mut self) -> Result<(), String> {
        self.timeout = self.timeout.clamp(1, 120);
        self.concurrency = self.concurrency.clamp(1, 32);
        Ok(())
    }
}
