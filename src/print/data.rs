//! What a print template gets: the document's details as `data`, and the context the
//! Markdown-to-Typst walk asks (links, images, names).

use super::*;

/// Links and images of one document, as print sees them.
pub(super) struct PrintContext<'a> {
    pub(super) site: &'a Model<'a>,
    /// The pipeline's resolver of `@/` links, for the document's school.
    pub(super) links: Box<dyn crate::markdown::LinkResolver + 'a>,
    /// Images given to the world: virtual path and bytes.
    pub(super) files: Vec<(String, Vec<u8>)>,
    pub(super) cache: HashMap<String, Option<(String, bool)>>,
}

impl emit::Context for PrintContext<'_> {
    fn link(&self, dest: &str) -> LinkTarget {
        let dest = dest.trim();
        let config = &self.site.config;
        // Refused addresses are reported when the page renders; in print they are text.
        if crate::url_policy::check(dest).is_err() {
            return LinkTarget::None;
        }
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, anchor) = target
                .split_once('#')
                .map_or((target, None), |(p, a)| (p, Some(a)));
            // A broken link is reported where the page renders; in print it is text.
            return match self.links.resolve(path, anchor) {
                Ok(url) => LinkTarget::External(config.absolute_url(&url)),
                Err(_) => LinkTarget::None,
            };
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            return if anchor.is_empty() {
                LinkTarget::None
            } else {
                LinkTarget::Internal(format!("h-{anchor}"))
            };
        }
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:")
            || lower.starts_with("tel:")
        {
            return LinkTarget::External(dest.to_string());
        }
        if dest.starts_with('/') && !dest.starts_with("//") {
            return LinkTarget::External(config.absolute_url(dest));
        }
        LinkTarget::None
    }

    fn image(&mut self, src: &str) -> Option<(String, bool)> {
        if let Some(hit) = self.cache.get(src) {
            return hit.clone();
        }
        let config = &self.site.config;
        let rel = src
            .trim()
            .strip_prefix(config.base_path.as_str())
            .unwrap_or(src.trim())
            .trim_start_matches('/')
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let supported = matches!(
            ext.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp"
        );
        let found = self
            .site
            .static_files
            .iter()
            .find(|(p, _)| *p == rel)
            .filter(|_| supported);
        let result = found.and_then(|(_, source)| {
            let bytes = match source {
                crate::published::Source::Bytes(b) => b.clone(),
                crate::published::Source::Verified { path, .. } => std::fs::read(path).ok()?,
            };
            // Typst decodes by the name: name the copy after what the bytes are (a PNG named
            // .jpg is reported as `image-format` when the site loads).
            use crate::images::Format;
            let ext = match crate::images::format_of(std::path::Path::new(&rel), &bytes) {
                f @ (Format::Jpeg | Format::Png | Format::Gif | Format::Svg | Format::WebP) => {
                    f.extension().to_string()
                }
                _ => return None,
            };
            // Never hand Typst an image that would take gigabytes to decode (a published
            // one was refused already; this holds whatever the list holds).
            let format = crate::images::format_of(std::path::Path::new(&rel), &bytes);
            if crate::images::dimensions(format, &bytes).is_some_and(|d| d.too_large()) {
                return None;
            }
            // The bytes are the published file's (`static_meta` has removed its metadata):
            // the PDF embeds exactly what the site publishes.
            let path = format!("/images/{}.{ext}", self.files.len());
            self.files.push((path.clone(), bytes));
            let decorative = self
                .site
                .images
                .iter()
                .any(|i| i.file == rel && i.decorative);
            Some((path, decorative))
        });
        self.cache.insert(src.to_string(), result.clone());
        result
    }
}

/// Policies of at least this many words (about two printed pages) print their contents list
/// on a page of its own, before the sections.
pub(super) const CONTENTS_PAGE_WORDS: usize = 800;

/// The details a print template gets as `data` (documented in docs/print.md).
pub(super) fn data(
    site: &Model<'_>,
    job: &Job<'_>,
    has_sections: bool,
    logo: Option<String>,
) -> serde_json::Value {
    use serde_json::json;
    let config = &site.config;
    let school = job.school;
    let doc = job.doc;
    let (lang, region) = language(&config.language);
    let ceop = &site.ceop;
    let ceop = json!({"name": ceop.name, "url": ceop.url, "description": ceop.description});
    let (band, class) = match (&job.what.band, &job.what.class) {
        (Some(band), class) => (
            json!({
                "slug": band.slug,
                "name": band.name,
                "young": band.young,
                "parent_signs": band.parent_signs,
                "signing": crate::content::kinds::charter::signing(doc, band, config),
            }),
            class
                .clone()
                .map_or(serde_json::Value::Null, serde_json::Value::String),
        ),
        _ => (serde_json::Value::Null, serde_json::Value::Null),
    };
    let mut title = doc.meta.title.clone();
    if let Some(band) = job.what.band {
        title = format!("{title}: {}", band.name);
        if let Some(c) = &job.what.class {
            title = format!("{title}, {c}");
        }
    }
    let kind_words = job.print.words;
    let subject = if doc.meta.description.trim().is_empty() {
        format!("{kind_words} of {}", school.name)
    } else {
        doc.meta.description.trim().to_string()
    };
    let bands = (doc.kind().def().print_bands)(doc, config, school);
    let toc = has_sections && job.doc.kind().def().numbered;
    json!({
        "kind": job.doc.kind().def().id,
        "lang": lang,
        "region": region,
        "title": title,
        "document_title": doc.meta.title,
        "subject": subject,
        "keywords": [kind_words, school.short_name],
        "url": config.absolute_url(&job.page_url),
        "toc": toc,
        "contents_page": toc && job.text.text.split_whitespace().count() >= CONTENTS_PAGE_WORDS,
        "site": {"title": config.title, "url": config.base_url, "charter_name": config.charters.name},
        "school": school_data(school, logo),
        "headteacher": people(school, "headteacher"),
        "chair_of_governors": people(school, "chair_of_governors"),
        "dsl": people(school, "dsl"),
        "policy": policy_data(site, school, doc.policy()),
        "review": match &doc.data {
            crate::content::kinds::KindData::Review(r) => serde_json::to_value(
                crate::content::kinds::review::context(school, r, site.today),
            )
            .unwrap_or_default(),
            _ => serde_json::Value::Null,
        },
        "band": band,
        "class": class,
        "bands": bands,
        "contacts": site.contacts.iter().map(|c| json!({"id": c.id, "name": c.name, "url": c.url, "description": c.description, "phone": c.phone})).collect::<Vec<_>>(),
        "ceop": ceop,
    })
}

/// The language and region of a language tag (`en-GB` → `en`, `GB`), as Typst's text
/// settings take them.
fn language(tag: &str) -> (String, Option<String>) {
    let mut parts = tag.split(['-', '_']);
    let lang = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|r| r.to_ascii_uppercase());
    (lang, region)
}

/// The names of the people in a role at a school, joined by commas (empty when none).
fn people(school: &School, role: &str) -> String {
    school
        .roles
        .get(role)
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `data.school`: the school's names, contact, roles, words for its kind and its logo (the
/// image's path in the PDF's world, or none).
fn school_data(school: &School, logo: Option<String>) -> serde_json::Value {
    use serde_json::json;
    let roles: Vec<serde_json::Value> = school
        .roles
        .iter()
        .flat_map(|r| {
            r.people.iter().map(move |p| json!({"id": r.id, "title": r.title, "name": p.name, "email": p.email, "phone": p.phone}))
        })
        .collect();
    json!({
        "slug": school.slug,
        "name": school.name,
        "short_name": school.short_name,
        "address": school.contact.address,
        "phone": school.contact.phone,
        "email": school.contact.email,
        "website": school.contact.website,
        "roles": roles,
        "words": school.kind.words(),
        "logo": logo,
    })
}

/// `data.policy`: a policy's approval, review and owner (empty strings for other kinds).
fn policy_data(
    site: &Model<'_>,
    school: &School,
    policy: Option<&crate::content::PolicyMeta>,
) -> serde_json::Value {
    use serde_json::json;
    let owner = policy
        .filter(|p| !p.owner.is_empty())
        .map(|p| {
            let name = people(school, &p.owner);
            let title = school.roles.title(&p.owner).unwrap_or(&p.owner);
            if name.is_empty() {
                title.to_string()
            } else {
                format!("{title}: {name}")
            }
        })
        .unwrap_or_default();
    let settings = &site.config.rules.settings;
    json!({
        "version": policy.map(|p| p.version.clone()).unwrap_or_default(),
        "approved_by": policy.map(|p| p.approved_by.clone()).unwrap_or_default(),
        "approved": policy.and_then(|p| p.approved.as_ref()).map(|d| d.display.clone()).unwrap_or_default(),
        "minute_ref": policy.map(|p| p.minute_ref.clone()).unwrap_or_default(),
        "review_period": policy.and_then(|p| p.review_period).map(|r| r.to_string()).unwrap_or_default(),
        "next_review": policy.and_then(|p| p.next_review.as_ref()).map(|d| d.display.clone()).unwrap_or_default(),
        "owner": owner,
        "sign_off": policy.is_some_and(|p| p.sign_off),
        // Set (to the review date) when the review is overdue and the PDF says so.
        "overdue_since": policy
            .filter(|p| {
                settings.review_overdue.notice
                    && p.review_status(site.today, settings.review_due_soon.days)
                        == crate::content::ReviewStatus::Overdue
            })
            .and_then(|p| p.next_review.as_ref())
            .map(|d| d.display.clone())
            .unwrap_or_default(),
    })
}
