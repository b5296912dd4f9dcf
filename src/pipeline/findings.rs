//! The findings of a run: the rules' checker set up for the site, findings about documents
//! and the site as a whole, and the last step every finding goes through (severity, allows,
//! names redacted).

use super::*;
use crate::diagnostics::SourceText;

/// The checker with everything the rules need from the site.
pub fn checker(site: &Site) -> Checker<'_> {
    let config = &site.config;
    let mut official_domains: Vec<String> = config
        .schools
        .iter()
        .flat_map(|s| {
            s.email_domains
                .iter()
                .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        })
        .collect();
    official_domains.extend(
        config
            .rules
            .settings
            .personal_email
            .allowed_domains
            .iter()
            .cloned(),
    );
    Checker {
        config: &config.rules,
        roster: site.roster.as_ref(),
        official_domains,
        today: site.today,
        staff_pairs: crate::rules::staff_pairs(&config.schools),
        roles: crate::config::role_keys(&config.schools),
        contact_phones: crate::rules::contact_phones(&site.content.contacts),
        static_files: site
            .static_files
            .iter()
            .map(|(rel, _)| rel)
            .chain(&site.refused_static)
            .cloned()
            .collect(),
        images: site
            .content
            .images
            .iter()
            .map(|i| (i.file.clone(), i.clone()))
            .collect(),
        base_path: config.base_path.clone(),
    }
}

/// The findings about one document's front matter and file name (none for a draft).
pub(super) fn document_findings(checker: &Checker<'_>, doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !doc.meta.draft {
        checker.check_document(doc, &mut out);
    }
    out
}

/// Findings about the site as a whole (images, schools, static files), checked once
/// whatever the number of schools.
pub(super) fn global_findings(site: &Site, checker: &Checker<'_>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    checker.check_images(
        &site.content.images,
        site.content.images_source.as_ref(),
        &mut diags,
    );
    for school in &site.config.schools {
        let source = site
            .school_sources
            .iter()
            .find(|(slug, _)| *slug == school.slug)
            .map(|(_, s)| s);
        checker.check_school(school, source, &mut diags);
        let sources: Vec<&SourceText> = source.into_iter().chain([&site.site_source]).collect();
        checker.check_statement(school, &sources, &mut diags);
        let docs = crate::content::for_school(&site.content.documents, &school.slug);
        checker.check_latest_review(
            school,
            docs.values().map(|&i| &site.content.documents[i]),
            &mut diags,
        );
        let by_path = docs
            .iter()
            .map(|(rel, &i)| (rel.as_str(), &site.content.documents[i]))
            .collect();
        let rows = crate::statutory::rows(&site.config, school, &by_path, site.today);
        checker.check_statutory(school, &rows, &sources, &mut diags);
    }
    for rel in site
        .static_files
        .iter()
        .map(|(rel, _)| rel)
        .chain(&site.refused_static)
    {
        checker.check_file_name(&format!("static/{rel}"), &mut diags);
    }
    checker.check_site(&site.config, Some(&site.site_source), &mut diags);
    checker.check_contacts(
        &site.content.contacts,
        site.contacts_source.as_ref(),
        &mut diags,
    );
    for source in &site.template_sources {
        checker.check_template(source, &mut diags);
    }
    for (file, field) in &site.image_text {
        checker.check_image_text(file, field, &mut diags);
    }
    for texts in site.file_text.chunk_by(|a, b| a.file == b.file) {
        checker.check_file_texts(texts, &mut diags);
    }
    diags
}

/// The documents' `[[allow]]` entries, by file, with each file's text.
pub fn allows(documents: &[crate::content::Document]) -> crate::ruleset::Allows<'_> {
    documents
        .iter()
        .filter(|d| !d.meta.allow.is_empty())
        .map(|d| {
            let entry = (d.meta.allow.as_slice(), d.source.text.as_str());
            (d.source.name.clone(), entry)
        })
        .collect()
}

/// Applies severities and `allow` entries, redacts pupils' names, sorts.
pub fn finish_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    site.config
        .rules
        .apply(diags, &allows(&site.content.documents));
    if let Some(roster) = &site.roster {
        // Names the last gate found in published pages that are already reported where
        // they are written: one finding per cause.
        let key = |name: &str| {
            let name = crate::roster::decode_references(name);
            let w: Vec<String> = crate::roster::words(&name)
                .map(|(_, w)| crate::roster::normalise_word(w))
                .filter(|w| !w.is_empty())
                .collect();
            match (w.first(), w.last()) {
                (Some(a), Some(b)) => format!("{a} {b}"),
                _ => String::new(),
            }
        };
        let gate = |d: &Diagnostic| {
            d.rule == RuleId::PupilFullName.as_str()
                && d.message.starts_with(crate::rules::PUBLISHED_NAME)
        };
        let mut known = HashSet::new();
        for d in diags
            .iter()
            .filter(|d| d.rule == RuleId::PupilFullName.as_str() && !gate(d))
        {
            if let Some(snippet) = &d.snippet {
                for r in roster.find(snippet) {
                    known.insert(key(&snippet[r]));
                }
            }
        }
        // And one finding per name: the first output it is found in (pages come before the
        // search indexes and feeds made from them).
        let mut seen = HashSet::new();
        diags.retain(|d| {
            !gate(d)
                || d.snippet.as_deref().is_none_or(|name| {
                    let k = key(name);
                    !known.contains(&k) && seen.insert(k)
                })
        });
        // The snippet only carried the name this far.
        for d in diags.iter_mut().filter(|d| gate(d)) {
            d.snippet = None;
        }
    }
    redact(site, diags);
    normalise(diags);
}

/// Any finding's line, message or hint could show a pupil's name (a class named after one,
/// a file): print initials only, so logs (CI's included) never hold a name.
pub fn redact(site: &Site, diags: &mut [Diagnostic]) {
    let Some(roster) = &site.roster else {
        return;
    };
    for d in diags.iter_mut() {
        if let Some(snippet) = &mut d.snippet {
            *snippet = crate::roster::redact_in(roster, snippet);
        }
        d.message = crate::roster::redact_in(roster, &d.message);
        if let Some(hint) = &mut d.hint {
            *hint = crate::roster::redact_in(roster, hint);
        }
        // A folder or file named after a pupil shows in every finding about the file.
        d.file = crate::roster::redact_in(roster, &d.file);
    }
}
