//! `placeholder-text`: Template text was left in: <…>, [School name], XXX, TBC, insert … here, empty headings or list items.

use serde::Deserialize;

use crate::rules::defs::Rule;
use crate::rules::Level;
use crate::rules::defs::RuleSettings;

pub const RULE: Rule = Rule {
    id: "placeholder-text",
    default: Level::Error,
    summary: "Template text was left in: <…>, [School name], XXX, TBC, insert … here, empty headings or list items.",
    fires_when: "template text left in: `<lockable storage …>`, `[School name]`, `XXX`, `TBC` (in the text or the front matter, such as `version = \"TBC\"`), `insert … here`, guidance for the school (\"Schools should include …\", \"(The school will need to decide …)\", \"(if different)\"), choices left open (\"school / academy\"), empty headings and list items, the starter site's example details, and your own patterns",
};

/// `[rules.placeholder-text]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// More text that must not be published (matched ignoring case).
    pub patterns: Vec<String>,
}

impl RuleSettings for Settings {}
