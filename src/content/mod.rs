//! The documents of a site: reading `content/` from disk and turning each Markdown file's
//! front matter into a typed [`Document`].
//!
//! This is the only module besides `output` and `render`'s template loader that reads files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;

use crate::config::{self, SiteConfig, parse_toml};
use crate::dates::{Period, SchoolDate, parse_school_date};
use crate::diagnostics::{Diagnostic, SourceText, did_you_mean, display_path};

/// The metadata every kind of front matter shares, from a parsed front-matter struct `f`
/// (each kind is its own struct so unknown keys are reported per kind).
macro_rules! meta_of {
    ($f:expr, $doc:expr, $config:expr, $diags:expr) => {
        meta(
            $f.title.clone(),
            $f.description.clone(),
            $f.schools.clone(),
            $f.draft,
            $f.weight,
            $f.allow.clone(),
            $doc,
            $config,
            $diags,
        )
    };
}

pub mod kinds;

pub use kinds::policy::{Change, PolicyMeta, ReviewStatus};
pub use kinds::risk_log::Risk;
pub use kinds::{Kind, KindData, KindDef};

/// Metadata every document has.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// The document's title from its front matter, trimmed (empty for a home page that
    /// leaves it out).
    pub title: String,
    /// The one-sentence summary from its front matter, for search results, link previews
    /// and document lists.
    pub description: String,
    /// Only these schools publish it (`None`: every school).
    pub schools: Option<Vec<String>>,
    /// A draft: checked, but never published for any school.
    pub draft: bool,
    /// Where it comes in lists of its kind: lower weights first, then by title.
    pub weight: i64,
    /// Listed in the school's navigation (pages only).
    pub nav: bool,
    /// Findings this document may have (`[[allow]]`).
    pub allow: Vec<crate::ruleset::Allow>,
}

/// A Markdown document with its parsed front matter.
#[derive(Debug)]
pub struct Document {
    /// The whole file as read, front matter included, for placing findings in it.
    pub source: SourceText,
    /// Path relative to `content/` (or to the owning school's folder), e.g. `policies/x.md`.
    pub rel: String,
    /// The school whose folder holds it, for per-school documents and overrides.
    pub school: Option<String>,
    /// The front matter every kind shares: title, description, schools, draft, weight…
    pub meta: Meta,
    /// Byte offset where the Markdown body starts in `source.text`.
    pub body_start: usize,
    /// What its kind of document holds (a policy's approval details, a risk log's rows…);
    /// its kind is this data's.
    pub data: KindData,
}

impl Document {
    /// What the document is.
    pub fn kind(&self) -> Kind {
        self.data.kind()
    }

    /// A policy's approval and review details.
    pub fn policy(&self) -> Option<&PolicyMeta> {
        match &self.data {
            KindData::Policy(p) => Some(p),
            _ => None,
        }
    }

    /// The bands a guide concerns, or a charter is limited to (`None`: all, or another kind).
    pub fn bands(&self) -> Option<&Vec<String>> {
        match &self.data {
            KindData::Charter(c) => c.bands.as_ref(),
            KindData::Guide(b) => b.bands.as_ref(),
            _ => None,
        }
    }

    /// A risk log's rows (none for other kinds).
    pub fn risks(&self) -> &[Risk] {
        match &self.data {
            KindData::RiskLog(risks) => risks,
            _ => &[],
        }
    }

    /// The Markdown body, after the front matter.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }

    /// The line the body starts on (1-based).
    pub fn body_line(&self) -> usize {
        self.source.line_col(self.body_start).0
    }

    /// The web path below a school's base, e.g. `policies/online-safety/` (empty for home).
    pub fn slug_path(&self) -> String {
        if self.kind().def().school_home {
            return String::new();
        }
        let stem = self.rel.strip_suffix(".md").unwrap_or(&self.rel);
        let stem = stem.strip_suffix("/index").unwrap_or(stem);
        format!("{stem}/")
    }

    /// Whether `school` (a school's slug) publishes this document: it is not a draft, and it
    /// is in that school's folder or is shared and its `schools` list (if any) names it.
    pub fn published_for(&self, school: &str) -> bool {
        !self.meta.draft
            && match &self.school {
                Some(owner) => owner == school,
                None => self
                    .meta
                    .schools
                    .as_ref()
                    .is_none_or(|list| list.iter().any(|s| s == school)),
            }
    }
}

/// An entry of `content/contacts.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactLink {
    /// The key pages name it by, as in `{{ contact.ceop }}`; the entry `ceop` is also the
    /// "report a concern" link (see [`Content::ceop`]).
    pub id: String,
    /// The organisation's name, shown as the link's text.
    pub name: String,
    /// The contact's web address (cleared when it fails the link checks); may be empty.
    #[serde(default)]
    pub url: String,
    /// One sentence saying what the contact is for, shown after its link in `{{ contacts }}`.
    #[serde(default)]
    pub description: String,
    /// The contact's telephone number, if it has one.
    #[serde(default)]
    pub phone: String,
}

/// What the site knows about one image in `static/`: `[[image]]` in `content/images.toml`.
#[derive(Debug, Clone)]
pub struct ImageInfo {
    /// Path under `static/`, e.g. `photos/sports-day.jpg`.
    pub file: String,
    /// The photo shows pupils.
    pub pupils: bool,
    /// The reference of the parents' written consent.
    pub consent: String,
    /// When that consent runs out; a photo of pupils whose consent has expired is reported.
    pub consent_expires: Option<SchoolDate>,
    /// The image is decoration and needs no alt text.
    pub decorative: bool,
    /// Where the entry starts in images.toml.
    pub offset: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageToml {
    file: Spanned<String>,
    #[serde(default)]
    pupils: bool,
    #[serde(default)]
    consent: String,
    consent_expires: Option<Spanned<String>>,
    #[serde(default)]
    decorative: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImagesToml {
    #[serde(default)]
    image: Vec<ImageToml>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsToml {
    #[serde(default)]
    contact: Vec<ContactLink>,
}

/// Everything under `content/`, as read from disk.
#[derive(Debug, Default)]
pub struct RawContent {
    /// Every Markdown file, with its path relative to `content/`.
    pub markdown: Vec<(String, SourceText)>,
    /// Each school's `schools/<slug>/school.toml`, with the school's slug.
    pub schools: Vec<(String, SourceText)>,
    /// `content/contacts.toml`, if the site has one.
    pub contacts: Option<SourceText>,
    /// `content/images.toml`, if the site has one.
    pub images: Option<SourceText>,
}

/// All documents and data of a site, checked.
#[derive(Debug, Default)]
pub struct Content {
    /// Every Markdown document, shared and per-school, drafts included.
    pub documents: Vec<Document>,
    /// The entries of `content/contacts.toml`, in the order written.
    pub contacts: Vec<ContactLink>,
    /// The entries of `content/images.toml`, in the order written.
    pub images: Vec<ImageInfo>,
    /// `content/images.toml` as read, for placing findings about it.
    pub images_source: Option<SourceText>,
}

impl Content {
    /// The CEOP reporting contact every page and PDF shows: `ceop` of `content/contacts.toml`,
    /// or CEOP's own address when the site has none.
    pub fn ceop(&self) -> ContactLink {
        self.contacts
            .iter()
            .find(|c| c.id == "ceop")
            .cloned()
            .unwrap_or_else(|| ContactLink {
                id: "ceop".into(),
                name: "CEOP: Child Exploitation and Online Protection".into(),
                url: "https://www.ceop.police.uk/ceop-reporting/".into(),
                description:
                    "Report a concern about online sexual abuse or grooming to the police.".into(),
                phone: String::new(),
            })
    }
}

/// Reads every file of `content/` that PolicyPress understands, in parallel.
pub fn read(root: &Path) -> (RawContent, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let files = crate::source_files::SiteFiles::new(root);
    let walk = files.walk(&content_dir, false);
    let mut diags: Vec<Diagnostic> = walk
        .refused
        .iter()
        .map(|(path, e)| files.diagnostic(path, e))
        .collect();
    let paths = walk.files;
    let read: Vec<Result<Option<(PathBuf, SourceText)>, Diagnostic>> = paths
        .into_par_iter()
        .map(|path| {
            let rel = display_path(&content_dir, &path);
            let wanted = rel.ends_with(".md")
                || rel == "contacts.toml"
                || rel == "images.toml"
                || (rel.starts_with("schools/") && rel.ends_with("/school.toml"));
            if !wanted {
                return Ok(None);
            }
            let name = display_path(root, &path);
            if let Some(c) = crate::url_policy::bad_path_char(&rel) {
                return Err(crate::url_policy::bad_path_diagnostic(
                    &crate::url_policy::shown(&name),
                    c,
                ));
            }
            let limit = if rel.ends_with(".md") {
                crate::source_files::Limit::TEXT
            } else {
                crate::source_files::Limit::SETTINGS
            };
            let text = files
                .read_text(&path, limit)
                .map_err(|e| files.diagnostic(&path, &e))?
                .map_err(|_| {
                    Diagnostic::error("file-encoding", &name, "this file is not UTF-8 text")
                        .with_hint("save it as UTF-8 (most editors offer this in \"Save as\")")
                })?;
            Ok(Some((PathBuf::from(rel), SourceText::new(name, text))))
        })
        .collect();
    let mut raw = RawContent::default();
    for r in read {
        match r {
            Ok(Some((rel, source))) => {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel == "contacts.toml" {
                    raw.contacts = Some(source);
                } else if rel == "images.toml" {
                    raw.images = Some(source);
                } else if let Some(slug) = rel
                    .strip_prefix("schools/")
                    .and_then(|r| r.strip_suffix("/school.toml"))
                    .filter(|s| !s.contains('/'))
                {
                    raw.schools.push((slug.to_string(), source));
                } else if rel.ends_with(".md") {
                    raw.markdown.push((rel, source));
                }
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    (raw, diags)
}

/// Splits `+++` front matter from the body: `(toml, toml_offset, body_offset)`.
fn split_front_matter(source: &SourceText) -> Result<(&str, usize, usize), Diagnostic> {
    let text = source.text.as_str();
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Ok(("", 0, 0));
    }
    let mut pos = first_line_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            return Ok((&text[first_line_end..pos], first_line_end, end));
        }
        pos = end;
    }
    Err(Diagnostic::error(
        "front-matter",
        &source.name,
        "the front matter is never closed",
    )
    .at(source, 0)
    .with_hint("add a line with just `+++` after the settings at the top of the file"))
}

/// `[[allow]]` in front matter: a finding this page may have, and why.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct AllowToml {
    rule: Spanned<String>,
    #[serde(default)]
    reason: String,
    text: Option<Spanned<String>>,
}

/// Checks the documents' front matter against the site's settings.
pub fn parse(raw: RawContent, config: &SiteConfig) -> (Content, Vec<Diagnostic>) {
    let parsed: Vec<(Option<Document>, Vec<Diagnostic>)> = raw
        .markdown
        .into_par_iter()
        .map(|(rel, source)| parse_document(rel, source, config))
        .collect();
    let mut content = Content::default();
    let mut diags = Vec::new();
    for (doc, d) in parsed {
        diags.extend(d);
        content.documents.extend(doc);
    }
    if let Some(source) = raw.images {
        match parse_toml::<ImagesToml>(&source, &source.text, 0) {
            Ok(list) => {
                for i in list.image {
                    let consent_expires = i.consent_expires.as_ref().and_then(|s| {
                        match parse_school_date(s.get_ref()) {
                            Ok(d) => Some(d),
                            Err(e) => {
                                diags.push(
                                    Diagnostic::error("invalid-date", &source.name, e.message)
                                        .at(&source, s.span().start)
                                        .with_hint(e.hint),
                                );
                                None
                            }
                        }
                    });
                    content.images.push(ImageInfo {
                        file: i.file.get_ref().trim_start_matches('/').to_string(),
                        pupils: i.pupils,
                        consent: i.consent.trim().to_string(),
                        consent_expires,
                        decorative: i.decorative,
                        offset: i.file.span().start,
                    });
                }
            }
            Err(d) => diags.push(d),
        }
        content.images_source = Some(source);
    }
    if let Some(source) = raw.contacts {
        match parse_toml::<ContactsToml>(&source, &source.text, 0) {
            Ok(c) => {
                content.contacts = c.contact;
                for c in &mut content.contacts {
                    if let Err(why) = crate::url_policy::check(&c.url) {
                        diags.push(
                            Diagnostic::error(
                                crate::url_policy::RULE,
                                &source.name,
                                why.message(
                                    &format!("the `url` of the contact `{}`", c.id),
                                    &c.url,
                                ),
                            )
                            .at(
                                &source,
                                crate::config::value_offset(&source.text, "url", &c.url),
                            )
                            .with_hint(why.hint()),
                        );
                        // Never published live, even by a preview of a site with errors.
                        c.url.clear();
                    }
                }
            }
            Err(d) => diags.push(d),
        }
    }
    (content, diags)
}

/// Reads one Markdown file's front matter. `rel` is its path inside `content/`.
pub fn parse_document(
    rel: String,
    source: SourceText,
    config: &SiteConfig,
) -> (Option<Document>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (school, rel) = match rel.strip_prefix("schools/").and_then(|r| r.split_once('/')) {
        Some((slug, rest)) => (Some(slug.to_string()), rest.to_string()),
        None => (None, rel),
    };
    if let Some(slug) = &school
        && config.school(slug).is_none()
    {
        diags.push(
            Diagnostic::error(
                "unknown-school",
                &source.name,
                format!(
                    "this file is in the folder of a school `{slug}` that the site does not have"
                ),
            )
            .with_hint(format!(
                "add content/schools/{slug}/school.toml, or move the file; the schools are: {}",
                school_list(config)
            )),
        );
        return (None, diags);
    }
    let kind = Kind::of(&rel);
    let (front, front_offset, body_start) = match split_front_matter(&source) {
        Ok(parts) => parts,
        Err(d) => return (None, vec![d]),
    };
    // Pad the front matter with blanks in place of what precedes it, so that the positions
    // TOML reports are positions in the whole file.
    let front = format!(
        "{}{front}",
        source.text[..front_offset]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect::<String>()
    );
    let mut doc = Document {
        source,
        rel,
        school,
        meta: Meta::default(),
        body_start,
        data: KindData::empty(kind),
    };
    let ok = (kind.def().read)(&mut doc, &front, config, &mut diags);
    if let Err(d) = ok {
        // Keep the document (as an untitled page of its kind) so links to it still resolve
        // and the rest of the run can report its other mistakes too.
        diags.push(d);
        if doc.meta.title.is_empty() {
            doc.meta.title = doc.rel.clone();
        }
    }
    drop_control_characters(&mut doc);
    (Some(doc), diags)
}

/// Drops control characters (TOML writes them as `\u001b`, `\b`, `\f`, `\e`) from the front
/// matter text that is published: they break the XML of the sitemap, the feed and the PDFs'
/// metadata, and could hide a name from the checks (`Zor\u0007blax`).
fn drop_control_characters(doc: &mut Document) {
    let clean = |s: &mut String| {
        if s.chars().any(char::is_control) {
            s.retain(|c| !c.is_control() || c == '\t' || c == '\n');
        }
    };
    clean(&mut doc.meta.title);
    clean(&mut doc.meta.description);
    for s in (doc.kind().def().texts)(&mut doc.data) {
        clean(s);
    }
}

#[allow(clippy::too_many_arguments)]
fn meta(
    title: Option<String>,
    description: String,
    schools: Option<Vec<Spanned<String>>>,
    draft: bool,
    weight: i64,
    allow: Vec<AllowToml>,
    doc: &Document,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Meta {
    let title = match title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ if doc.kind().def().school_home => String::new(),
        _ => {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &doc.source.name,
                    "this document has no title",
                )
                .at(&doc.source, 0)
                .with_hint("add `title = \"...\"` between the `+++` lines at the top of the file"),
            );
            String::new()
        }
    };
    let schools = schools.map(|list| {
        if doc.school.is_some() {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    &doc.source.name,
                    "`schools` is not needed in a school's own folder",
                )
                .at(&doc.source, list.first().map_or(0, |s| s.span().start))
                .with_hint("remove the `schools` line: a document in content/schools/<slug>/ is published for that school only"),
            );
        }
        list.iter()
            .filter_map(|s| {
                let slug = s.get_ref();
                if config.school(slug).is_some() {
                    return Some(slug.clone());
                }
                let names = config.schools.iter().map(|s| s.slug.as_str());
                let hint = match did_you_mean(slug, names) {
                    Some(best) => format!("did you mean `{best}`? Use one of the schools: {}", school_list(config)),
                    None => format!("use one of the schools: {}", school_list(config)),
                };
                diags.push(
                    Diagnostic::error("unknown-school", &doc.source.name, format!("unknown school `{slug}`"))
                        .at(&doc.source, s.span().start)
                        .with_hint(hint),
                );
                None
            })
            .collect()
    });
    let allow = read_allows(allow, doc, diags);
    Meta {
        title,
        description,
        schools,
        draft,
        weight,
        nav: false,
        allow,
    }
}

/// A page's `[[allow]]` entries, each naming a rule that exists, with a reason, and (when it
/// names one) a text written on the page; a wrong one is an error at its line.
fn read_allows(
    allow: Vec<AllowToml>,
    doc: &Document,
    diags: &mut Vec<Diagnostic>,
) -> Vec<crate::ruleset::Allow> {
    allow
        .into_iter()
        .filter_map(|a| {
            let id = a.rule.get_ref();
            if crate::ruleset::RuleId::from_id(id).is_none() {
                let hint = match did_you_mean(id, crate::ruleset::RuleId::ALL.iter().map(|r| r.as_str())) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "name one of the rules listed in docs/rules.md".into(),
                };
                diags.push(
                    Diagnostic::error("front-matter", &doc.source.name, format!("there is no rule `{id}` to allow"))
                        .at(&doc.source, a.rule.span().start)
                        .with_hint(hint),
                );
                return None;
            }
            if a.reason.trim().is_empty() {
                diags.push(
                    Diagnostic::error("front-matter", &doc.source.name, format!("allowing `{id}` needs a reason"))
                        .at(&doc.source, a.rule.span().start)
                        .with_hint("add `reason = \"...\"` saying why this is safe to publish; it is shown in every check"),
                );
                return None;
            }
            if let Some(t) = &a.text
                && (t.get_ref().trim().is_empty()
                    || !written_elsewhere(&doc.source.text, t.get_ref(), t.span()))
            {
                diags.push(
                    Diagnostic::error("front-matter", &doc.source.name, format!("the text `{}` this allows is not written on this page", t.get_ref()))
                        .at(&doc.source, t.span().start)
                        .with_hint("copy the exact words from the page (as typed, on one line), or remove `text` to allow every such finding on the page"),
                );
                return None;
            }
            Some(crate::ruleset::Allow {
                rule: id.clone(),
                reason: a.reason.trim().to_string(),
                text: a.text.map(|t| t.into_inner()),
            })
        })
        .collect()
}

/// Whether `text` is written in a page other than at `own` (the allow's own `text = …`,
/// which always holds it).
fn written_elsewhere(source: &str, text: &str, own: std::ops::Range<usize>) -> bool {
    source.match_indices(text).any(|(at, _)| !own.contains(&at))
}

fn school_list(config: &SiteConfig) -> String {
    config
        .schools
        .iter()
        .map(|s| s.slug.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The documents a school publishes, by path, as indexes into `documents`: the shared ones
/// it is covered by, with its own files replacing shared ones of the same path.
pub fn for_school(documents: &[Document], school: &str) -> BTreeMap<String, usize> {
    let mut docs = BTreeMap::new();
    let shared = (0..documents.len()).filter(|&i| documents[i].school.is_none());
    let own = (0..documents.len()).filter(|&i| documents[i].school.as_deref() == Some(school));
    for i in shared.chain(own) {
        if documents[i].published_for(school) {
            docs.insert(documents[i].rel.clone(), i);
        }
    }
    docs
}

/// Documents in the order lists show them: by weight, then title.
pub fn sorted<'a>(docs: impl Iterator<Item = &'a Document>) -> Vec<&'a Document> {
    let mut v: Vec<&Document> = docs.collect();
    v.sort_by(|a, b| (a.meta.weight, &a.meta.title).cmp(&(b.meta.weight, &b.meta.title)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_levels_are_computed() {
        let r = |l, i| Risk {
            activity: String::new(),
            risk: String::new(),
            likelihood: l,
            impact: i,
            owner: String::new(),
            controls: String::new(),
        };
        assert_eq!((r(1, 3).score(), r(1, 3).level()), (3, "low"));
        assert_eq!((r(2, 2).score(), r(2, 2).level()), (4, "medium"));
        assert_eq!((r(2, 3).score(), r(2, 3).level()), (6, "medium"));
        assert_eq!((r(3, 3).score(), r(3, 3).level()), (9, "high"));
    }

    #[test]
    fn front_matter_split() {
        let s = SourceText::new("a.md", "+++\ntitle = \"A\"\n+++\nBody\n".into());
        let (front, at, body) = split_front_matter(&s).unwrap();
        assert_eq!(front, "title = \"A\"\n");
        assert_eq!(at, 4);
        assert_eq!(&s.text[body..], "Body\n");
        let s = SourceText::new("a.md", "+++\ntitle = \"A\"\n".into());
        assert!(split_front_matter(&s).is_err());
    }
}
