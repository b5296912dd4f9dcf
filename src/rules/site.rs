//! The checks on the site's and schools' settings, contacts, templates and the starter's sample values.

use super::*;

impl Checker<'_> {
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
    pub(super) fn check_samples(
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
                // An agency's number is official by definition (never `personal-phone`),
                // but a broken one is reported here, where it is written, not on the pages
                // that show it.
                let at = src.text.find(c.phone.as_str()).unwrap_or(0);
                for p in text::phones(&c.phone) {
                    if let Some(why) = p.malformed {
                        let shown = &c.phone[p.range.clone()];
                        found.push(malformed_phone(shown, why, at + p.range.start));
                    }
                }
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
        shown.extend(school.classes.iter().map(|c| c.name.as_str()));
        shown.extend(school.variants.iter().map(String::as_str));
        self.check_values(&school.file, &shown, source, diags);
        let mut details = shown.clone();
        details.extend([school.contact.email.as_str(), school.contact.phone.as_str()]);
        details.extend(school.email_domains.iter().map(String::as_str));
        for p in school.roles.iter().flat_map(|r| &r.people) {
            details.extend([p.name.as_str(), p.email.as_str()]);
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
        for p in school.roles.iter().flat_map(|r| &r.people) {
            values.push(&p.email);
            values.push(&p.phone);
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

    /// A school's accessibility statement: prepared on a date, reviewed within a year, with
    /// a way to ask for another format. `sources` are the settings files its dates may be in.
    pub fn check_statement(
        &self,
        school: &School,
        sources: &[&SourceText],
        diags: &mut Vec<Diagnostic>,
    ) {
        let a = &school.accessibility;
        let place = |d: Diagnostic, file: &str, offset: usize| match sources
            .iter()
            .find(|s| s.name == file)
        {
            Some(src) => d.at(src, offset),
            None => d,
        };
        let access_at = |file: &str| {
            sources
                .iter()
                .find(|s| s.name == file)
                .and_then(|s| s.text.find("accessibility]").map(|at| (*s, at)))
        };
        // Where the school's statement is set up: its own file's [accessibility], else the
        // site's (where the fix is written when there is neither).
        let incomplete = |message: String, hint: String| {
            let mut d = RuleId::AccessibilityStatementIncomplete
                .warning("site.toml", message)
                .with_hint(hint);
            if let Some((src, at)) = access_at(&school.file).or_else(|| access_at("site.toml")) {
                d.file = src.name.clone();
                d = d.at(src, at);
            }
            d
        };
        if a.prepared.is_none() {
            diags.push(incomplete(
                format!("the accessibility statement for {} does not say when it was prepared", school.short_name),
                format!("add `prepared = \"{}\"` (the day it was first published) under [accessibility] in site.toml: the regulations ask every statement to say it", self.today),
            ));
        }
        if a.email.is_none()
            && a.phone.is_none()
            && school.contact.email.trim().is_empty()
            && school.contact.phone.trim().is_empty()
        {
            diags.push(incomplete(
                format!("the accessibility statement for {} gives no e-mail or phone for asking for another format or reporting a problem", school.short_name),
                "add `email = \"office@…\"` under [accessibility] in site.toml, or the school's `email` under [contact] in its file".into(),
            ));
        }
        if let Some(last) = a.last_reviewed()
            && last.date.end.add_months(12) < self.today
        {
            let days = last.date.end.days_until(self.today);
            let d = RuleId::AccessibilityStatementOutdated
                .warning(
                    &last.file,
                    format!(
                        "the accessibility statement for {} was last reviewed on {}, {days} days ago: the regulations ask for a review at least once a year",
                        school.short_name, last.date.display
                    ),
                )
                .with_hint(format!(
                    "check what the statement says (its known issues, contact and dates), then set `reviewed = \"{}\"` under [accessibility]",
                    self.today
                ));
            diags.push(place(d, &last.file, last.offset));
        }
    }

    /// What a school of its type must publish: each item missing or out of date, at where
    /// the school's file gives it (or its `[publishing]`).
    pub fn check_statutory(
        &self,
        school: &School,
        rows: &[crate::statutory::Row],
        sources: &[&SourceText],
        diags: &mut Vec<Diagnostic>,
    ) {
        use crate::statutory::Standing;
        let source = sources.iter().find(|s| s.name == school.file);
        let kind = school
            .publishing
            .school_type
            .as_deref()
            .and_then(crate::statutory::type_name)
            .unwrap_or("a school");
        for r in rows {
            let (message, hint) = match &r.standing {
                Standing::Missing(None) => (
                    format!(
                        "the site does not say where {} publishes its “{}”, which {kind} must publish",
                        school.short_name, r.title
                    ),
                    format!(
                        "add `{} = \"https://…\"` (its page on the school's website) or `{} = \"@/policies/….md\"` (a page of this site) under [publishing] in {} (source: {})",
                        r.id, r.id, school.file, r.source
                    ),
                ),
                Standing::Missing(Some(path)) => (
                    format!(
                        "the page {path}, given for {}'s “{}”, is not on the site",
                        school.short_name, r.title
                    ),
                    format!(
                        "correct the path under [publishing] in {}, or add the page (a draft is not on the site until it is published)",
                        school.file
                    ),
                ),
                Standing::OutOfDate(_, since, false) => (
                    format!(
                        "the guidance asks {kind} to review its “{}” by {since}, but {}'s own review date is later",
                        r.title, school.short_name
                    ),
                    format!(
                        "review it with the approving body, then update `approved` in its front matter, and shorten its `review_period` (source: {})",
                        r.source
                    ),
                ),
                // Its own review date has passed: `policy-review-overdue` says so, once.
                Standing::OutOfDate(_, _, true)
                | Standing::Here(_)
                | Standing::Elsewhere(_)
                | Standing::Shown => continue,
            };
            let mut d = RuleId::StatutoryMissing
                .warning(&school.file, message)
                .with_hint(hint);
            if let Some(src) = source {
                d = d.at(src, r.offset.unwrap_or(school.publishing.offset));
            }
            diags.push(d);
        }
    }
}
