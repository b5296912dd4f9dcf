//! The build pipeline: load → check → render, producing the site's files in memory.
//!
//! [`load`] reads and validates everything; [`render`] turns the model into pages without
//! touching the disk; writing is left to `output`. Errors of every stage are collected so a
//! run reports all of them.

use crate::rules::RuleId;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{self, School, SiteConfig, role_title};
use crate::content::{self, Content, Document, Kind};
use crate::dates::Date;
use crate::diagnostics::{Diagnostic, SourceText, normalise};
use crate::markdown;
use crate::output;
use crate::render::*;
use crate::rules::roster::Roster;

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The command was used wrongly (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The site's files have mistakes (exit code 1). Holds every finding, warnings included.
    #[error("the site has {} problem(s) to fix before it can be published", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    /// Reading or writing failed (exit code 3).
    #[error("{context}: {}", explain_io(source))]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// An I/O error in plain words (the system's own words kept after them).
pub fn explain_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "a file or folder on the way does not exist",
        K::PermissionDenied => "permission denied",
        K::NotADirectory => "a part of the path is a file, where a folder is needed",
        K::IsADirectory => "it is a folder, where a file is needed",
        K::StorageFull => "the disk is full",
        K::ReadOnlyFilesystem => "the disk can only be read, not written",
        K::AlreadyExists => "something is already there",
        K::DirectoryNotEmpty => "a folder that should be empty is not",
        K::InvalidFilename => "a file name is too long or not allowed",
        _ => return e.to_string(),
    };
    format!("{what} ({e})")
}

/// Settings of one build run.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Publish just this school, as a single-school site.
    pub school: Option<String>,
    /// The date review rules check against (default: today).
    pub today: Option<Date>,
    /// Also check links to other websites.
    pub external: bool,
}

/// A site read from disk and checked.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub content: Content,
    pub templates: Templates,
    /// Findings of loading, errors included: `render` adds its own and decides.
    pub findings: Vec<Diagnostic>,
    /// The pupil roster, when the site has one.
    pub roster: Option<Roster>,
    /// Files copied from the theme's and the site's static folders.
    pub static_files: Vec<(String, output::Source)>,
    /// The date the review rules check against.
    pub today: Date,
    /// Text fields of published images' metadata (`static/` path, field), for the name check.
    pub image_text: Vec<(String, crate::images::Field)>,
    /// Other text of `static/` files (their body, documents' metadata), for the name check.
    pub file_text: Vec<crate::static_meta::FileText>,
    /// Paths under `static/` of files refused (not published): links to them are not broken,
    /// the file is what is wrong.
    pub refused_static: Vec<String>,
    /// Print PDFs to link from each page, by page URL (filled by `lib::build` from `print`).
    pub pdfs: HashMap<String, Vec<PdfCtx>>,
    /// The school files as read, for placing findings about them.
    pub(crate) school_sources: Vec<(String, SourceText)>,
    /// site.toml and content/contacts.toml as read, for placing findings about them.
    pub(crate) site_source: SourceText,
    pub(crate) contacts_source: Option<SourceText>,
    /// The site's and its theme's own templates (pages and print), for the checks on their
    /// literal text.
    pub(crate) template_sources: Vec<SourceText>,
}

/// Reads `site.toml`, `content/` and the templates, and checks them.
pub fn load(root: &Path, opts: &BuildOptions) -> Result<Site, BuildError> {
    let files = crate::source_files::SiteFiles::new(root);
    let site_path = root.join("site.toml");
    let site_text = match files.read_text(&site_path, crate::source_files::Limit::SETTINGS) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            return Err(BuildError::Content(vec![
                Diagnostic::error("io", "site.toml", "this file is not UTF-8 text")
                    .with_hint("save it as UTF-8 (most editors offer this in \"Save as\")"),
            ]));
        }
        Err(e) if e.is_not_found() => {
            return Err(BuildError::Usage(format!(
                "there is no site.toml in {}: run this in your site's folder, or give it with --root DIR (start a new site with `policypress new DIR`)",
                root.display()
            )));
        }
        Err(crate::source_files::FileError::Io(e)) => {
            return Err(BuildError::Io {
                context: format!("could not read {}", site_path.display()),
                source: e,
            });
        }
        Err(e) => return Err(BuildError::Content(vec![files.diagnostic(&site_path, &e)])),
    };
    let site_source = SourceText::new("site.toml", site_text);
    let (mut raw, mut diags) = content::read(root);
    let contacts_source = raw.contacts.clone();
    let school_sources = std::mem::take(&mut raw.schools);
    let mut config = match config::load(&site_source, &school_sources) {
        Ok(c) => c,
        Err(d) => {
            diags.extend(d);
            normalise(&mut diags);
            return Err(BuildError::Content(diags));
        }
    };
    let (content, d) = content::parse(raw, &config);
    diags.extend(d);
    diags.extend(exposed_rosters(&files));
    let roster = load_roster(&files, &config, &mut diags);
    let templates = match Templates::load(root, &config.theme) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    if let Some(slug) = &opts.school {
        if config.school(slug).is_none() {
            let list: Vec<&str> = config.schools.iter().map(|s| s.slug.as_str()).collect();
            return Err(BuildError::Usage(format!(
                "there is no school `{slug}`; the schools are: {}",
                list.join(", ")
            )));
        }
        config.schools.retain(|s| &s.slug == slug);
    }
    normalise(&mut diags);
    // Content mistakes do not stop here: rendering reports its own findings too, so one run
    // lists everything. Only a site without usable templates stops now.
    match templates {
        Some(templates) => {
            let config_theme = config.theme.clone();
            let mut site = Site {
                root: root.to_path_buf(),
                config,
                content,
                templates,
                findings: diags,
                roster,
                static_files: Vec::new(),
                image_text: Vec::new(),
                file_text: Vec::new(),
                refused_static: Vec::new(),
                today: opts.today.unwrap_or_else(Date::today_utc),
                pdfs: HashMap::new(),
                school_sources,
                template_sources: template_sources(&files, &config_theme),
                site_source,
                contacts_source,
            };
            let (mut found, mut findings) = static_files(&site);
            found.retain(|(rel, _)| match crate::url_policy::bad_path_char(rel) {
                None => true,
                Some(c) => {
                    let shown = crate::url_policy::shown(&format!("static/{rel}"));
                    findings.push(crate::url_policy::bad_path_diagnostic(&shown, c));
                    false
                }
            });
            let published = publish_static(found, site.config.rules.settings.image_geodata.policy);
            findings.extend(published.findings);
            normalise(&mut findings);
            site.static_files = published.files;
            site.findings.extend(findings);
            site.image_text = published.image_text;
            site.file_text = published.file_text;
            site.refused_static = published.refused;
            Ok(site)
        }
        _ => Err(BuildError::Content(diags)),
    }
}

/// Which document each school publishes at each path: the shared ones it is covered by, with
/// its own files replacing shared ones of the same path.
pub fn school_documents(site: &Site) -> Vec<(&School, BTreeMap<&str, &Document>)> {
    crate::pipeline::school_docs(site)
        .into_iter()
        .zip(&site.config.schools)
        .map(|(docs, school)| {
            let docs = docs
                .into_values()
                .map(|i| {
                    let d = &site.content.documents[i];
                    (d.rel.as_str(), d)
                })
                .collect();
            (school, docs)
        })
        .collect()
}

/// One row of the policy status table.
#[derive(Debug, Clone)]
pub struct StatusRow {
    pub school: String,
    pub title: String,
    pub version: String,
    pub approved: String,
    pub next_review: String,
    pub status: content::ReviewStatus,
}

/// Every policy of every school with its review status on `site.today`.
pub fn status(site: &Site) -> Vec<StatusRow> {
    let mut rows = Vec::new();
    for (school, docs) in school_documents(site) {
        for d in sorted(docs.values().copied().filter(|d| d.kind == Kind::Policy)) {
            let Some(p) = &d.policy else { continue };
            rows.push(StatusRow {
                school: school.short_name.clone(),
                title: d.meta.title.clone(),
                version: p.version.clone(),
                approved: p
                    .approved
                    .as_ref()
                    .map(|a| a.display.clone())
                    .unwrap_or_default(),
                next_review: p
                    .next_review
                    .as_ref()
                    .map(|a| a.display.clone())
                    .unwrap_or_default(),
                status: p
                    .review_status(site.today, site.config.rules.settings.review_due_soon.days),
            });
        }
    }
    rows
}

/// A rendered site, in memory.
pub struct Rendered {
    /// Pages: path inside the output directory → bytes.
    pub pages: Vec<(String, Vec<u8>)>,
    /// Every finding, errors included: the caller decides whether to publish.
    pub findings: Vec<Diagnostic>,
    /// Links to other websites, each with a finding placed where it is written, for
    /// `--external` to fill in if the link is broken.
    pub external_links: Vec<(String, Diagnostic)>,
}

impl Rendered {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// The site's and its theme's templates, pages and print, as text (the built-in ones are
/// ours and hold no names).
fn template_sources(files: &crate::source_files::SiteFiles, theme: &str) -> Vec<SourceText> {
    let root = files.root();
    let mut out = Vec::new();
    let dirs = [
        root.join("themes").join(theme).join("templates"),
        root.join("templates"),
        root.join("themes").join(theme).join("print"),
        root.join("print"),
    ];
    for dir in &dirs {
        // Links leaving the site and unreadable templates are reported where the templates
        // are loaded; here only what can be read is looked at.
        for path in files.walk(dir, false).files {
            if let Ok(Ok(text)) = files.read_text(&path, crate::source_files::Limit::TEXT) {
                out.push(SourceText::new(
                    crate::diagnostics::display_path(root, &path),
                    text,
                ));
            }
        }
    }
    out
}

/// The roster, with its key: `None` (and a finding saying why) when there is none or it
/// cannot be used. With a roster file but no key (or the wrong one), the check is not off:
/// it is an error, so nothing is published unchecked.
fn load_roster(
    files: &crate::source_files::SiteFiles,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Option<Roster> {
    let root = files.root();
    use crate::rules::roster_key::{KEY_ENV, default_key_file, find_key};
    let rules = &config.rules;
    let rel = rules.settings.pupil_full_name.roster_path().to_string();
    let roster_path = root.join(&rel);
    let key_hint = format!(
        "set the roster key in the environment variable {KEY_ENV} (in CI, from a secret: `env: {KEY_ENV}: ${{{{ secrets.{KEY_ENV} }}}}`), or keep it in {} (see `policypress roster key --help` and docs/rules.md)",
        default_key_file().map_or("a key file outside the site".to_string(), |p| p
            .display()
            .to_string())
    );
    let in_published = ["content", "static", "themes", "templates"]
        .iter()
        .any(|d| Path::new(&rel).starts_with(d));
    if in_published {
        diags.push(
            Diagnostic::error("roster-exposed", rel.clone(), "the roster file is in a folder that gets published")
                .with_hint("keep roster.toml at the site's top level (the default), never in content/, static/, themes/ or templates/"),
        );
    }
    let roster_path = match files.check(&roster_path) {
        Ok(real) => Some(real),
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            diags.push(files.diagnostic(&roster_path, &e));
            return None;
        }
    };
    let Some(roster_path) = roster_path else {
        if rules.settings.pupil_full_name.roster.is_some() {
            diags.push(
                Diagnostic::error("invalid-settings", "site.toml", format!("the roster file {rel} does not exist"))
                    .with_hint("import one with `policypress roster import FILE.csv`, or remove the `roster` setting"),
            );
        } else if rules.level(RuleId::PupilFullName) != crate::rules::Level::Off {
            let message = format!(
                "there is no pupil roster ({rel}), so pupils' full names are not looked for"
            );
            let hint = "import the school's pupil export once with `policypress roster import FILE.csv` (then delete the CSV); to make this an error, set `require_roster = true` under [rules.pupil-full-name]";
            diags.push(if rules.settings.pupil_full_name.require_roster {
                Diagnostic::error("roster-missing", "site.toml", message).with_hint(hint)
            } else {
                Diagnostic::warning("roster-missing", "site.toml", message).with_hint(hint)
            });
        }
        return None;
    };
    let unusable = |reason: String, hint: String| {
        Diagnostic::error(
            "roster-unusable",
            rel.clone(),
            format!("the roster cannot be used: {reason}"),
        )
        .with_hint(hint)
    };
    let (key, source) = match find_key(
        root,
        rules.settings.pupil_full_name.key_file.as_deref(),
        None,
    ) {
        Ok(Some(found)) => found,
        Ok(None) => {
            diags.push(unusable("there is no roster key (the roster's hashes are made with a secret key kept outside the site)".into(), key_hint));
            return None;
        }
        Err(e) => {
            diags.push(unusable(e.to_string(), key_hint));
            return None;
        }
    };
    match Roster::load(&roster_path, &key, &source.to_string()) {
        Ok(r) => Some(r),
        Err(e @ crate::rules::roster::RosterError::WrongKey { .. }) => {
            diags.push(unusable(e.to_string(), format!("use the key the roster was imported with, or import the roster again with this key; {key_hint}")));
            None
        }
        Err(e) => {
            diags.push(unusable(
                e.to_string(),
                "import the roster again with `policypress roster import FILE.csv`".into(),
            ));
            None
        }
    }
}

/// A pupil export left where it could be published: any CSV or TSV in `content/` or
/// `static/` whose header names a forename or surname column.
fn exposed_rosters(files: &crate::source_files::SiteFiles) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dir in ["content", "static"] {
        for path in files.walk(&files.root().join(dir), false).files {
            let is_table = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("tsv"));
            if !is_table {
                continue;
            }
            let head: String = files
                .read(&path, crate::source_files::Limit::STATIC)
                .map(|b| {
                    String::from_utf8_lossy(&b[..b.len().min(4096)])
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_lowercase()
                })
                .unwrap_or_default();
            if [
                "surname",
                "forename",
                "first name",
                "last name",
                "legal",
                "upn",
            ]
            .iter()
            .any(|w| head.contains(w))
            {
                out.push(
                    Diagnostic::error("roster-exposed", files.display(&path), "this looks like a pupil list, and it is in a folder that gets published")
                        .with_hint("import it with `policypress roster import FILE.csv`, then delete the CSV: never keep it in content/ or static/, and never commit it"),
                );
            }
        }
    }
    out
}

/// The full address of a web path: `https://example.org/a/` for `/a/`.
pub(crate) fn absolute_url(config: &SiteConfig, path: &str) -> String {
    let origin = config.base_url.trim_end_matches('/');
    let origin = origin
        .strip_suffix(config.base_path.trim_end_matches('/'))
        .unwrap_or(origin);
    format!("{origin}{path}")
}

pub(crate) const SECTIONS: [(&str, Kind, &str); 4] = [
    ("policies", Kind::Policy, "Policies"),
    ("charters", Kind::Charter, "Pupil charters"),
    ("guides", Kind::Guide, "Guides for parents and carers"),
    ("risk-logs", Kind::RiskLog, "Risk logs"),
];

pub(crate) fn sorted<'a>(docs: impl Iterator<Item = &'a Document>) -> Vec<&'a Document> {
    let mut v: Vec<&Document> = docs.collect();
    v.sort_by(|a, b| (a.meta.weight, &a.meta.title).cmp(&(b.meta.weight, &b.meta.title)));
    v
}

pub(crate) fn item_meta(config: &SiteConfig, doc: &Document) -> String {
    match (&doc.policy, &doc.bands) {
        (Some(p), _) => {
            let mut parts = Vec::new();
            if !p.version.is_empty() {
                parts.push(format!("Version {}", p.version));
            }
            if let Some(r) = &p.next_review {
                parts.push(format!("next review {}", r.display));
            }
            parts.join(", ")
        }
        (None, Some(bands)) if doc.kind == Kind::Guide => {
            let names: Vec<&str> = bands
                .iter()
                .filter_map(|b| config.band(b).map(|b| b.name.as_str()))
                .collect();
            format!("For: {}", names.join("; "))
        }
        _ => String::new(),
    }
}

pub(crate) fn site_context(config: &SiteConfig) -> SiteCtx {
    SiteCtx {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        multi_school: config.multi_school(),
        home_url: config.base_path.clone(),
        css_url: format!("{}style.css", config.base_path),
        favicon_url: format!("{}favicon.svg", config.base_path),
        feed_url: format!("{}feed.xml", config.base_path),
        search_js_url: format!("{}search.js", config.base_path),
        schools: config
            .schools
            .iter()
            .map(|s| SchoolLinkCtx {
                slug: s.slug.clone(),
                name: s.name.clone(),
                short_name: s.short_name.clone(),
                url: config.school_base(s),
            })
            .collect(),
    }
}

pub(crate) fn person(school: &School, id: &str) -> PersonCtx {
    let people = school.roles.get(id);
    let p = people.first();
    PersonCtx {
        id: id.to_string(),
        title: role_title(id).unwrap_or(id).to_string(),
        name: people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        email: p.map(|p| p.email.clone()).unwrap_or_default(),
        phone: p.map(|p| p.phone.clone()).unwrap_or_default(),
    }
}

pub(crate) fn charter_bands(
    config: &SiteConfig,
    school: &School,
    doc: &Document,
    url: &str,
) -> Vec<BandCtx> {
    config
        .bands
        .iter()
        .filter(|b| school.bands.contains(&b.slug))
        .filter(|b| doc.bands.as_ref().is_none_or(|list| list.contains(&b.slug)))
        .map(|b| band_ctx(b, format!("{url}{}/", b.slug)))
        .collect()
}

pub(crate) fn band_ctx(b: &config::Band, url: String) -> BandCtx {
    BandCtx {
        slug: b.slug.clone(),
        name: b.name.clone(),
        young: b.young,
        parent_signs: b.parent_signs,
        url,
    }
}

pub(crate) fn school_context(
    config: &SiteConfig,
    content: &Content,
    school: &School,
    docs: &BTreeMap<&str, &Document>,
) -> SchoolCtx {
    let base = config.school_base(school);
    let mut nav = vec![NavCtx {
        title: "Home".into(),
        url: base.clone(),
        current: false,
    }];
    for (section, kind, title) in SECTIONS {
        if docs.values().any(|d| d.kind == kind) {
            nav.push(NavCtx {
                title: title.split(' ').next().map_or(title, |_| title).to_string(),
                url: format!("{base}{section}/"),
                current: false,
            });
        }
    }
    for doc in sorted(
        docs.values()
            .copied()
            .filter(|d| d.kind == Kind::Page && d.meta.nav),
    ) {
        nav.push(NavCtx {
            title: doc.meta.title.clone(),
            url: format!("{base}{}", doc.slug_path()),
            current: false,
        });
    }
    let roles: Vec<PersonCtx> = config::ROLE_TITLES
        .iter()
        .filter(|(id, _)| !school.roles.get(id).is_empty())
        .map(|(id, _)| person(school, id))
        .collect();
    SchoolCtx {
        slug: school.slug.clone(),
        name: school.name.clone(),
        short_name: school.short_name.clone(),
        url: base.clone(),
        address: school.contact.address.clone(),
        phone: school.contact.phone.clone(),
        email: school.contact.email.clone(),
        website: school.contact.website.clone(),
        dsl: school.roles.dsl.as_ref().map(|_| person(school, "dsl")),
        roles,
        bands: config
            .bands
            .iter()
            .filter(|b| school.bands.contains(&b.slug))
            .map(|b| band_ctx(b, format!("{base}bands/{}/", b.slug)))
            .collect(),
        phone_href: tel_href(&school.contact.phone),
        status_url: format!("{base}status/"),
        az_url: format!("{base}a-z/"),
        search_index_url: format!("{base}search-index.json"),
        ceop: content
            .contacts
            .iter()
            .find(|c| c.id == "ceop")
            .map(|c| ContactCtx {
                name: c.name.clone(),
                url: c.url.clone(),
                description: c.description.clone(),
            })
            .or_else(|| {
                Some(ContactCtx {
                    name: "CEOP: Child Exploitation and Online Protection".into(),
                    url: "https://www.ceop.police.uk/ceop-reporting/".into(),
                    description:
                        "Report a concern about online sexual abuse or grooming to the police."
                            .into(),
                })
            }),
        nav,
    }
}

/// "01632 960000" → "+441632960000"; empty when there is no number.
pub(crate) fn tel_href(phone: &str) -> String {
    let national = crate::rules::text::national_digits(phone);
    match national.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => format!("+44{rest}"),
        _ => national,
    }
}

pub(crate) fn context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: Option<&SchoolCtx>,
    page: PageCtx,
    crumbs: Vec<LinkCtx>,
) -> PageContext {
    let school = school.map(|s| {
        let mut s = s.clone();
        for item in &mut s.nav {
            item.current = item.url == page.url;
        }
        s
    });
    let mut page = page;
    page.canonical_url = absolute_url(config, &page.url);
    PageContext {
        lang: config.language.clone(),
        site: site.clone(),
        school,
        page,
        crumbs,
    }
}

/// A policy's metadata as templates (and the status page) see it.
pub(crate) fn policy_ctx(
    config: &SiteConfig,
    school: &School,
    p: &content::PolicyMeta,
    today: Date,
) -> PolicyCtx {
    let status = p.review_status(today, config.rules.settings.review_due_soon.days);
    PolicyCtx {
        version: p.version.clone(),
        approved_by: p.approved_by.clone(),
        approved: p
            .approved
            .as_ref()
            .map(|d| d.display.clone())
            .unwrap_or_default(),
        minute_ref: p.minute_ref.clone(),
        review_period: p.review_period.map(|r| r.to_string()).unwrap_or_default(),
        next_review: p
            .next_review
            .as_ref()
            .map(|d| d.display.clone())
            .unwrap_or_default(),
        owner: if p.owner.is_empty() {
            PersonCtx {
                id: String::new(),
                title: String::new(),
                name: String::new(),
                email: String::new(),
                phone: String::new(),
            }
        } else {
            person(school, &p.owner)
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
        overdue_notice: status == content::ReviewStatus::Overdue
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

#[allow(clippy::too_many_arguments)]
pub(crate) fn doc_context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: &SchoolCtx,
    doc: &Document,
    u: &crate::pipeline::UnitSpec,
    headings: &[markdown::Heading],
    html: String,
    today: Date,
) -> PageContext {
    let base = &school.url;
    let title = if doc.meta.title.is_empty() && doc.kind == Kind::Home {
        school.name.clone()
    } else {
        doc.meta.title.clone()
    };
    let kind = match doc.kind {
        Kind::Home => "home",
        Kind::Page => "page",
        Kind::Policy => "policy",
        Kind::Charter => "charter",
        Kind::Guide => "guide",
        Kind::RiskLog => "risk-log",
    };
    let mut page = PageCtx::new(kind, title, u.url.clone());
    page.description = doc.meta.description.clone();
    page.content = html;
    page.toc = headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocCtx {
            id: h.id.clone(),
            number: h.number.clone(),
            title: h.title.clone(),
            level: h.level,
        })
        .collect();
    let school_data = config.school(&school.slug);
    if let (Some(p), Some(s)) = (&doc.policy, school_data) {
        page.policy = Some(policy_ctx(config, s, p, today));
    }
    let home = LinkCtx {
        title: "Home".into(),
        url: base.clone(),
    };
    let mut crumbs = Vec::new();
    if doc.kind != Kind::Home {
        crumbs.push(home);
    }
    if let Some((section, _, title)) = SECTIONS.iter().find(|(_, k, _)| *k == doc.kind) {
        crumbs.push(LinkCtx {
            title: title.to_string(),
            url: format!("{base}{section}/"),
        });
    }
    match u.band {
        Some(i) => {
            let charter_url = format!("{base}{}", doc.slug_path());
            let band = &config.bands[i];
            page.band = Some(band_ctx(band, u.url.clone()));
            if let Some(s) = school_data {
                page.bands = charter_bands(config, s, doc, &charter_url);
            }
            crumbs.push(LinkCtx {
                title: doc.meta.title.clone(),
                url: charter_url,
            });
        }
        None => {
            if let Some(bands) = &doc.bands {
                page.bands = bands
                    .iter()
                    .filter_map(|b| config.band(b))
                    .map(|b| band_ctx(b, String::new()))
                    .collect();
            } else if doc.kind == Kind::Guide {
                page.bands = config
                    .bands
                    .iter()
                    .map(|b| band_ctx(b, String::new()))
                    .collect();
            }
        }
    }
    if let Some(s) = school_data {
        page.risks = doc
            .risks
            .iter()
            .map(|r| RiskCtx {
                activity: r.activity.clone(),
                risk: r.risk.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score: r.score(),
                level: r.level().to_string(),
                owner: match role_title(&r.owner) {
                    Some(title) => {
                        let p = person(s, &r.owner);
                        if p.name.is_empty() {
                            title.to_string()
                        } else {
                            format!("{title} ({})", p.name)
                        }
                    }
                    None => r.owner.clone(),
                },
                controls: r.controls.clone(),
            })
            .collect();
    }
    context(config, site, Some(school), page, crumbs)
}

/// What [`publish_static`] made of the static files.
struct Published {
    /// The files to publish, as their checked (for images, stripped) bytes.
    files: Vec<(String, output::Source)>,
    findings: Vec<Diagnostic>,
    image_text: Vec<(String, crate::images::Field)>,
    file_text: Vec<crate::static_meta::FileText>,
    /// Paths of the files refused.
    refused: Vec<String>,
}

/// Checks every file about to be published, by its bytes (`static_meta::check`): images of
/// any name have their size checked and their metadata removed (or are refused), documents,
/// videos and SVGs with personal metadata or active content are refused, and the text of
/// everything is kept for the name check. A refused file is not published, not even by
/// `serve`.
fn publish_static(
    files: Vec<(String, output::Source)>,
    policy: crate::rules::ImagePolicy,
) -> Published {
    use rayon::prelude::*;
    let results: Vec<(String, crate::static_meta::Checked)> = files
        .into_par_iter()
        .map(|(rel, source)| {
            let bytes = match source {
                output::Source::Bytes(b) => b,
                // Files are read by `static_files`; nothing else comes here.
                output::Source::File(_) => Vec::new(),
            };
            let name = format!("static/{rel}");
            let misnamed = crate::images::misnamed(std::path::Path::new(&rel), &bytes);
            let mut checked = crate::static_meta::check(&name, &rel, bytes, policy);
            if let Some((named, actual)) = misnamed {
                let ext = rel.rsplit('.').next().unwrap_or("");
                checked.findings.push(
                    Diagnostic::error("image-format", &name, format!("this file is named .{ext} but is not a {named} image (it looks like a {actual})"))
                        .with_hint(format!("rename it to .{}, and change the links to it", actual.extension())),
                );
            }
            (rel, checked)
        })
        .collect();
    let mut out = Published {
        files: Vec::with_capacity(results.len()),
        findings: Vec::new(),
        image_text: Vec::new(),
        file_text: Vec::new(),
        refused: Vec::new(),
    };
    for (rel, c) in results {
        let name = format!("static/{rel}");
        out.findings.extend(c.findings);
        out.image_text
            .extend(c.image_text.into_iter().map(|f| (name.clone(), f)));
        out.file_text.extend(c.text);
        match c.publish {
            Some(bytes) => out.files.push((rel, output::Source::Bytes(bytes))),
            None => out.refused.push(rel),
        }
    }
    out
}

/// How many hidden files' names a note lists.
const HIDDEN_SHOWN: usize = 5;

/// Files to copy into the output: the theme's static files, then the site's `static/`, each
/// read now (through `source_files`: no links out of the site, no devices or pipes). Hidden
/// files and folders (`.env`, `.git/`, `.DS_Store`) are left out, with one note saying so.
pub fn static_files(site: &Site) -> (Vec<(String, output::Source)>, Vec<Diagnostic>) {
    use crate::source_files::{Limit, SiteFiles};
    let mut files: BTreeMap<String, output::Source> = BTreeMap::new();
    let mut diags = Vec::new();
    let reader = SiteFiles::new(&site.root);
    let theme_static = site
        .root
        .join("themes")
        .join(&site.config.theme)
        .join("static");
    // The theme's stylesheets are published minified; the site's own static/ files are
    // published as they are.
    let theme_file = |name: &str, bytes: Vec<u8>| {
        if name.ends_with(".css") {
            output::Source::Bytes(output::minify_css(&String::from_utf8_lossy(&bytes)).into_bytes())
        } else {
            output::Source::Bytes(bytes)
        }
    };
    if !reader.is_dir(&theme_static) && site.config.theme == "default" {
        for (name, bytes) in builtin::STATIC {
            files.insert(name.to_string(), theme_file(name, bytes.to_vec()));
        }
    }
    let mut hidden = Vec::new();
    for (dir, from_theme) in [(theme_static, true), (site.root.join("static"), false)] {
        let walk = reader.walk(&dir, true);
        diags.extend(walk.refused.iter().map(|(p, e)| reader.diagnostic(p, e)));
        // `.gitkeep` and `.keep` only keep an empty folder in git: never meant for visitors,
        // so leaving them out needs no note.
        let placeholder = |p: &&PathBuf| {
            p.file_name()
                .is_some_and(|n| n == ".gitkeep" || n == ".keep")
        };
        hidden.extend(
            walk.hidden
                .iter()
                .filter(|p| !placeholder(p))
                .map(|p| reader.display(p)),
        );
        let read: Vec<(String, Result<Vec<u8>, Diagnostic>)> = {
            use rayon::prelude::*;
            walk.files
                .into_par_iter()
                .map(|path| {
                    let rel = crate::diagnostics::display_path(&dir, &path);
                    let bytes = reader
                        .read(&path, Limit::STATIC)
                        .map_err(|e| reader.diagnostic(&path, &e));
                    (rel, bytes)
                })
                .collect()
        };
        for (rel, bytes) in read {
            match bytes {
                Ok(bytes) if from_theme => {
                    let source = theme_file(&rel, bytes);
                    files.insert(rel, source);
                }
                Ok(bytes) => {
                    files.insert(rel, output::Source::Bytes(bytes));
                }
                Err(d) => diags.push(d),
            }
        }
    }
    if !hidden.is_empty() {
        let mut shown: Vec<&str> = hidden
            .iter()
            .take(HIDDEN_SHOWN)
            .map(String::as_str)
            .collect();
        if hidden.len() > HIDDEN_SHOWN {
            shown.push("…");
        }
        diags.push(
            Diagnostic::warning(
                "hidden-file-skipped",
                "static",
                format!(
                    "{} hidden file(s) or folder(s) were left out of the site: {}",
                    hidden.len(),
                    shown.join(", ")
                ),
            )
            .with_hint("files and folders whose name starts with a dot (.env, .git, .DS_Store) are never published; move anything meant for visitors to a name without the dot (.well-known/ is published)"),
        );
    }
    (files.into_iter().collect(), diags)
}
