//! `pupil-full-name`: A pupil's full name (forename and surname) is published.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `pupil-full-name` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "pupil-full-name",
    default: Level::Error,
    wcag: None,
    summary: "A pupil's full name (forename and surname) is published.",
    fires_when: "a pupil's forename and surname stand together (or with up to two words between, such as a middle name or initial) anywhere that is published: text, headings, HTML (its text, attributes and comments), link and image text, titles and addresses, heading ids, front matter, school data, site settings, contacts, templates, file names, image metadata, and every page and generated file as finally written",
};

/// `[rules.pupil-full-name]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The roster file, from the site's folder (default `roster.toml`).
    pub roster: Option<String>,
    /// The roster key file, outside the site (default `~/.config/policypress/roster.key`;
    /// `POLICYPRESS_ROSTER_KEY` comes first).
    pub key_file: Option<String>,
    /// A site without a roster is refused, not warned about.
    pub require_roster: bool,
}

impl Settings {
    /// Where the roster file is, from the site's folder.
    pub fn roster_path(&self) -> &str {
        self.roster.as_deref().unwrap_or("roster.toml")
    }
}

impl RuleSettings for Settings {}
