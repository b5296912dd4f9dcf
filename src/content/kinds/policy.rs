//! Policies: `content/policies/`, numbered sections, a PDF, and the approval and review
//! details in their front matter (`PolicyMeta`).

use serde::Deserialize;
use toml::Spanned;

use super::*;
use crate::dates::{parse_period, parse_school_date};
use crate::render::{ChangeCtx, PolicyCtx};

/// The declaration of policies: their folder, templates, PDF and numbered sections.
pub const KIND: KindDef = KindDef {
    kind: Kind::Policy,
    id: "policy",
    path: KindPath::Folder("policies"),
    section: Some("Policies"),
    template: "policy.html",
    print: Some(Print {
        template: "policy",
        words: "Policy",
    }),
    per_band: false,
    numbered: true,
    school_home: false,
    read,
    texts,
    page,
    list_line,
    print_bands: no_print_bands,
};

/// What a policy holds: its approval and review details.
pub type Data = PolicyMeta;

fn read(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let f = parse_toml::<PolicyFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    doc.data = KindData::Policy(policy_meta(f, &doc.source, diags));
    Ok(())
}

/// A policy's approval and review details, read from its front matter and shown on its page
/// and PDF.
#[derive(Debug, Clone, Default)]
pub struct PolicyMeta {
    /// The policy's version as the school writes it, such as "4.2".
    pub version: String,
    /// Who approved this version, such as "Full Governing Board".
    pub approved_by: String,
    /// When this version was approved.
    pub approved: Option<SchoolDate>,
    /// The reference of the meeting minute that records the approval.
    pub minute_ref: String,
    /// How often the policy is reviewed, such as "1 year".
    pub review_period: Option<Period>,
    /// When the policy is next due for review: as written, or else the approval date plus
    /// the review period.
    pub next_review: Option<SchoolDate>,
    /// The role responsible for the policy: a role id such as `dsl` (empty for none).
    pub owner: String,
    /// Whether the PDF ends with a sign-off block for the headteacher and the chair of
    /// governors (`sign_off = true`).
    pub sign_off: bool,
    /// Earlier versions, newest first as written: what changed and when.
    pub changes: Vec<Change>,
}

/// One version of a policy in its change history (`[[changes]]` in front matter).
#[derive(Debug, Clone)]
pub struct Change {
    /// The earlier version this entry describes, such as "4.1".
    pub version: String,
    /// When that version was issued, as written (an ISO date or a school term).
    pub date: SchoolDate,
    /// What changed in it (may be empty).
    pub summary: String,
}

/// Where a policy stands against its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    /// The review date is further off than the "due soon" warning period.
    Current,
    /// The review date is within the "due soon" warning period.
    DueSoon,
    /// The review date has passed.
    Overdue,
    /// No review date is known.
    Unknown,
}

impl ReviewStatus {
    /// The status's id for templates and CSS classes, such as `due-soon`.
    pub fn id(self) -> &'static str {
        match self {
            ReviewStatus::Current => "current",
            ReviewStatus::DueSoon => "due-soon",
            ReviewStatus::Overdue => "overdue",
            ReviewStatus::Unknown => "unknown",
        }
    }

    /// The status as readers see it, such as "Review due soon".
    pub fn words(self) -> &'static str {
        match self {
            ReviewStatus::Current => "Current",
            ReviewStatus::DueSoon => "Review due soon",
            ReviewStatus::Overdue => "Review overdue",
            ReviewStatus::Unknown => "No review date",
        }
    }
}

impl PolicyMeta {
    /// The policy's standing on `today`, warning `due_soon_days` ahead.
    pub fn review_status(&self, today: crate::dates::Date, due_soon_days: i64) -> ReviewStatus {
        match &self.next_review {
            None => ReviewStatus::Unknown,
            Some(next) => match today.days_until(next.end) {
                d if d < 0 => ReviewStatus::Overdue,
                d if d <= due_soon_days => ReviewStatus::DueSoon,
                _ => ReviewStatus::Current,
            },
        }
    }
}

front_matter! {
    struct PolicyFront {
        #[serde(default)]
        version: String,
        #[serde(default)]
        approved_by: String,
        approved: Option<Spanned<String>>,
        #[serde(default)]
        minute_ref: String,
        review_period: Option<Spanned<String>>,
        next_review: Option<Spanned<String>>,
        owner: Option<Spanned<String>>,
        #[serde(default)]
        sign_off: bool,
        #[serde(default)]
        changes: Vec<ChangeToml>,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeToml {
    version: String,
    date: Spanned<String>,
    #[serde(default)]
    summary: String,
}

fn policy_meta(f: PolicyFront, source: &SourceText, diags: &mut Vec<Diagnostic>) -> PolicyMeta {
    let mut date = |field: &Option<Spanned<String>>| {
        field
            .as_ref()
            .and_then(|s| match parse_school_date(s.get_ref()) {
                Ok(d) => Some(d),
                Err(e) => {
                    diags.push(
                        Diagnostic::error("invalid-date", &source.name, e.message)
                            .at(source, s.span().start)
                            .with_hint(e.hint),
                    );
                    None
                }
            })
    };
    let approved = date(&f.approved);
    let mut next_review = date(&f.next_review);
    let review_period = f
        .review_period
        .as_ref()
        .and_then(|s| match parse_period(s.get_ref()) {
            Ok(p) => Some(p),
            Err(e) => {
                diags.push(
                    Diagnostic::error("invalid-date", &source.name, e.message)
                        .at(source, s.span().start)
                        .with_hint(e.hint),
                );
                None
            }
        });
    if next_review.is_none()
        && let (Some(a), Some(p)) = (&approved, review_period)
    {
        next_review = Some(crate::dates::next_review(a, p));
    }
    // Checked against the schools' roles by the rules (`unknown-role`).
    let owner = f
        .owner
        .as_ref()
        .map(|o| o.get_ref().trim().to_string())
        .unwrap_or_default();
    let changes = f
        .changes
        .iter()
        .filter_map(|c| match parse_school_date(c.date.get_ref()) {
            Ok(date) => Some(Change {
                version: c.version.clone(),
                date,
                summary: c.summary.clone(),
            }),
            Err(e) => {
                diags.push(
                    Diagnostic::error("invalid-date", &source.name, e.message)
                        .at(source, c.date.span().start)
                        .with_hint(e.hint),
                );
                None
            }
        })
        .collect();
    PolicyMeta {
        changes,
        version: f.version,
        approved_by: f.approved_by,
        approved,
        minute_ref: f.minute_ref,
        review_period,
        next_review,
        owner,
        sign_off: f.sign_off,
    }
}

fn texts(data: &mut KindData) -> Vec<&mut String> {
    let KindData::Policy(p) = data else {
        return Vec::new();
    };
    let mut out = vec![
        &mut p.version,
        &mut p.approved_by,
        &mut p.minute_ref,
        &mut p.owner,
    ];
    for c in &mut p.changes {
        out.push(&mut c.version);
        out.push(&mut c.summary);
    }
    out
}

/// `page.policy`: the approval and review details.
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    if let Some(p) = doc.policy() {
        page.policy = Some(context(at.config, at.school, p, at.today));
    }
}

/// "Version 3, next review July 2026".
fn list_line(doc: &Document, _: &SiteConfig) -> String {
    let Some(p) = doc.policy() else {
        return String::new();
    };
    let mut parts = Vec::new();
    if !p.version.is_empty() {
        parts.push(format!("Version {}", p.version));
    }
    if let Some(r) = &p.next_review {
        parts.push(format!("next review {}", r.display));
    }
    parts.join(", ")
}

/// A policy's details as templates (and the status page) see them.
pub fn context(config: &SiteConfig, school: &School, p: &PolicyMeta, today: Date) -> PolicyCtx {
    let status = p.review_status(today, config.rules.settings.review_due_soon.days);
    let display = |d: &Option<SchoolDate>| d.as_ref().map(|d| d.display.clone()).unwrap_or_default();
    PolicyCtx {
        version: p.version.clone(),
        approved_by: p.approved_by.clone(),
        approved: display(&p.approved),
        minute_ref: p.minute_ref.clone(),
        review_period: p.review_period.map(|r| r.to_string()).unwrap_or_default(),
        next_review: display(&p.next_review),
        owner: if p.owner.is_empty() {
            PersonCtx::default()
        } else {
            person_ctx(school, &p.owner)
        },
        approved_iso: p
            .approved
            .as_ref()
            .map(|d| d.start.to_string())
            .unwrap_or_default(),
        next_review_iso: p
            .next_review
            .as_ref()
            .map(|d| d.end.to_string())
            .unwrap_or_default(),
        status: status.id().to_string(),
        status_text: status.words().to_string(),
        overdue_notice: status == ReviewStatus::Overdue
            && config.rules.settings.review_overdue.notice,
        changes: p
            .changes
            .iter()
            .map(|c| ChangeCtx {
                version: c.version.clone(),
                date: c.date.display.clone(),
                summary: c.summary.clone(),
            })
            .collect(),
    }
}
