//! A school's roles (`[roles.*]` in its `school.toml`): any key, each with its title and
//! its people; the known roles' titles and order.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{School, SchoolKind, is_slug};
use crate::diagnostics::{Diagnostic, SourceText};

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
    (
        "filtering_lead",
        "Senior Leader for Filtering and Monitoring",
    ),
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
    pub(super) fn read(
        raw: BTreeMap<String, toml::Spanned<toml::Value>>,
        kind: SchoolKind,
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
                        .or_else(|| (id == "headteacher").then(|| kind.words().head.to_string()))
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
