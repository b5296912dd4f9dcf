//! The site's settings (`site.toml`) and its schools (`content/schools/<slug>/school.toml`
//! or `[schools.<slug>]` in `site.toml`), read and validated into [`SiteConfig`].

use crate::ruleset::RuleId;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};

mod bands;
use bands::check_bands;
pub use bands::{Band, CharterWords, default_bands, unknown_band};

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

/// A named person in a role.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's name with their title, as pages show it (`Mrs Ada Demoworth`).
    pub name: String,
    /// Their work e-mail address (`dsl@riverbend.sch.example`); empty when not given.
    #[serde(default)]
    pub email: String,
    /// Their work phone number (`01632 960101`); empty when not given.
    #[serde(default)]
    pub phone: String,
}

/// The roles a school names (`[roles.*]` in its `school.toml`): any key, each with its
/// title and its people. The roles of [`KNOWN_ROLES`] come first, in that order, then the
/// school's own in the order of their keys.
#[derive(Debug, Clone, Default)]
pub struct Roles(Vec<Role>);

/// One role at a school: `[roles.dpo]`.
#[derive(Debug, Clone)]
pub struct Role {
    /// The role's key (`dpo`), which is also its variable (`{{ dpo }}`, `{{ dpo.email }}`).
    pub id: String,
    /// The words pages use for it: its `title`, else the known role's, else its key.
    pub title: String,
    /// The people in it, at least one.
    pub people: Vec<Person>,
}

/// Roles that have a title without the school giving one, in the order pages list them.
pub const KNOWN_ROLES: &[(&str, &str)] = &[
    ("headteacher", "Headteacher"),
    ("dsl", "Designated Safeguarding Lead"),
    ("deputy_dsl", "Deputy Designated Safeguarding Lead"),
    ("online_safety_lead", "Online Safety Lead"),
    ("safeguarding_governor", "Safeguarding Governor"),
    ("chair_of_governors", "Chair of Governors"),
    ("senco", "Special Educational Needs Co-ordinator (SENCO)"),
    ("dpo", "Data Protection Officer"),
    ("computing_lead", "Computing Lead"),
    ("network_manager", "Network Manager"),
    ("it_provider", "IT Provider"),
    ("setting_manager", "Setting Manager"),
    ("trust_safeguarding_lead", "Trust Safeguarding Lead"),
];

/// The title of a known role (`dsl` → "Designated Safeguarding Lead"); `None` for any
/// other key.
pub fn role_title(id: &str) -> Option<&'static str> {
    KNOWN_ROLES.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

/// The keys of the known roles, then of the roles the schools name that are not known: what
/// a policy's `owner` and a role variable may be.
pub fn role_keys(schools: &[School]) -> Vec<String> {
    let mut ids: Vec<String> = KNOWN_ROLES.iter().map(|(id, _)| id.to_string()).collect();
    for role in schools.iter().flat_map(|s| s.roles.iter()) {
        if !ids.contains(&role.id) {
            ids.push(role.id.clone());
        }
    }
    ids
}

impl Roles {
    /// The people in a role (none when the school does not name it).
    pub fn get(&self, id: &str) -> Vec<&Person> {
        self.role(id)
            .map(|r| r.people.iter().collect())
            .unwrap_or_default()
    }

    /// The role with this key, if the school names it.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.0.iter().find(|r| r.id == id)
    }

    /// Every role the school names, known roles first.
    pub fn iter(&self) -> impl Iterator<Item = &Role> {
        self.0.iter()
    }

    /// The title of role `id` at this school: its own, else the known role's.
    pub fn title(&self, id: &str) -> Option<&str> {
        self.role(id)
            .map(|r| r.title.as_str())
            .or_else(|| role_title(id))
    }

    /// Reads `[roles.*]` of a school's file: each role on its own, so a mistake in one is
    /// an error at its line and the school keeps its other roles.
    fn read(
        raw: BTreeMap<String, toml::Spanned<toml::Value>>,
        source: &SourceText,
        diags: &mut Vec<Diagnostic>,
    ) -> Roles {
        let mut roles: Vec<Role> = Vec::new();
        for (id, value) in raw {
            let at = value.span().start;
            let bad = |why: String, diags: &mut Vec<Diagnostic>| {
                diags.push(
                    Diagnostic::error("invalid-settings", &source.name, format!("the role `{id}` can't be read: {why}"))
                        .at(source, at)
                        .with_hint("write a role as `[roles.dpo]` with `name = \"…\"` (and `title`, `email`, `phone` if you like), or as `people = [{ name = \"…\" }, …]` for several people (see docs/content.md)"),
                );
            };
            if !is_slug(&id) {
                bad("its key must be lower-case letters, digits and underscores (`dpo`, `network_manager`), as variables use it".into(), diags);
                continue;
            }
            let role = match value.into_inner() {
                toml::Value::Array(items) => toml::Value::Array(items)
                    .try_into::<Vec<Person>>()
                    .map(|people| (None, people)),
                other => other
                    .try_into::<RoleToml>()
                    .map(|r| (r.title.clone(), r.people())),
            };
            match role {
                Ok((_, people)) if people.is_empty() => bad("it names nobody".into(), diags),
                Ok((title, people)) => roles.push(Role {
                    title: title
                        .filter(|t| !t.trim().is_empty())
                        .or_else(|| role_title(&id).map(String::from))
                        .unwrap_or_else(|| id.replace('_', " ")),
                    id,
                    people,
                }),
                Err(e) => bad(e.message().to_string(), diags),
            }
        }
        let rank = |id: &str| {
            KNOWN_ROLES
                .iter()
                .position(|(k, _)| *k == id)
                .unwrap_or(usize::MAX)
        };
        roles.sort_by_key(|r| rank(&r.id));
        Roles(roles)
    }
}

/// One role as written: a person (`name`, `email`, `phone`) or several (`people`), with an
/// optional `title`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleToml {
    title: Option<String>,
    name: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    people: Vec<Person>,
}

impl RoleToml {
    fn people(self) -> Vec<Person> {
        let mut people = Vec::new();
        if let Some(name) = self.name {
            people.push(Person {
                name,
                email: self.email,
                phone: self.phone,
            });
        }
        people.extend(self.people);
        people
    }
}

/// A school's file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolToml {
    name: String,
    short_name: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    bands: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    email_domains: Vec<String>,
    #[serde(default)]
    classes: Vec<String>,
    logo: Option<String>,
    #[serde(default)]
    contact: ContactDetails,
    #[serde(default)]
    roles: BTreeMap<String, toml::Spanned<toml::Value>>,
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
    /// The school's class names (`Year 3 Oak`); each class gets its own printed copy of the
    /// charter for its band.
    pub classes: Vec<String>,
    /// The path of the school's logo among the static files (`/images/logo.png`), if it gives
    /// one; dropped when it is not a safe address.
    pub logo: Option<String>,
    /// How to reach the school: address, phone, e-mail and website.
    pub contact: ContactDetails,
    /// The people the school names in its roles (headteacher, safeguarding lead, …).
    pub roles: Roles,
    /// The file the school was defined in, relative to the site root.
    pub file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    language: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    #[serde(default)]
    allow_raw_html: bool,
    bands: Option<Vec<Band>>,
    #[serde(default)]
    charters: CharterWords,
    #[serde(default)]
    sections: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    schools: BTreeMap<String, SchoolToml>,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<toml::Table>>,
}

/// The validated settings of a site.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's title (`Riverbend and Hillside Federation: Online Safety`).
    pub title: String,
    /// The full address the site is published at (`https://online-safety.example.org/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    /// One sentence about the site, for search results and link previews; empty when not given.
    pub description: String,
    /// The pages' language, as a BCP 47 tag (`en-GB`, the default).
    pub language: String,
    /// The theme to use: a folder under `themes/` (`default`, the default).
    pub theme: String,
    /// The folder the build writes the site to, relative to the site's folder (`public`, the
    /// default).
    pub output_dir: String,
    /// Whether HTML typed into Markdown is published through a sanitizer (`true`) rather than
    /// being a `raw-html` error (`false`, the default).
    pub allow_raw_html: bool,
    /// The age bands: the site's own `[[bands]]`, or the four of [`default_bands`].
    pub bands: Vec<Band>,
    /// What the site calls its pupil agreements and the sentences they are signed under.
    pub charters: CharterWords,
    /// The site's own titles for sections (`[sections]`: a kind's folder → its title), each
    /// checked against the kinds' folders when the site is loaded.
    pub sections: BTreeMap<String, toml::Spanned<String>>,
    /// The schools the site publishes for: those in `site.toml`, then those with their own
    /// files. There is always at least one.
    pub schools: Vec<School>,
    /// The rules' settings from `[rules.<id>]` in `site.toml`: each rule's severity and options.
    pub rules: crate::ruleset::RulesConfig,
}

impl SiteConfig {
    /// A section's title: the site's own (`[sections]`), else its kind's.
    pub fn section_title<'a>(&'a self, folder: &str, default: &'a str) -> &'a str {
        self.sections
            .get(folder)
            .map_or(default, |t| t.get_ref().as_str())
    }

    /// The full address of a web path: `https://example.org/a/` for `/a/`.
    pub fn absolute_url(&self, path: &str) -> String {
        let origin = self.base_url.trim_end_matches('/');
        let origin = origin
            .strip_suffix(self.base_path.trim_end_matches('/'))
            .unwrap_or(origin);
        format!("{origin}{path}")
    }

    /// The band with this slug (`years-3-4`), if the site has one.
    pub fn band(&self, slug: &str) -> Option<&Band> {
        self.bands.iter().find(|b| b.slug == slug)
    }

    /// The school with this slug (`riverbend`), if the site publishes for one.
    pub fn school(&self, slug: &str) -> Option<&School> {
        self.schools.iter().find(|s| s.slug == slug)
    }

    /// Whether the site publishes for more than one school: each school's addresses then
    /// start with its slug, and `/` lists the schools.
    pub fn multi_school(&self) -> bool {
        self.schools.len() > 1
    }

    /// The web path of a school's home page.
    pub fn school_base(&self, school: &School) -> String {
        if self.multi_school() {
            format!("{}{}/", self.base_path, school.slug)
        } else {
            self.base_path.clone()
        }
    }
}

/// Parses TOML into `T`, turning a syntax or shape mistake into a diagnostic that points at
/// the offending place. `base` is the byte offset of `text` inside `source`.
pub fn parse_toml<T: DeserializeOwned>(
    source: &SourceText,
    text: &str,
    base: usize,
) -> Result<T, Diagnostic> {
    let rule = if source.name.ends_with(".md") {
        "front-matter"
    } else {
        "invalid-settings"
    };
    toml::from_str(text).map_err(|e| toml_diagnostic(rule, source, base, &e))
}

fn toml_diagnostic(
    rule: &'static str,
    source: &SourceText,
    base: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let offset = base + e.span().map_or(0, |s| s.start);
    let key = key_at(&source.text, offset);
    let (message, hint) = explain_toml_message(&raw, key);
    let mut d = Diagnostic::error(rule, source.name.clone(), message).at(source, offset);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// The key of the `key = value` line holding `offset`, if the line is one.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    let simple = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    simple.then_some(key)
}

/// serde's name of what a value should be, in plain words with an example.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number, like 3".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            "a whole number that is 0 or more, like 3".into()
        }
        "f32" | "f64" => "a number, like 2.5".into(),
        "a boolean" => "`true` or `false` (without quotes)".into(),
        "a string" | "a borrowed string" => "text in double quotes, like \"Oak School\"".into(),
        "a character" => "one character in double quotes".into(),
        "a sequence" => "a list in square brackets, like [\"a\", \"b\"]".into(),
        "a map" => "a table of `key = value` lines".into(),
        e if e.starts_with("struct ") => "a table of `key = value` lines".into(),
        e if e.starts_with("a string or ") || e.starts_with("one of ") => e.to_string(),
        e => e.to_string(),
    }
}

/// serde's name of a value that was found, in plain words.
fn found_words(found: &str) -> String {
    let f = found.trim();
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = f.strip_prefix("integer ") {
        let n = quoted(rest);
        return if rest.contains(" as i128") || rest.contains(" as u128") {
            format!("the number {n}, which is far too large")
        } else {
            format!("the number {n}")
        };
    }
    if f.starts_with("floating point ") {
        return format!("the number {}", quoted(f));
    }
    if f.starts_with("boolean ") {
        return format!("`{}`", quoted(f));
    }
    if let Some(rest) = f.strip_prefix("string ") {
        return format!("the text {rest}");
    }
    match f {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        other => other.to_string(),
    }
}

/// Rewrites serde's wording into plain words, with a "did you mean" for unknown keys.
/// `key` is the key of the line the mistake is on, when known.
fn explain_toml_message(raw: &str, key: Option<&str>) -> (String, Option<String>) {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            let subject = key.map_or("this value".to_string(), |k| format!("`{k}`"));
            let expected = expected_words(expected);
            return (
                format!("{subject} must be {expected}, not {}", found_words(found)),
                Some(
                    "check the value: text needs quotes (\"...\"), numbers and true/false do not, lists use [ ]"
                        .into(),
                ),
            );
        }
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        let subject = key.map_or("this list".to_string(), |k| format!("`{k}`"));
        return (
            format!("{subject} must have {expected}"),
            Some("check how many values the list has".into()),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!("the keys allowed here are: {}", expected.join(", ")),
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return (
            format!("the required key `{field}` is missing"),
            Some(format!("add a line such as `{field} = \"...\"`")),
        );
    }
    (
        format!("the settings can't be read: {raw}"),
        Some(
            "check the TOML syntax: one `key = \"value\"` per line, text in straight double quotes"
                .into(),
        ),
    )
}

/// Reads `site.toml` and the school files it names or that lie under `content/schools/`.
/// `school_files` are `(slug, source)` pairs already read from disk.
pub fn load(
    site: &SourceText,
    school_files: &[(String, SourceText)],
) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let raw: SiteToml = parse_toml(site, &site.text, 0).map_err(|d| vec![d])?;
    let bands = raw.bands.unwrap_or_else(default_bands);
    check_bands(site, &bands, &mut diags);
    let base_path = site_base_path(site, &raw.base_url, &mut diags);
    let rules = crate::ruleset::RulesConfig::from_toml(&raw.rules, site, &mut diags);
    let language = raw.language.unwrap_or_else(|| "en-GB".into());
    check_language(site, &language, &mut diags);
    let schools = load_schools(site, raw.schools, school_files, &bands, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(SiteConfig {
        title: raw.title,
        base_url: raw.base_url,
        base_path,
        description: raw.description,
        language,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        output_dir: raw.output_dir.unwrap_or_else(|| "public".into()),
        allow_raw_html: raw.allow_raw_html,
        bands,
        charters: raw.charters,
        sections: raw.sections,
        schools,
        rules,
    })
}

/// The path part of the site's `base_url` (`/` when the address is not one).
fn site_base_path(site: &SourceText, base_url: &str, diags: &mut Vec<Diagnostic>) -> String {
    let web_address = crate::url_policy::check_web_address(base_url);
    match base_path(base_url).filter(|_| web_address.is_ok()) {
        Some(p) => p,
        None => {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!(
                        "`{}` is not a web address",
                        crate::url_policy::shown(base_url)
                    ),
                )
                .at(site, value_offset(&site.text, "base_url", base_url))
                .with_hint("write the address the site is published at, e.g. \"https://online-safety.example.org/\""),
            );
            "/".to_string()
        }
    }
}

fn check_language(site: &SourceText, language: &str, diags: &mut Vec<Diagnostic>) {
    if !crate::ruleset::document_language::valid_language(language) {
        diags.push(
            RuleId::DocumentLanguage
                .error(&site.name, format!("`{language}` is not a language tag"))
                .at(site, find_offset(&site.text, language))
                .with_hint("write a BCP 47 tag such as \"en-GB\" or \"cy-GB\""),
        );
    }
}

/// The schools of `site.toml` and of their own files, each defined once, with slugs that
/// can be used in a web address; at least one.
fn load_schools(
    site: &SourceText,
    in_site: BTreeMap<String, SchoolToml>,
    school_files: &[(String, SourceText)],
    bands: &[Band],
    diags: &mut Vec<Diagnostic>,
) -> Vec<School> {
    let slugs_in_site: Vec<String> = in_site.keys().cloned().collect();
    let mut schools = Vec::new();
    for (slug, school) in in_site {
        schools.push(finish_school(&slug, school, site, bands, diags));
    }
    for (slug, source) in school_files {
        if slugs_in_site.contains(slug) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("the school `{slug}` is defined twice: in site.toml and in this file"),
                )
                .with_hint("keep one of the two"),
            );
            continue;
        }
        match parse_toml::<SchoolToml>(source, &source.text, 0) {
            Ok(s) => schools.push(finish_school(slug, s, source, bands, diags)),
            Err(d) => diags.push(d),
        }
    }
    for school in &schools {
        if !is_slug(&school.slug) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &school.file,
                    format!(
                        "the school slug `{}` can't be used in a web address",
                        school.slug
                    ),
                )
                .with_hint(
                    "rename the school's folder using lower-case letters, digits and hyphens",
                ),
            );
        }
    }
    if schools.is_empty() {
        diags.push(
            Diagnostic::error("invalid-settings", &site.name, "the site has no schools").with_hint(
                "add a school as content/schools/<slug>/school.toml (see docs/content.md)",
            ),
        );
    }
    schools
}

fn finish_school(
    slug: &str,
    raw: SchoolToml,
    source: &SourceText,
    bands: &[Band],
    diags: &mut Vec<Diagnostic>,
) -> School {
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
        classes: raw.classes,
        logo,
        contact,
        roles: Roles::read(raw.roles, source, diags),
        file: source.name.clone(),
    }
}

/// Whether `s` can be a slug in a web address: not empty, and only lower-case ASCII letters,
/// digits, hyphens and underscores.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Where the value of `key` is written, for a finding about it: the line `key = …` that
/// holds it (a value with escapes is not found as written, its key is).
pub(crate) fn value_offset(text: &str, key: &str, value: &str) -> usize {
    if !value.is_empty()
        && let Some(at) = text.find(value)
    {
        return at;
    }
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return pos + (line.len() - t.len());
        }
        pos += line.len();
    }
    0
}

fn find_offset(text: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    text.find(needle).unwrap_or(0)
}

/// "/" for "https://example.org", "/policies/" for "https://example.org/policies".
fn base_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_matches('/');
    Some(if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> SourceText {
        SourceText::new("site.toml", text.to_string())
    }

    #[test]
    fn unknown_key_says_did_you_mean() {
        let s = site("titel = \"x\"\nbase_url = \"https://a.example/\"\n");
        let err = load(&s, &[]).unwrap_err();
        assert_eq!(err[0].message, "unknown key `titel`");
        assert_eq!(err[0].line, 1);
        assert!(err[0].hint.as_deref().unwrap().contains("`title`"));
    }

    #[test]
    fn type_mistakes_are_in_plain_words() {
        let (m, _) = explain_toml_message(
            "invalid type: integer `99999999999999999999` as i128, expected i64",
            Some("weight"),
        );
        assert_eq!(
            m,
            "`weight` must be a whole number, like 3, not the number 99999999999999999999, which is far too large"
        );
        let (m, _) =
            explain_toml_message("invalid type: string \"3\", expected i64", Some("weight"));
        assert_eq!(
            m,
            "`weight` must be a whole number, like 3, not the text \"3\""
        );
        let (m, _) = explain_toml_message("invalid type: integer `3`, expected a string", None);
        assert_eq!(
            m,
            "this value must be text in double quotes, like \"Oak School\", not the number 3"
        );
        let (m, _) =
            explain_toml_message("invalid value: integer `-1`, expected u64", Some("timeout"));
        assert!(
            m.starts_with("`timeout` must be a whole number that is 0 or more"),
            "{m}"
        );
        for (m, _) in [
            explain_toml_message(
                "invalid type: string \"yes\", expected a boolean",
                Some("draft"),
            ),
            explain_toml_message("invalid type: sequence, expected a string", Some("title")),
        ] {
            assert!(!m.contains("expected") && !m.contains("sequence"), "{m}");
        }
    }

    #[test]
    fn type_mistakes_name_the_key_and_line() {
        let s = site("title = \"T\"\nbase_url = \"https://a.example/\"\n[schools.oak]\nname = 3\n");
        let err = load(&s, &[]).unwrap_err();
        assert_eq!(err[0].line, 4, "{err:?}");
        assert!(err[0].message.starts_with("`name` must be text"), "{err:?}");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://a.example").as_deref(), Some("/"));
        assert_eq!(
            base_path("https://a.example/x/y/").as_deref(),
            Some("/x/y/")
        );
        assert_eq!(base_path("a.example"), None);
    }

    #[test]
    fn schools_in_site_toml_and_unknown_bands() {
        let s = site(
            "title = \"T\"\nbase_url = \"https://a.example/\"\n[schools.oak]\nname = \"Oak School\"\nbands = [\"years-1-2\", \"year-9\"]\n",
        );
        let err = load(&s, &[]).unwrap_err();
        assert!(
            err.iter().any(|d| d.message == "unknown band `year-9`"),
            "{err:?}"
        );
    }
}
