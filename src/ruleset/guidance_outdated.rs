//! `guidance-outdated`: A document cites a replaced edition of guidance or a retired address, or its risks leave out an area the current guidance names.

use serde::Deserialize;

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `guidance-outdated` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "guidance-outdated",
    default: Level::Warning,
    wcag: None,
    summary: "A document cites a replaced edition of guidance or a retired address, or its risks leave out an area the current guidance names.",
    fires_when: "a citation of an older edition (\"KCSIE 2023\"), replaced guidance or a retired address in `data/guidance.toml`, or a risks section naming three of the four areas of risk (content, contact, conduct, commerce) but not all, or not misinformation",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;

/// The rule's data: `data/guidance.toml`, built in.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    /// Guidance published in editions, each citation of an older one reported.
    #[serde(default)]
    pub edition: Vec<Edition>,
    /// Guidance and addresses that no longer exist.
    #[serde(default)]
    pub retired: Vec<Retired>,
    /// The areas of online risk the current guidance names.
    pub areas: Option<Areas>,
}

/// A piece of guidance published in yearly editions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Its name, as findings say it.
    pub name: String,
    /// How documents cite it (an edition's year follows).
    pub cited_as: Vec<String>,
    /// The year of the edition in force.
    pub current: u16,
    /// Since when.
    pub in_force: String,
    /// Where that is said.
    pub source: String,
    /// When this entry was last checked against the source.
    pub checked: String,
}

/// Guidance or an address that no longer exists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    /// The text that names it (matched without regard to case).
    pub text: String,
    /// What it is, as findings say it.
    pub what: String,
    /// What replaced it.
    pub instead: String,
    /// Where that is said.
    pub source: String,
    /// When this entry was last checked against the source.
    pub checked: String,
}

/// The areas of online risk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Areas {
    /// The four areas.
    pub words: Vec<String>,
    /// Words of which the content area must name one.
    pub content_adds: Vec<String>,
    /// Where the areas are set out.
    pub source: String,
    /// When this was last checked against the source.
    pub checked: String,
}

/// The built-in data, read once.
pub fn guidance() -> &'static Guidance {
    static DATA: std::sync::OnceLock<Guidance> = std::sync::OnceLock::new();
    DATA.get_or_init(|| toml::from_str(include_str!("../../data/guidance.toml")).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_data_file_reads_and_every_entry_names_its_source_and_when_it_was_checked() {
        let g: super::Guidance = toml::from_str(include_str!("../../data/guidance.toml")).unwrap();
        assert!(g.edition.len() >= 3 && g.retired.len() >= 3);
        let dated = |s: &str| crate::dates::parse_school_date(s).is_ok();
        for e in &g.edition {
            assert!(e.source.starts_with("https://") && dated(&e.checked), "{e:?}");
            assert!(!e.cited_as.is_empty());
        }
        for r in &g.retired {
            assert!(r.source.starts_with("https://") && dated(&r.checked), "{r:?}");
        }
        let a = g.areas.unwrap();
        assert_eq!(a.words.len(), 4);
        assert!(dated(&a.checked));
    }
}
