//! Each school's accessibility statement, in the form of the government's model statement
//! (GOV.UK, "Sample accessibility statement"), written as a document of its own before the
//! pages are rendered, so it is checked, published and printed like the others.
//!
//! What it says comes from three places: the school's `[accessibility]` settings (contact,
//! response time, dates, its own known issues), the rules of the site that check part of the
//! standard (`Rule::wcag`: each one that holds pages back is a check every page passed; one
//! turned to a warning or off is a known issue), and the `[[allow]]` entries of the school's
//! documents for those rules (each a known issue, with its reason). The sentences the model
//! statement fixes in law are kept word for word ([`FIXED`]); the compliance status is chosen
//! from the known issues: full only when there are none and the pages' layout was tested.

use std::fmt::Write as _;

use crate::config::{IssueReason, School, SiteConfig};
use crate::content::kinds::{KindData, statement};
use crate::content::{Document, Meta};
use crate::diagnostics::{Diagnostic, SourceText, words_and};
use crate::ruleset::{Level, RuleId};

use crate::ruleset::wcag::criterion;

/// The model statement's sentences that the regulations fix, word for word, with the parts
/// a site fills in written `[…]`; a test checks every statement against them.
pub const FIXED: &[&str] = &[
    "This accessibility statement applies to […].",
    "[…] is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.",
    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the ‘accessibility regulations’). If you’re not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).",
    "This statement was prepared on […]. It was last reviewed on […].",
];

/// The compliance sentences of the model statement; one is chosen.
pub const FULLY: &str = "This website is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard.";
/// The partial compliance sentence, before the kind of content listed.
pub const PARTIALLY: &str = "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to";

const EASS: &str = "https://www.equalityadvisoryservice.com/";
const ABILITYNET: &str = "https://mcmw.abilitynet.org.uk/";

/// The links every statement has, whatever the school writes: never reported as broken (a
/// school could not correct them).
pub const OWN_LINKS: &[&str] = &[EASS, ABILITYNET];

/// The web path of a school's statement (`/riverbend/accessibility/`), which every page's
/// footer links.
pub fn url(config: &SiteConfig, school: &School) -> String {
    let rel = statement::REL.strip_suffix(".md").unwrap_or(statement::REL);
    format!("{}{rel}/", config.school_base(school))
}

/// What the build knows of a site that its statements say.
pub struct Facts {
    /// The pages' templates and stylesheet are the default theme's, unchanged: the layout
    /// PolicyPress's own browser tests check.
    pub layout_as_shipped: bool,
    /// The date of this build's checks.
    pub today: crate::dates::Date,
}

/// One thing a statement lists as not accessible.
struct Issue {
    text: String,
    reason: IssueReason,
}

/// Each school's statement, as a document published for that school only; and an error for
/// any document of the site's own at the address a statement takes.
pub fn statements(
    config: &SiteConfig,
    documents: &[Document],
    facts: &Facts,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for school in &config.schools {
        let docs = crate::content::for_school(documents, &school.slug);
        if let Some(&i) = docs.get(statement::REL) {
            let d = &documents[i];
            diags.push(
                Diagnostic::error(
                    "output-clash",
                    &d.source.name,
                    format!(
                        "this page would be published at {}accessibility/, where PolicyPress publishes {}'s accessibility statement",
                        config.school_base(school),
                        school.short_name
                    ),
                )
                .with_hint("rename the file, or move what it says into `improving` or `[[accessibility.issues]]` under [accessibility] in site.toml (see docs/accessibility.md)"),
            );
            continue;
        }
        let mine: Vec<&Document> = docs.values().map(|&i| &documents[i]).collect();
        out.push(statement_document(config, school, &mine, facts));
    }
    (out, diags)
}

fn statement_document(
    config: &SiteConfig,
    school: &School,
    docs: &[&Document],
    facts: &Facts,
) -> Document {
    let text = markdown(config, school, docs, facts);
    Document {
        source: SourceText::new(
            format!("{} [accessibility] (the accessibility statement)", school.file),
            text,
        ),
        rel: statement::REL.to_string(),
        school: Some(school.slug.clone()),
        meta: Meta {
            title: format!("Accessibility statement for {}", config.title),
            description: "How accessible this website is, how to ask for information in another format or report a problem, and what we are doing about what is not yet accessible.".into(),
            weight: i64::MAX,
            ..Meta::default()
        },
        body_start: 0,
        data: KindData::Statement(()),
    }
}

/// The statement's Markdown.
fn markdown(config: &SiteConfig, school: &School, docs: &[&Document], facts: &Facts) -> String {
    let a = &school.accessibility;
    let org = a
        .organisation
        .clone()
        .unwrap_or_else(|| school.name.clone());
    let email = a.email.clone().or_else(|| some(&school.contact.email));
    let phone = a.phone.clone().or_else(|| some(&school.contact.phone));
    let issues = issues(config, school, docs, facts);
    // A layout that is not the tested one is itself a known issue until tested by hand.
    let full = issues.is_empty();
    let mut md = String::new();
    let scope = if config.multi_school() {
        format!(
            "{}, and in particular to {}’s pages at {}",
            config.base_url,
            school.name,
            config.absolute_url(&config.school_base(school))
        )
    } else {
        config.base_url.clone()
    };
    let _ = writeln!(md, "This accessibility statement applies to {scope}.\n");
    let _ = write!(
        md,
        "This website is run by {org}. We want as many people as possible to be able to use it."
    );
    if facts.layout_as_shipped {
        md.push_str(
            " For example, that means you should be able to:\n\n\
             - change colours, contrast levels and fonts using your browser or device settings\n\
             - zoom in up to 400% without the text spilling off the screen\n\
             - move around the website using just a keyboard, or speech recognition software\n\
             - listen to the website using a screen reader\n\
             - use every page without JavaScript\n\
             - download each policy, guide and charter as a tagged PDF that a screen reader can read\n",
        );
    }
    let _ = writeln!(
        md,
        "\n\nWe’ve also made the website text as simple as possible to understand.\n\n\
         [AbilityNet has advice on making your device easier to use]({ABILITYNET}) if you have a disability.\n"
    );
    md.push_str("## How accessible this website is\n\n");
    if issues.is_empty() {
        md.push_str("We know of no part of this website that is not accessible. [How we tested this website](#preparation-of-this-accessibility-statement) says what is checked, and how often.\n\n");
    } else {
        md.push_str("We know some parts of this website are not fully accessible. [Non-accessible content](#non-accessible-content) lists each of them, and what we are doing about it.\n\n");
    }
    contact_sections(
        &mut md,
        &org,
        email.as_deref(),
        phone.as_deref(),
        a.response_days,
    );
    let _ = writeln!(
        md,
        "## Enforcement procedure\n\n\
         The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the ‘accessibility regulations’). If you’re not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).\n\n\
         [The Equality Advisory and Support Service’s website]({EASS}) says how to contact them.\n"
    );
    let _ = writeln!(
        md,
        "## Technical information about this website’s accessibility\n\n\
         {org} is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.\n\n\
         ### Compliance status\n"
    );
    if full {
        let _ = writeln!(md, "{FULLY}\n");
    } else {
        let exempt = issues
            .iter()
            .any(|i| i.reason != IssueReason::NonCompliance);
        let failing = issues
            .iter()
            .any(|i| i.reason == IssueReason::NonCompliance)
            || issues.is_empty();
        let what = match (failing, exempt) {
            (true, true) => "the non-compliances and exemptions",
            (false, true) => "the exemptions",
            _ => "the non-compliances",
        };
        let _ = writeln!(md, "{PARTIALLY} {what} listed below.\n");
    }
    non_accessible(&mut md, &issues);
    if !a.improving.is_empty() {
        let _ = writeln!(
            md,
            "## What we’re doing to improve accessibility\n\n{}\n",
            a.improving
        );
    }
    preparation(&mut md, config, school, &org, facts);
    md
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn contact_sections(
    md: &mut String,
    org: &str,
    email: Option<&str>,
    phone: Option<&str>,
    days: u32,
) {
    md.push_str("## Feedback and contact information\n\n");
    md.push_str("If you need information on this website in a different format like accessible PDF, large print, easy read, audio recording or braille:\n\n");
    let ways = ways(email, phone);
    for w in &ways {
        let _ = writeln!(md, "- {w}");
    }
    if ways.is_empty() {
        let _ = writeln!(md, "- ask at {org}’s office");
    }
    let _ = writeln!(
        md,
        "\nWe’ll consider your request and get back to you in {days} {}.\n",
        if days == 1 { "day" } else { "days" }
    );
    md.push_str("## Reporting accessibility problems with this website\n\n");
    let _ = write!(
        md,
        "We’re always looking to improve the accessibility of this website. If you find any problems not listed on this page or think we’re not meeting accessibility requirements, contact {org}"
    );
    match ways.as_slice() {
        [] => md.push_str(" through its office.\n\n"),
        [one] => {
            let _ = writeln!(md, ": {one}.\n");
        }
        [a, b] => {
            let _ = writeln!(md, ": {a}, or {b}.\n");
        }
        _ => md.push_str(".\n\n"),
    }
}

fn ways(email: Option<&str>, phone: Option<&str>) -> Vec<String> {
    let mut ways = Vec::new();
    if let Some(e) = email {
        ways.push(format!("email [{e}](mailto:{e})"));
    }
    if let Some(p) = phone {
        ways.push(format!("call {p}"));
    }
    ways
}

/// What the statement lists as not accessible: the school's own issues, the pages' allowed
/// findings of the accessibility rules, and the rules that do not hold pages back.
fn issues(config: &SiteConfig, school: &School, docs: &[&Document], facts: &Facts) -> Vec<Issue> {
    let mut out = Vec::new();
    for i in &school.accessibility.issues {
        let mut text = i.what.clone();
        if !i.criteria.is_empty() {
            let _ = write!(text, " {}", fails(&i.criteria));
        }
        if let Some(by) = &i.fix_by {
            let _ = write!(text, " We plan to fix this by {}.", by.display);
        }
        out.push(Issue {
            text,
            reason: i.reason,
        });
    }
    let base = config.school_base(school);
    let mut pages: Vec<&&Document> = docs.iter().filter(|d| !d.meta.allow.is_empty()).collect();
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    for d in pages {
        for allow in &d.meta.allow {
            let Some(wcag) = RuleId::from_id(&allow.rule).and_then(|r| r.rule().wcag.as_ref())
            else {
                continue;
            };
            let title = if d.meta.title.is_empty() {
                school.name.as_str()
            } else {
                d.meta.title.as_str()
            };
            out.push(Issue {
                text: format!(
                    "On [{title}]({base}{}), {}. {} We have kept it because: {}",
                    d.slug_path(),
                    wcag.issue,
                    fails(wcag.criteria),
                    sentence(&allow.reason)
                ),
                reason: IssueReason::NonCompliance,
            });
        }
    }
    for rule in RuleId::ALL {
        let Some(wcag) = rule.rule().wcag.as_ref() else {
            continue;
        };
        let criteria = wcag.criteria;
        let what = match config.rules.level(*rule) {
            Level::Error => continue,
            Level::Warning => {
                "are reported to us but do not stop a page being published, so some pages may not meet"
            }
            Level::Off => "are turned off, so pages are not checked against",
        };
        out.push(Issue {
            text: format!(
                "Our publishing checks for {} {what} {}.",
                names(criteria),
                if criteria.len() == 1 { "it" } else { "them" }
            ),
            reason: IssueReason::NonCompliance,
        });
    }
    if !facts.layout_as_shipped && school.accessibility.tested.is_none() {
        out.push(Issue {
            text: "The layout of this website’s pages (their templates or stylesheet) has been changed from PolicyPress’s tested theme, and has not been tested by hand since.".into(),
            reason: IssueReason::NonCompliance,
        });
    }
    out
}

/// "This fails WCAG 2.2 success criterion 1.1.1 (Non-text Content)."
fn fails<S: AsRef<str>>(criteria: &[S]) -> String {
    format!("This fails {}.", names(criteria))
}

/// "1.3.1 (Info and Relationships) and 2.4.6 (Headings and Labels)".
fn numbered<S: AsRef<str>>(criteria: &[S]) -> String {
    let each: Vec<String> = criteria
        .iter()
        .map(|c| {
            let c = c.as_ref();
            match criterion(c) {
                Some(name) => format!("{c} ({name})"),
                None => c.to_string(),
            }
        })
        .collect();
    let refs: Vec<&str> = each.iter().map(String::as_str).collect();
    words_and(&refs)
}

/// "WCAG 2.2 success criterion 1.1.1 (Non-text Content)".
fn names<S: AsRef<str>>(criteria: &[S]) -> String {
    let word = if criteria.len() == 1 {
        "criterion"
    } else {
        "criteria"
    };
    format!("WCAG 2.2 success {word} {}", numbered(criteria))
}

/// A reason as a sentence: trimmed, ending with a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn non_accessible(md: &mut String, issues: &[Issue]) {
    if issues.is_empty() {
        return;
    }
    md.push_str("## Non-accessible content\n\nThe content listed below is non-accessible for the following reasons.\n\n");
    for (reason, heading) in [
        (
            IssueReason::NonCompliance,
            "Non-compliance with the accessibility regulations",
        ),
        (
            IssueReason::DisproportionateBurden,
            "Disproportionate burden",
        ),
        (
            IssueReason::OutOfScope,
            "Content that’s not within the scope of the accessibility regulations",
        ),
    ] {
        let these: Vec<&Issue> = issues.iter().filter(|i| i.reason == reason).collect();
        if these.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {heading}\n");
        for i in these {
            let _ = writeln!(md, "- {}", i.text);
        }
        md.push('\n');
    }
}

fn preparation(md: &mut String, config: &SiteConfig, school: &School, org: &str, facts: &Facts) {
    let a = &school.accessibility;
    md.push_str("## Preparation of this accessibility statement\n\n");
    if let Some(p) = &a.prepared {
        let reviewed = a.last_reviewed().map_or(p, |r| r);
        let _ = writeln!(
            md,
            "This statement was prepared on {}. It was last reviewed on {}.\n",
            p.date.display, reviewed.date.display
        );
    }
    let today = facts.today.long();
    match (&a.tested, &a.tested_by) {
        (Some(t), by) => {
            let by = by.clone().unwrap_or_else(|| org.to_string());
            let _ = writeln!(
                md,
                "This website was last tested on {}. The test was carried out by {by}.\n",
                t.date.display
            );
        }
        (None, _) => {
            let _ = writeln!(
                md,
                "This website was last tested on {today}. The test was carried out by {org}, with the checks PolicyPress runs on every page and PDF each time the website is published.\n"
            );
        }
    }
    let _ = writeln!(
        md,
        "Each time this website is published (most recently on {today}), every page and PDF is checked, and a page that fails a check is not published:\n"
    );
    for rule in RuleId::ALL {
        if let Some(w) = rule.rule().wcag.as_ref()
            && config.rules.level(*rule) == Level::Error
        {
            let _ = writeln!(md, "- {} ({})", w.checked, names(w.criteria));
        }
    }
    md.push_str("- every PDF is a tagged PDF (PDF/UA-1): its headings, lists, tables and images’ text alternatives are marked for screen readers, and its language is set\n");
    if facts.layout_as_shipped {
        md.push_str("\nThe pages’ layout is PolicyPress’s own, unchanged. Before each release of PolicyPress it is tested on every page of a sample website, at phone and desktop widths, with the axe-core accessibility engine (against WCAG 2.2 AA), the Nu HTML checker, and a check of the order the keyboard moves through each page.\n");
    }
    md.push('\n');
}
