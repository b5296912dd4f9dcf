//! Filtering and monitoring reviews: `content/reviews/`, the record the DfE's filtering and
//! monitoring standards ask a school to keep of each review (at least once a year, and when
//! something changes): who took part (by role, so names follow the school's data), the
//! provider and systems, the checks made, what is blocked or allowed and why, and the
//! actions with their owners and dates. A governors' page and PDF; the school's parents'
//! summary (`/filtering-and-monitoring/`) is made from its latest one.

use serde::Deserialize;
use toml::Spanned;

use super::*;
use crate::dates::parse_school_date;
use crate::render::{ReviewActionCtx, ReviewCheckCtx, ReviewCtx, ReviewDecisionCtx};

/// The declaration of review records: their folder, templates and PDF.
pub const KIND: KindDef = KindDef {
    kind: Kind::Review,
    id: "review-record",
    path: KindPath::Folder("reviews"),
    // Not in the navigation: the status page (the governors') links each record, and every
    // footer the parents' summary.
    section: None,
    template: "review.html",
    print: Some(Print {
        template: "review",
        words: "Filtering and monitoring review",
    }),
    per_band: false,
    numbered: false,
    school_home: false,
    read,
    texts,
    page,
    list_line,
    print_bands: no_print_bands,
};

/// What a review record holds.
pub type Data = Review;

/// The duties the standards ask to take part in a review, each with the role keys that can
/// fill it (a school's own roles count when their key names the duty, as `*governor*`).
pub const DUTIES: &[(&str, &[&str])] = &[
    (
        "a senior leader responsible for filtering and monitoring",
        &["filtering_lead", "headteacher", "setting_manager", "trust_safeguarding_lead"],
    ),
    ("the Designated Safeguarding Lead", &["dsl", "deputy_dsl"]),
    ("the governor responsible", &["safeguarding_governor", "chair_of_governors"]),
    ("the IT service provider", &["it_provider", "network_manager"]),
];

/// Whether role `id` can fill `duty`'s place (one of [`DUTIES`]).
pub fn fills(duty: &[&str], id: &str) -> bool {
    duty.contains(&id) || (duty.contains(&"safeguarding_governor") && id.contains("governor"))
}

/// One review's record.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// When the review was held.
    pub reviewed: Option<SchoolDate>,
    /// Why it was held: the yearly review, or what changed.
    pub why: String,
    /// Who provides the school's filtering and monitoring (its IT service or broadband).
    pub provider: String,
    /// The filtering system, as its provider names it.
    pub filtering: String,
    /// How the school monitors: the system, and the staff's part.
    pub monitoring: String,
    /// Who took part: role keys, with where each is written.
    pub participants: Vec<(String, usize)>,
    /// What was checked.
    pub checks: Vec<Check>,
    /// What is blocked or allowed, and why.
    pub decisions: Vec<Decision>,
    /// What is to be done.
    pub actions: Vec<Action>,
    /// Where each key of the front matter is, for findings.
    pub at: std::collections::HashMap<&'static str, usize>,
}

/// One check made in a review (`[[checks]]`).
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// What was checked, and how.
    pub what: String,
    /// When.
    pub date: Option<SchoolDate>,
    /// What was found.
    pub result: String,
    /// Whether it found what it should.
    pub passed: Option<bool>,
    /// Where the entry is in the file.
    pub at: usize,
}

/// One block or allow decision (`[[decisions]]`).
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// The site, service or category.
    pub what: String,
    /// `blocked` or `allowed`.
    pub decision: String,
    /// Who it applies to ("pupils", "staff"), if not everyone.
    pub applies_to: String,
    /// Why.
    pub reason: String,
    /// Where the entry is in the file.
    pub at: usize,
}

/// One action agreed in a review (`[[actions]]`).
#[derive(Debug, Clone, Default)]
pub struct Action {
    /// What is to be done.
    pub what: String,
    /// Who does it: a role key, or words.
    pub owner: String,
    /// By when.
    pub due: Option<SchoolDate>,
    /// Whether it is done.
    pub done: bool,
    /// Where the entry is in the file.
    pub at: usize,
}

front_matter! {
    struct ReviewFront {
        reviewed: Option<Spanned<String>>,
        #[serde(default)]
        why: String,
        #[serde(default)]
        provider: String,
        #[serde(default)]
        filtering: String,
        #[serde(default)]
        monitoring: String,
        #[serde(default)]
        participants: Vec<Spanned<String>>,
        #[serde(default)]
        checks: Vec<Spanned<CheckToml>>,
        #[serde(default)]
        decisions: Vec<Spanned<DecisionToml>>,
        #[serde(default)]
        actions: Vec<Spanned<ActionToml>>,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckToml {
    #[serde(default)]
    what: String,
    date: Option<Spanned<String>>,
    #[serde(default)]
    result: String,
    passed: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionToml {
    #[serde(default)]
    what: String,
    decision: Spanned<String>,
    #[serde(default)]
    applies_to: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionToml {
    #[serde(default)]
    what: String,
    #[serde(default)]
    owner: String,
    due: Option<Spanned<String>>,
    #[serde(default)]
    done: bool,
}

fn read(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let f = parse_toml::<ReviewFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    let source = &doc.source;
    let mut date = |s: &Option<Spanned<String>>| {
        let s = s.as_ref()?;
        match parse_school_date(s.get_ref()) {
            Ok(d) => Some(d),
            Err(e) => {
                diags.push(
                    Diagnostic::error("invalid-date", &source.name, e.message)
                        .at(source, s.span().start)
                        .with_hint(e.hint),
                );
                None
            }
        }
    };
    let mut at = std::collections::HashMap::new();
    if let Some(r) = &f.reviewed {
        at.insert("reviewed", r.span().start);
    }
    let reviewed = date(&f.reviewed);
    let checks = f
        .checks
        .iter()
        .map(|c| {
            let span = c.span().start;
            let c = c.get_ref();
            Check {
                what: c.what.trim().to_string(),
                date: date(&c.date),
                result: c.result.trim().to_string(),
                passed: c.passed,
                at: span,
            }
        })
        .collect();
    let actions = f
        .actions
        .iter()
        .map(|a| {
            let span = a.span().start;
            let a = a.get_ref();
            Action {
                what: a.what.trim().to_string(),
                owner: a.owner.trim().to_string(),
                due: date(&a.due),
                done: a.done,
                at: span,
            }
        })
        .collect();
    let mut decisions = Vec::new();
    for d in &f.decisions {
        let span = d.span().start;
        let d = d.get_ref();
        let decision = d.decision.get_ref().trim().to_ascii_lowercase();
        if decision != "blocked" && decision != "allowed" {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &source.name,
                    format!("`decision = \"{}\"` is neither \"blocked\" nor \"allowed\"", d.decision.get_ref()),
                )
                .at(source, d.decision.span().start)
                .with_hint("write `decision = \"blocked\"` or `decision = \"allowed\"`, and give the reason"),
            );
        }
        decisions.push(Decision {
            what: d.what.trim().to_string(),
            decision,
            applies_to: d.applies_to.trim().to_string(),
            reason: d.reason.trim().to_string(),
            at: span,
        });
    }
    doc.data = KindData::Review(Review {
        reviewed,
        why: f.why.trim().to_string(),
        provider: f.provider.trim().to_string(),
        filtering: f.filtering.trim().to_string(),
        monitoring: f.monitoring.trim().to_string(),
        participants: f
            .participants
            .iter()
            .map(|p| (p.get_ref().trim().to_string(), p.span().start))
            .collect(),
        checks,
        decisions,
        actions,
        at,
    });
    Ok(())
}

impl Review {
    /// The day the next review is due by: a year after this one.
    pub fn next_due(&self) -> Option<Date> {
        self.reviewed.as_ref().map(|d| d.end.add_months(12))
    }

    /// What the record lacks of what the standards ask it to hold, in words (empty when
    /// nothing); roles are checked against `is_role`.
    pub fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.reviewed.is_none() {
            out.push("the date of the review (`reviewed`)".to_string());
        }
        for (key, value) in [
            ("provider", &self.provider),
            ("filtering", &self.filtering),
            ("monitoring", &self.monitoring),
        ] {
            if value.is_empty() {
                out.push(format!("`{key}`"));
            }
        }
        for (duty, roles) in DUTIES {
            if !self.participants.iter().any(|(p, _)| fills(roles, p)) {
                out.push(format!("{duty} among `participants` (one of {})", roles.join(", ")));
            }
        }
        if self.checks.is_empty() {
            out.push("a check of what the filtering blocks or the monitoring reports (`[[checks]]`)".into());
        }
        for (i, c) in self.checks.iter().enumerate() {
            if c.what.is_empty() || c.date.is_none() || c.result.is_empty() {
                out.push(format!("the `what`, `date` and `result` of check {}", i + 1));
            }
        }
        for (i, d) in self.decisions.iter().enumerate() {
            if d.what.is_empty() || d.reason.is_empty() {
                out.push(format!("the `what` and `reason` of decision {}", i + 1));
            }
        }
        for (i, a) in self.actions.iter().enumerate() {
            if a.what.is_empty() || a.owner.is_empty() || a.due.is_none() {
                out.push(format!("the `what`, `owner` and `due` of action {}", i + 1));
            }
        }
        out
    }
}

fn texts(data: &mut KindData) -> Vec<&mut String> {
    let KindData::Review(r) = data else {
        return Vec::new();
    };
    let mut out = vec![&mut r.why, &mut r.provider, &mut r.filtering, &mut r.monitoring];
    for c in &mut r.checks {
        out.extend([&mut c.what, &mut c.result]);
    }
    for d in &mut r.decisions {
        out.extend([&mut d.what, &mut d.applies_to, &mut d.reason]);
    }
    for a in &mut r.actions {
        out.extend([&mut a.what, &mut a.owner]);
    }
    out
}

/// `page.review`: the record's details.
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    if let KindData::Review(r) = &doc.data {
        page.review = Some(context(at.school, r, at.today));
    }
}

/// "Reviewed 15 September 2026".
fn list_line(doc: &Document, _: &SiteConfig) -> String {
    match &doc.data {
        KindData::Review(Review {
            reviewed: Some(d), ..
        }) => format!("Reviewed {}", d.display),
        _ => String::new(),
    }
}

/// The latest review among `docs` (by its date; one without a date never counts).
pub fn latest<'a>(docs: impl Iterator<Item = &'a Document>) -> Option<(&'a Document, &'a Review)> {
    docs.filter_map(|d| match &d.data {
        KindData::Review(r) if r.reviewed.is_some() => Some((d, r)),
        _ => None,
    })
    .max_by_key(|(d, r)| (r.reviewed.as_ref().map(|x| x.start), d.rel.clone()))
}

/// A person in a role as a record shows them: "Designated Safeguarding Lead: Mr A Sample".
fn who(school: &School, id: &str) -> String {
    let p = person_ctx(school, id);
    if p.name.is_empty() {
        p.title
    } else {
        format!("{}: {}", p.title, p.name)
    }
}

/// A record as templates, the PDF and the status page see it.
pub fn context(school: &School, r: &Review, today: Date) -> ReviewCtx {
    let next = r.next_due();
    ReviewCtx {
        reviewed: r.reviewed.as_ref().map(|d| d.display.clone()).unwrap_or_default(),
        reviewed_iso: r.reviewed.as_ref().map(|d| d.start.to_string()).unwrap_or_default(),
        next_due: next.map(Date::long).unwrap_or_default(),
        overdue: next.is_some_and(|n| n < today),
        why: r.why.clone(),
        provider: r.provider.clone(),
        filtering: r.filtering.clone(),
        monitoring: r.monitoring.clone(),
        participants: r.participants.iter().map(|(id, _)| who(school, id)).collect(),
        checks: r
            .checks
            .iter()
            .map(|c| ReviewCheckCtx {
                what: c.what.clone(),
                date: c.date.as_ref().map(|d| d.display.clone()).unwrap_or_default(),
                result: c.result.clone(),
                outcome: match c.passed {
                    Some(true) => "Passed".into(),
                    Some(false) => "Not passed: see the actions".into(),
                    None => String::new(),
                },
            })
            .collect(),
        decisions: r
            .decisions
            .iter()
            .map(|d| ReviewDecisionCtx {
                what: d.what.clone(),
                decision: if d.decision == "allowed" { "Allowed" } else { "Blocked" }.into(),
                applies_to: if d.applies_to.is_empty() {
                    "Everyone".into()
                } else {
                    d.applies_to.clone()
                },
                reason: d.reason.clone(),
            })
            .collect(),
        actions: r
            .actions
            .iter()
            .map(|a| ReviewActionCtx {
                what: a.what.clone(),
                owner: if school.roles.role(&a.owner).is_some() || crate::config::role_title(&a.owner).is_some() {
                    who(school, &a.owner)
                } else {
                    a.owner.clone()
                },
                due: a.due.as_ref().map(|d| d.display.clone()).unwrap_or_default(),
                status: if a.done {
                    "Done".into()
                } else if a.due.as_ref().is_some_and(|d| d.end < today) {
                    "Overdue".into()
                } else {
                    "Open".into()
                },
            })
            .collect(),
    }
}
