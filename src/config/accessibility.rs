//! `[accessibility]`: what a school's accessibility statement says beyond what the build
//! verifies (who to contact, how soon they answer, when the statement was prepared, reviewed
//! and tested, the school's own known issues). Written in site.toml for every school, and in
//! a school's file (or `[schools.<slug>.accessibility]`) for that school: a school's value
//! replaces the site's, and its `[[accessibility.issues]]` come after the site's.

use serde::Deserialize;
use toml::Spanned;

use crate::dates::{SchoolDate, parse_school_date};
use crate::diagnostics::{Diagnostic, SourceText};

/// `[accessibility]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccessibilityToml {
    organisation: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    response_days: Option<u32>,
    prepared: Option<Spanned<String>>,
    reviewed: Option<Spanned<String>>,
    tested: Option<Spanned<String>>,
    tested_by: Option<String>,
    improving: Option<String>,
    #[serde(default)]
    issues: Vec<IssueToml>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueToml {
    what: String,
    #[serde(default)]
    criteria: Vec<Spanned<String>>,
    #[serde(default)]
    reason: Option<Spanned<String>>,
    #[serde(default)]
    fix_by: Option<Spanned<String>>,
}

/// How many days a school takes to answer a request for another format, unless it says.
pub const DEFAULT_RESPONSE_DAYS: u32 = 10;

/// A date of `[accessibility]`, with where it is written (for findings about it).
#[derive(Debug, Clone)]
pub struct PlacedDate {
    /// The date as read.
    pub date: SchoolDate,
    /// The settings file it is written in (`site.toml`, `content/schools/oak/school.toml`).
    pub file: String,
    /// The byte offset of its value in that file.
    pub offset: usize,
}

/// Why content the statement lists is not accessible: the model statement's three headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueReason {
    /// It fails the standard and will be fixed ("Non-compliance with the accessibility
    /// regulations").
    NonCompliance,
    /// Fixing it now would be a disproportionate burden.
    DisproportionateBurden,
    /// The regulations do not cover it (older PDFs, live video, third-party content…).
    OutOfScope,
}

/// One known issue a school lists itself (`[[accessibility.issues]]`).
#[derive(Debug, Clone)]
pub struct KnownIssue {
    /// What is not accessible, and what it means for someone using the site.
    pub what: String,
    /// The WCAG 2.2 success criteria it fails (`1.2.2`), each a known one.
    pub criteria: Vec<String>,
    /// Why it is listed.
    pub reason: IssueReason,
    /// When the school plans to fix it, as written.
    pub fix_by: Option<SchoolDate>,
}

/// A school's accessibility settings, its own over the site's.
#[derive(Debug, Clone, Default)]
pub struct Accessibility {
    /// Who runs the site, in the statement's words (the school's name unless given).
    pub organisation: Option<String>,
    /// Where to ask for another format or report a problem (the school's e-mail unless given).
    pub email: Option<String>,
    /// The phone number for the same (the school's unless given).
    pub phone: Option<String>,
    /// How many days the school takes to answer.
    pub response_days: u32,
    /// When the statement was first prepared.
    pub prepared: Option<PlacedDate>,
    /// When it was last reviewed.
    pub reviewed: Option<PlacedDate>,
    /// When someone last tested the site by hand (beyond the build's own checks).
    pub tested: Option<PlacedDate>,
    /// Who did that test.
    pub tested_by: Option<String>,
    /// What the school is doing to improve accessibility, in its words.
    pub improving: String,
    /// The school's own known issues.
    pub issues: Vec<KnownIssue>,
}

impl Accessibility {
    /// The date the statement was last looked at: its review, else its preparation.
    pub fn last_reviewed(&self) -> Option<&PlacedDate> {
        self.reviewed.as_ref().or(self.prepared.as_ref())
    }
}

/// The settings of a school: the site's `[accessibility]` (`site`, in `site_source`), then
/// the school's own (`own`, in `source`) over it.
pub(super) fn read(
    site: Option<&AccessibilityToml>,
    site_source: &SourceText,
    own: Option<&AccessibilityToml>,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) -> Accessibility {
    let mut out = Accessibility {
        response_days: DEFAULT_RESPONSE_DAYS,
        ..Accessibility::default()
    };
    for (raw, src) in [(site, site_source), (own, source)] {
        if let Some(raw) = raw {
            apply(&mut out, raw, src, diags);
        }
    }
    out
}

fn apply(
    out: &mut Accessibility,
    raw: &AccessibilityToml,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) {
    let text = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if let Some(v) = text(&raw.organisation) {
        out.organisation = Some(v);
    }
    if let Some(v) = text(&raw.email) {
        out.email = Some(v);
    }
    if let Some(v) = text(&raw.phone) {
        out.phone = Some(v);
    }
    if let Some(days) = raw.response_days {
        if days == 0 || days > 60 {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("`response_days = {days}` is not a number of days a reply can take"),
                )
                .at(source, super::find_offset(&source.text, "response_days"))
                .with_hint("give the number of days the school takes to answer, from 1 to 60, e.g. `response_days = 10`"),
            );
        } else {
            out.response_days = days;
        }
    }
    for (key, value, slot) in [
        ("prepared", &raw.prepared, &mut out.prepared),
        ("reviewed", &raw.reviewed, &mut out.reviewed),
        ("tested", &raw.tested, &mut out.tested),
    ] {
        if let Some(v) = value
            && let Some(date) = date(key, v, source, diags)
        {
            *slot = Some(PlacedDate {
                date,
                file: source.name.clone(),
                offset: v.span().start,
            });
        }
    }
    if let Some(v) = text(&raw.tested_by) {
        out.tested_by = Some(v);
    }
    if let Some(v) = text(&raw.improving) {
        out.improving = v;
    }
    for issue in &raw.issues {
        if let Some(i) = known_issue(issue, source, diags) {
            out.issues.push(i);
        }
    }
}

fn date(
    key: &str,
    value: &Spanned<String>,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) -> Option<SchoolDate> {
    match parse_school_date(value.get_ref()) {
        Ok(d) => Some(d),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("`{key}` under [accessibility]: {}", e.message),
                )
                .at(source, value.span().start)
                .with_hint(e.hint),
            );
            None
        }
    }
}

fn known_issue(
    raw: &IssueToml,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) -> Option<KnownIssue> {
    let mut ok = true;
    let mut criteria = Vec::new();
    for c in &raw.criteria {
        let number = c.get_ref().trim();
        if crate::ruleset::wcag::criterion(number).is_some() {
            criteria.push(number.to_string());
        } else {
            ok = false;
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("\"{number}\" is not a WCAG 2.2 A or AA success criterion"),
                )
                .at(source, c.span().start)
                .with_hint("write the success criterion's number, such as \"1.2.2\" (Captions (Prerecorded)) or \"1.4.3\" (Contrast (Minimum))"),
            );
        }
    }
    let reason = match raw
        .reason
        .as_ref()
        .map(|r| (r.get_ref().trim(), r.span().start))
    {
        None | Some(("non-compliance", _)) => IssueReason::NonCompliance,
        Some(("disproportionate-burden", _)) => IssueReason::DisproportionateBurden,
        Some(("out-of-scope", _)) => IssueReason::OutOfScope,
        Some((other, at)) => {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("`reason = \"{other}\"` is not one of the model statement's reasons"),
                )
                .at(source, at)
                .with_hint("write \"non-compliance\" (it fails the standard and you will fix it), \"disproportionate-burden\" or \"out-of-scope\""),
            );
            return None;
        }
    };
    if raw.what.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                "invalid-settings",
                &source.name,
                "an [[accessibility.issues]] entry has no `what`",
            )
            .at(source, super::find_offset(&source.text, "[[accessibility.issues]]"))
            .with_hint("say what is not accessible and what it means for the reader, e.g. what = \"The videos on the e-safety day page have no captions.\""),
        );
        ok = false;
    }
    let fix_by = match &raw.fix_by {
        Some(v) => Some(date("fix_by", v, source, diags)?),
        None => None,
    };
    ok.then(|| KnownIssue {
        what: raw.what.trim().to_string(),
        criteria,
        reason,
        fix_by,
    })
}
