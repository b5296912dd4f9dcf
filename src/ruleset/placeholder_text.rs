//! `placeholder-text`: Template text was left in: <…>, [School name], XXX, TBC, insert … here, empty headings or list items.

use serde::Deserialize;

use crate::ruleset::Rule;
use crate::ruleset::Level;
use crate::ruleset::RuleSettings;

/// The `placeholder-text` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "placeholder-text",
    default: Level::Error,
    wcag: None,
    summary: "Template text was left in: <…>, [School name], XXX, TBC, insert … here, empty headings or list items.",
    fires_when: "template text left in: `<lockable storage …>`, `[School name]`, `XXX`, `TBC` (in the text or the front matter, such as `version = \"TBC\"`), `insert … here`, guidance for the school (\"Schools should include …\", \"(The school will need to decide …)\", \"(if different)\"), choices left open (\"school / academy\"), a word emphasised on its own for each school to replace (`*school*`, `*pupils*`), empty cells of a table of people and contacts, empty headings and list items, the starter site's example details, and your own patterns",
};

/// `[rules.placeholder-text]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// More text that must not be published (matched ignoring case).
    pub patterns: Vec<String>,
}

impl RuleSettings for Settings {}

/// The starter's example details (in its school.toml and site.toml): until each is replaced
/// with the school's own, it is a `placeholder-text` finding where it is written, so a new
/// site is never published with them. Checked by a test against the starter's files.
pub const SAMPLE_VALUES: [&str; 12] = [
    "Our Primary School",
    "Our School",
    "our-school.sch.example",
    "our-school.example",
    "1 School Lane",
    "Anytown",
    "AN1 1AA",
    "01632 960100",
    "Mrs Ada Placeholder",
    "Mr Ben Sample",
    "Ms Cara Example",
    "Our online-safety policy, pupil charters and guides",
];
