//! The checks on a document's front matter and its file's name.

use super::*;

impl Checker<'_> {
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
        let review = super::reviews::review_of(doc);
        if let Some(r) = review {
            values.extend([&r.why, &r.provider, &r.filtering, &r.monitoring]);
            for c in &r.checks {
                values.extend([&c.what, &c.result]);
            }
            for d in &r.decisions {
                values.extend([&d.what, &d.applies_to, &d.reason]);
            }
            for a in &r.actions {
                values.extend([&a.what, &a.owner]);
            }
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
        if let Some(r) = review {
            self.check_review(doc, r, diags);
        }
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
            if !p.owner.is_empty() && !self.is_role(&p.owner) {
                diags.push(self.unknown_role(&p.owner, source, key_at("owner").unwrap_or(0)));
            }
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
}

impl Checker<'_> {
    /// Whether `id` is a known role or one a school of the site names.
    pub(super) fn is_role(&self, id: &str) -> bool {
        self.roles.iter().any(|r| r == id)
    }

    /// The error for a policy `owner` that is no role, at `at` of its file.
    pub(super) fn unknown_role(&self, owner: &str, source: &SourceText, at: usize) -> Diagnostic {
        let ids: Vec<&str> = self.roles.iter().map(String::as_str).collect();
        let hint = match crate::diagnostics::did_you_mean(owner, ids.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? The owner is a role: {}, or one a school names in `[roles.…]`",
                ids.join(", ")
            ),
            None => format!(
                "use a role: {}, or one a school names in `[roles.…]` of its school.toml",
                ids.join(", ")
            ),
        };
        Diagnostic::error(
            "unknown-role",
            &source.name,
            format!("unknown role `{owner}`"),
        )
        .at(source, at)
        .with_hint(hint)
    }
}
