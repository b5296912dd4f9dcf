//! Templates: loading the theme's Tera templates (site overrides first, then the theme folder,
//! then the copy built into the binary) and rendering pages from their context structs.
//!
//! Template contexts are their own types, built from the model by `site`; templates never see
//! the internal model. Rendering does no I/O; only [`Templates::load`] reads files.

use crate::downloads::Download;
use std::path::Path;

use serde::Serialize;
use tera::Tera;

use crate::diagnostics::{Diagnostic, display_path};

pub mod bounds;

/// The templates every theme provides.
pub const TEMPLATE_NAMES: [&str; 14] = [
    "base.html",
    "landing.html",
    "home.html",
    "page.html",
    "policy.html",
    "charter.html",
    "charter_index.html",
    "guide.html",
    "risk_log.html",
    "section.html",
    "band.html",
    "status.html",
    "az.html",
    "404.html",
];

/// The default theme, built into the binary so `policypress new` sites work without a copy.
pub mod builtin {
    pub const TEMPLATES: [(&str, &str); 14] = [
        (
            "base.html",
            include_str!("../themes/default/templates/base.html"),
        ),
        (
            "landing.html",
            include_str!("../themes/default/templates/landing.html"),
        ),
        (
            "home.html",
            include_str!("../themes/default/templates/home.html"),
        ),
        (
            "page.html",
            include_str!("../themes/default/templates/page.html"),
        ),
        (
            "policy.html",
            include_str!("../themes/default/templates/policy.html"),
        ),
        (
            "charter.html",
            include_str!("../themes/default/templates/charter.html"),
        ),
        (
            "charter_index.html",
            include_str!("../themes/default/templates/charter_index.html"),
        ),
        (
            "guide.html",
            include_str!("../themes/default/templates/guide.html"),
        ),
        (
            "risk_log.html",
            include_str!("../themes/default/templates/risk_log.html"),
        ),
        (
            "section.html",
            include_str!("../themes/default/templates/section.html"),
        ),
        (
            "band.html",
            include_str!("../themes/default/templates/band.html"),
        ),
        (
            "status.html",
            include_str!("../themes/default/templates/status.html"),
        ),
        (
            "az.html",
            include_str!("../themes/default/templates/az.html"),
        ),
        (
            "404.html",
            include_str!("../themes/default/templates/404.html"),
        ),
    ];
    pub const STATIC: [(&str, &[u8]); 3] = [
        (
            "style.css",
            include_bytes!("../themes/default/static/style.css"),
        ),
        (
            "search.js",
            include_bytes!("../themes/default/static/search.js"),
        ),
        (
            "favicon.svg",
            include_bytes!("../themes/default/static/favicon.svg"),
        ),
    ];
}

pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// Loads the built-in templates, then the theme folder's, then the site's `templates/`,
    /// each overriding the one before by name.
    pub fn load(root: &Path, theme: &str) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String, String)> = builtin::TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string(), format!("(built-in) {n}")))
            .collect();
        let mut diags = Vec::new();
        let theme_dir = root.join("themes").join(theme).join("templates");
        if theme != "default" && !root.join("themes").join(theme).is_dir() {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    "site.toml",
                    format!("there is no theme `{theme}`"),
                )
                .with_hint(format!(
                    "create themes/{theme}/, or remove the `theme` line to use the default theme"
                )),
            );
        }
        let files = crate::source_files::SiteFiles::new(root);
        for dir in [theme_dir, root.join("templates")] {
            let walk = files.walk(&dir, false);
            diags.extend(walk.refused.iter().map(|(p, e)| files.diagnostic(p, e)));
            for path in walk.files {
                let name = display_path(&dir, &path);
                match files.read_text(&path, crate::source_files::Limit::TEXT) {
                    Ok(Ok(text)) => {
                        sources.retain(|(n, _, _)| *n != name);
                        sources.push((name, text, display_path(root, &path)));
                    }
                    Ok(Err(_)) => diags.push(
                        Diagnostic::error(
                            "io",
                            display_path(root, &path),
                            "this template is not UTF-8 text",
                        )
                        .with_hint("save it as UTF-8 (most editors offer this in \"Save as\")"),
                    ),
                    Err(e) => diags.push(files.diagnostic(&path, &e)),
                }
            }
        }
        // Tera recurses on nesting: refuse what would overflow it, before it parses.
        let too_deep: Vec<Diagnostic> = sources
            .iter()
            .filter_map(|(_, text, file)| bounds::scan(file, text))
            .collect();
        if !too_deep.is_empty() {
            diags.extend(too_deep);
            return Err(diags);
        }
        let mut tera = Tera::default();
        tera.register_function("range", bounded_range);
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_text);
        let pairs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, t, _)| (n.as_str(), t.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(pairs) {
            let file = sources
                .iter()
                .find(|(n, _, _)| e.to_string().contains(n.as_str()))
                .map_or("templates".to_string(), |(_, _, f)| f.clone());
            diags.push(
                Diagnostic::error("template", file, format!("this template has a mistake: {}", error_chain(&e)))
                    .with_hint("see the Tera template documentation; the default theme's templates are a working example"),
            );
        }
        let files: std::collections::HashMap<&str, (&str, &str)> = sources
            .iter()
            .map(|(n, t, f)| (n.as_str(), (f.as_str(), t.as_str())))
            .collect();
        diags.extend(bounds::recursion(&tera, &files));
        if diags.is_empty() {
            Ok(Templates { tera })
        } else {
            Err(diags)
        }
    }

    pub fn render(&self, name: &str, ctx: &PageContext) -> Result<String, Diagnostic> {
        let context = tera::Context::from_serialize(ctx).map_err(|e| {
            Diagnostic::error(
                "template",
                name,
                format!("could not prepare the page: {}", error_chain(&e)),
            )
        })?;
        let _doing = crate::watch::Activity::begin(format!(
            "the page {} with the template {name}",
            ctx.page.url
        ));
        self.tera.render(name, &context).map_err(|e| {
            Diagnostic::error(
                "template",
                format!("templates/{name}"),
                format!(
                    "the template failed on page {}: {}",
                    ctx.page.url,
                    error_chain(&e)
                ),
            )
            .with_hint("check the names used in the template against docs/templates.md")
        })
    }
}

/// The most numbers one `range(…)` in a template may make.
pub const MAX_RANGE: i64 = 100_000;

/// Tera's `range(end, start=0, step_by=1)`, refusing more than [`MAX_RANGE`] numbers (Tera's
/// own makes whatever it is asked for: `range(end=1000000000)` is 16 GB).
fn bounded_range(
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let number = |key: &str, default: Option<i64>| -> tera::Result<i64> {
        match args.get(key) {
            Some(v) => v.as_i64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "`{key}` of `range` must be a whole number, not {v}"
                ))
            }),
            None => default.ok_or_else(|| tera::Error::msg(format!("`range` needs `{key}`"))),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step <= 0 {
        return Err(tera::Error::msg("`step_by` of `range` must be 1 or more"));
    }
    if start > end {
        return Err(tera::Error::msg(
            "`start` of `range` must not be more than its `end`",
        ));
    }
    let count = (end - start).saturating_add(step - 1) / step;
    if count > MAX_RANGE {
        return Err(tera::Error::msg(format!(
            "`range` may make at most {MAX_RANGE} numbers, and this one would make {count}"
        )));
    }
    Ok(tera::Value::Array(
        (start..end)
            .step_by(step as usize)
            .map(tera::Value::from)
            .collect(),
    ))
}

/// Tera's HTML escaping, dropping control characters (but tabs and line breaks) as well:
/// an ESC or NUL in a title is a mistake in HTML and in the XML a template writes.
fn escape_text(input: &str) -> String {
    let mut out = tera::escape_html(input);
    out.retain(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control());
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

// ---------------------------------------------------------------------------------------
// Template contexts (documented in docs/templates.md; keep the two in step).

#[derive(Debug, Clone, Serialize)]
pub struct PageContext {
    pub lang: String,
    pub site: SiteCtx,
    pub school: Option<SchoolCtx>,
    pub page: PageCtx,
    pub crumbs: Vec<LinkCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub multi_school: bool,
    pub home_url: String,
    pub css_url: String,
    pub favicon_url: String,
    pub feed_url: String,
    /// The search script, which enhances the search form when JavaScript runs.
    pub search_js_url: String,
    pub schools: Vec<SchoolLinkCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolLinkCtx {
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolCtx {
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub url: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub roles: Vec<PersonCtx>,
    pub dsl: Option<PersonCtx>,
    pub bands: Vec<BandCtx>,
    pub ceop: Option<ContactCtx>,
    pub nav: Vec<NavCtx>,
    /// The school's phone number for a `tel:` link (digits, `+44` form).
    pub phone_href: String,
    pub status_url: String,
    /// The A–Z of every document and section: where the search form goes without JavaScript.
    pub az_url: String,
    pub search_index_url: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PersonCtx {
    pub id: String,
    pub title: String,
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandCtx {
    pub slug: String,
    pub name: String,
    pub young: bool,
    pub parent_signs: bool,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactCtx {
    pub name: String,
    pub url: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavCtx {
    pub title: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocCtx {
    pub id: String,
    pub number: String,
    pub title: String,
    pub level: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyCtx {
    pub version: String,
    pub approved_by: String,
    pub approved: String,
    pub minute_ref: String,
    pub review_period: String,
    pub next_review: String,
    pub owner: PersonCtx,
    pub approved_iso: String,
    pub next_review_iso: String,
    /// `current`, `due-soon`, `overdue` or `unknown`.
    pub status: String,
    /// The status in words ("Review due soon").
    pub status_text: String,
    /// The review is overdue and the page says so at the top (`[rules.review-overdue] notice`).
    pub overdue_notice: bool,
    pub changes: Vec<ChangeCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeCtx {
    pub version: String,
    pub date: String,
    pub summary: String,
}

/// A row of the governors' status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    pub title: String,
    pub url: String,
    pub policy: PolicyCtx,
}

/// A titled list of links (band pages, the A–Z).
#[derive(Debug, Clone, Serialize)]
pub struct GroupCtx {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskCtx {
    pub activity: String,
    pub risk: String,
    pub likelihood: u8,
    pub impact: u8,
    pub score: u8,
    pub level: String,
    pub owner: String,
    pub controls: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemCtx {
    pub title: String,
    pub url: String,
    pub description: String,
    pub meta: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub url: String,
    pub content: String,
    pub toc: Vec<TocCtx>,
    pub policy: Option<PolicyCtx>,
    pub band: Option<BandCtx>,
    pub bands: Vec<BandCtx>,
    pub risks: Vec<RiskCtx>,
    pub items: Vec<ItemCtx>,
    pub groups: Vec<GroupCtx>,
    pub policies: Vec<StatusCtx>,
    /// The page's full address, for `<link rel="canonical">` and Open Graph.
    pub canonical_url: String,
    /// The page's own downloads, one per format (its print PDF: policies, guides, charter
    /// band pages).
    pub downloads: Vec<Download>,
    /// Copies of them for a group (a charter band's per-class PDFs).
    pub copies: Vec<Download>,
}

impl PageCtx {
    pub fn new(kind: &'static str, title: String, url: String) -> PageCtx {
        PageCtx {
            kind,
            title,
            description: String::new(),
            url,
            content: String::new(),
            toc: Vec::new(),
            policy: None,
            band: None,
            bands: Vec::new(),
            risks: Vec::new(),
            items: Vec::new(),
            groups: Vec::new(),
            policies: Vec::new(),
            canonical_url: String::new(),
            downloads: Vec::new(),
            copies: Vec::new(),
        }
    }

    /// Links the page's downloads: its own, and the copies for a group.
    pub fn attach_downloads(&mut self, downloads: Option<&Vec<Download>>) {
        let (copies, own) = downloads
            .into_iter()
            .flatten()
            .cloned()
            .partition(|d| d.copy);
        self.downloads = own;
        self.copies = copies;
    }
}
