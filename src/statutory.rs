//! What each school must publish online, and where it stands: for a school that gives its
//! type under `[publishing]`, each item of `data/statutory.toml` for that type is present (a
//! page of the site, or an address on the school's website), out of date (its policy is
//! overdue for review) or missing. The status page's table and the `statutory-missing` rule
//! both read [`rows`].

use crate::config::{School, SiteConfig};
use crate::content::{Document, ReviewStatus};
use crate::dates::Date;
use crate::ruleset::statutory_missing::statutory;

/// Where one item stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// On a page of this site (its web path).
    Here(String),
    /// On the school's own website (its address).
    Elsewhere(String),
    /// Shown on every page by PolicyPress (the school's contact details).
    Shown,
    /// On a page of this site, but out of date: its web path, the day it was due for review
    /// in words, and whether that is its own review date (which `policy-review-overdue`
    /// already reports) rather than the longest the guidance allows.
    OutOfDate(String, String, bool),
    /// Not published, or its `@/` page is not on the site (the path given, if any).
    Missing(Option<String>),
}

/// One item for one school.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its id (`behaviour-policy`).
    pub id: String,
    /// What it is.
    pub title: String,
    /// Where it stands.
    pub standing: Standing,
    /// The guidance that asks for it.
    pub source: String,
    /// Where the school's file says where it is (for findings), if it does.
    pub offset: Option<usize>,
}

/// The name of a school type as a sentence says it ("a maintained school").
pub fn type_name(key: &str) -> Option<&'static str> {
    statutory().types.get(key).map(|t| t.name.as_str())
}

/// Each item `school` must publish and where it stands; none when it gives no type. `docs`
/// are the documents it publishes, by path.
pub fn rows(
    config: &SiteConfig,
    school: &School,
    docs: &std::collections::BTreeMap<&str, &Document>,
    today: Date,
) -> Vec<Row> {
    let data = statutory();
    let Some(kind) = &school.publishing.school_type else {
        return Vec::new();
    };
    let Some(school_type) = data.types.get(kind) else {
        return Vec::new();
    };
    let base = config.school_base(school);
    data.item
        .iter()
        .filter(|i| i.types.iter().any(|t| t == kind))
        .map(|item| {
            let given = school
                .publishing
                .items
                .iter()
                .find(|(id, _, _)| *id == item.id);
            let standing = match (given, item.auto.as_deref()) {
                (Some((_, at, _)), _) => match at.strip_prefix("@/") {
                    Some(rel) => match docs.get(rel) {
                        Some(d) => {
                            let url = format!("{base}{}", d.slug_path());
                            match overdue(d, item.review_months, today, config) {
                                Some((since, own)) => Standing::OutOfDate(url, since, own),
                                None => Standing::Here(url),
                            }
                        }
                        None => Standing::Missing(Some(at.clone())),
                    },
                    None => Standing::Elsewhere(at.clone()),
                },
                (None, Some("contact")) => {
                    let c = &school.contact;
                    if !c.address.trim().is_empty()
                        && !(c.phone.trim().is_empty() && c.email.trim().is_empty())
                    {
                        Standing::Shown
                    } else {
                        Standing::Missing(None)
                    }
                }
                (None, _) => Standing::Missing(None),
            };
            Row {
                id: item.id.clone(),
                title: item.title.clone(),
                standing,
                source: item
                    .source
                    .clone()
                    .unwrap_or_else(|| school_type.source.clone()),
                offset: given.map(|(_, _, o)| *o),
            }
        })
        .collect()
}

/// When a policy of the site is out of date for an item: its review is overdue, or it was
/// approved longer ago than the item allows. The date it became so, in words, and whether
/// that is the policy's own review date.
fn overdue(
    doc: &Document,
    review_months: Option<u32>,
    today: Date,
    config: &SiteConfig,
) -> Option<(String, bool)> {
    let p = doc.policy()?;
    if p.review_status(today, config.rules.settings.review_due_soon.days) == ReviewStatus::Overdue {
        return p.next_review.as_ref().map(|d| (d.display.clone(), true));
    }
    let months = review_months?;
    let approved = p.approved.as_ref()?;
    let due = crate::dates::next_review(approved, crate::dates::Period { months });
    (due.end < today).then(|| (due.display, false))
}
