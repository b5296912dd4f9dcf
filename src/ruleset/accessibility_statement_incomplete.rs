//! `accessibility-statement-incomplete`: A school's accessibility statement lacks what the regulations ask it to say.

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `accessibility-statement-incomplete` rule's entry in the registry: its id, default
/// severity and words.
pub const RULE: Rule = Rule {
    id: "accessibility-statement-incomplete",
    default: Level::Warning,
    wcag: None,
    summary: "A school's accessibility statement lacks what the regulations ask it to say.",
    fires_when: "`[accessibility]` gives no `prepared` date, or the statement has no e-mail or phone to ask for another format",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;
