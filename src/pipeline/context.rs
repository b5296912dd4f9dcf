//! The template contexts of the pages, made from the model: the site, a school, a
//! document's page. Templates see only these (`render::*Ctx`), never the model itself.

use super::*;

use crate::content::kinds::{band_ctx, person_ctx};
use crate::content::{self, Content};
use crate::dates::Date;

/// The sections of a school's site that list documents: (web path, kind, title), from the
/// kinds that have one, in the registry's order; each titled as the site calls it.
pub(super) fn sections(
    config: &SiteConfig,
) -> impl Iterator<Item = (&'static str, Kind, std::borrow::Cow<'_, str>)> {
    Kind::ALL.iter().filter_map(move |&kind| {
        let def = kind.def();
        match (def.path, def.section) {
            (content::kinds::KindPath::Folder(folder), Some(title)) => {
                Some((folder, kind, config.section_title(folder, title)))
            }
            _ => None,
        }
    })
}

/// The line a list shows under a document's title: its kind's.
pub(super) fn item_meta(config: &SiteConfig, doc: &Document) -> String {
    (doc.kind().def().list_line)(doc, config)
}

/// Where a school's parents' summary of its filtering and monitoring is, below its base.
pub(super) const FILTERING_PATH: &str = "filtering-and-monitoring/";

pub(super) fn site_context(config: &SiteConfig, content: &Content) -> SiteCtx {
    SiteCtx {
        ceop: ceop_context(content),
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        multi_school: config.multi_school(),
        home_url: config.base_path.clone(),
        css_url: format!("{}style.css", config.base_path),
        favicon_url: format!("{}favicon.svg", config.base_path),
        feed_url: format!("{}feed.xml", config.base_path),
        search_js_url: format!("{}search.js", config.base_path),
        charter_name: config.charters.name.clone(),
        schools: config
            .schools
            .iter()
            .map(|s| SchoolLinkCtx {
                slug: s.slug.clone(),
                name: s.name.clone(),
                short_name: s.short_name.clone(),
                url: config.school_base(s),
                accessibility_url: crate::accessibility::url(config, s),
            })
            .collect(),
    }
}

pub(super) fn school_context(
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
    for (section, kind, title) in sections(config) {
        if docs.values().any(|d| d.kind() == kind) {
            nav.push(NavCtx {
                title: title.to_string(),
                url: format!("{base}{section}/"),
                current: false,
            });
        }
    }
    for doc in sorted(
        docs.values()
            .copied()
            .filter(|d| d.kind() == Kind::Page && d.meta.nav),
    ) {
        nav.push(NavCtx {
            title: doc.meta.title.clone(),
            url: format!("{base}{}", doc.slug_path()),
            current: false,
        });
    }
    let roles: Vec<PersonCtx> = school
        .roles
        .iter()
        .map(|r| person_ctx(school, &r.id))
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
        dsl: school.roles.role("dsl").map(|_| person_ctx(school, "dsl")),
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
        accessibility_url: crate::accessibility::url(config, school),
        filtering_url: crate::content::kinds::review::latest(docs.values().copied())
            .map(|_| format!("{base}{FILTERING_PATH}"))
            .unwrap_or_default(),
        search_index_url: format!("{base}search-index.json"),
        logo_url: school
            .logo
            .as_ref()
            .map(|l| format!("{}{l}", config.base_path))
            .unwrap_or_default(),
        words: {
            let w = school.kind.words();
            WordsCtx {
                place: w.place.into(),
                child: w.child.into(),
                children: w.children.into(),
                office: w.office.into(),
                head: w.head.into(),
            }
        },
        ceop: Some(ceop_context(content)),
        nav,
    }
}

/// The CEOP contact as templates see it.
fn ceop_context(content: &Content) -> ContactCtx {
    let c = content.ceop();
    ContactCtx {
        name: c.name,
        url: c.url,
        description: c.description,
    }
}

/// "01632 960000" → "+441632960000"; empty when there is no number.
pub(super) fn tel_href(phone: &str) -> String {
    let national = crate::phone::national_digits(phone);
    match national.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => format!("+44{rest}"),
        _ => national,
    }
}

pub(super) fn context(
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
    page.canonical_url = config.absolute_url(&page.url);
    PageContext {
        lang: config.language.clone(),
        site: site.clone(),
        school,
        page,
        crumbs,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn doc_context(
    config: &SiteConfig,
    site: &SiteCtx,
    school: &SchoolCtx,
    doc: &Document,
    u: &UnitSpec,
    headings: &[markdown::Heading],
    html: String,
    today: Date,
) -> PageContext {
    let base = &school.url;
    let def = doc.kind().def();
    let title = if doc.meta.title.is_empty() && def.school_home {
        school.name.clone()
    } else {
        doc.meta.title.clone()
    };
    let mut page = PageCtx::new(def.id, title, u.url.clone());
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
    let doc_url = format!("{base}{}", doc.slug_path());
    if let Some(s) = config.school(&school.slug) {
        let at = crate::content::kinds::PageData {
            config,
            school: s,
            band: u.band,
            url: &u.url,
            doc_url: &doc_url,
            today,
        };
        (def.page)(doc, &at, &mut page);
    }
    let mut crumbs = Vec::new();
    if !def.school_home {
        crumbs.push(LinkCtx {
            title: "Home".into(),
            url: base.clone(),
        });
    }
    if let Some((section, _, title)) = sections(config).find(|(_, k, _)| *k == doc.kind()) {
        crumbs.push(LinkCtx {
            title: title.to_string(),
            url: format!("{base}{section}/"),
        });
    }
    if u.band.is_some() {
        // A band page is below its document's own page.
        crumbs.push(LinkCtx {
            title: doc.meta.title.clone(),
            url: doc_url,
        });
    }
    context(config, site, Some(school), page, crumbs)
}
