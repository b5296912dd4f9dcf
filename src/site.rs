//! The build pipeline: load → check → render, producing the site's files in memory.
//!
//! [`load`] reads and validates everything; [`render`] turns the model into pages without
//! touching the disk; writing is left to `output`. Errors of every stage are collected so a
//! run reports all of them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{self, School, SiteConfig, role_title};
use crate::content::{self, Content, Document, Kind};
use crate::diagnostics::{Diagnostic, SourceText, normalise};
use crate::markdown::{self, LinkResolver, RenderOptions};
use crate::render::*;
use crate::vars::{Prepared, Variables};
use crate::dates::Date;
use crate::rules::roster::Roster;
use crate::rules::Checker;
use crate::{charter, feeds, output};

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The command was used wrongly (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The site's files have mistakes (exit code 1). Holds every finding, warnings included.
    #[error("the site has {} problem(s) to fix before it can be published", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    /// Reading or writing failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
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
    /// Print PDFs to link from each page, by page URL (filled by `lib::build` from `print`).
    pub pdfs: HashMap<String, Vec<PdfCtx>>,
    /// The school files as read, for placing findings about them.
    school_sources: Vec<(String, SourceText)>,
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
                    Diagnostic::error("invalid-settings", config.rules.roster_path.clone(), e.to_string())
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
                today: opts.today.unwrap_or_else(Date::today_utc),
                pdfs: HashMap::new(),
                school_sources,
            };
            site.static_files = static_files(&site);
            Ok(site)
        }
        _ => Err(BuildError::Content(diags)),
    }
}

/// What one page is.
#[derive(Debug, Clone, Copy)]
enum UnitKind {
    Doc,
    CharterBand(usize),
}

/// A page made from a document for one school (and band).
struct Unit<'a> {
    school: &'a School,
    doc: &'a Document,
    kind: UnitKind,
    url: String,
}

/// Where a document's page is for a school, and the ids its headings have there.
struct Target {
    url: String,
    ids: HashSet<String>,
}

struct Resolver<'a> {
    school: &'a School,
    targets: &'a HashMap<(&'a str, &'a str), Target>,
    content: &'a Content,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Result<String, (String, String)> {
        let path = path.trim_start_matches('/');
        let Some(target) = self.targets.get(&(self.school.slug.as_str(), path)) else {
            let exists = self.content.documents.iter().any(|d| d.rel == path);
            let similar = crate::diagnostics::did_you_mean(
                path,
                self.content.documents.iter().map(|d| d.rel.as_str()),
            );
            let hint = match (exists, similar) {
                (true, _) => format!(
                    "content/{path} is not published for {} (it is a draft, or limited to other schools)",
                    self.school.name
                ),
                (false, Some(best)) => format!("did you mean `@/{best}`?"),
                (false, None) => "link to a document by its path inside content/, e.g. `@/policies/online-safety.md`".into(),
            };
            return Err((format!("the link goes to `@/{path}`, which is not a page of {}", self.school.name), hint));
        };
        match anchor {
            None | Some("") => Ok(target.url.clone()),
            Some(a) if target.ids.contains(a) => Ok(format!("{}#{a}", target.url)),
            Some(a) => {
                let hint = match crate::diagnostics::did_you_mean(a, target.ids.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None => "check the heading's id: `## Filtering and monitoring` has the id `filtering-and-monitoring`, or give one with `{#id}`".into(),
                };
                Err((format!("`@/{path}` has no heading with the id `{a}`"), hint))
            }
        }
    }
}

/// Which document each school publishes at each path: the shared ones it is covered by, with
/// its own files replacing shared ones of the same path.
pub fn school_documents(site: &Site) -> Vec<(&School, BTreeMap<&str, &Document>)> {
    let mut per_school = Vec::new();
    for school in &site.config.schools {
        let mut docs: BTreeMap<&str, &Document> = BTreeMap::new();
        let shared = site.content.documents.iter().filter(|d| d.school.is_none());
        let own = site
            .content
            .documents
            .iter()
            .filter(|d| d.school.as_deref() == Some(school.slug.as_str()));
        for doc in shared.chain(own) {
            if doc.published_for(&school.slug) {
                docs.insert(&doc.rel, doc);
            }
        }
        per_school.push((school, docs));
    }
    per_school
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
                approved: p.approved.as_ref().map(|a| a.display.clone()).unwrap_or_default(),
                next_review: p.next_review.as_ref().map(|a| a.display.clone()).unwrap_or_default(),
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

/// Renders every page of the site. Pure: reads nothing from disk.
pub fn render(site: &Site) -> Result<Rendered, BuildError> {
    let config = &site.config;
    let content = &site.content;
    let mut diags: Vec<Diagnostic> = site.findings.clone();
    let mut official_domains: Vec<String> = config
        .schools
        .iter()
        .flat_map(|s| s.email_domains.iter().map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase()))
        .collect();
    official_domains.extend(config.rules.allowed_domains.iter().cloned());
    let checker = Checker {
        config: &config.rules,
        roster: site.roster.as_ref(),
        official_domains,
        today: site.today,
        staff_pairs: crate::rules::staff_pairs(&config.schools),
        static_files: site.static_files.iter().map(|(rel, _)| rel.clone()).collect(),
        images: content.images.iter().map(|i| (i.file.clone(), i.clone())).collect(),
        base_path: config.base_path.clone(),
    };
    checker.check_images(&content.images, content.images_source.as_ref(), &mut diags);
    // Documents, schools and file names are checked once, whatever the number of schools.
    let doc_findings: Vec<Vec<Diagnostic>> = content
        .documents
        .par_iter()
        .filter(|d| !d.meta.draft)
        .map(|d| {
            let mut out = Vec::new();
            checker.check_document(d, &mut out);
            out
        })
        .collect();
    diags.extend(doc_findings.into_iter().flatten());
    for school in &config.schools {
        let source = site.school_sources.iter().find(|(slug, _)| *slug == school.slug).map(|(_, s)| s);
        checker.check_school(school, source, &mut diags);
    }
    for (rel, _) in &site.static_files {
        checker.check_file_name(&format!("static/{rel}"), &mut diags);
    }

    let per_school = school_documents(site);

    // One unit per page made from a document.
    let mut units: Vec<Unit<'_>> = Vec::new();
    for (school, docs) in &per_school {
        let base = config.school_base(school);
        for doc in docs.values() {
            let url = format!("{base}{}", doc.slug_path());
            if doc.kind == Kind::Charter {
                for (i, band) in config.bands.iter().enumerate() {
                    let served = school.bands.contains(&band.slug);
                    let allowed = doc.bands.as_ref().is_none_or(|b| b.contains(&band.slug));
                    if served && allowed {
                        units.push(Unit {
                            school,
                            doc,
                            kind: UnitKind::CharterBand(i),
                            url: format!("{url}{}/", band.slug),
                        });
                    }
                }
            } else {
                units.push(Unit {
                    school,
                    doc,
                    kind: UnitKind::Doc,
                    url,
                });
            }
        }
    }

    // Fill in each school's variables, then cut charters down to each band.
    let variables: HashMap<&str, Variables> = config
        .schools
        .iter()
        .map(|s| (s.slug.as_str(), Variables::new(config, s, &content.contacts)))
        .collect();
    let prepared: Vec<(Prepared, Vec<Diagnostic>)> = units
        .par_iter()
        .map(|u| {
            let mut d = Vec::new();
            let filled = variables[u.school.slug.as_str()].substitute(u.doc, &content.contacts, &mut d);
            let text = match u.kind {
                UnitKind::Doc => filled,
                UnitKind::CharterBand(band) => {
                    charter::check(u.doc, &filled, &config.bands, &mut d);
                    charter::for_band(&filled, &config.bands[band].slug)
                }
            };
            (text, d)
        })
        .collect();
    let mut texts = Vec::with_capacity(prepared.len());
    for (p, d) in prepared {
        texts.push(p);
        diags.extend(d);
    }

    let parsed: Vec<markdown::Parsed<'_>> = texts
        .par_iter()
        .zip(units.par_iter())
        .map(|(t, u)| markdown::parse(&t.text, u.doc.kind == Kind::Policy))
        .collect();

    // Where each document is, per school, with its heading ids, for checking links.
    let mut targets: HashMap<(&str, &str), Target> = HashMap::new();
    for (u, p) in units.iter().zip(&parsed) {
        let url = match u.kind {
            UnitKind::Doc => u.url.clone(),
            UnitKind::CharterBand(_) => format!("{}{}", config.school_base(u.school), u.doc.slug_path()),
        };
        let t = targets
            .entry((u.school.slug.as_str(), u.doc.rel.as_str()))
            .or_insert_with(|| Target {
                url,
                ids: HashSet::new(),
            });
        t.ids.extend(p.ids.iter().cloned());
    }
    for (school, docs) in &per_school {
        for doc in docs.values().filter(|d| d.kind == Kind::Charter) {
            targets
                .entry((school.slug.as_str(), doc.rel.as_str()))
                .or_insert_with(|| Target {
                    url: format!("{}{}", config.school_base(school), doc.slug_path()),
                    ids: HashSet::new(),
                });
        }
    }

    let school_ctx: HashMap<&str, SchoolCtx> = per_school
        .iter()
        .map(|(s, docs)| (s.slug.as_str(), school_context(config, content, s, docs)))
        .collect();
    let site_ctx = site_context(config);

    type UnitResult = (Option<(String, Vec<u8>)>, Vec<Diagnostic>, Vec<(String, Diagnostic)>, String);
    let results: Vec<UnitResult> = units
        .par_iter()
        .zip(parsed.par_iter())
        .zip(texts.par_iter())
        .map(|((u, p), text)| {
            let resolver = Resolver {
                school: u.school,
                targets: &targets,
                content,
            };
            let opts = RenderOptions {
                number_headings: u.doc.kind == Kind::Policy,
                charter: u.doc.kind == Kind::Charter,
                allow_raw_html: config.allow_raw_html,
            };
            let mut findings = Vec::new();
            let html = markdown::render(p, &resolver, opts, &mut findings);
            let surfaces = markdown::surfaces(p);
            checker.check_surfaces(&surfaces, &mut findings);
            let excerpt = search_excerpt(&surfaces);
            let external: Vec<(String, Diagnostic)> = surfaces
                .links
                .iter()
                .filter(|l| l.dest.starts_with("http://") || l.dest.starts_with("https://"))
                .map(|l| {
                    let mut d = text.locate(u.doc, Diagnostic::error("broken-external-link", "", ""), l.offset, &l.dest);
                    d.file = u.doc.source.name.clone();
                    (l.dest.clone(), d)
                })
                .collect();
            let mut d: Vec<Diagnostic> = findings
                .into_iter()
                .map(|f| {
                    let mut diag = text.locate(u.doc, f.diagnostic, f.offset, &f.needle);
                    diag.file = u.doc.source.name.clone();
                    diag
                })
                .collect();
            let school = &school_ctx[u.school.slug.as_str()];
            let mut ctx = doc_context(config, &site_ctx, school, u, p, html, site.today);
            ctx.page.attach_pdfs(site.pdfs.get(&u.url));
            let template = template_for(u);
            match site.templates.render(template, &ctx) {
                Ok(html) => {
                    let mut page_findings = Vec::new();
                    checker.check_html(&u.url, &html, u.doc.kind == Kind::Home, &mut page_findings);
                    for mut f in page_findings {
                        f.message = format!("{} (page {})", f.message, u.url);
                        f.file = u.doc.source.name.clone();
                        d.push(f);
                    }
                    (Some((u.url.clone(), minify(&html))), d, external, excerpt)
                }
                Err(e) => {
                    d.push(e);
                    (None, d, external, excerpt)
                }
            }
        })
        .collect();

    let mut pages = Vec::with_capacity(results.len() + 16);
    let mut external_links = Vec::new();
    let mut excerpts: Vec<String> = Vec::with_capacity(results.len());
    for (page, d, external, excerpt) in results {
        pages.extend(page);
        diags.extend(d);
        external_links.extend(external);
        excerpts.push(excerpt);
    }
    // Each school's documents with their headings, for band pages, the A–Z and search.
    let mut outline: HashMap<(&str, &str), (&Unit<'_>, &markdown::Parsed<'_>, &str)> = HashMap::new();
    for ((u, p), x) in units.iter().zip(&parsed).zip(&excerpts) {
        outline.entry((u.school.slug.as_str(), u.doc.rel.as_str())).or_insert((u, p, x.as_str()));
    }

    // Generated pages: landing, school home pages without index.md, section lists.
    let mut generated: Vec<(&'static str, PageContext)> = Vec::new();
    if config.multi_school() {
        let mut page = PageCtx::new("landing", config.title.clone(), config.base_path.clone());
        page.description = config.description.clone();
        page.items = config
            .schools
            .iter()
            .map(|s| ItemCtx {
                title: s.name.clone(),
                url: config.school_base(s),
                description: s.contact.address.clone(),
                meta: String::new(),
            })
            .collect();
        generated.push(("landing.html", context(config, &site_ctx, None, page, Vec::new())));
    }
    for (school, docs) in &per_school {
        let sc = &school_ctx[school.slug.as_str()];
        let base = config.school_base(school);
        let home = LinkCtx {
            title: "Home".into(),
            url: base.clone(),
        };
        if !docs.contains_key("index.md") {
            let page = PageCtx::new("home", school.name.clone(), base.clone());
            generated.push(("home.html", context(config, &site_ctx, Some(sc), page, Vec::new())));
        }
        for (section, kind, title) in SECTIONS {
            let items: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == kind))
                .into_iter()
                .map(|d| ItemCtx {
                    title: d.meta.title.clone(),
                    url: format!("{base}{}", d.slug_path()),
                    description: d.meta.description.clone(),
                    meta: item_meta(config, d),
                })
                .collect();
            if items.is_empty() || docs.contains_key(format!("{section}/index.md").as_str()) {
                continue;
            }
            let mut page = PageCtx::new("section", title.to_string(), format!("{base}{section}/"));
            page.items = items;
            generated.push(("section.html", context(config, &site_ctx, Some(sc), page, vec![home.clone()])));
        }
        for doc in docs.values().filter(|d| d.kind == Kind::Charter) {
            let url = format!("{base}{}", doc.slug_path());
            let mut page = PageCtx::new("charter-index", doc.meta.title.clone(), url.clone());
            page.description = doc.meta.description.clone();
            page.bands = charter_bands(config, school, doc, &url);
            page.items = page
                .bands
                .iter()
                .map(|b| ItemCtx {
                    title: b.name.clone(),
                    url: b.url.clone(),
                    description: String::new(),
                    meta: String::new(),
                })
                .collect();
            let crumbs = vec![
                home.clone(),
                LinkCtx {
                    title: "Pupil charters".into(),
                    url: format!("{base}charters/"),
                },
            ];
            generated.push(("charter_index.html", context(config, &site_ctx, Some(sc), page, crumbs)));
        }
        for band_slug in &school.bands {
            let Some(band) = config.band(band_slug) else { continue };
            let mut page = PageCtx::new("band", format!("My child is in {}", band.name), format!("{base}bands/{}/", band.slug));
            page.band = Some(band_ctx(band, page.url.clone()));
            page.groups = band_groups(config, school, docs, band, &outline);
            generated.push(("band.html", context(config, &site_ctx, Some(sc), page, vec![home.clone()])));
        }
        let mut page = PageCtx::new("status", "Policy review status".into(), format!("{base}status/"));
        page.policies = sorted(docs.values().copied().filter(|d| d.kind == Kind::Policy))
            .into_iter()
            .filter_map(|d| {
                d.policy.as_ref().map(|p| StatusCtx {
                    title: d.meta.title.clone(),
                    url: format!("{base}{}", d.slug_path()),
                    policy: policy_ctx(config, school, p, site.today),
                })
            })
            .collect();
        generated.push(("status.html", context(config, &site_ctx, Some(sc), page, vec![home.clone()])));
        let mut page = PageCtx::new("a-z", "A to Z".into(), format!("{base}a-z/"));
        page.groups = a_to_z(docs, &base, school, &outline);
        generated.push(("az.html", context(config, &site_ctx, Some(sc), page, vec![home.clone()])));
    }
    let page = PageCtx::new("not-found", "Page not found".into(), format!("{}404.html", config.base_path));
    generated.push(("404.html", context(config, &site_ctx, None, page, Vec::new())));
    let generated: Vec<(Option<(String, Vec<u8>)>, Vec<Diagnostic>)> = generated
        .par_iter()
        .map(|(template, ctx)| match site.templates.render(template, ctx) {
            Ok(html) => {
                let mut d = Vec::new();
                checker.check_html(&ctx.page.url, &html, ctx.page.kind == "home", &mut d);
                for f in &mut d {
                    f.message = format!("{} (page {})", f.message, ctx.page.url);
                    f.file = format!("templates/{template}");
                }
                (Some((ctx.page.url.clone(), minify(&html))), d)
            }
            Err(d) => (None, vec![d]),
        })
        .collect();
    for (page, d) in generated {
        pages.extend(page);
        diags.extend(d);
    }

    let allows: HashMap<String, Vec<(String, String)>> = content
        .documents
        .iter()
        .filter(|d| !d.meta.allow.is_empty())
        .map(|d| (d.source.name.clone(), d.meta.allow.clone()))
        .collect();
    config.rules.apply(&mut diags, &allows);
    // Any finding's line or message could show a pupil's name: print initials only, so
    // logs (CI's included) never hold a name.
    if let Some(roster) = &site.roster {
        for d in &mut diags {
            if let Some(snippet) = &mut d.snippet {
                *snippet = crate::rules::roster::redact_in(roster, snippet);
            }
            d.message = crate::rules::roster::redact_in(roster, &d.message);
        }
    }
    normalise(&mut diags);
    let mut seen = HashSet::new();
    let mut files = Vec::with_capacity(pages.len() + 8);
    let mut sitemap_urls = Vec::with_capacity(pages.len());
    for (url, bytes) in pages {
        if url.ends_with(".html") {
            // A page with its own file name (404.html) is not listed in the sitemap.
            files.push((url.strip_prefix(config.base_path.as_str()).unwrap_or(&url).to_string(), bytes));
            continue;
        }
        let path = output::page_path(&config.base_path, &url);
        if seen.insert(path.clone()) {
            sitemap_urls.push(absolute_url(config, &url));
            files.push((path, bytes));
        }
    }
    for (school, docs) in &per_school {
        let base = config.school_base(school);
        let rel = base.strip_prefix(config.base_path.as_str()).unwrap_or(&base).to_string();
        files.push((format!("{rel}search-index.json"), search_index(docs, &base, school, &outline)));
    }
    sitemap_urls.sort();
    files.push(("sitemap.xml".into(), feeds::sitemap(&sitemap_urls).into_bytes()));
    files.push(("robots.txt".into(), format!("User-agent: *\nAllow: /\nSitemap: {}\n", absolute_url(config, &format!("{}sitemap.xml", config.base_path))).into_bytes()));
    files.push(("feed.xml".into(), feeds::atom(config, &per_school, site.today).into_bytes()));
    Ok(Rendered {
        pages: files,
        findings: diags,
        external_links,
    })
}

/// A pupil export left where it could be published: any CSV in `content/` or `static/`
/// whose header names a forename or surname column.
fn exposed_rosters(root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dir in ["content", "static"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let path = entry.path();
            if !entry.file_type().is_file() || !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                continue;
            }
            let head: String = std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(4096)]).lines().next().unwrap_or("").to_lowercase())
                .unwrap_or_default();
            if ["surname", "forename", "first name", "last name", "legal", "upn"].iter().any(|w| head.contains(w)) {
                out.push(
                    Diagnostic::error("roster-exposed", crate::diagnostics::display_path(root, path), "this looks like a pupil list, and it is in a folder that gets published")
                        .with_hint("import it with `policypress roster import FILE.csv`, then delete the CSV: never keep it in content/ or static/, and never commit it"),
                );
            }
        }
    }
    out
}

/// Up to 600 characters of a page's text, for the search index.
fn search_excerpt(s: &markdown::Surfaces) -> String {
    let mut out = String::new();
    for t in s.texts.iter().filter(|t| t.kind != markdown::SurfaceKind::Code) {
        if out.len() > 600 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t.text.trim());
    }
    let mut end = out.len().min(600);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

type Outline<'a> = HashMap<(&'a str, &'a str), (&'a Unit<'a>, &'a markdown::Parsed<'a>, &'a str)>;

/// What a band page gathers: the band's charter, its guides, and the policy sections about it.
fn band_groups(config: &SiteConfig, school: &School, docs: &BTreeMap<&str, &Document>, band: &config::Band, outline: &Outline<'_>) -> Vec<GroupCtx> {
    let base = config.school_base(school);
    let charters: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == Kind::Charter))
        .into_iter()
        .filter(|d| d.bands.as_ref().is_none_or(|b| b.contains(&band.slug)))
        .map(|d| ItemCtx {
            title: format!("{}: {}", d.meta.title, band.name),
            url: format!("{base}{}{}/", d.slug_path(), band.slug),
            description: d.meta.description.clone(),
            meta: "Read it together, then sign and return it to school.".into(),
        })
        .collect();
    let guides: Vec<ItemCtx> = sorted(docs.values().copied().filter(|d| d.kind == Kind::Guide))
        .into_iter()
        .filter(|d| d.bands.as_ref().is_none_or(|b| b.contains(&band.slug)))
        .map(|d| ItemCtx {
            title: d.meta.title.clone(),
            url: format!("{base}{}", d.slug_path()),
            description: d.meta.description.clone(),
            meta: String::new(),
        })
        .collect();
    let name = band.name.to_lowercase();
    let short = name.split(" (").next().unwrap_or(&name).to_string();
    let slug_words = band.slug.replace('-', " ");
    let mut sections = Vec::new();
    for d in sorted(docs.values().copied().filter(|d| d.kind == Kind::Policy)) {
        let Some((_, parsed, _)) = outline.get(&(school.slug.as_str(), d.rel.as_str())) else { continue };
        for h in &parsed.headings {
            let t = h.title.to_lowercase();
            if t.contains(&short) || t.contains(&slug_words) {
                sections.push(ItemCtx {
                    title: format!("{} {}", h.number, h.title).trim().to_string(),
                    url: format!("{base}{}#{}", d.slug_path(), h.id),
                    description: String::new(),
                    meta: d.meta.title.clone(),
                });
            }
        }
    }
    vec![
        GroupCtx { id: "charter".into(), title: "Our pupils' charter".into(), items: charters },
        GroupCtx { id: "guides".into(), title: "Guides for parents and carers".into(), items: guides },
        GroupCtx { id: "policy-sections".into(), title: "What our policies say about this age group".into(), items: sections },
    ]
}

/// Every document and top-level section of a school, grouped by first letter.
fn a_to_z(docs: &BTreeMap<&str, &Document>, base: &str, school: &School, outline: &Outline<'_>) -> Vec<GroupCtx> {
    let mut entries: Vec<ItemCtx> = Vec::new();
    for d in docs.values() {
        let url = format!("{base}{}", d.slug_path());
        let title = if d.meta.title.is_empty() { school.name.clone() } else { d.meta.title.clone() };
        entries.push(ItemCtx { title: title.clone(), url: url.clone(), description: String::new(), meta: String::new() });
        if d.kind == Kind::Charter {
            continue;
        }
        if let Some((_, parsed, _)) = outline.get(&(school.slug.as_str(), d.rel.as_str())) {
            for h in parsed.headings.iter().filter(|h| h.level == 2) {
                entries.push(ItemCtx { title: h.title.clone(), url: format!("{url}#{}", h.id), description: String::new(), meta: title.clone() });
            }
        }
    }
    entries.sort_by_key(|e| e.title.to_lowercase());
    let mut groups: Vec<GroupCtx> = Vec::new();
    for e in entries {
        let first = e.title.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().to_string()).unwrap_or_default();
        let letter = if first.chars().all(|c| c.is_ascii_alphabetic()) && !first.is_empty() { first } else { "0–9".into() };
        match groups.last_mut() {
            Some(g) if g.title == letter => g.items.push(e),
            _ => groups.push(GroupCtx {
                id: format!("letter-{}", if letter == "0–9" { "0-9".to_string() } else { letter.to_lowercase() }),
                title: letter,
                items: vec![e],
            }),
        }
    }
    groups
}

/// The search index of a school: one entry per page and per section, as compact JSON.
fn search_index(docs: &BTreeMap<&str, &Document>, base: &str, school: &School, outline: &Outline<'_>) -> Vec<u8> {
    let mut entries = Vec::new();
    for d in docs.values() {
        let Some((u, parsed, excerpt)) = outline.get(&(school.slug.as_str(), d.rel.as_str())) else { continue };
        let url = match u.kind {
            UnitKind::Doc => u.url.clone(),
            UnitKind::CharterBand(_) => format!("{base}{}", d.slug_path()),
        };
        let title = if d.meta.title.is_empty() { school.name.clone() } else { d.meta.title.clone() };
        entries.push(serde_json::json!({ "t": title, "s": "", "u": url, "x": excerpt }));
        for h in parsed.headings.iter().filter(|h| (2..=3).contains(&h.level)) {
            entries.push(serde_json::json!({ "t": title, "s": h.title, "u": format!("{url}#{}", h.id), "x": "" }));
        }
    }
    serde_json::to_vec(&entries).unwrap_or_else(|_| b"[]".to_vec())
}

/// The full address of a web path: `https://example.org/a/` for `/a/`.
fn absolute_url(config: &SiteConfig, path: &str) -> String {
    let origin = config.base_url.trim_end_matches('/');
    let origin = origin.strip_suffix(config.base_path.trim_end_matches('/')).unwrap_or(origin);
    format!("{origin}{path}")
}

const SECTIONS: [(&str, Kind, &str); 4] = [
    ("policies", Kind::Policy, "Policies"),
    ("charters", Kind::Charter, "Pupil charters"),
    ("guides", Kind::Guide, "Guides for parents and carers"),
    ("risk-logs", Kind::RiskLog, "Risk logs"),
];

fn sorted<'a>(docs: impl Iterator<Item = &'a Document>) -> Vec<&'a Document> {
    let mut v: Vec<&Document> = docs.collect();
    v.sort_by(|a, b| (a.meta.weight, &a.meta.title).cmp(&(b.meta.weight, &b.meta.title)));
    v
}

fn item_meta(config: &SiteConfig, doc: &Document) -> String {
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

fn template_for(u: &Unit<'_>) -> &'static str {
    match (u.doc.kind, u.kind) {
        (Kind::Home, _) => "home.html",
        (Kind::Page, _) => "page.html",
        (Kind::Policy, _) => "policy.html",
        (Kind::Charter, _) => "charter.html",
        (Kind::Guide, _) => "guide.html",
        (Kind::RiskLog, _) => "risk_log.html",
    }
}

fn minify(html: &str) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: true,
        minify_css: true,
        minify_js: false,
        minify_doctype: false,
        keep_comments: false,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html.as_bytes(), &cfg)
}

fn site_context(config: &SiteConfig) -> SiteCtx {
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

fn person(school: &School, id: &str) -> PersonCtx {
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

fn charter_bands(config: &SiteConfig, school: &School, doc: &Document, url: &str) -> Vec<BandCtx> {
    config
        .bands
        .iter()
        .filter(|b| school.bands.contains(&b.slug))
        .filter(|b| doc.bands.as_ref().is_none_or(|list| list.contains(&b.slug)))
        .map(|b| band_ctx(b, format!("{url}{}/", b.slug)))
        .collect()
}

fn band_ctx(b: &config::Band, url: String) -> BandCtx {
    BandCtx {
        slug: b.slug.clone(),
        name: b.name.clone(),
        young: b.young,
        parent_signs: b.parent_signs,
        url,
    }
}

fn school_context(
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
    for doc in sorted(docs.values().copied().filter(|d| d.kind == Kind::Page && d.meta.nav)) {
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
                    description: "Report a concern about online sexual abuse or grooming to the police.".into(),
                })
            }),
        nav,
    }
}

/// "01632 960000" → "+441632960000"; empty when there is no number.
fn tel_href(phone: &str) -> String {
    let national = crate::rules::text::national_digits(phone);
    match national.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => format!("+44{rest}"),
        _ => national,
    }
}

fn context(
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
fn policy_ctx(config: &SiteConfig, school: &School, p: &content::PolicyMeta, today: Date) -> PolicyCtx {
    let status = p.review_status(today, config.rules.due_soon_days);
    PolicyCtx {
        version: p.version.clone(),
        approved_by: p.approved_by.clone(),
        approved: p.approved.as_ref().map(|d| d.display.clone()).unwrap_or_default(),
        minute_ref: p.minute_ref.clone(),
        review_period: p.review_period.map(|r| r.to_string()).unwrap_or_default(),
        next_review: p.next_review.as_ref().map(|d| d.display.clone()).unwrap_or_default(),
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
        approved_iso: p.approved.as_ref().map(|d| d.start.to_string()).unwrap_or_default(),
        next_review_iso: p.next_review.as_ref().map(|d| d.end.to_string()).unwrap_or_default(),
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

fn doc_context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: &SchoolCtx,
    u: &Unit<'_>,
    parsed: &markdown::Parsed<'_>,
    html: String,
    today: Date,
) -> PageContext {
    let doc = u.doc;
    let base = &school.url;
    let title = if doc.meta.title.is_empty() && doc.kind == Kind::Home {
        school.name.clone()
    } else {
        doc.meta.title.clone()
    };
    let kind = match (doc.kind, u.kind) {
        (Kind::Home, _) => "home",
        (Kind::Page, _) => "page",
        (Kind::Policy, _) => "policy",
        (Kind::Charter, _) => "charter",
        (Kind::Guide, _) => "guide",
        (Kind::RiskLog, _) => "risk-log",
    };
    let mut page = PageCtx::new(kind, title, u.url.clone());
    page.description = doc.meta.description.clone();
    page.content = html;
    page.toc = parsed
        .headings
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
    match u.kind {
        UnitKind::CharterBand(i) => {
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
        UnitKind::Doc => {
            if let Some(bands) = &doc.bands {
                page.bands = bands
                    .iter()
                    .filter_map(|b| config.band(b))
                    .map(|b| band_ctx(b, String::new()))
                    .collect();
            } else if doc.kind == Kind::Guide {
                page.bands = config.bands.iter().map(|b| band_ctx(b, String::new())).collect();
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

/// Files to copy into the output: the theme's static files, then the site's `static/`.
pub fn static_files(site: &Site) -> Vec<(String, output::Source)> {
    let mut files: BTreeMap<String, output::Source> = BTreeMap::new();
    let theme_static = site.root.join("themes").join(&site.config.theme).join("static");
    if !theme_static.is_dir() && site.config.theme == "default" {
        for (name, bytes) in builtin::STATIC {
            files.insert(name.to_string(), output::Source::Bytes(bytes.to_vec()));
        }
    }
    for dir in [theme_static, site.root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            if entry.file_type().is_file() {
                let rel = crate::diagnostics::display_path(&dir, entry.path());
                files.insert(rel, output::Source::File(entry.into_path()));
            }
        }
    }
    files.into_iter().collect()
}
