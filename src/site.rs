//! The build pipeline: load → check → render, producing the site's files in memory.
//!
//! [`load`] reads and validates everything; [`render`] turns the model into pages without
//! touching the disk; writing is left to `output`. Errors of every stage are collected so a
//! run reports all of them.

use crate::ruleset::RuleId;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{self, School, SiteConfig};
use crate::content::{self, Content, Document, Kind, sorted};
use crate::dates::Date;
use crate::diagnostics::{Diagnostic, SourceText, normalise};
use crate::downloads::Download;
use crate::render::*;
use crate::roster::Roster;

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
        /// What was being done, naming the file or folder ("could not read site.toml").
        context: String,
        /// The operating system's error, explained in plain words when shown.
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
    /// The site's folder: the one holding `site.toml` and `content/`.
    pub root: PathBuf,
    /// The settings of `site.toml` and every school's `school.toml`, checked.
    pub config: SiteConfig,
    /// Every document of `content/`, with the site's contacts and image metadata.
    pub content: Content,
    /// The page templates: built-in, then the theme's, then the site's own overrides.
    pub templates: Templates,
    /// Findings of loading, errors included: `render` adds its own and decides.
    pub findings: Vec<Diagnostic>,
    /// The pupil roster, when the site has one.
    pub roster: Option<Roster>,
    /// Files copied from the theme's and the site's static folders.
    pub static_files: Vec<(String, crate::published::Source)>,
    /// The date the review rules check against.
    pub today: Date,
    /// Text fields of published images' metadata (`static/` path, field), for the name check.
    pub image_text: Vec<(String, crate::images::Field)>,
    /// Other text of `static/` files (their body, documents' metadata), for the name check.
    pub file_text: Vec<crate::static_meta::FileText>,
    /// Paths under `static/` of files refused (not published): links to them are not broken,
    /// the file is what is wrong.
    pub refused_static: Vec<String>,
    /// The downloads each page links (its PDFs), by page URL: filled from the exporters.
    pub downloads: HashMap<String, Vec<Download>>,
    /// The school files as read, for placing findings about them.
    pub(crate) school_sources: Vec<(String, SourceText)>,
    /// site.toml and content/contacts.toml as read, for placing findings about them.
    pub(crate) site_source: SourceText,
    pub(crate) contacts_source: Option<SourceText>,
    /// The site's and its theme's own templates (pages and print), for the checks on their
    /// literal text.
    pub(crate) template_sources: Vec<SourceText>,
}

/// Reads only the site's settings and its schools, as a build would (for `import`, which
/// writes the school's own names back as variables).
pub fn load_config(root: &Path) -> Result<SiteConfig, BuildError> {
    let files = crate::source_files::SiteFiles::new(root);
    let site_source = read_settings(root, &files)?;
    let (mut raw, _) = content::read(root);
    let schools = std::mem::take(&mut raw.schools);
    config::load(&site_source, &schools).map_err(BuildError::Content)
}

/// Reads `site.toml`, `content/` and the templates, and checks them.
pub fn load(root: &Path, opts: &BuildOptions) -> Result<Site, BuildError> {
    let files = crate::source_files::SiteFiles::new(root);
    let site_source = read_settings(root, &files)?;
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
    diags.extend(content::kinds::check_sections(&config, &site_source));
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
        only_school(&mut config, slug)?;
    }
    normalise(&mut diags);
    // Content mistakes do not stop here: rendering reports its own findings too, so one run
    // lists everything. Only a site without usable templates stops now.
    let Some(templates) = templates else {
        return Err(BuildError::Content(diags));
    };
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
        downloads: HashMap::new(),
        school_sources,
        template_sources: template_sources(&files, &config_theme),
        site_source,
        contacts_source,
    };
    load_static(&mut site);
    check_logos(&mut site);
    add_statements(&mut site);
    Ok(site)
}

/// Each school's accessibility statement, made from what the site now knows, among its
/// documents.
fn add_statements(site: &mut Site) {
    let facts = crate::accessibility::Facts {
        layout_as_shipped: site.templates.as_shipped && stylesheet_as_shipped(site),
        today: site.today,
    };
    let (docs, findings) =
        crate::accessibility::statements(&site.config, &site.content.documents, &facts);
    site.content.documents.extend(docs);
    if !findings.is_empty() {
        site.findings.extend(findings);
        normalise(&mut site.findings);
    }
}

/// Whether the published stylesheet is the default theme's, unchanged.
fn stylesheet_as_shipped(site: &Site) -> bool {
    let shipped = builtin::STATIC
        .iter()
        .find(|(name, _)| *name == "style.css")
        .map(|(_, bytes)| crate::minify::css(&String::from_utf8_lossy(bytes)).into_bytes());
    let published = site.static_files.iter().find(|(rel, _)| rel == "style.css");
    match (shipped, published) {
        (Some(shipped), Some((_, crate::published::Source::Bytes(b)))) => *b == shipped,
        _ => false,
    }
}

/// Each school's `logo` is a PNG or SVG among the static files (kept as its path there,
/// `images/logo.png`); one that is not is an error where it is written, and not shown.
fn check_logos(site: &mut Site) {
    use crate::images::Format;
    let mut findings = Vec::new();
    for school in &mut site.config.schools {
        let Some(given) = school.logo.take() else {
            continue;
        };
        let rel = given
            .trim()
            .strip_prefix(site.config.base_path.as_str())
            .unwrap_or(given.trim())
            .trim_start_matches('/')
            .trim_start_matches("static/")
            .to_string();
        let file = site.static_files.iter().find(|(p, _)| *p == rel);
        let format = file.map(|(p, source)| {
            let head = match source {
                crate::published::Source::Bytes(b) => b.iter().take(512).copied().collect(),
                crate::published::Source::Verified { path, .. } => read_head(path),
            };
            crate::images::format_of(Path::new(p), &head)
        });
        let why = match format {
            Some(Format::Png | Format::Svg) => {
                school.logo = Some(rel);
                continue;
            }
            None if site.refused_static.contains(&rel) => {
                format!(
                    "the logo `{given}` can't be published (see the finding about static/{rel})"
                )
            }
            None => format!(
                "the logo `{given}` is not among the site's static files (there is no static/{rel})"
            ),
            Some(_) => format!("the logo `{given}` is not a PNG or SVG image"),
        };
        let source = site
            .school_sources
            .iter()
            .map(|(_, s)| s)
            .chain([&site.site_source])
            .find(|s| s.name == school.file);
        let mut d = Diagnostic::error("invalid-settings", &school.file, why).with_hint(format!(
            "put the logo (a PNG or SVG) in static/, e.g. static/images/logo.png, and write `logo = \"/images/logo.png\"` in {}",
            school.file
        ));
        if let Some(src) = source {
            d = d.at(src, crate::config::value_offset(&src.text, "logo", &given));
        }
        findings.push(d);
    }
    site.findings.extend(findings);
    normalise(&mut site.findings);
}

/// The first bytes of a file, enough to tell its format (none when it can't be read).
fn read_head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(512).read_to_end(&mut head);
    }
    head
}

/// `site.toml`'s text; a missing or unreadable one stops the run.
fn read_settings(
    root: &Path,
    files: &crate::source_files::SiteFiles,
) -> Result<SourceText, BuildError> {
    let site_path = root.join("site.toml");
    match files.read_text(&site_path, crate::source_files::Limit::SETTINGS) {
        Ok(Ok(text)) => Ok(SourceText::new("site.toml", text)),
        Ok(Err(_)) => Err(BuildError::Content(vec![
            Diagnostic::error("io", "site.toml", "this file is not UTF-8 text")
                .with_hint("save it as UTF-8 (most editors offer this in \"Save as\")"),
        ])),
        Err(e) if e.is_not_found() => Err(BuildError::Usage(format!(
            "there is no site.toml in {}: run this in your site's folder, or give it with --root DIR (start a new site with `policypress new DIR`)",
            root.display()
        ))),
        Err(crate::source_files::FileError::Io(e)) => Err(BuildError::Io {
            context: format!("could not read {}", site_path.display()),
            source: e,
        }),
        Err(e) => Err(BuildError::Content(vec![files.diagnostic(&site_path, &e)])),
    }
}

/// Keeps only the school `slug` (`--school`), which must be one of the site's.
fn only_school(config: &mut SiteConfig, slug: &str) -> Result<(), BuildError> {
    if config.school(slug).is_none() {
        let list: Vec<&str> = config.schools.iter().map(|s| s.slug.as_str()).collect();
        return Err(BuildError::Usage(format!(
            "there is no school `{slug}`; the schools are: {}",
            list.join(", ")
        )));
    }
    config.schools.retain(|s| s.slug == slug);
    Ok(())
}

/// The theme's and the site's static files, checked and made safe to publish, with what
/// was refused and why.
fn load_static(site: &mut Site) {
    let (mut found, mut findings) = static_files(site);
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
}

/// Which document each school publishes at each path: the shared ones it is covered by, with
/// its own files replacing shared ones of the same path.
pub fn school_documents(site: &Site) -> Vec<(&School, BTreeMap<&str, &Document>)> {
    school_docs(site)
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

/// The documents of each school, by path, as indexes into `content.documents`: the shared
/// ones it is covered by, with its own files replacing shared ones of the same path.
pub fn school_docs(site: &Site) -> Vec<BTreeMap<String, usize>> {
    site.config
        .schools
        .iter()
        .map(|school| content::for_school(&site.content.documents, &school.slug))
        .collect()
}

/// One row of the policy status table.
#[derive(Debug, Clone)]
pub struct StatusRow {
    /// The short name of the school publishing the policy.
    pub school: String,
    /// The policy's title.
    pub title: String,
    /// The policy's version, as written (empty if not given).
    pub version: String,
    /// When the policy was approved, as written (empty if not given).
    pub approved: String,
    /// When the policy is next due for review, as written or worked out (empty if unknown).
    pub next_review: String,
    /// Where the policy stands against its review date on the day checked.
    pub status: content::ReviewStatus,
}

/// Every policy of every school with its review status on `site.today`.
pub fn status(site: &Site) -> Vec<StatusRow> {
    let mut rows = Vec::new();
    for (school, docs) in school_documents(site) {
        for d in sorted(docs.values().copied().filter(|d| d.kind() == Kind::Policy)) {
            let Some(p) = d.policy() else { continue };
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
    /// Pages carried over from the last build, unchanged (their inputs hash as they did):
    /// path inside the output directory, length and BLAKE3 hash of the file written then,
    /// which is still there (checked).
    pub carried: Vec<(String, u64, String)>,
    /// Every finding, errors included: the caller decides whether to publish.
    pub findings: Vec<Diagnostic>,
    /// Links to other websites, each with a finding placed where it is written, for
    /// `--external` to fill in if the link is broken.
    pub external_links: Vec<(String, Diagnostic)>,
}

impl Rendered {
    /// Whether any finding is an error, so the site must not be published.
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
    use crate::roster::key::{KEY_ENV, default_key_file, find_key};
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
        } else if rules.level(RuleId::PupilFullName) != crate::ruleset::Level::Off {
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
        Err(e @ crate::roster::RosterError::WrongKey { .. }) => {
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

/// What [`publish_static`] made of the static files.
struct Published {
    /// The files to publish, as their checked (for images, stripped) bytes.
    files: Vec<(String, crate::published::Source)>,
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
    files: Vec<(String, crate::published::Source)>,
    policy: crate::ruleset::ImagePolicy,
) -> Published {
    use rayon::prelude::*;
    let results: Vec<(String, crate::static_meta::Checked)> = files
        .into_par_iter()
        .map(|(rel, source)| {
            let bytes = match source {
                crate::published::Source::Bytes(b) => b,
                // Files are read by `static_files`; nothing else comes here.
                crate::published::Source::Verified { .. } => Vec::new(),
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
            Some(bytes) => out
                .files
                .push((rel, crate::published::Source::Bytes(bytes))),
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
pub fn static_files(site: &Site) -> (Vec<(String, crate::published::Source)>, Vec<Diagnostic>) {
    use crate::source_files::{Limit, SiteFiles};
    let mut files: BTreeMap<String, crate::published::Source> = BTreeMap::new();
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
            crate::published::Source::Bytes(
                crate::minify::css(&String::from_utf8_lossy(&bytes)).into_bytes(),
            )
        } else {
            crate::published::Source::Bytes(bytes)
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
                    files.insert(rel, crate::published::Source::Bytes(bytes));
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
            .with_hint("move anything meant for visitors to a name without the dot: files and folders whose name starts with a dot (.env, .git, .DS_Store) are never published (.well-known/ is)"),
        );
    }
    (files.into_iter().collect(), diags)
}
