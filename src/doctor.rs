//! `policypress doctor`: what a coordinator has set up and what is missing, in plain words.
//!
//! It reads the site as a build would ([`crate::site::load`]) and looks at what a build
//! needs from the school rather than at the documents (that is `check`): the address the
//! site is published at, each school's CEOP contact, logo and contact details, the pupil
//! roster and its key, and whether the print fonts have a glyph for every character the
//! documents use. Each line is ready, missing (the site is not ready to publish) or worth a
//! look; every line that is not ready says what to do.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// How far one part of the setup is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Set up.
    Ready,
    /// Worth a look: the site builds, but a reader or an inspector may miss it.
    Advice,
    /// Missing: fix it before the site is published.
    Missing,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Item {
    /// What it is about: `the site`, or a school's name.
    pub topic: String,
    /// The part of the setup (`base URL`, `logo`, `roster`).
    pub what: &'static str,
    /// How far it is done.
    pub state: State,
    /// What was found, in plain words.
    pub detail: String,
    /// What to do, for a line that is not ready.
    pub hint: Option<String>,
}

impl Item {
    fn new(topic: &str, what: &'static str, state: State, detail: impl Into<String>) -> Item {
        Item {
            topic: topic.to_string(),
            what,
            state,
            detail: detail.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Item {
        self.hint = Some(hint.into());
        self
    }
}

/// The setup report of a loaded site: the site's own lines (address, CEOP, roster, fonts),
/// then each school's.
pub fn report(site: &Site) -> Vec<Item> {
    let mut items = Vec::new();
    let topic = "the site";
    items.push(base_url(topic, &site.config.base_url));
    items.push(ceop(topic, site));
    items.push(roster(topic, site));
    items.push(fonts(topic, site));
    for school in &site.config.schools {
        school_items(school, &mut items);
    }
    items
}

/// Hosts kept for examples and for this machine: a site published there is not published.
fn placeholder_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["example", "test", "invalid", "localhost"]
        .iter()
        .any(|tld| host == *tld || host.ends_with(&format!(".{tld}")))
        || ["example.org", "example.com", "example.net"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || host == "127.0.0.1"
        || host == "[::1]"
}

fn base_url(topic: &str, url: &str) -> Item {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(_) => host.split_inclusive(']').next().unwrap_or(host),
        None => host.split(':').next().unwrap_or(host),
    };
    let set_it = "set `base_url` in site.toml to the address the site will be published at (for example https://online-safety.your-school.org.uk/)";
    if placeholder_host(host) {
        Item::new(
            topic,
            "base URL",
            State::Missing,
            format!("{url} is an example address, not where the site is published"),
        )
        .hint(set_it)
    } else if !scheme.eq_ignore_ascii_case("https") {
        Item::new(
            topic,
            "base URL",
            State::Advice,
            format!("{url} is not an https:// address, so browsers mark the site as not secure"),
        )
        .hint("ask whoever hosts the site for an https:// address, and set it as `base_url` in site.toml")
    } else {
        Item::new(topic, "base URL", State::Ready, url)
    }
}

fn ceop(topic: &str, site: &Site) -> Item {
    let c = site.content.ceop();
    if site.content.contacts.iter().any(|c| c.id == "ceop") {
        Item::new(
            topic,
            "CEOP contact",
            State::Ready,
            format!("{} ({}), from content/contacts.toml", c.name, c.url),
        )
    } else {
        Item::new(
            topic,
            "CEOP contact",
            State::Ready,
            format!("CEOP's own reporting page ({}), shown on every page", c.url),
        )
    }
}

fn school_items(school: &crate::config::School, items: &mut Vec<Item>) {
    let topic = format!("{} ({})", school.name, school.file);
    let topic = topic.as_str();
    items.push(match &school.logo {
        Some(logo) => Item::new(topic, "logo", State::Ready, format!("static/{logo}")),
        None => Item::new(
            topic,
            "logo",
            State::Advice,
            "no logo: pages show the school's name only",
        )
        .hint(format!(
            "add `logo = \"/images/{}-logo.svg\"` to {} and put the SVG or PNG in static/images/",
            school.slug, school.file
        )),
    });
    let contact = &school.contact;
    let missing: Vec<&str> = [
        ("address", contact.address.is_empty()),
        ("phone", contact.phone.is_empty()),
        ("email", contact.email.is_empty()),
        ("website", contact.website.is_empty()),
    ]
    .iter()
    .filter(|(_, empty)| *empty)
    .map(|(name, _)| *name)
    .collect();
    items.push(if missing.is_empty() {
        Item::new(topic, "contact details", State::Ready, format!("{}, {}", contact.phone, contact.email))
    } else if contact.email.is_empty() && contact.phone.is_empty() {
        Item::new(
            topic,
            "contact details",
            State::Missing,
            "no phone or e-mail: parents and the accessibility statement have no way to reach the school",
        )
        .hint(format!("add `phone` and `email` under [contact] in {}", school.file))
    } else {
        Item::new(
            topic,
            "contact details",
            State::Advice,
            format!("no {} under [contact]", missing.join(", ")),
        )
        .hint(format!("add them under [contact] in {}", school.file))
    });
    let dsl = school.roles.get("dsl");
    items.push(match dsl.first() {
        Some(p) => Item::new(topic, "safeguarding lead", State::Ready, p.name.clone()),
        None => Item::new(
            topic,
            "safeguarding lead",
            State::Missing,
            "no designated safeguarding lead is named, so policies cannot say who to tell",
        )
        .hint(format!(
            "add [roles.dsl] with `name = \"…\"` to {}",
            school.file
        )),
    });
}

/// Whether a finding is about the roster (its file, its key or its absence).
fn about_roster(d: &Diagnostic) -> bool {
    matches!(
        d.rule,
        "roster-missing" | "roster-unusable" | "roster-exposed"
    ) || (d.rule == "invalid-settings" && d.message.contains("roster"))
}

fn roster(topic: &str, site: &Site) -> Item {
    if let Some(roster) = &site.roster {
        let key = crate::roster::key::find_key(
            &site.root,
            site.config
                .rules
                .settings
                .pupil_full_name
                .key_file
                .as_deref(),
            None,
        )
        .ok()
        .flatten()
        .map_or_else(String::new, |(_, source)| format!(", key from {source}"));
        return Item::new(
            topic,
            "roster",
            State::Ready,
            format!(
                "{} pupils as keyed hashes{key}: pupils' full names are looked for",
                roster.pupils
            ),
        );
    }
    let found: Vec<&Diagnostic> = site.findings.iter().filter(|d| about_roster(d)).collect();
    match found.first() {
        Some(d) => {
            let state = if found.iter().any(|d| d.is_error()) {
                State::Missing
            } else {
                State::Advice
            };
            let mut item = Item::new(topic, "roster", state, d.message.clone());
            item.hint = d.hint.clone();
            item
        }
        None => Item::new(
            topic,
            "roster",
            State::Advice,
            "the pupil-full-name rule is off, so pupils' full names are not looked for",
        )
        .hint("turn it on under [rules.pupil-full-name] in site.toml, and import a roster with `policypress roster import FILE.csv`"),
    }
}

/// Characters the print fonts cannot draw, with the first document that uses each.
fn fonts(topic: &str, site: &Site) -> Item {
    let mut missing: BTreeMap<char, &str> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for doc in &site.content.documents {
        for c in doc.source.text.chars() {
            if c.is_ascii() || c.is_whitespace() || c.is_control() || !seen.insert(c) {
                continue;
            }
            if crate::roster::is_default_ignorable(c) {
                continue;
            }
            if !crate::print::world::can_draw(c) {
                missing.entry(c).or_insert(doc.source.name.as_str());
            }
        }
    }
    let language = &site.config.language;
    if missing.is_empty() {
        return Item::new(
            topic,
            "print fonts",
            State::Ready,
            format!(
                "every character of the documents (language {language}) has a glyph in the print fonts"
            ),
        );
    }
    let shown: Vec<String> = missing
        .iter()
        .take(8)
        .map(|(c, doc)| format!("{c} (U+{:04X}, in {doc})", u32::from(*c)))
        .collect();
    let more = missing.len().saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Item::new(
        topic,
        "print fonts",
        State::Missing,
        format!(
            "{} character(s) have no glyph in the print fonts and print as empty boxes: {}{more}",
            missing.len(),
            shown.join(", ")
        ),
    )
    .hint("replace them with words or characters the fonts have (emoji never print), or ask for a font that covers the site's languages to be added to the theme")
}

/// The report as the command prints it, and whether anything is missing.
pub fn render(items: &[Item]) -> (String, bool) {
    let mut out = String::new();
    let mut topic = "";
    for item in items {
        if item.topic != topic {
            topic = &item.topic;
            out.push_str(&format!("\n{}\n", capitalise(topic)));
        }
        let mark = match item.state {
            State::Ready => "✓",
            State::Advice => "!",
            State::Missing => "✗",
        };
        out.push_str(&format!("  {mark} {}: {}\n", item.what, item.detail));
        if let Some(hint) = &item.hint {
            out.push_str(&format!("      hint: {hint}\n"));
        }
    }
    let missing = items.iter().filter(|i| i.state == State::Missing).count();
    let advice = items.iter().filter(|i| i.state == State::Advice).count();
    let ready = items.len() - missing - advice;
    out.push_str(&format!(
        "\n{ready} of {} set up, {missing} missing (✗), {advice} to look at (!).",
        items.len()
    ));
    out.push_str(if missing > 0 {
        " Fix the lines marked ✗ before publishing, then run `policypress check`.\n"
    } else {
        " Next: `policypress check` checks the documents themselves.\n"
    });
    (out, missing > 0)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
