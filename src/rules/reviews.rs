//! The checks on filtering and monitoring review records: each complete, and each school's
//! latest no more than a year old.

use super::*;
use crate::content::kinds::KindData;
use crate::content::kinds::review::Review;

impl Checker<'_> {
    /// A review record holds what the standards ask: its date, provider and systems, the four
    /// duties among who took part (each a role), its checks, and the details of each check,
    /// decision and action.
    pub(super) fn check_review(&self, doc: &Document, r: &Review, diags: &mut Vec<Diagnostic>) {
        let source = &doc.source;
        for (id, at) in &r.participants {
            if !self.is_role(id) {
                diags.push(self.unknown_role(id, source, *at));
            }
        }
        let missing = r.missing();
        if !missing.is_empty() {
            diags.push(
                RuleId::ReviewRecordIncomplete
                    .error(
                        &source.name,
                        format!("this review record has no {}", missing.join("; no ")),
                    )
                    .at(source, 0)
                    .with_hint("add what is missing between the `+++` lines (docs/content.md, \"Filtering and monitoring reviews\", shows a whole record): the DfE's standards ask a school to record who reviewed, what was checked and what was decided"),
            );
        }
    }

    /// A school's latest review (among `docs`, the documents it publishes) is no more than a
    /// year old.
    pub fn check_latest_review<'a>(
        &self,
        school: &School,
        docs: impl Iterator<Item = &'a Document>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some((doc, r)) = crate::content::kinds::review::latest(docs) else {
            return;
        };
        let (Some(next), Some(reviewed)) = (r.next_due(), &r.reviewed) else {
            return;
        };
        if next >= self.today {
            return;
        }
        let mut d = RuleId::ReviewRecordOverdue
            .warning(
                &doc.source.name,
                format!(
                    "the latest filtering and monitoring review for {} was on {}, more than a year ago: the next was due by {}",
                    school.short_name,
                    reviewed.display,
                    next.long()
                ),
            )
            .with_hint("review filtering and monitoring with the DSL, the IT provider and the governor responsible, then record it as a new file in content/reviews/ (copy this one and change its date, checks and decisions)");
        if let Some(at) = r.at.get("reviewed") {
            d = d.at(&doc.source, *at);
        }
        diags.push(d);
    }
}

/// The review a document is, if it is one.
pub(super) fn review_of(doc: &Document) -> Option<&Review> {
    match &doc.data {
        KindData::Review(r) => Some(r),
        _ => None,
    }
}
