//! The school's own words written back as variables: where an imported document names the
//! school, its contact details or the people in its roles (as `school.toml` gives them), the
//! Markdown says `{{ school.name }}`, `{{ dsl }}`, `{{ dsl.email }}`, so the text follows the
//! school's data from then on.

use crate::config::SiteConfig;

/// The (text, variable) pairs to write back, longest text first.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pairs: Vec<(String, String)>,
    /// The schools' names, to tell which one a document is about.
    schools: Vec<String>,
}

impl Names {
    /// The pairs for a site: its one school's name, contact details and people. A site of
    /// several schools gives the pairs of the one school a document names (see [`Names::for_text`]).
    pub fn of_site(config: &SiteConfig) -> Vec<Names> {
        config
            .schools
            .iter()
            .map(|school| {
                let mut pairs: Vec<(String, String)> = Vec::new();
                let mut put = |text: &str, var: &str| {
                    let text = text.trim();
                    // Short values ("Oak") would match ordinary words.
                    if text.chars().count() >= 6 && !pairs.iter().any(|(t, _)| t == text) {
                        pairs.push((text.to_string(), format!("{{{{ {var} }}}}")));
                    }
                };
                put(&school.name, "school.name");
                for v in &school.variants {
                    put(v, "school.name");
                }
                put(&school.contact.email, "school.email");
                put(&school.contact.phone, "school.phone");
                put(&school.contact.address, "school.address");
                put(&school.contact.website, "school.website");
                for role in school.roles.iter() {
                    if let [one] = role.people.as_slice() {
                        put(&one.name, &role.id);
                        put(&one.email, &format!("{}.email", role.id));
                        put(&one.phone, &format!("{}.phone", role.id));
                    }
                }
                pairs.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
                Names {
                    pairs,
                    schools: vec![school.name.clone()],
                }
            })
            .collect()
    }

    /// The names to write back in a document with this text: the one school's when the site
    /// has one school or the text names exactly one of them; none when it names several
    /// (the report says so), since one shared text can't name each school in turn.
    pub fn for_text(all: &[Names], text: &str) -> (Names, usize) {
        let named: Vec<&Names> = all
            .iter()
            .filter(|n| n.schools.iter().any(|s| text.contains(s.as_str())))
            .collect();
        match (all, named.as_slice()) {
            ([one], _) => (one.clone(), named.len()),
            (_, [one]) => ((*one).clone(), 1),
            _ => (Names::default(), named.len()),
        }
    }

    /// The name of the school these are the words of.
    pub fn school_name(&self) -> Option<&str> {
        self.schools.first().map(String::as_str)
    }

    /// Names from (text, variable) pairs, for one school.
    #[cfg(test)]
    pub fn from_pairs(mut pairs: Vec<(String, String)>, school: &str) -> Names {
        pairs.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
        Names {
            pairs,
            schools: vec![school.to_string()],
        }
    }

    /// Whether there is nothing to write back.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `text` cut into pieces: (plain text, None) and (the text replaced, Some(variable)).
    pub fn split<'t>(&self, text: &'t str) -> Vec<(&'t str, Option<&str>)> {
        let mut out = Vec::new();
        let mut rest = 0;
        let mut at = 0;
        while at < text.len() {
            let hit = self.pairs.iter().find(|(t, _)| {
                text[at..].starts_with(t.as_str()) && whole_word(text, at, at + t.len())
            });
            match hit {
                Some((t, var)) => {
                    if rest < at {
                        out.push((&text[rest..at], None));
                    }
                    out.push((&text[at..at + t.len()], Some(var.as_str())));
                    at += t.len();
                    rest = at;
                }
                None => {
                    at += text[at..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        if rest < text.len() {
            out.push((&text[rest..], None));
        }
        out
    }
}

/// Whether `start..end` of `text` is not part of a longer word.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}
