//! `image-geodata`: A published image carries GPS or location metadata.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `image-geodata` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "image-geodata",
    default: Level::Error,
    wcag: None,
    summary: "A published image carries GPS or location metadata.",
    fires_when: "a published image would carry GPS or location metadata",
};

/// `[rules.image-geodata]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `strip` (default): publish copies without metadata; `fail`: refuse a photo that
    /// records where it was taken.
    pub policy: ImagePolicy,
}

/// What to do with images' metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImagePolicy {
    /// Publish copies without metadata (default).
    #[default]
    Strip,
    /// Refuse to publish an image with location metadata.
    Fail,
}

impl RuleSettings for Settings {}
