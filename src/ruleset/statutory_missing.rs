//! `statutory-missing`: Something a school of its type must publish online is missing, or out of date.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::ruleset::Level;
use crate::ruleset::Rule;

/// The `statutory-missing` rule's entry in the registry: its id, default severity and words.
pub const RULE: Rule = Rule {
    id: "statutory-missing",
    default: Level::Warning,
    wcag: None,
    summary: "Something a school of its type must publish online is missing, or out of date.",
    fires_when: "a school that gives its `type` under `[publishing]` does not give where an item of `data/statutory.toml` for that type is, its `@/` page is not on the site, or the guidance asks for a review more often than its policy has (a child protection policy approved over a year ago)",
};

/// This rule has no settings but `severity`.
pub type Settings = crate::ruleset::NoSettings;

/// What schools must publish: `data/statutory.toml`, built in.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statutory {
    /// The types of school, by key (`maintained`, `academy`).
    #[serde(default)]
    pub types: BTreeMap<String, SchoolType>,
    /// Every item, in the order the status page lists them.
    #[serde(default)]
    pub item: Vec<Item>,
}

/// A type of school and the guidance that says what it must publish.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolType {
    /// As a sentence says it: "a maintained school".
    pub name: String,
    /// The guidance.
    pub source: String,
    /// When this was last checked against it.
    pub checked: String,
}

/// One thing to publish.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its key under `[publishing]` (`behaviour-policy`).
    pub id: String,
    /// What it is, as the status page says it.
    pub title: String,
    /// The types of school that must publish it.
    pub types: Vec<String>,
    /// Shown by PolicyPress itself (`contact`: the school's address and phone or e-mail).
    pub auto: Option<String>,
    /// How often it must be reviewed, in months (a policy of the site older than this is
    /// out of date).
    pub review_months: Option<u32>,
    /// The guidance that asks for it, when not the type's.
    pub source: Option<String>,
    /// When that was last checked.
    pub checked: Option<String>,
}

/// The built-in data, read once.
pub fn statutory() -> &'static Statutory {
    static DATA: std::sync::OnceLock<Statutory> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        toml::from_str(include_str!("../../data/statutory.toml")).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_data_file_reads_and_every_item_has_a_source_and_a_known_type() {
        let s: super::Statutory =
            toml::from_str(include_str!("../../data/statutory.toml")).unwrap();
        assert!(s.types.contains_key("maintained") && s.types.contains_key("academy"));
        let dated = |d: &str| crate::dates::parse_school_date(d).is_ok();
        for t in s.types.values() {
            assert!(t.source.starts_with("https://") && dated(&t.checked), "{t:?}");
        }
        let mut ids = std::collections::HashSet::new();
        for i in &s.item {
            assert!(ids.insert(i.id.as_str()), "{} twice", i.id);
            assert!(!i.types.is_empty());
            for t in &i.types {
                assert!(s.types.contains_key(t), "{}: unknown type {t}", i.id);
            }
            if let Some(src) = &i.source {
                assert!(src.starts_with("https://"), "{}", i.id);
                assert!(i.checked.as_deref().is_some_and(dated), "{}", i.id);
            }
        }
        // The academies' guidance asks for a whistleblowing policy; KCSIE for the child
        // protection policy, reviewed every year.
        assert!(s.item.iter().any(|i| i.id == "whistleblowing-policy" && i.types == ["academy"]));
        assert!(s.item.iter().any(|i| i.id == "child-protection-policy" && i.review_months == Some(12)));
    }
}
