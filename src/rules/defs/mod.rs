//! The registry of publishing rules: each rule is one file here (its id, default severity,
//! what it is for, the words of docs/rules.md, and its typed settings) and one line in the
//! list at the end of this file. Everything else that lists the rules (`RuleId`, `RULES`,
//! the settings of `[rules.<id>]`, the CLI's help, the JSON report) is made from that list;
//! docs/rules.md is checked against it by a test (`tests/tidy.rs`).
//!
//! To add a rule: a file `defs/<name>.rs` with `RULE` and `Settings`, a line below, the
//! check itself in `rules`, a fixture that fires and a lookalike that stays quiet, and its
//! row in docs/rules.md (the test says what to write).

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Level;

/// A publishing rule: its stable id, default severity and words.
#[derive(Debug)]
pub struct Rule {
    /// The stable id (in `[rules.<id>]`, `allow` entries and every report): never rename one.
    pub id: &'static str,
    pub default: Level,
    /// One sentence for the CLI's help and the JSON report's rule list.
    pub summary: &'static str,
    /// When it fires, as the rule's row of docs/rules.md says it.
    pub fires_when: &'static str,
}

/// The settings of one rule's `[rules.<id>]` table (besides `severity`): unknown keys are
/// errors; `finish` checks and normalises what was read.
pub trait RuleSettings: DeserializeOwned + Default + Clone {
    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// The settings of a rule that has none but `severity`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

impl RuleSettings for NoSettings {}

macro_rules! registry {
    ($($module:ident: $variant:ident,)*) => {
        $(pub mod $module;)*

        /// A rule's id, typed: a misspelt rule cannot compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in the order of docs/rules.md.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The rule's description.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(RuleId::$variant => &$module::RULE,)*
                }
            }

            /// The rule with this id, if there is one.
            pub fn from_id(id: &str) -> Option<RuleId> {
                RuleId::ALL.iter().copied().find(|r| r.as_str() == id)
            }
        }

        /// Every rule's settings, as `[rules.<id>]` in site.toml set them.
        #[derive(Debug, Clone, Default)]
        pub struct Settings {
            $(pub $module: $module::Settings,)*
        }

        impl Settings {
            /// Reads one rule's table (without `severity`); the error in words.
            pub fn read(&mut self, id: RuleId, table: toml::Table) -> Result<(), String> {
                match id {
                    $(RuleId::$variant => self.$module = read(table)?,)*
                }
                Ok(())
            }
        }
    };
}

fn read<S: RuleSettings>(table: toml::Table) -> Result<S, String> {
    let mut s: S = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    s.finish()?;
    Ok(s)
}

impl RuleId {
    /// The stable id.
    pub fn as_str(self) -> &'static str {
        self.rule().id
    }

    /// An error of this rule (its severity is set by the site's settings later).
    pub fn error(
        self,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> crate::diagnostics::Diagnostic {
        crate::diagnostics::Diagnostic::error(self.as_str(), file, message)
    }

    /// A warning of this rule.
    pub fn warning(
        self,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> crate::diagnostics::Diagnostic {
        crate::diagnostics::Diagnostic::warning(self.as_str(), file, message)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every rule's description, in the order of docs/rules.md.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    RuleId::ALL.iter().map(|r| r.rule())
}

registry! {
    pupil_full_name: PupilFullName,
    image_geodata: ImageGeodata,
    image_alt_missing: ImageAltMissing,
    image_consent_missing: ImageConsentMissing,
    personal_email: PersonalEmail,
    malformed_email: MalformedEmail,
    personal_phone: PersonalPhone,
    malformed_phone: MalformedPhone,
    placeholder_text: PlaceholderText,
    placeholder_link: PlaceholderLink,
    broken_internal_link: BrokenInternalLink,
    broken_external_link: BrokenExternalLink,
    review_overdue: ReviewOverdue,
    review_due_soon: ReviewDueSoon,
    policy_metadata_missing: PolicyMetadataMissing,
    ceop_link_missing: CeopLinkMissing,
    heading_order: HeadingOrder,
    link_text: LinkText,
    table_header: TableHeader,
    document_language: DocumentLanguage,
    raw_html: RawHtml,
}
