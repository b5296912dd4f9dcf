//! The one link resolver of the pages: `@/path.md#anchor` links to the page that path
//! is for the same school, checked against the headings every unit has.

use super::*;

pub(super) struct Resolver<'a> {
    pub(super) site: &'a Site,
    pub(super) school: usize,
    pub(super) targets: &'a HashMap<(usize, String), Target>,
    pub(super) used: std::cell::RefCell<Vec<String>>,
    /// "Did you mean" hints given so far: each looks at every document or heading, so only
    /// the first few broken links of a page get one (see `markdown::SUGGESTIONS_PER_PAGE`).
    pub(super) suggested: std::cell::Cell<usize>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(
        site: &'a Site,
        school: usize,
        targets: &'a HashMap<(usize, String), Target>,
    ) -> Resolver<'a> {
        Resolver {
            site,
            school,
            targets,
            used: Default::default(),
            suggested: Default::default(),
        }
    }

    /// The documents (by path) the links resolved so far went to.
    pub(super) fn into_used(self) -> Vec<String> {
        self.used.into_inner()
    }

    /// Whether this broken link still gets a "did you mean" hint.
    pub(super) fn may_suggest(&self) -> bool {
        let n = self.suggested.get();
        self.suggested.set(n + 1);
        n < markdown::SUGGESTIONS_PER_PAGE
    }
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Result<String, (String, String)> {
        let path = path.trim_start_matches('/');
        self.used.borrow_mut().push(path.to_string());
        let school = &self.site.config.schools[self.school];
        let documents = &self.site.content.documents;
        let Some(target) = self.targets.get(&(self.school, path.to_string())) else {
            let exists = documents.iter().any(|d| d.rel == path);
            let similar = if self.may_suggest() {
                crate::diagnostics::did_you_mean(path, documents.iter().map(|d| d.rel.as_str()))
            } else {
                None
            };
            let hint = match (exists, similar) {
                (true, _) => format!(
                    "content/{path} is not published for {} (it is a draft, or limited to other schools)",
                    school.name
                ),
                (false, Some(best)) => format!("did you mean `@/{best}`?"),
                (false, None) => "link to a document by its path inside content/, e.g. `@/policies/online-safety.md`".into(),
            };
            return Err((
                format!(
                    "the link goes to `@/{path}`, which is not a page of {}",
                    school.name
                ),
                hint,
            ));
        };
        match anchor {
            None | Some("") => Ok(target.url.clone()),
            Some(a) if target.ids.contains(a) => Ok(format!("{}#{a}", target.url)),
            Some(a) => {
                let similar = if self.may_suggest() {
                    crate::diagnostics::did_you_mean(a, target.ids.iter().map(String::as_str))
                } else {
                    None
                };
                let hint = match similar {
                    Some(best) => format!("did you mean `#{best}`?"),
                    None => "check the heading's id: `## Filtering and monitoring` has the id `filtering-and-monitoring`, or give one with `{#id}`".into(),
                };
                Err((format!("`@/{path}` has no heading with the id `{a}`"), hint))
            }
        }
    }
}
