//! `personal-phone`: A UK mobile number that is not listed as official.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `personal-phone` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "personal-phone",
    default: Level::Error,
    wcag: None,
    summary: "A UK mobile number that is not listed as official.",
    fires_when: "a UK mobile number (07…, +44 7…) that is not listed as official",
};

/// `[rules.personal-phone]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Mobile numbers that are official (a school's duty phone), as written; compared by
    /// their national digits.
    pub official: Vec<String>,
}

impl RuleSettings for Settings {
    fn finish(&mut self) -> Result<(), String> {
        for p in &mut self.official {
            *p = crate::phone::national_digits(p);
        }
        Ok(())
    }
}
