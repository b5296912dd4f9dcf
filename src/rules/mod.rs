//! The publishing rules: what `policypress check` (and every `build`) refuses to publish.
//!
//! Each rule has a stable id (part of the interface: CI configurations and front-matter
//! `allow` entries name them), a default severity that `[rules.<id>]` in site.toml can change,
//! and plain-words messages. The checks here are pure: they look at text the pipeline already
//! has (document surfaces, front matter, school data, rendered HTML) and return findings.

mod documents;
mod files;
mod guidance;
mod pages;
mod reviews;
mod site;
mod surfaces;
pub mod text;

use std::collections::{HashMap, HashSet};

use crate::config::School;
use crate::content::{Document, ImageInfo, Kind, ReviewStatus};
use crate::dates::Date;
use crate::diagnostics::{Diagnostic, SourceText};
use crate::markdown::{Finding, SurfaceKind, Surfaces};
use crate::roster::{self, Roster, redact};
use crate::ruleset::{RuleId, RulesConfig};

/// Checks with everything the rules need to know about the site.
pub struct Checker<'a> {
    /// The site's `[rules]` settings: which rules are on, their severities and options.
    pub config: &'a RulesConfig,
    /// The pupil roster, when the site has one, for finding pupils' full names.
    pub roster: Option<&'a Roster>,
    /// Official e-mail domains of every school, plus allowed ones.
    pub official_domains: Vec<String>,
    /// The date review dates and image consents are checked against (`--today`, or today).
    pub today: Date,
    /// Normalised adjacent word pairs of staff names in their roles and in `staff` ("dev fixtureson"): a
    /// pupil who shares a member of staff's name is not reported where the staff name is.
    pub staff_pairs: HashSet<String>,
    /// The keys of the known roles and of every role a school names: a policy's `owner`
    /// must be one.
    pub roles: Vec<String>,
    /// The numbers in `content/contacts.toml`, as written and in national form: outside
    /// agencies' official numbers, checked where they are written (never `personal-phone`)
    /// and not again on the pages that show them.
    pub contact_phones: HashSet<String>,
    /// Paths of the files published from `static/` (and the theme's), e.g. `photos/a.jpg`.
    pub static_files: HashSet<String>,
    /// `content/images.toml` entries by path under `static/`.
    pub images: HashMap<String, ImageInfo>,
    /// The path part of the site's address, e.g. `/` or `/policies/`.
    pub base_path: String,
}

/// The normalised adjacent word pairs of the staff named in the schools' roles and `staff`.
pub fn staff_pairs(schools: &[School]) -> HashSet<String> {
    let mut out = HashSet::new();
    for school in schools {
        let people = school.roles.iter().flat_map(|r| r.people.iter());
        let names = people
            .map(|p| p.name.as_str())
            .chain(school.staff.iter().map(String::as_str));
        for name in names {
            let words: Vec<String> = roster::words(name)
                .map(|(_, w)| roster::normalise_word(w))
                .collect();
            // Adjacent words, and first and last with up to two words between.
            for i in 0..words.len() {
                for j in i + 1..words.len().min(i + 4) {
                    out.insert(format!("{} {}", words[i], words[j]));
                }
            }
        }
    }
    out
}

/// The numbers of the contacts data, as written and in national form.
pub fn contact_phones(contacts: &[crate::content::ContactLink]) -> HashSet<String> {
    let mut out = HashSet::new();
    for c in contacts.iter().filter(|c| !c.phone.trim().is_empty()) {
        out.insert(c.phone.trim().to_string());
        for p in text::phones(&c.phone) {
            if p.malformed.is_none() {
                out.insert(p.national);
            }
        }
    }
    out
}

fn malformed_phone(shown: &str, why: &str, offset: usize) -> Finding {
    finding(
        RuleId::MalformedPhone,
        offset,
        shown,
        format!("`{shown}` is not a valid UK telephone number: {why}"),
        "check the number: UK numbers have 11 digits, starting 0 (for example 01632 960000)",
    )
}

fn finding(rule: RuleId, offset: usize, needle: &str, message: String, hint: &str) -> Finding {
    Finding {
        offset,
        needle: needle.to_string(),
        diagnostic: rule.error("", message).with_hint(hint),
    }
}

impl Checker<'_> {
    /// The roster, when there is one and `pupil-full-name` is not off.
    fn active_roster(&self) -> Option<&Roster> {
        self.roster
            .filter(|_| self.config.enabled(RuleId::PupilFullName))
    }

    fn domain_is_official(&self, domain: &str) -> bool {
        self.official_domains
            .iter()
            .any(|d| domain == d || domain.ends_with(&format!(".{d}")))
    }

    /// Whether a name the roster found is a member of staff's (named in the schools' roles).
    pub fn is_staff(&self, name: &str) -> bool {
        let name = roster::decode_references(name);
        let words: Vec<String> = roster::words(&name)
            .map(|(_, w)| roster::normalise_word(w))
            .filter(|w| !w.is_empty())
            .collect();
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return false;
        };
        self.staff_pairs.contains(&words.join(" "))
            || self.staff_pairs.contains(&format!("{first} {last}"))
    }

    /// Pupils' full names in a web address or id ("/blog/zorblax-quimby", `{#zorblax-quimby}`),
    /// reported at `offset`.
    fn check_address(&self, address: &str, offset: usize, out: &mut Vec<Finding>) {
        if address.is_empty() {
            return;
        }
        let mut words = String::with_capacity(address.len());
        crate::html_text::push_address(&mut words, address);
        self.check_names(&words, &|_| offset, out);
    }

    /// Pupils' full names in one piece of text.
    pub fn check_names(&self, text: &str, at: &dyn Fn(usize) -> usize, out: &mut Vec<Finding>) {
        if let Some(roster) = self.active_roster() {
            for range in roster.find(text) {
                let name = &text[range.clone()];
                if self.is_staff(name) {
                    continue;
                }
                let first_word = name.split_whitespace().next().unwrap_or(name);
                out.push(finding(
                    RuleId::PupilFullName,
                    at(range.start),
                    first_word,
                    format!("a pupil's full name ({}) is published here", redact(name)),
                    "use the forename only, or a role (\"a Year 5 pupil\"); if this is a member of staff with the same name, allow it in the front matter with a reason",
                ));
            }
        }
    }

    /// Pupil names, contact details and leftover template text in one piece of text.
    fn check_text(
        &self,
        text: &str,
        kind: Option<SurfaceKind>,
        at: &dyn Fn(usize) -> usize,
        out: &mut Vec<Finding>,
    ) {
        let c = self.config;
        if kind != Some(SurfaceKind::Url) {
            self.check_names(text, at, out);
        }
        if kind == Some(SurfaceKind::Address) {
            return;
        }
        for e in text::emails(text) {
            if let Some(why) = e.malformed {
                out.push(finding(
                    RuleId::MalformedEmail,
                    at(e.range.start),
                    &e.address,
                    format!("the e-mail address `{}` is broken: {why}", e.address),
                    "correct the address so people can write to it",
                ));
            } else if !self.domain_is_official(&e.domain) && !self.official_domains.is_empty() {
                out.push(finding(
                    RuleId::PersonalEmail,
                    at(e.range.start),
                    &e.address,
                    format!("`{}` is not on one of the school's official e-mail domains", e.address),
                    "publish a school address (for example the office or a role mailbox) instead of a personal one; add the domain to `email_domains` in the school's file if it is official",
                ));
            }
        }
        for p in text::phones(text) {
            let shown = &text[p.range.clone()];
            if self.contact_phones.contains(shown.trim())
                || (p.malformed.is_none() && self.contact_phones.contains(&p.national))
            {
                continue;
            }
            if let Some(why) = p.malformed {
                out.push(malformed_phone(shown, why, at(p.range.start)));
            } else if p.mobile && !c.settings.personal_phone.official.contains(&p.national) {
                out.push(finding(
                    RuleId::PersonalPhone,
                    at(p.range.start),
                    shown,
                    format!("`{shown}` is a mobile number, and it is not listed as official"),
                    "publish the school office's number instead; if this mobile is an official school phone, list it under [rules.personal-phone] official = [...] in site.toml; if it is an outside agency's (a council officer's, the LADO's), add it to content/contacts.toml as that contact's `phone` and show it with {{ contacts }} or {{ contact.<id>.phone }}",
                ));
            }
        }
        if !matches!(kind, Some(SurfaceKind::Code | SurfaceKind::Html)) {
            self.check_guidance(text, at, out);
        }
        if !matches!(
            kind,
            Some(SurfaceKind::Code | SurfaceKind::Html | SurfaceKind::Url)
        ) {
            for p in text::placeholders(text, &c.settings.placeholder_text.patterns) {
                out.push(finding(
                    RuleId::PlaceholderText,
                    at(p.range.start),
                    &text[p.range.clone()],
                    format!("{} was left in from a template", p.what),
                    "replace it with the real text, or remove it",
                ));
            }
        }
    }
}

/// The start of the message of a name found by [`Checker::check_published`].
pub const PUBLISHED_NAME: &str = "a pupil's full name is in what is published";

/// A finding in a whole file (not a prepared body), placed at its offset.
fn place(f: Finding, source: &SourceText) -> Diagnostic {
    let mut d = f.diagnostic.at(source, f.offset);
    d.file = source.name.clone();
    d
}

/// "ZorblaxQuimby_day.jpg" → [("Zorblax", word), ("Quimby", word), ("_", sep), ("day", word), (".", sep), ("jpg", word)].
fn file_name_tokens(name: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        let sep = matches!(c, '-' | '_' | '.' | ' ' | '+');
        let case_change = prev.is_some_and(|p| p.is_lowercase()) && c.is_uppercase();
        if (sep || case_change) && i > start {
            out.push((&name[start..i], false));
            start = i;
        }
        if sep {
            out.push((&name[i..i + c.len_utf8()], true));
            start = i + c.len_utf8();
        }
        prev = Some(c);
    }
    if start < name.len() {
        out.push((&name[start..], false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::Level;
    use std::collections::BTreeMap;

    #[test]
    fn file_names_split_into_words() {
        let words: Vec<&str> = file_name_tokens("ZorblaxQuimby_sports-day.jpg")
            .into_iter()
            .filter(|(_, sep)| !sep)
            .map(|(w, _)| w)
            .collect();
        assert_eq!(words, ["Zorblax", "Quimby", "sports", "day", "jpg"]);
    }

    #[test]
    fn a_setting_of_another_rule_is_an_error_at_its_line() {
        let text = "[rules.heading-order]\ndays = 5\n\n[rules.review-due-soon]\ndays = 90\nseverity = \"off\"\n";
        let source = SourceText::new("site.toml", text.to_string());
        let rules: BTreeMap<String, BTreeMap<String, toml::Spanned<toml::Table>>> =
            toml::from_str(text).unwrap();
        let mut diags = Vec::new();
        let c = RulesConfig::from_toml(&rules["rules"], &source, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("days"), "{}", diags[0].message);
        assert_eq!(diags[0].line, 1);
        assert_eq!(c.settings.review_due_soon.days, 90);
        assert_eq!(c.level(RuleId::ReviewDueSoon), Level::Off);
        assert_eq!(c.level(RuleId::HeadingOrder), Level::Error);
    }

    #[test]
    fn languages() {
        assert!(crate::ruleset::document_language::valid_language("en-GB"));
        assert!(crate::ruleset::document_language::valid_language("cy"));
        assert!(!crate::ruleset::document_language::valid_language(
            "english"
        ));
        assert!(!crate::ruleset::document_language::valid_language(""));
    }

    #[test]
    fn every_rule_id_is_unique_and_kebab_case() {
        let mut ids: Vec<&str> = crate::ruleset::all().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RuleId::ALL.len());
        // The id is the file's name: `defs/pupil_full_name.rs` is `pupil-full-name`.
        for rule in RuleId::ALL {
            assert_eq!(RuleId::from_id(rule.as_str()), Some(*rule));
        }
        assert!(
            ids.iter()
                .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
    }
}
