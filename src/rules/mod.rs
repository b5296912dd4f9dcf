//! The publishing rules: what `policypress check` (and every `build`) refuses to publish.
//!
//! Each rule has a stable id (part of the interface: CI configurations and front-matter
//! `allow` entries name them), a default severity that `[rules.<id>]` in site.toml can change,
//! and plain-words messages. The checks here are pure: they look at text the pipeline already
//! has (document surfaces, front matter, school data, rendered HTML) and return findings.

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
    pub config: &'a RulesConfig,
    pub roster: Option<&'a Roster>,
    /// Official e-mail domains of every school, plus allowed ones.
    pub official_domains: Vec<String>,
    pub today: Date,
    /// Normalised adjacent word pairs of staff names in their roles ("dev fixtureson"): a
    /// pupil who shares a member of staff's name is not reported where the staff name is.
    pub staff_pairs: HashSet<String>,
    /// Paths of the files published from `static/` (and the theme's), e.g. `photos/a.jpg`.
    pub static_files: HashSet<String>,
    /// `content/images.toml` entries by path under `static/`.
    pub images: HashMap<String, ImageInfo>,
    /// The path part of the site's address, e.g. `/` or `/policies/`.
    pub base_path: String,
}

/// The normalised adjacent word pairs of the staff named in the schools' roles.
pub fn staff_pairs(schools: &[School]) -> HashSet<String> {
    let mut out = HashSet::new();
    for school in schools {
        for (id, _) in crate::config::ROLE_TITLES {
            for person in school.roles.get(id) {
                let words: Vec<String> = roster::words(&person.name)
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
    }
    out
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
            if let Some(why) = p.malformed {
                out.push(finding(RuleId::MalformedPhone, at(p.range.start), shown, format!("`{shown}` is not a valid UK telephone number: {why}"), "check the number: UK numbers have 11 digits, starting 0 (for example 01632 960000)"));
            } else if p.mobile && !c.settings.personal_phone.official.contains(&p.national) {
                out.push(finding(
                    RuleId::PersonalPhone,
                    at(p.range.start),
                    shown,
                    format!("`{shown}` is a mobile number, and it is not listed as official"),
                    "publish the school office's number instead; if this mobile is an official school phone, list it under [rules.personal-phone] official = [...] in site.toml",
                ));
            }
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

    /// Findings in one page's published text; offsets are those of the parsed text.
    pub fn check_surfaces(&self, s: &Surfaces, out: &mut Vec<Finding>) {
        for surface in &s.texts {
            self.check_text(
                &surface.text,
                Some(surface.kind),
                &|pos| surface.offset_of(pos),
                out,
            );
        }
        for (at, id) in &s.ids {
            self.check_address(id, *at, out);
        }
        for img in &s.images {
            self.check_text(&img.alt, None, &|_| img.offset, out);
            self.check_text(&img.title, None, &|_| img.offset, out);
            self.check_address(&img.src, img.offset, out);
            let src = img.src.trim();
            // A `data:` or `javascript:` address is refused as an unsafe link when rendered.
            let external = src.starts_with("http://")
                || src.starts_with("https://")
                || crate::url_policy::check(src).is_err();
            let file = src
                .strip_prefix(self.base_path.as_str())
                .unwrap_or(src)
                .trim_start_matches('/')
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .to_string();
            if !external && !self.static_files.contains(&file) {
                out.push(finding(
                    RuleId::BrokenInternalLink,
                    img.offset,
                    src,
                    format!("the image `{src}` is not in static/"),
                    "put the image in the site's static/ folder and link to it from the site root, e.g. ![A class reading together](/photos/reading.jpg)",
                ));
            }
            let decorative = self.images.get(&file).is_some_and(|i| i.decorative);
            if img.alt.trim().is_empty() && !decorative {
                out.push(finding(
                    RuleId::ImageAltMissing,
                    img.offset,
                    "![",
                    format!("the image `{src}` has no alt text"),
                    "describe what the image shows between the brackets: ![Pupils using tablets in class](...); if it is only decoration, mark it `decorative = true` in content/images.toml",
                ));
            }
        }
        for link in &s.links {
            self.check_text(&link.title, None, &|_| link.offset, out);
            if !link.autolink {
                self.check_address(&link.dest, link.offset, out);
            }
            let dest = link.dest.trim();
            if dest.is_empty() || dest == "#" {
                out.push(finding(
                    RuleId::PlaceholderLink,
                    link.offset,
                    "](",
                    format!("the link \"{}\" goes nowhere", link.text.trim()),
                    "put the address of the page it should open, or remove the link",
                ));
            } else if let Some(addr) = dest.strip_prefix("mailto:") {
                let addr = addr.split('?').next().unwrap_or(addr);
                if text::emails(addr)
                    .first()
                    .is_none_or(|e| e.malformed.is_some() || e.address != addr)
                {
                    out.push(finding(
                        RuleId::MalformedEmail,
                        link.offset,
                        dest,
                        format!("the e-mail link `{dest}` is broken"),
                        "write it as mailto:name@school.sch.uk",
                    ));
                }
            } else if let Some(num) = dest.strip_prefix("tel:") {
                let n = crate::phone::national_digits(num);
                if !(10..=11).contains(&n.len())
                    && !(n.starts_with("080") && n.len() >= 8)
                    && !(3..=6).contains(&n.len())
                {
                    out.push(finding(
                        RuleId::MalformedPhone,
                        link.offset,
                        dest,
                        format!("the telephone link `{dest}` is not a valid UK number"),
                        "write it as tel:+441632960000 or tel:01632960000",
                    ));
                }
            }
            if text::vague_link_text(&link.text) {
                out.push(finding(
                    RuleId::LinkText,
                    link.offset,
                    &link.text,
                    format!(
                        "the link text \"{}\" does not say where the link goes",
                        link.text.trim()
                    ),
                    "use words that make sense on their own, such as \"our online safety policy\"",
                ));
            } else if link.autolink
                || (text::is_bare_url(&link.text) && !link.dest.starts_with("mailto:"))
            {
                out.push(finding(RuleId::LinkText, link.offset, &link.text, format!("the link text is a bare web address ({})", link.text.trim()), "write what the page is, e.g. [Report to CEOP](https://...), so it reads well aloud"));
            }
        }
        for &at in &s.headerless_tables {
            out.push(finding(
                RuleId::TableHeader,
                at,
                "|",
                "this table's header row is empty".into(),
                "give each column a heading in the first row, so screen readers can announce it",
            ));
        }
        for &at in &s.empty_headings {
            out.push(finding(
                RuleId::PlaceholderText,
                at,
                "#",
                "this heading is empty".into(),
                "write the heading, or remove the line",
            ));
        }
        for &at in &s.empty_items {
            out.push(finding(
                RuleId::PlaceholderText,
                at,
                "-",
                "this list item is empty".into(),
                "write the item, or remove the line",
            ));
        }
        for (at, html) in &s.html {
            if crate::html_text::is_angle_placeholder(html) {
                out.push(finding(
                    RuleId::PlaceholderText,
                    *at,
                    "<",
                    format!(
                        "the placeholder `{}` was left in from a template",
                        html.trim()
                    ),
                    "replace it with the real text, or remove it",
                ));
            }
        }
    }

    /// Findings about a document as a whole (its front matter and file name), checked once.
    pub fn check_document(&self, doc: &Document, diags: &mut Vec<Diagnostic>) {
        let source = &doc.source;
        let front_end = doc.body_start;
        // Every front-matter string that is published: titles, descriptions, risk entries,
        // a policy's approver, minute reference and change notes.
        let mut values: Vec<&String> = vec![&doc.meta.title, &doc.meta.description];
        for r in doc.risks() {
            values.extend([&r.activity, &r.risk, &r.owner, &r.controls]);
        }
        if let Some(p) = doc.policy() {
            values.extend([&p.approved_by, &p.minute_ref, &p.version]);
            values.extend(p.changes.iter().map(|c| &c.summary));
        }
        for value in values {
            if value.is_empty() {
                continue;
            }
            let base = source.text[..front_end].find(value.as_str()).unwrap_or(0);
            let mut found = Vec::new();
            self.check_text(value, None, &|pos| base + pos, &mut found);
            diags.extend(found.into_iter().map(|f| place(f, source)));
        }
        self.check_file_name(&source.name, diags);
        if doc.kind() == Kind::Policy
            && let Some(p) = doc.policy()
        {
            let front = &source.text[..front_end];
            // Where `key = …` starts in the front matter, if it is there.
            let key_at = |key: &str| {
                front.match_indices(key).map(|(i, _)| i).find(|&i| {
                    (i == 0 || front.as_bytes()[i - 1] == b'\n')
                        && front[i + key.len()..].trim_start().starts_with('=')
                })
            };
            let mut missing = Vec::new();
            // A date that is there but could not be read is reported as such (`invalid-date`),
            // not also as missing.
            if p.approved.is_none() && key_at("approved").is_none() {
                missing.push("approval date (`approved`)");
            }
            if p.version.trim().is_empty() {
                missing.push("version (`version`)");
            }
            if p.approved_by.trim().is_empty() {
                missing.push("approver (`approved_by`)");
            }
            if p.owner.is_empty() {
                missing.push("owner (`owner`)");
            }
            if !missing.is_empty() {
                diags.push(
                    RuleId::PolicyMetadataMissing.error(&source.name, format!("this policy has no {}", missing.join(", no ")))
                        .at(source, 0)
                        .with_hint("add the missing lines between the `+++` lines, so readers and governors can see the policy is approved and current"),
                );
            }
            if let Some(next) = &p.next_review {
                let days = self.today.days_until(next.end);
                let at = key_at("next_review")
                    .or_else(|| key_at("approved"))
                    .unwrap_or(0);
                match p.review_status(self.today, self.config.settings.review_due_soon.days) {
                    ReviewStatus::Overdue => diags.push(
                        RuleId::ReviewOverdue.error(&source.name, format!("this policy's review was due by {} ({} days ago)", next.display, -days))
                            .at(source, at)
                            .with_hint("review the policy, then update `approved` (and `version`) in the front matter"),
                    ),
                    ReviewStatus::DueSoon => diags.push(
                        RuleId::ReviewDueSoon.warning(&source.name, format!("this policy is due for review by {} (in {days} days)", next.display))
                            .at(source, at)
                            .with_hint("plan the review with the approving body"),
                    ),
                    ReviewStatus::Current | ReviewStatus::Unknown => {}
                }
            }
        }
    }

    /// Pupil names in a file's path ("zorblax-quimby-sports-day.jpg", or a folder on the
    /// way: "static/zorblax-quimby/day.jpg"). The finding names the file with each name
    /// reduced to initials ("static/z…-q…-sports-day.jpg").
    pub fn check_file_name(&self, path: &str, diags: &mut Vec<Diagnostic>) {
        let Some(roster) = self.active_roster() else {
            return;
        };
        let mut any = false;
        let parts: Vec<String> = path
            .split('/')
            .map(|part| {
                let tokens = file_name_tokens(part);
                let words: Vec<usize> = (0..tokens.len()).filter(|&i| !tokens[i].1).collect();
                let mut hit = vec![false; tokens.len()];
                for pair in words.windows(2) {
                    let text = format!("{} {}", tokens[pair[0]].0, tokens[pair[1]].0);
                    if !roster.find(&text).is_empty() {
                        hit[pair[0]] = true;
                        hit[pair[1]] = true;
                    }
                }
                // The whole part too, for names the tokens don't split ("zorblax quimby").
                if !hit.contains(&true) && !roster.find(part).is_empty() {
                    any = true;
                    return roster::redact_in(roster, part);
                }
                any |= hit.contains(&true);
                tokens
                    .iter()
                    .zip(&hit)
                    .map(|((t, _), h)| {
                        if *h {
                            format!("{}…", t.chars().next().unwrap_or('?'))
                        } else {
                            t.to_string()
                        }
                    })
                    .collect()
            })
            .collect();
        if !any {
            return;
        }
        let shown = parts.join("/");
        diags.push(
            RuleId::PupilFullName
                .error(
                    shown.clone(),
                    format!("the file name {shown} contains a pupil's full name"),
                )
                .with_hint(
                    "rename the file (and any folder on its path) without the pupil's surname",
                ),
        );
    }

    /// Pupils' names in the text of a file of `static/` (its body, the same text as a reader
    /// sees it, or a document's metadata), all texts of one file together: a name in the
    /// body is reported at its line; the decoded forms only when the body has none.
    pub fn check_file_texts(
        &self,
        texts: &[crate::static_meta::FileText],
        diags: &mut Vec<Diagnostic>,
    ) {
        use crate::static_meta::TextPlace;
        let Some(roster) = self.active_roster() else {
            return;
        };
        let mut in_body = false;
        for t in texts {
            if matches!(t.place, TextPlace::Decoded(_)) && in_body {
                continue;
            }
            let mut source: Option<SourceText> = None;
            let mut decoded_reported = false;
            for range in roster.find(&t.text) {
                let pair: Vec<String> = roster::words(&t.text[range.clone()])
                    .map(|(_, w)| roster::normalise_word(w))
                    .collect();
                if self.staff_pairs.contains(&pair.join(" ")) {
                    continue;
                }
                let shown = redact(&t.text[range.clone()]);
                let hint = "remove the pupil's surname from the file (and publish it again), or leave the file out of static/";
                let d = match &t.place {
                    TextPlace::Body => {
                        in_body = true;
                        let source = source
                            .get_or_insert_with(|| SourceText::new(t.file.clone(), t.text.clone()));
                        RuleId::PupilFullName
                            .error(
                                &t.file,
                                format!("this file holds a pupil's full name ({shown})"),
                            )
                            .at(source, range.start)
                    }
                    TextPlace::Decoded(what) => {
                        if decoded_reported {
                            continue;
                        }
                        decoded_reported = true;
                        RuleId::PupilFullName.error(
                            &t.file,
                            format!("this file's {what} holds a pupil's full name ({shown})"),
                        )
                    }
                    TextPlace::Metadata(field) => RuleId::PupilFullName.error(
                        &t.file,
                        format!("the file's {field} metadata holds a pupil's full name ({shown})"),
                    ),
                };
                diags.push(d.with_hint(hint));
            }
        }
    }

    /// Pupils' names in a text field of an image's metadata (a caption, keywords, the people
    /// shown).
    pub fn check_image_text(
        &self,
        file: &str,
        field: &crate::images::Field,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(roster) = self.active_roster() else {
            return;
        };
        for range in roster.find(&field.value) {
            if self.is_staff(&field.value[range.clone()]) {
                continue;
            }
            diags.push(
                RuleId::PupilFullName.error(
                    file,
                    format!("the image's {} {} metadata holds a pupil's full name ({})", field.container, field.name, redact(&field.value[range])),
                )
                .with_hint("published copies lose their metadata, but remove the name from the original too (or export the photo again without it)"),
            );
        }
    }

    /// `content/images.toml`: every photo of pupils has a current consent reference, and every
    /// entry names a published file.
    pub fn check_images(
        &self,
        images: &[ImageInfo],
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(source) = source else { return };
        for image in images {
            if !self.static_files.contains(&image.file) {
                diags.push(
                    RuleId::BrokenInternalLink.error(&source.name, format!("there is no static/{}", image.file))
                        .at(source, image.offset)
                        .with_hint("write the image's path inside static/, e.g. file = \"photos/sports-day.jpg\""),
                );
            }
            if !image.pupils {
                continue;
            }
            if image.consent.is_empty() {
                diags.push(
                    RuleId::ImageConsentMissing.error(&source.name, format!("static/{} shows pupils but has no consent reference", image.file))
                        .at(source, image.offset)
                        .with_hint("add `consent = \"...\"` with the reference of the parents' written consent, or remove the photo"),
                );
            } else if let Some(expires) = &image.consent_expires
                && expires.end < self.today
            {
                diags.push(
                    RuleId::ImageConsentMissing.error(&source.name, format!("the consent for static/{} ran out on {}", image.file, expires.display))
                        .at(source, image.offset)
                        .with_hint("renew the consent and update `consent` and `consent_expires`, or remove the photo"),
                );
            }
        }
    }

    /// Pupils' full names in values of a settings file (site.toml, a school's file,
    /// contacts.toml) that reach pages: each placed where it is written in `source`.
    pub fn check_values(
        &self,
        file: &str,
        values: &[&str],
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for value in values.iter().filter(|v| !v.trim().is_empty()) {
            let mut found = Vec::new();
            self.check_names(value, &|_| 0, &mut found);
            for f in found {
                let mut d = f.diagnostic;
                d.file = file.to_string();
                if let Some(src) = source
                    && let Some(at) = src.text.find(*value)
                {
                    d = d.at(src, at);
                }
                diags.push(d);
            }
        }
    }

    /// The site's own settings that pages show: its title and description, the bands' names.
    pub fn check_site(
        &self,
        config: &crate::config::SiteConfig,
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut values: Vec<&str> = vec![&config.title, &config.description, &config.base_url];
        values.extend(config.bands.iter().map(|b| b.name.as_str()));
        self.check_values("site.toml", &values, source, diags);
        self.check_samples("site.toml", &values, source, diags);
    }

    /// The starter's example details (`policypress new`) left in a settings file:
    /// `placeholder-text` where each is written.
    fn check_samples(
        &self,
        file: &str,
        values: &[&str],
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if !self.config.enabled(RuleId::PlaceholderText) {
            return;
        }
        for value in values {
            let Some(sample) = crate::ruleset::placeholder_text::SAMPLE_VALUES
                .iter()
                .find(|s| value.contains(**s))
            else {
                continue;
            };
            let mut d = RuleId::PlaceholderText
                .error(
                    file,
                    format!("`{sample}` is the starter site's example, not your school's"),
                )
                .with_hint(format!(
                    "replace it with your school's own details in {file}"
                ));
            if let Some(src) = source
                && let Some(at) = src.text.find(*value)
            {
                d = d.at(src, at + value.find(*sample).unwrap_or(0));
            }
            diags.push(d);
        }
    }

    /// `content/contacts.toml`: the names and descriptions of the contacts pages show.
    pub fn check_contacts(
        &self,
        contacts: &[crate::content::ContactLink],
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut values: Vec<&str> = Vec::new();
        for c in contacts {
            values.extend([c.name.as_str(), c.description.as_str(), c.url.as_str()]);
        }
        self.check_values("content/contacts.toml", &values, source, diags);
        let mut found = Vec::new();
        for c in contacts {
            if let Some(src) = source {
                let at = src.text.find(&c.url).unwrap_or(0);
                self.check_address(&c.url, at, &mut found);
            }
        }
        if let Some(src) = source {
            diags.extend(found.into_iter().map(|f| place(f, src)));
        }
    }

    /// A template of the site or its theme (pages or print): pupils' full names in its
    /// literal text, placed at their line.
    pub fn check_template(&self, source: &SourceText, diags: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        self.check_names(&source.text, &|pos| pos, &mut found);
        diags.extend(found.into_iter().map(|f| place(f, source)));
    }

    /// A school's own data: contact e-mails on official domains, no personal mobiles.
    pub fn check_school(
        &self,
        school: &School,
        source: Option<&SourceText>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut shown: Vec<&str> = vec![
            &school.name,
            &school.short_name,
            &school.contact.address,
            &school.contact.website,
        ];
        shown.extend(school.classes.iter().map(String::as_str));
        shown.extend(school.variants.iter().map(String::as_str));
        self.check_values(&school.file, &shown, source, diags);
        let mut details = shown.clone();
        details.extend([school.contact.email.as_str(), school.contact.phone.as_str()]);
        details.extend(school.email_domains.iter().map(String::as_str));
        for (id, _) in crate::config::ROLE_TITLES {
            for p in school.roles.get(id) {
                details.extend([p.name.as_str(), p.email.as_str()]);
            }
        }
        self.check_samples(&school.file, &details, source, diags);
        let mut found = Vec::new();
        self.check_address(&school.slug, 0, &mut found);
        for f in found {
            let mut d = f.diagnostic;
            d.file = school.file.clone();
            diags.push(d);
        }
        let mut values: Vec<&str> = vec![&school.contact.email, &school.contact.phone];
        for (id, _) in crate::config::ROLE_TITLES {
            for p in school.roles.get(id) {
                values.push(&p.email);
                values.push(&p.phone);
            }
        }
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            let mut found = Vec::new();
            self.check_text(value, None, &|_| 0, &mut found);
            for f in found {
                let mut d = f.diagnostic;
                d.file = school.file.clone();
                if let Some(src) = source
                    && let Some(at) = src.text.find(value)
                {
                    d = d.at(src, at);
                }
                diags.push(d);
            }
        }
    }

    /// The last gate: pupils' full names anywhere in what is published (a page's text,
    /// attribute values and comments, or a generated file), whatever made it. Findings carry
    /// the name found as their snippet (redacted before output like every finding), so that
    /// [`crate::pipeline::finish_findings`] can drop those already reported at their source.
    pub fn check_published(&self, page: &str, text: &str, diags: &mut Vec<Diagnostic>) {
        let Some(roster) = self.active_roster() else {
            return;
        };
        for range in roster.find(text) {
            let name = &text[range];
            if self.is_staff(name) {
                continue;
            }
            let mut d = RuleId::PupilFullName.error(
                page,
                format!("{PUBLISHED_NAME} ({})", redact(name)),
            )
            .with_hint("the name is in the page as published, though not in one place of its source: look for it split across table cells or HTML tags, in a template, the site's or a school's settings, or a title, heading or address the page is made from, and use the forename only");
            d.snippet = Some(name.to_string());
            diags.push(d);
        }
    }

    /// Checks on a rendered page: one `h1`, a document language, and (on a school's home
    /// page) the CEOP link.
    pub fn check_html(&self, page: &str, html: &str, home: bool, diags: &mut Vec<Diagnostic>) {
        let h1 = html.matches("<h1").count();
        if h1 != 1 {
            diags.push(
                RuleId::HeadingOrder.error(page, format!("this page has {h1} top-level headings (h1); it needs exactly one"))
                    .with_hint(if h1 > 1 {
                        "the page's title is its top-level heading: start the text's headings at `##` (a line starting `# ` makes another one); if the text has none, a template adds it"
                    } else {
                        "the page's template must show the title as its <h1> (see docs/templates.md)"
                    }),
            );
        }
        let lang = html
            .split_once("<html")
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(attrs, _)| attrs.split_once("lang="))
            .map(|(_, v)| {
                v.trim_start_matches(['"', '\''])
                    .split(['"', '\'', ' ', '>'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            });
        match lang {
            Some(l) if crate::ruleset::document_language::valid_language(&l) => {}
            Some(l) => diags.push(
                RuleId::DocumentLanguage.error(
                    page,
                    format!(
                        "this page declares the language `{l}`, which is not a valid language tag"
                    ),
                )
                .with_hint("set `language = \"en-GB\"` (or another BCP 47 tag) in site.toml"),
            ),
            None => diags.push(
                RuleId::DocumentLanguage.error(
                    page,
                    "this page does not declare its language",
                )
                .with_hint("the template's <html> tag needs lang=\"{{ lang }}\""),
            ),
        }
        self.check_published(page, &crate::html_text::published_text(html), diags);
        if home && !html.contains("ceop.police.uk") {
            diags.push(
                RuleId::CeopLinkMissing.error(page, "this school's home page has no CEOP \"report a concern\" link")
                    .with_hint("keep the CEOP box of the default home template, or link to https://www.ceop.police.uk/ceop-reporting/ on the page"),
            );
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
