//! `raw-html`: HTML typed into Markdown (not published unless `allow_raw_html`, and then only through a sanitizer).

use crate::ruleset::Rule;
use crate::ruleset::Level;

/// The `raw-html` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "raw-html",
    default: Level::Error,
    wcag: None,
    summary: "HTML typed into Markdown (not published unless `allow_raw_html`, and then only through a sanitizer).",
    fires_when: "HTML typed into Markdown (not published; with `allow_raw_html = true` it is published through a sanitizer instead)",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
