//! The facts a policy states about itself (who approved it and when, its next review, its
//! minute, version and owner), read from the approval table or lines that templates carry,
//! for its front matter.

use crate::dates::{parse_period, parse_school_date};

/// A policy's facts, as they go into its front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// `approved_by`.
    pub approved_by: Option<String>,
    /// `approved`, as written (a date PolicyPress reads).
    pub approved: Option<String>,
    /// `next_review`, as written.
    pub next_review: Option<String>,
    /// `review_period`.
    pub review_period: Option<String>,
    /// `minute_ref`.
    pub minute_ref: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `owner`: a role key.
    pub owner: Option<String>,
}

/// What a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    ApprovedBy,
    Approved,
    NextReview,
    Period,
    Minute,
    Version,
    Owner,
}

fn fact_of(label: &str) -> Option<Fact> {
    let l = label
        .trim()
        .trim_end_matches([':', '.'])
        .to_lowercase()
        .replace('&', "and");
    let l = l.trim();
    if l.is_empty() || l.len() > 60 {
        return None;
    }
    let has = |w: &str| l.contains(w);
    Some(
        if has("next review")
            || has("review date")
            || has("date of review")
            || has("review due")
            || has("due for review")
        {
            Fact::NextReview
        } else if has("review period") || has("review cycle") || has("review frequency") {
            Fact::Period
        } else if (has("approved by") || has("ratified by") || l == "approver") && !has("date") {
            Fact::ApprovedBy
        } else if has("approv")
            || has("ratif")
            || has("last reviewed")
            || has("date reviewed")
            || has("was reviewed")
            || l == "date"
        {
            Fact::Approved
        } else if has("minute") {
            Fact::Minute
        } else if l == "version"
            || l == "version number"
            || l == "version no"
            || l == "policy version"
        {
            Fact::Version
        } else if has("owner") || l == "policy lead" || l == "responsible person" {
            Fact::Owner
        } else {
            return None;
        },
    )
}

/// The role key a policy owner written in words names (`DSL`, "Headteacher").
pub fn owner_role(value: &str) -> Option<&'static str> {
    let v = value.to_lowercase();
    let has = |w: &str| v.contains(w);
    Some(if has("deputy") && (has("dsl") || has("safeguarding")) {
        "deputy_dsl"
    } else if has("dsl") || has("safeguarding lead") {
        "dsl"
    } else if has("online safety") || has("online-safety") || has("e-safety") {
        "online_safety_lead"
    } else if has("head") || has("principal") {
        "headteacher"
    } else if has("data protection") || has("dpo") {
        "dpo"
    } else if has("computing") {
        "computing_lead"
    } else if has("governor") {
        "safeguarding_governor"
    } else {
        return None;
    })
}

/// A date inside `value` ("14th March 2022 — Governing Board"), as written, and the rest.
fn date_in(value: &str) -> Option<(String, String)> {
    let v = value.trim();
    if parse_school_date(v).is_ok() {
        return Some((v.to_string(), String::new()));
    }
    for sep in [" — ", " – ", " - ", ",", " by ", " (", ";"] {
        if let Some((a, b)) = v.split_once(sep) {
            let (a, b) = (a.trim(), b.trim().trim_end_matches(')'));
            if parse_school_date(a).is_ok() {
                return Some((a.to_string(), b.to_string()));
            }
            if parse_school_date(b).is_ok() {
                return Some((b.to_string(), a.to_string()));
            }
        }
    }
    None
}

/// What a label and value gave: `Ok(true)` when they are a fact taken into `facts`,
/// `Ok(false)` when the label names no fact, `Err(why)` when it does but the value can't be
/// used (a person must look).
pub fn take(facts: &mut Facts, label: &str, value: &str) -> Result<bool, String> {
    let Some(fact) = fact_of(label) else {
        return Ok(false);
    };
    let value = value.trim();
    let empty = value.is_empty()
        || value
            .trim_matches(['[', ']', ' ', '_', '.', '…'])
            .is_empty();
    if empty {
        return Err(format!("\"{}\" is not filled in", label.trim()));
    }
    let set = |slot: &mut Option<String>, v: &str| {
        if slot.is_none() {
            *slot = Some(v.to_string());
        }
    };
    match fact {
        Fact::ApprovedBy => set(&mut facts.approved_by, value),
        Fact::Minute => set(&mut facts.minute_ref, value),
        Fact::Version => set(&mut facts.version, value.trim_start_matches(['v', 'V'])),
        Fact::Owner => match owner_role(value) {
            Some(role) => set(&mut facts.owner, role),
            None => {
                return Err(format!(
                    "the owner \"{value}\" is not a role PolicyPress knows"
                ));
            }
        },
        Fact::Period => match parse_period(value) {
            Ok(_) => set(&mut facts.review_period, value),
            Err(e) => return Err(e.message),
        },
        Fact::Approved | Fact::NextReview => match date_in(value) {
            Some((date, rest)) => {
                if fact == Fact::Approved {
                    set(&mut facts.approved, &date);
                    let by = rest.trim_start_matches("by ").trim();
                    if !by.is_empty() {
                        set(&mut facts.approved_by, by);
                    }
                } else {
                    set(&mut facts.next_review, &date);
                }
            }
            None => {
                return Err(format!(
                    "\"{value}\" ({}) is not a date PolicyPress reads",
                    label.trim()
                ));
            }
        },
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_tables_and_lines() {
        let mut f = Facts::default();
        assert_eq!(
            take(
                &mut f,
                "Date this policy was reviewed and by whom",
                "14th March 2022 — Governing Board"
            ),
            Ok(true)
        );
        assert_eq!(
            take(&mut f, "Date of next review and by whom", "March 2023"),
            Ok(true)
        );
        assert_eq!(take(&mut f, "Minute No", "GB/22/07"), Ok(true));
        assert_eq!(take(&mut f, "Version", "2.1"), Ok(true));
        assert_eq!(take(&mut f, "Policy owner", "DSL"), Ok(true));
        assert_eq!(
            take(
                &mut f,
                "Designated Safeguarding Lead (DSL)",
                "Mr Dev Fixtureson"
            ),
            Ok(false)
        );
        assert_eq!(f.approved.as_deref(), Some("14th March 2022"));
        assert_eq!(f.approved_by.as_deref(), Some("Governing Board"));
        assert_eq!(f.next_review.as_deref(), Some("March 2023"));
        assert_eq!(f.owner.as_deref(), Some("dsl"));
        let mut g = Facts::default();
        assert_eq!(take(&mut g, "Approved by", "Governing Body"), Ok(true));
        assert_eq!(
            take(&mut g, "Date approved & ratified", "31/08/2024"),
            Ok(true)
        );
        assert_eq!(take(&mut g, "Review date", "Summer Term 2025"), Ok(true));
        assert_eq!(take(&mut g, "Owner", "Headteacher"), Ok(true));
        assert_eq!(g.approved.as_deref(), Some("31/08/2024"));
        assert!(take(&mut g, "Review date", "when needed").is_err());
        assert!(take(&mut g, "Version", "[ ]").is_err());
    }
}
