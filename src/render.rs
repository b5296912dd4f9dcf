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
pub const TEMPLATE_NAMES: [&str; 17] = [
    "base.html",
    "landing.html",
    "home.html",
    "page.html",
    "policy.html",
    "charter.html",
    "charter_index.html",
    "guide.html",
    "risk_log.html",
    "statement.html",
    "review.html",
    "filtering.html",
    "section.html",
    "band.html",
    "status.html",
    "az.html",
    "404.html",
];

/// The default theme, built into the binary so `policypress new` sites work without a copy.
pub mod builtin {
    /// The default theme's page templates, by name (`policy.html`), as built into the binary.
    pub const TEMPLATES: [(&str, &str); 17] = [
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
            "statement.html",
            include_str!("../themes/default/templates/statement.html"),
        ),
        (
            "review.html",
            include_str!("../themes/default/templates/review.html"),
        ),
        (
            "filtering.html",
            include_str!("../themes/default/templates/filtering.html"),
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
    /// The default theme's static files (stylesheet, search script, favicon), by the path
    /// they are published at under the site root (`style.css`).
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

/// The site's page templates, loaded and checked, ready to render pages.
pub struct Templates {
    tera: Tera,
    /// Every template is the default theme's, unchanged (the layout PolicyPress's browser
    /// tests check): what a site's accessibility statement may say of its layout.
    pub as_shipped: bool,
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
        let as_shipped = sources
            .iter()
            .all(|(n, t, _)| builtin::TEMPLATES.iter().any(|(bn, bt)| bn == n && bt == t));
        if diags.is_empty() {
            Ok(Templates { tera, as_shipped })
        } else {
            Err(diags)
        }
    }

    /// Renders a page's context with the template `name` (`policy.html`), giving the page's
    /// HTML or a `template` error naming the page.
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

/// Everything a page's template gets: the site, the page's school, the page itself and its
/// breadcrumbs.
#[derive(Debug, Clone, Serialize)]
pub struct PageContext {
    /// The pages' language tag, for `<html lang>` (`en-GB`).
    pub lang: String,
    /// The site as a whole: its title, addresses and schools (the same on every page).
    pub site: SiteCtx,
    /// The school the page belongs to; absent on the landing page and the 404 page.
    pub school: Option<SchoolCtx>,
    /// The page being rendered: its kind, title, address, body and what its kind adds.
    pub page: PageCtx,
    /// Breadcrumbs, from the school's home page to the page's parent (`Home`, `Policies`).
    pub crumbs: Vec<LinkCtx>,
}

/// The site as templates see it, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    /// The site's title (`Riverbend and Hillside Federation: Online Safety`).
    pub title: String,
    /// One sentence about the site, for search results and link previews; may be empty.
    pub description: String,
    /// The site's full address (`https://online-safety.riverbend-hillside.example/`).
    pub base_url: String,
    /// Whether the site has several schools (each school's addresses then start with
    /// its slug, and `/` lists the schools).
    pub multi_school: bool,
    /// The URL path of the site root (`/`): the landing page on a site of several schools.
    pub home_url: String,
    /// The URL path of the stylesheet (`/style.css`).
    pub css_url: String,
    /// The URL path of the favicon (`/favicon.svg`).
    pub favicon_url: String,
    /// The URL path of the site's Atom feed (`/feed.xml`).
    pub feed_url: String,
    /// The search script, which enhances the search form when JavaScript runs.
    pub search_js_url: String,
    /// Every school of the site, with the address of its home page.
    pub schools: Vec<SchoolLinkCtx>,
    /// What the site calls one pupil charter in a sentence (`charter`, `acceptable use
    /// agreement`: `[charters] name`).
    pub charter_name: String,
    /// The CEOP "report a concern" link (the site's `ceop` contact, or the default one): for
    /// pages of no one school, such as a federation's landing page and the 404 page.
    pub ceop: ContactCtx,
}

/// A school as the site's list of schools links it.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolLinkCtx {
    /// The school's slug, the start of its addresses on a site of several schools (`riverbend`).
    pub slug: String,
    /// The school's full name (`Riverbend Primary School`).
    pub name: String,
    /// The school's short name, as navigation shows it (`Riverbend`).
    pub short_name: String,
    /// The URL path of the school's home page (`/riverbend/`, or `/` on a site of one school).
    pub url: String,
    /// The URL path of the school's accessibility statement (`/riverbend/accessibility/`).
    pub accessibility_url: String,
}

/// The school a page belongs to, as templates see it: its names, contact details, people,
/// bands and navigation.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolCtx {
    /// The school's slug, the start of its addresses on a site of several schools (`riverbend`).
    pub slug: String,
    /// The school's full name, as on its pages (`Riverbend Primary School`).
    pub name: String,
    /// The school's short name, as navigation shows it (`Riverbend`).
    pub short_name: String,
    /// The URL path of the school's home page (`/riverbend/`, or `/` on a site of one school).
    pub url: String,
    /// The school's postal address on one line (`Mill Lane, Riverbend, RB1 2CD`); may be empty.
    pub address: String,
    /// The school office's phone number as written (`01632 960110`); may be empty.
    pub phone: String,
    /// The school office's e-mail address (`office@riverbend.sch.example`); may be empty.
    pub email: String,
    /// The school's own website (`https://riverbend.sch.example/`); may be empty.
    pub website: String,
    /// Each role the school names, with the people in it: the known roles first, in the
    /// order of [`crate::config::KNOWN_ROLES`] (headteacher first), then the school's own.
    pub roles: Vec<PersonCtx>,
    /// The Designated Safeguarding Lead, or absent when the school names none.
    pub dsl: Option<PersonCtx>,
    /// The bands the school serves, each with the address of its "My child is in…" page
    /// (`/riverbend/bands/years-3-4/`).
    pub bands: Vec<BandCtx>,
    /// The CEOP "report a concern" link (the site's `ceop` contact, or the default one).
    pub ceop: Option<ContactCtx>,
    /// The school's main navigation: Home, each section it has (Policies, Charters, …), then
    /// its pages marked `nav`.
    pub nav: Vec<NavCtx>,
    /// The school's phone number for a `tel:` link (digits, `+44` form).
    pub phone_href: String,
    /// The URL path of the governors' policy review status page (`/riverbend/status/`).
    pub status_url: String,
    /// The A–Z of every document and section: where the search form goes without JavaScript.
    pub az_url: String,
    /// The school's accessibility statement, which every page's footer links.
    pub accessibility_url: String,
    /// The parents' summary of its filtering and monitoring (`/filtering-and-monitoring/`),
    /// made from its latest review record; empty when it has none.
    pub filtering_url: String,
    /// The URL path of the index the search script loads
    /// (`/riverbend/search-index.json`).
    pub search_index_url: String,
    /// The URL path of the school's logo (`/images/logo.png`); empty when it has none.
    pub logo_url: String,
    /// The words for what kind of place it is: `place` (school, nursery, setting, trust),
    /// `child` and `children` (pupil(s) or child(ren)), `office` ("the school office", "the
    /// setting"), `head` (Headteacher, Manager).
    pub words: WordsCtx,
}

/// The words for what kind of place a school is, as templates see them (`school.words`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct WordsCtx {
    /// The place (`school`, `nursery`, `setting`, `trust`).
    pub place: String,
    /// One child there (`pupil`, `child`).
    pub child: String,
    /// The children there (`pupils`, `children`).
    pub children: String,
    /// Where a parent phones (`the school office`, `the setting`).
    pub office: String,
    /// Who leads it (`Headteacher`, `Manager`).
    pub head: String,
}

/// A role at a school and who holds it, as templates see it (`{id: "dsl", title: "Designated
/// Safeguarding Lead", name: "Mr Ben Demoley", …}`). All empty for a policy with no owner.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PersonCtx {
    /// The role's id (`dsl`, `online_safety_lead`).
    pub id: String,
    /// The role's title in words (`Designated Safeguarding Lead`).
    pub title: String,
    /// The name of the person in the role (`Mr Ben Demoley`), several joined with commas
    /// (deputies); empty when the school names nobody.
    pub name: String,
    /// The (first) person's work e-mail address; empty when not given.
    pub email: String,
    /// The (first) person's work phone number; empty when not given.
    pub phone: String,
}

/// An age band as templates see it, with the address of its page.
#[derive(Debug, Clone, Serialize)]
pub struct BandCtx {
    /// The band's slug, as in its addresses (`years-3-4`).
    pub slug: String,
    /// The band's name as pages show it (`Years 3 and 4`).
    pub name: String,
    /// Whether the band is for younger children: simpler wording and larger type.
    pub young: bool,
    /// Whether a parent or carer signs the charter on the child's behalf.
    pub parent_signs: bool,
    /// On a charter's page for the band: the sentence its copy is signed under (the
    /// charter's own, the band's or the site's); empty elsewhere.
    pub signing: String,
    /// The URL path of the band's page here (its "My child is in…" page, or a charter's page
    /// for it); empty where there is none.
    pub url: String,
}

/// A useful contact, as a link with a line about it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactCtx {
    /// The contact's name, the link text (`CEOP: Child Exploitation and Online Protection`).
    pub name: String,
    /// The address the link goes to (`https://www.ceop.police.uk/ceop-reporting/`).
    pub url: String,
    /// One or two sentences on what the contact is for, shown with the link.
    pub description: String,
}

/// One link of a school's main navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavCtx {
    /// The link text (`Policies`).
    pub title: String,
    /// The URL path the link goes to (`/riverbend/policies/`).
    pub url: String,
    /// Whether the link is to the page being shown (for `aria-current`).
    pub current: bool,
}

/// A titled link, such as a breadcrumb.
#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    /// The link text (`Policies`).
    pub title: String,
    /// The URL path the link goes to (`/riverbend/policies/`).
    pub url: String,
}

/// One entry of a page's contents list: a `##` or `###` heading.
#[derive(Debug, Clone, Serialize)]
pub struct TocCtx {
    /// The heading's id, for the entry's `#` link (`reporting-a-concern`).
    pub id: String,
    /// The heading's number when the document numbers them (`2.1`); otherwise empty.
    pub number: String,
    /// The heading's text.
    pub title: String,
    /// The heading's level: 2 for `##`, 3 for `###`.
    pub level: u8,
}

/// A policy's approval and review details, as its page and the status page show them.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyCtx {
    /// The policy's version (`4.2`).
    pub version: String,
    /// Who approved it (`Full Governing Board`).
    pub approved_by: String,
    /// When it was approved, for readers (`10 March 2026`, or a term: `Spring 2 2026`); empty
    /// when not given.
    pub approved: String,
    /// The minute recording the approval (`FGB 2026/03 item 7`); empty when not given.
    pub minute_ref: String,
    /// How often it is reviewed, in words (`every year`); empty when not given.
    pub review_period: String,
    /// When it is next due for review, for readers (`10 March 2027`); empty when unknown.
    pub next_review: String,
    /// The role that owns the policy, with the person in it; all empty when it names none.
    pub owner: PersonCtx,
    /// The approval date as `YYYY-MM-DD` (a term's first day), for `<time datetime>`;
    /// empty when not given.
    pub approved_iso: String,
    /// The next review date as `YYYY-MM-DD` (a term's last day), for `<time datetime>`;
    /// empty when unknown.
    pub next_review_iso: String,
    /// `current`, `due-soon`, `overdue` or `unknown`.
    pub status: String,
    /// The status in words ("Review due soon").
    pub status_text: String,
    /// The review is overdue and the page says so at the top (`[rules.review-overdue] notice`).
    pub overdue_notice: bool,
    /// The policy's change history: each version with its date and summary.
    pub changes: Vec<ChangeCtx>,
}

/// One entry of a policy's change history.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeCtx {
    /// The version the change made (`4.2`).
    pub version: String,
    /// When the change was made, for readers (`10 March 2026`).
    pub date: String,
    /// What changed, in a sentence or two.
    pub summary: String,
}

/// A row of the governors' status page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    /// The policy's title (`Online Safety Policy`).
    pub title: String,
    /// The URL path of the policy's page (`/riverbend/policies/online-safety/`).
    pub url: String,
    /// The policy's approval and review details.
    pub policy: PolicyCtx,
}

/// A filtering and monitoring review's record as templates and the PDF see it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewCtx {
    /// When it was held ("15 September 2026"), and as `YYYY-MM-DD` for `<time>`.
    pub reviewed: String,
    /// The same as `YYYY-MM-DD`.
    pub reviewed_iso: String,
    /// The day the next review is due by (a year on).
    pub next_due: String,
    /// Whether that day has passed.
    pub overdue: bool,
    /// Why it was held.
    pub why: String,
    /// The filtering and monitoring provider.
    pub provider: String,
    /// The filtering system.
    pub filtering: String,
    /// How the school monitors.
    pub monitoring: String,
    /// Who took part: "Designated Safeguarding Lead: Mr A Sample".
    pub participants: Vec<String>,
    /// What was checked.
    pub checks: Vec<ReviewCheckCtx>,
    /// What is blocked or allowed, and why.
    pub decisions: Vec<ReviewDecisionCtx>,
    /// What is to be done, by whom and when.
    pub actions: Vec<ReviewActionCtx>,
}

/// One check of a review.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewCheckCtx {
    /// What was checked, and how.
    pub what: String,
    /// When.
    pub date: String,
    /// What was found.
    pub result: String,
    /// "Passed", "Not passed: see the actions", or empty.
    pub outcome: String,
}

/// One block or allow decision of a review.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewDecisionCtx {
    /// The site, service or category.
    pub what: String,
    /// "Blocked" or "Allowed".
    pub decision: String,
    /// Who it applies to ("Everyone" unless given).
    pub applies_to: String,
    /// Why.
    pub reason: String,
}

/// One action of a review.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewActionCtx {
    /// What is to be done.
    pub what: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: String,
    /// "Open", "Done" or "Overdue".
    pub status: String,
}

/// One thing a school must publish, as the status page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct StatutoryCtx {
    /// What it is.
    pub title: String,
    /// `present`, `elsewhere`, `shown`, `out-of-date` or `missing`.
    pub status: &'static str,
    /// The same in words.
    pub status_text: String,
    /// Where it is (empty when missing).
    pub url: String,
    /// The guidance that asks for it.
    pub source: String,
}

/// A review record as the status page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewLinkCtx {
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Its details.
    pub review: ReviewCtx,
}

/// A titled list of links (band pages, the A–Z).
#[derive(Debug, Clone, Serialize)]
pub struct GroupCtx {
    /// An id for the group's heading, unique on the page (`guides`, `letter-a`).
    pub id: String,
    /// The group's heading (`Guides for parents and carers`, or a letter in the A–Z).
    pub title: String,
    /// The links in the group.
    pub items: Vec<ItemCtx>,
}

/// One row of a risk log, scored.
#[derive(Debug, Clone, Serialize)]
pub struct RiskCtx {
    /// The activity the risk comes with (`Pupils using the internet on school devices`).
    pub activity: String,
    /// What could go wrong (`Contact from an adult seeking to groom a child`).
    pub risk: String,
    /// How likely it is, from 1 (low) to 3 (high).
    pub likelihood: u8,
    /// How much harm it would do, from 1 (low) to 3 (high).
    pub impact: u8,
    /// Likelihood times impact, from 1 to 9.
    pub score: u8,
    /// The score's band, for showing and styling: `low` (1–3), `medium` (4–6) or `high`.
    pub level: String,
    /// Who manages the risk: a role in words with the person's name
    /// (`Online Safety Lead (Miss Erin Testwell)`), or the text as written.
    pub owner: String,
    /// What is done to reduce the risk.
    pub controls: String,
}

/// One link in a list of pages (a section, the landing page, a band page, the A–Z).
#[derive(Debug, Clone, Serialize)]
pub struct ItemCtx {
    /// The link text: the document's title, or a school's or band's name.
    pub title: String,
    /// The URL path the link goes to (`/riverbend/policies/online-safety/`).
    pub url: String,
    /// A sentence about the item (a document's description, or a school's address on the
    /// landing page); may be empty.
    pub description: String,
    /// A short line shown with the item (a policy's "Version 4.2, next review 10 March
    /// 2027", or in the A–Z the document a section is in); may be empty.
    pub meta: String,
}

/// The page being rendered, as templates see it; each kind fills in its own fields.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    /// What kind of page it is: `landing`, `home`, `page`, `policy`, `charter`,
    /// `charter-index`, `guide`, `risk-log`, `section`, `band`, `status`, `a-z` or `not-found`.
    pub kind: &'static str,
    /// The page's title, its only top-level heading (`Online Safety Policy`).
    pub title: String,
    /// The page's one-sentence description from its front matter, for search results and
    /// link previews; may be empty.
    pub description: String,
    /// The page's URL path, with the base path (`/riverbend/policies/online-safety/`).
    pub url: String,
    /// The page's body as HTML, made from its Markdown (output it with `| safe`); empty on
    /// generated pages such as a section's list.
    pub content: String,
    /// The page's contents list: its `##` and `###` headings, in order.
    pub toc: Vec<TocCtx>,
    /// The policy's approval and review details, on policy pages only.
    pub policy: Option<PolicyCtx>,
    /// A filtering and monitoring review's record, on its page and the parents' summary.
    pub review: Option<ReviewCtx>,
    /// On the status page: the school's filtering and monitoring reviews, newest first.
    pub reviews: Vec<ReviewLinkCtx>,
    /// On the status page: what the school must publish and where each item stands (empty
    /// when it gives no type under `[publishing]`).
    pub statutory: Vec<StatutoryCtx>,
    /// On the status page: the school's type in words ("a maintained school"), or empty.
    pub school_type: String,
    /// The band the page is for, on a charter's band page and a band's "My child is in…"
    /// page.
    pub band: Option<BandCtx>,
    /// On a guide, the bands it concerns; on a charter's index, the bands with pages.
    pub bands: Vec<BandCtx>,
    /// On a risk log, its rows.
    pub risks: Vec<RiskCtx>,
    /// The list of links a landing, section or charter index page shows.
    pub items: Vec<ItemCtx>,
    /// The titled lists of links of a band page or the A–Z.
    pub groups: Vec<GroupCtx>,
    /// On the status page, each policy with its review details.
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
    /// A page of this kind with its title and URL path, everything else empty for the code
    /// making the page to fill in.
    pub fn new(kind: &'static str, title: String, url: String) -> PageCtx {
        PageCtx {
            kind,
            title,
            description: String::new(),
            url,
            content: String::new(),
            toc: Vec::new(),
            policy: None,
            review: None,
            reviews: Vec::new(),
            statutory: Vec::new(),
            school_type: String::new(),
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
