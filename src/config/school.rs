//! One school's settings: its file (`content/schools/<slug>/school.toml` or
//! `[schools.<slug>]` in `site.toml`) read and validated into a [`School`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Band, Roles, unknown_band, value_offset};
use crate::diagnostics::{Diagnostic, SourceText};

/// How to reach a school (`[contact]` in its `school.toml`), as its pages show it. A detail
/// the school does not give is empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactDetails {
    /// The school's postal address on one line (`Mill Lane, Riverbend, RB1 2CD`).
    #[serde(default)]
    pub address: String,
    /// The school office's phone number, as written (`01632 960110`).
    #[serde(default)]
    pub phone: String,
    /// The school office's e-mail address (`office@riverbend.sch.example`).
    #[serde(default)]
    pub email: String,
    /// The school's own website (`https://riverbend.sch.example/`); cleared when it is not a
    /// safe web address.
    #[serde(default)]
    pub website: String,
}

/// A school's file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SchoolToml {
    name: String,
    short_name: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    bands: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    email_domains: Vec<String>,
    kind: Option<toml::Spanned<String>>,
    #[serde(default)]
    classes: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    staff: Vec<String>,
    logo: Option<String>,
    #[serde(default)]
    contact: ContactDetails,
    #[serde(default)]
    roles: BTreeMap<String, toml::Spanned<toml::Value>>,
    accessibility: Option<super::accessibility::AccessibilityToml>,
    publishing: Option<toml::Spanned<toml::Table>>,
}

/// A school the site publishes for.
#[derive(Debug, Clone)]
pub struct School {
    /// The school's slug: its folder under `content/schools/` (or its `[schools.<slug>]`
    /// table), and the start of its web addresses on a site of several schools (`riverbend`).
    pub slug: String,
    /// The school's full, official name, as on its pages (`Riverbend Primary School`).
    pub name: String,
    /// The school's shorter name, used in navigation (`Riverbend`); its full name when it
    /// gives none.
    pub short_name: String,
    /// Other names people use for the school (`Riverbend Primary`), checked by the rules like
    /// its name.
    pub variants: Vec<String>,
    /// Slugs of the bands it serves, in the site's band order.
    pub bands: Vec<String>,
    /// The school's official e-mail domains (`riverbend.sch.example`): an address on another
    /// domain is a `personal-email` error.
    pub email_domains: Vec<String>,
    /// What kind of place it is (a school, a nursery, a setting, a trust): the words its
    /// pages and PDFs use.
    pub kind: SchoolKind,
    /// The school's classes (`Year 3 Oak`); each class gets its own printed copy of the
    /// charter for its band (or bands).
    pub classes: Vec<Class>,
    /// Adults who work at or visit the school and are not in its roles (`Gemma Smith`), as
    /// written: a pupil who shares one's name is not reported where the name is written.
    pub staff: Vec<String>,
    /// The school's logo: as written in its file (`/images/logo.png`) when read, then (once
    /// `site::load` has checked it is a PNG or SVG among the static files) its path there
    /// (`images/logo.png`); `None` when it gives none or it can't be shown.
    pub logo: Option<String>,
    /// How to reach the school: address, phone, e-mail and website.
    pub contact: ContactDetails,
    /// The people the school names in its roles (headteacher, safeguarding lead, …).
    pub roles: Roles,
    /// What its accessibility statement says beyond what the build verifies (`[accessibility]`).
    pub accessibility: super::Accessibility,
    /// Its type and where it publishes what that type must (`[publishing]`).
    pub publishing: super::Publishing,
    /// The file the school was defined in, relative to the site root.
    pub file: String,
}

pub(super) fn finish_school(
    slug: &str,
    raw: SchoolToml,
    source: &SourceText,
    (site_access, site_source): (
        Option<&super::accessibility::AccessibilityToml>,
        &SourceText,
    ),
    bands: &[Band],
    diags: &mut Vec<Diagnostic>,
) -> School {
    let accessibility = super::accessibility::read(
        site_access,
        site_source,
        raw.accessibility.as_ref(),
        source,
        diags,
    );
    let school_bands = match raw.bands {
        None => bands.iter().map(|b| b.slug.clone()).collect(),
        Some(list) => {
            for b in &list {
                if !bands.iter().any(|band| band.slug == *b.get_ref()) {
                    diags.push(unknown_band(source, b.get_ref(), b.span().start, bands));
                }
            }
            // Keep the site's band order whatever order the school lists them in.
            bands
                .iter()
                .filter(|band| list.iter().any(|b| *b.get_ref() == band.slug))
                .map(|b| b.slug.clone())
                .collect()
        }
    };
    let mut contact = raw.contact;
    if !contact.website.is_empty()
        && let Err(why) = crate::url_policy::check_web_address(contact.website.trim())
    {
        diags.push(
            Diagnostic::error(
                crate::url_policy::RULE,
                &source.name,
                why.message("the school's `website`", &contact.website),
            )
            .at(
                source,
                value_offset(&source.text, "website", &contact.website),
            )
            .with_hint("write the school's web address, e.g. \"https://www.oak.sch.example/\""),
        );
        contact.website.clear();
    }
    let kind = read_kind(raw.kind, source, diags);
    let mut logo = raw.logo;
    if let Some(l) = &logo
        && let Err(why) = crate::url_policy::check(l)
    {
        diags.push(
            Diagnostic::error(
                crate::url_policy::RULE,
                &source.name,
                why.message("the school's `logo`", l),
            )
            .at(source, value_offset(&source.text, "logo", l))
            .with_hint("put the logo in static/ and give its path, e.g. \"/images/logo.png\""),
        );
        logo = None;
    }
    School {
        slug: slug.to_string(),
        short_name: raw.short_name.unwrap_or_else(|| raw.name.clone()),
        name: raw.name,
        variants: raw.variants,
        bands: school_bands,
        email_domains: raw.email_domains,
        classes: read_classes(raw.classes, source, bands, diags),
        staff: raw.staff,
        logo,
        contact,
        roles: Roles::read(raw.roles, kind, source, diags),
        kind,
        accessibility,
        publishing: super::publishing::read(raw.publishing.as_ref(), source, diags),
        file: source.name.clone(),
    }
}

/// What kind of place a school's file is about. A nursery or a setting (a pre-school, a
/// childminder, a day nursery) speaks of children, not pupils; a trust of its central team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchoolKind {
    /// A school (the default).
    #[default]
    School,
    /// A nursery school (with a headteacher).
    Nursery,
    /// An early-years setting run by a manager: a pre-school, a day nursery.
    Setting,
    /// A multi-academy trust's central team.
    Trust,
}

/// The words pages and PDFs use for a kind of place: "pupils" or "children", "the school
/// office" or "the setting".
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Words {
    /// The place (`school`, `nursery`, `setting`, `trust`).
    pub place: &'static str,
    /// One child there (`pupil`, `child`).
    pub child: &'static str,
    /// The children there (`pupils`, `children`).
    pub children: &'static str,
    /// Where a parent phones (`the school office`, `the setting`).
    pub office: &'static str,
    /// Who leads it (`Headteacher`, `Manager`): the default title of the `headteacher` role.
    pub head: &'static str,
}

impl SchoolKind {
    /// Each kind with its name in `school.toml`, in the order the hint lists them.
    pub const ALL: [(SchoolKind, &'static str); 4] = [
        (SchoolKind::School, "school"),
        (SchoolKind::Nursery, "nursery"),
        (SchoolKind::Setting, "setting"),
        (SchoolKind::Trust, "trust"),
    ];

    /// The words its pages and PDFs use.
    pub fn words(self) -> Words {
        let w = |place, child, children, office, head| Words {
            place,
            child,
            children,
            office,
            head,
        };
        match self {
            SchoolKind::School => w(
                "school",
                "pupil",
                "pupils",
                "the school office",
                "Headteacher",
            ),
            SchoolKind::Nursery => w(
                "nursery",
                "child",
                "children",
                "the nursery office",
                "Headteacher",
            ),
            SchoolKind::Setting => w("setting", "child", "children", "the setting", "Manager"),
            SchoolKind::Trust => w(
                "trust",
                "pupil",
                "pupils",
                "the trust's central team",
                "Chief Executive",
            ),
        }
    }
}

fn read_kind(
    raw: Option<toml::Spanned<String>>,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) -> SchoolKind {
    let Some(raw) = raw else {
        return SchoolKind::School;
    };
    let names = SchoolKind::ALL.map(|(_, n)| n);
    if let Some((kind, _)) = SchoolKind::ALL
        .iter()
        .find(|(_, n)| *n == raw.get_ref().trim())
    {
        return *kind;
    }
    let hint = match crate::diagnostics::did_you_mean(raw.get_ref(), names.iter().copied()) {
        Some(best) => format!(
            "did you mean \"{best}\"? Write one of: {}",
            names.join(", ")
        ),
        None => format!(
            "write one of: {} (a pre-school or day nursery is a \"setting\")",
            names.join(", ")
        ),
    };
    diags.push(
        Diagnostic::error(
            "invalid-settings",
            &source.name,
            format!(
                "`kind = \"{}\"` is not a kind of school PolicyPress knows",
                raw.get_ref()
            ),
        )
        .at(source, raw.span().start)
        .with_hint(hint),
    );
    SchoolKind::School
}

/// A class at a school (`classes` in its `school.toml`): its name, and the bands the school
/// says it belongs to (none: the bands are found from the years in its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// The class's name, printed on the "Class" line of its charters (`Year 3 Oak`).
    pub name: String,
    /// The bands the school gives it (`{ name = "Kestrels", band = "years-3-4" }`).
    pub bands: Vec<String>,
    /// The 1-based line of `school.toml` it is written on (0 when not found).
    pub line: usize,
}

/// `classes = ["Year 3 Oak", { name = "Kestrels", band = "years-3-4" }, …]`: each a name,
/// or a name with its band (or bands: `band = ["eyfs", "years-1-2"]`).
fn read_classes(
    raw: Vec<toml::Spanned<toml::Value>>,
    source: &SourceText,
    bands: &[Band],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Class> {
    let mut classes = Vec::new();
    for item in raw {
        let at = item.span().start;
        let line = source.line_col(at).0;
        let bad = |why: &str, diags: &mut Vec<Diagnostic>| {
            diags.push(
                Diagnostic::error("invalid-settings", &source.name, format!("a class can't be read: {why}"))
                    .at(source, at)
                    .with_hint("write a class as its name (\"Year 3 Oak\"), or with its band: { name = \"Kestrels\", band = \"years-3-4\" }"),
            );
        };
        match item.into_inner() {
            toml::Value::String(name) => classes.push(Class {
                name,
                bands: Vec::new(),
                line,
            }),
            toml::Value::Table(mut t) => {
                let Some(toml::Value::String(name)) = t.remove("name") else {
                    bad("it has no `name`", diags);
                    continue;
                };
                let given = match t.remove("band") {
                    None => Vec::new(),
                    Some(toml::Value::String(b)) => vec![b],
                    Some(toml::Value::Array(list)) => list
                        .into_iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    Some(_) => {
                        bad("its `band` is not a band's slug", diags);
                        continue;
                    }
                };
                if let Some(key) = t.keys().next() {
                    bad(
                        &format!(
                            "`{key}` is not a class's setting (a class has `name` and `band`)"
                        ),
                        diags,
                    );
                    continue;
                }
                let mut known = Vec::new();
                let gave = !given.is_empty();
                for b in given {
                    if bands.iter().any(|band| band.slug == b) {
                        known.push(b);
                    } else {
                        let offset = source.text[at.min(source.text.len())..]
                            .find(&b)
                            .map_or(at, |o| at + o);
                        diags.push(unknown_band(source, &b, offset, bands));
                    }
                }
                // A class whose bands are all unknown is reported as such, and gets no copy.
                if gave && known.is_empty() {
                    continue;
                }
                classes.push(Class {
                    name,
                    bands: known,
                    line,
                });
            }
            _ => bad("it is neither a name nor a table", diags),
        }
    }
    classes
}
