//! The build pipeline: load → check → render, producing the site's files in memory.
//!
//! [`load`] reads and validates everything; [`render`] turns the model into pages without
//! touching the disk; writing is left to `output`. Errors of every stage are collected so a
//! run reports all of them.

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
    /// Print PDFs to link from each page, by page URL (filled by `lib::build` from `print`).
    pub pdfs: HashMap<String, Vec<PdfCtx>>,
    /// The school files as read, for placing findings about them.
    pub(crate) school_sources: Vec<(String, SourceText)>,
}

/// Reads `site.toml`, `content/` and the templates, and checks them.
pub fn load(root: &Path, opts: &BuildOptions) -> Result<Site, BuildError> {
    let site_path = root.join("site.toml");
    let site_text = std::fs::read_to_string(&site_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BuildError::Usage(format!(
                "there is no site.toml in {}: run this in your site's folder, or give it with --root DIR (start a new site with `policypress new DIR`)",
                root.display()
            ))
        } else {
            BuildError::Io {
                context: format!("could not read {}", site_path.display()),
                source: e,
            }
        }
    })?;
    let site_source = SourceText::new("site.toml", site_text);
    let (mut raw, mut diags) = content::read(root);
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
    diags.extend(exposed_rosters(root));
    let roster_path = root.join(&config.rules.roster_path);
    let roster = if roster_path.is_file() {
        match Roster::load(&roster_path) {
            Ok(r) => Some(r),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "invalid-settings",
                        config.rules.roster_path.clone(),
                        e.to_string(),
                    )
                    .with_hint("import the roster again with `policypress roster import FILE.csv`"),
                );
                None
            }
        }
    } else {
        if config.rules.roster_configured {
            diags.push(
                Diagnostic::error("invalid-settings", "site.toml", format!("the roster file {} does not exist", config.rules.roster_path))
                    .with_hint("import one with `policypress roster import FILE.csv`, or remove the `roster` setting"),
            );
        }
        None
    };
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
            let mut site = Site {
                root: root.to_path_buf(),
                config,
                content,
                templates,
                findings: diags,
                roster,
                static_files: Vec::new(),
                image_text: Vec::new(),
                today: opts.today.unwrap_or_else(Date::today_utc),
                pdfs: HashMap::new(),
                school_sources,
            };
            let mut statics = static_files(&site);
            statics.retain(|(rel, _)| match crate::url_policy::bad_path_char(rel) {
                None => true,
                Some(c) => {
                    let shown = crate::url_policy::shown(&format!("static/{rel}"));
                    site.findings
                        .push(crate::url_policy::bad_path_diagnostic(&shown, c));
                    false
                }
            });
            let (files, findings, metadata) =
                publish_images(statics, site.config.rules.image_policy);
            site.static_files = files;
            site.findings.extend(findings);
            site.image_text = metadata;
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
                status: p.review_status(site.today, site.config.rules.due_soon_days),
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

/// A pupil export left where it could be published: any CSV in `content/` or `static/`
/// whose header names a forename or surname column.
fn exposed_rosters(root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dir in ["content", "static"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let path = entry.path();
            if !entry.file_type().is_file()
                || !path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            {
                continue;
            }
            let head: String = std::fs::read(path)
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
                    Diagnostic::error("roster-exposed", crate::diagnostics::display_path(root, path), "this looks like a pupil list, and it is in a folder that gets published")
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
    let status = p.review_status(today, config.rules.due_soon_days);
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

/// Reads every image about to be published, without decoding pixels: location metadata is
/// removed (policy `strip`, losslessly) or refused (policy `fail`), and what is published is
/// read again to prove no location is left. Returns the files to publish (images as their
/// stripped bytes), findings, and the text fields of the images' metadata.
type ImageText = Vec<(String, crate::images::Field)>;

fn publish_images(
    files: Vec<(String, output::Source)>,
    policy: crate::rules::ImagePolicy,
) -> (Vec<(String, output::Source)>, Vec<Diagnostic>, ImageText) {
    use crate::images::{Format, format_of, read_metadata, strip};
    use rayon::prelude::*;
    const IMAGE_EXTENSIONS: [&str; 12] = [
        "jpg", "jpeg", "png", "webp", "tif", "tiff", "heic", "heif", "avif", "gif", "svg", "jfif",
    ];
    let results: Vec<((String, output::Source), Vec<Diagnostic>, ImageText)> = files
        .into_par_iter()
        .map(|(rel, source)| {
            let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
                return ((rel, source), Vec::new(), Vec::new());
            }
            let name = format!("static/{rel}");
            let bytes = match &source {
                output::Source::Bytes(b) => b.clone(),
                output::Source::File(p) => match std::fs::read(p) {
                    Ok(b) => b,
                    Err(e) => {
                        let d = Diagnostic::error("io", &name, format!("could not read this image: {e}"));
                        return ((rel, source), vec![d], Vec::new());
                    }
                },
            };
            let format = format_of(std::path::Path::new(&rel), &bytes);
            let mut findings = Vec::new();
            if let Some((named, actual)) = crate::images::misnamed(std::path::Path::new(&rel), &bytes) {
                findings.push(
                    Diagnostic::error("image-format", &name, format!("this file is named .{ext} but is not a {named} image (it looks like a {actual})"))
                        .with_hint(format!("rename it to .{}, and change the links to it", actual.extension())),
                );
            }
            let refuse = |message: String, hint: &str| Diagnostic::error("image-geodata", &name, message).with_hint(hint);
            let meta = match read_metadata(format, &bytes) {
                Ok(m) => m,
                Err(e) => {
                    findings.push(refuse(
                        format!("this image's metadata can't be read ({e}), so it can't be checked for location"),
                        "open the photo in an image editor and export it again as JPEG, PNG or WebP",
                    ));
                    return ((rel, source), findings, Vec::new());
                }
            };
            let text: ImageText = meta.text.iter().map(|f| (name.clone(), f.clone())).collect();
            let fields = |list: &[crate::images::Field]| {
                list.iter().map(|f| format!("{} {}", f.container, f.name)).collect::<Vec<_>>().join(", ")
            };
            if !meta.location.is_empty() && policy == crate::rules::ImagePolicy::Fail {
                findings.push(refuse(
                    format!("this photo records where it was taken ({})", fields(&meta.location)),
                    "remove the location from the photo (most phones and editors can), or set [rules.image-geodata] policy = \"strip\" to publish copies without it",
                ));
                return ((rel, source), findings, text);
            }
            if !meta.has_metadata {
                return ((rel, output::Source::Bytes(bytes)), findings, text);
            }
            if !format.can_strip() || format == Format::Other {
                findings.push(refuse(
                    format!("this {format} image has metadata{} that can't be removed from this format", if meta.location.is_empty() { String::new() } else { format!(", including its location ({})", fields(&meta.location)) }),
                    "export the image as JPEG, PNG or WebP without metadata; web browsers show those anyway",
                ));
                return ((rel, source), findings, text);
            }
            match strip(format, &bytes).and_then(|clean| read_metadata(format, &clean).map(|m| (clean, m))) {
                Ok((clean, after)) if after.location.is_empty() && !after.has_metadata => {
                    ((rel, output::Source::Bytes(clean)), findings, text)
                }
                Ok((_, after)) => {
                    findings.push(refuse(
                        format!("metadata was left after removing it ({})", fields(&after.location)),
                        "export the image again without metadata",
                    ));
                    ((rel, source), findings, text)
                }
                Err(e) => {
                    findings.push(refuse(format!("the metadata could not be removed: {e}"), "export the image again as JPEG, PNG or WebP"));
                    ((rel, source), findings, text)
                }
            }
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    let mut text = Vec::new();
    for (f, d, t) in results {
        files.push(f);
        diags.extend(d);
        text.extend(t);
    }
    (files, diags, text)
}

/// Files to copy into the output: the theme's static files, then the site's `static/`.
pub fn static_files(site: &Site) -> Vec<(String, output::Source)> {
    let mut files: BTreeMap<String, output::Source> = BTreeMap::new();
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
    if !theme_static.is_dir() && site.config.theme == "default" {
        for (name, bytes) in builtin::STATIC {
            files.insert(name.to_string(), theme_file(name, bytes.to_vec()));
        }
    }
    for (dir, from_theme) in [(theme_static, true), (site.root.join("static"), false)] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            if entry.file_type().is_file() {
                let rel = crate::diagnostics::display_path(&dir, entry.path());
                let css = if from_theme && rel.ends_with(".css") {
                    std::fs::read(entry.path()).ok()
                } else {
                    None
                };
                let source = match css {
                    Some(bytes) => theme_file(&rel, bytes),
                    None => output::Source::File(entry.into_path()),
                };
                files.insert(rel, source);
            }
        }
    }
    files.into_iter().collect()
}
