//! The registry of publishing rules: each rule is one file here (its id, default severity,
//! what it is for, the words of docs/rules.md, and its typed settings) and one line in the
//! list at the end of this file. Everything else that lists the rules (`RuleId`, `RULES`,
//! the settings of `[rules.<id>]`, the CLI's help, the JSON report) is made from that list;
//! docs/rules.md is checked against it by a test (`tests/tidy.rs`).
//!
//! To add a rule: a file `ruleset/<name>.rs` with `RULE` and `Settings`, a line below, the
//! check itself in `rules`, a fixture that fires and a lookalike that stays quiet, and its
//! row in docs/rules.md (the test says what to write).
//!
//! This is data, not checks: the model below the rules (`config` reads `[rules]` into a
//! [`RulesConfig`] through it, `markdown` and `static_meta` make findings with a [`RuleId`])
//! uses it, so it depends on nothing but `diagnostics`.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{Diagnostic, Severity, SourceText, did_you_mean};

/// A publishing rule: its stable id, default severity and words.
#[derive(Debug)]
pub struct Rule {
    /// The stable id (in `[rules.<id>]`, `allow` entries and every report): never rename one.
    pub id: &'static str,
    /// The severity the rule has when the site's `[rules.<id>]` does not set one.
    pub default: Level,
    /// One sentence for the CLI's help and the JSON report's rule list.
    pub summary: &'static str,
    /// When it fires, as the rule's row of docs/rules.md says it.
    pub fires_when: &'static str,
    /// For a rule that checks part of the accessibility standard: what it checks, which
    /// the accessibility statement says.
    pub wcag: Option<Wcag>,
}

/// What an accessibility rule checks of the Web Content Accessibility Guidelines.
#[derive(Debug)]
pub struct Wcag {
    /// The WCAG 2.2 success criteria it checks (`1.1.1`).
    pub criteria: &'static [&'static str],
    /// What every page passing it has, as the statement's list of checks says it: lower
    /// case, no full stop.
    pub checked: &'static str,
    /// What a finding of it means for a reader, as the statement's list of known issues says
    /// it after "On this page, ": lower case, no full stop.
    pub issue: &'static str,
}

/// The settings of one rule's `[rules.<id>]` table (besides `severity`): unknown keys are
/// errors; `finish` checks and normalises what was read.
pub trait RuleSettings: DeserializeOwned + Default + Clone {
    /// Checks and normalises the settings once read, with what is wrong in words; by default
    /// there is nothing to check.
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
            $(
                #[doc = concat!("The rule defined in [`", stringify!($module), "`].")]
                $variant,
            )*
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

            /// The names of the settings its `[rules.<id>]` table takes besides `severity`, as
            /// its `Settings` reads them.
            pub fn setting_names(self) -> &'static [&'static str] {
                match self {
                    $(RuleId::$variant => field_names::<$module::Settings>(),)*
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
            $(
                #[doc = concat!(
                    "The settings of the rule in [`", stringify!($module), "`], from its table."
                )]
                pub $module: $module::Settings,
            )*
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

/// The field names a settings struct's derived `Deserialize` asks for: it is handed a
/// deserializer that records them and reads nothing.
fn field_names<S: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor, value::Error};
    struct Names<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Names<'_> {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("names only"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names: &'static [&'static str] = &[];
    let _ = S::deserialize(Names(&mut names));
    names
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
    guidance_outdated: GuidanceOutdated,
    broken_internal_link: BrokenInternalLink,
    broken_external_link: BrokenExternalLink,
    review_overdue: ReviewOverdue,
    review_due_soon: ReviewDueSoon,
    review_record_overdue: ReviewRecordOverdue,
    review_record_incomplete: ReviewRecordIncomplete,
    policy_metadata_missing: PolicyMetadataMissing,
    statutory_missing: StatutoryMissing,
    accessibility_statement_outdated: AccessibilityStatementOutdated,
    accessibility_statement_incomplete: AccessibilityStatementIncomplete,
    ceop_link_missing: CeopLinkMissing,
    heading_order: HeadingOrder,
    link_text: LinkText,
    table_header: TableHeader,
    document_language: DocumentLanguage,
    raw_html: RawHtml,
}

/// A rule's severity as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule's findings block publishing.
    Error,
    /// The rule's findings are reported, but the site is still published.
    Warning,
    /// The rule is not checked: its findings are dropped.
    Off,
}

pub use image_geodata::ImagePolicy;

pub mod wcag;

/// The rules' settings for a site: each rule's severity and its typed settings.
#[derive(Debug, Clone)]
pub struct RulesConfig {
    levels: HashMap<RuleId, Level>,
    /// Each rule's typed settings, read from its `[rules.<id>]` table, for the checks to use.
    pub settings: Settings,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            levels: RuleId::ALL.iter().map(|r| (*r, r.rule().default)).collect(),
            settings: Settings::default(),
        }
    }
}

impl RulesConfig {
    /// Reads `[rules]`, reporting unknown rule ids, unknown settings of a rule and bad values
    /// against `source`.
    pub fn from_toml(
        table: &BTreeMap<String, toml::Spanned<toml::Table>>,
        source: &SourceText,
        diags: &mut Vec<Diagnostic>,
    ) -> RulesConfig {
        let mut c = RulesConfig::default();
        for (id, settings) in table {
            let at = source
                .text
                .find(&format!("rules.{id}"))
                .unwrap_or(settings.span().start);
            let Some(rule) = RuleId::from_id(id) else {
                let hint = match did_you_mean(id, RuleId::ALL.iter().map(|r| r.as_str())) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => {
                        "see the list of rules with `policypress check --help` or in docs/rules.md"
                            .into()
                    }
                };
                diags.push(
                    Diagnostic::error(
                        "invalid-settings",
                        &source.name,
                        format!("there is no rule `{id}`"),
                    )
                    .at(source, at)
                    .with_hint(hint),
                );
                continue;
            };
            let mut table = settings.get_ref().clone();
            if let Some(level) = table.remove("severity") {
                match level.try_into::<Level>() {
                    Ok(level) => {
                        c.levels.insert(rule, level);
                    }
                    Err(_) => diags.push(
                        Diagnostic::error(
                            "invalid-settings",
                            &source.name,
                            format!(
                                "the severity of `{id}` must be \"error\", \"warning\" or \"off\""
                            ),
                        )
                        .at(source, at)
                        .with_hint("write for example `severity = \"warning\"`"),
                    ),
                }
            }
            if let Err(why) = c.settings.read(rule, table) {
                diags.push(
                    Diagnostic::error(
                        "invalid-settings",
                        &source.name,
                        format!("[rules.{id}] has a mistake: {why}"),
                    )
                    .at(source, at)
                    .with_hint(format!(
                        "see the settings of `{id}` in docs/rules.md (\"Settings in site.toml\"); every rule takes `severity`"
                    )),
                );
            }
        }
        c
    }

    /// The severity `rule` has on this site: the one `[rules.<id>]` sets, or its default.
    pub fn level(&self, rule: RuleId) -> Level {
        self.levels.get(&rule).copied().unwrap_or(Level::Error)
    }

    /// Whether `rule` is checked at all: its severity is not `off`.
    pub fn enabled(&self, rule: RuleId) -> bool {
        self.level(rule) != Level::Off
    }

    /// Applies configured severities and front-matter `allow` entries to findings: rules set
    /// to `off` are dropped, `warning` ones downgraded, allowed ones keep their reason and no
    /// longer block publishing. Findings that are not publishing rules are left alone.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>, allows: &Allows<'_>) {
        diags.retain_mut(|d| {
            let Some(rule) = RuleId::from_id(d.rule) else {
                return true;
            };
            match self.level(rule) {
                Level::Off => return false,
                Level::Warning => d.severity = Severity::Warning,
                Level::Error => d.severity = Severity::Error,
            }
            if let Some((list, text)) = allows.get(&d.file)
                && let Some(a) = list.iter().find(|a| a.covers(d, text))
            {
                d.allowed = Some(a.reason.clone());
            }
            true
        });
    }
}

/// A page's `[[allow]]`: findings of `rule` it may publish, and why; with `text`, only the
/// ones where that exact text is written (one staff name, not every name on the page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The rule's id (`pupil-full-name`).
    pub rule: String,
    /// Why it is safe to publish, shown with the finding.
    pub reason: String,
    /// The text the allow is for (`Gemma Smith`), when it names one.
    pub text: Option<String>,
}

/// The allows of each file, by its name, with the file's text (which `text` is looked for in).
pub type Allows<'a> = HashMap<String, (&'a [Allow], &'a str)>;

impl Allow {
    /// Whether this allow covers finding `d` of a file whose text is `file_text`: the same
    /// rule, and, when it names a text, the finding is on a line where that text is written,
    /// at a column inside it.
    pub fn covers(&self, d: &Diagnostic, file_text: &str) -> bool {
        if self.rule != d.rule {
            return false;
        }
        let Some(text) = self.text.as_deref().filter(|t| !t.is_empty()) else {
            return true;
        };
        let Some(line) = d.line.checked_sub(1).and_then(|n| file_text.lines().nth(n)) else {
            return false;
        };
        line.match_indices(text).any(|(at, _)| {
            let start = line[..at].chars().count() + 1;
            let end = start + text.chars().count();
            d.column == 0 || (start..end).contains(&d.column)
        })
    }
}
