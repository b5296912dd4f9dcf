//! Updating a build after a change (`serve`): only the pages and generated files the
//! change affects are made again, and `take_changes` hands over just those.

use super::*;

impl Build {
    /// The files made again since the last call (output path → bytes; `None` for a page
    /// that now fails), or `None` when everything may have changed: take
    /// [`Build::rendered`] then.
    pub fn take_changes(&mut self) -> Option<Vec<(String, Option<Vec<u8>>)>> {
        let pending = std::mem::take(&mut self.pending);
        if pending.all {
            return None;
        }
        let mut out = Vec::new();
        for &i in &pending.units {
            let u = &self.units[i];
            out.push((self.output_path(&u.spec.url), u.page.clone()));
        }
        for g in self
            .generated
            .iter()
            .filter(|g| pending.generated.contains(&g.url))
        {
            out.push((self.output_path(&g.url), g.page.clone()));
        }
        for (path, bytes) in self.extra.iter().filter(|(p, _)| pending.extra.contains(p)) {
            out.push((path.clone(), Some(bytes.clone())));
        }
        Some(out)
    }

    /// After the text of the documents at `changed` (indexes) was edited: re-renders their
    /// pages, and the pages that link to them when their headings changed, and the generated
    /// pages and files that show what changed of them (their front matter, headings or
    /// search text). Returns the number of pages rendered again.
    pub fn update_documents(&mut self, changed: &[usize]) -> usize {
        let site = &self.site;
        let variables = variables(site);
        let checker = checker(site);
        let changed: HashSet<usize> = changed.iter().copied().collect();
        let mut regen = Regen::default();
        let mut touched: Vec<usize> = Vec::new();
        let old_search: Vec<String> = self
            .units
            .iter()
            .filter(|u| changed.contains(&u.spec.doc))
            .map(|u| u.search.clone())
            .collect();
        for (i, u) in self.units.iter_mut().enumerate() {
            if changed.contains(&u.spec.doc) {
                let new = new_unit(site, &variables[u.spec.school], u.spec.clone());
                regen.lists |= new.meta_key != u.meta_key;
                regen.outline |= !outline_of(&new.headings).eq(outline_of(&u.headings));
                regen.schools.insert(u.spec.school);
                *u = new;
                touched.push(i);
            }
        }
        for &d in &changed {
            if let Some(slot) = self.doc_findings.get_mut(d) {
                *slot = document_findings(&checker, &site.content.documents[d]);
            }
        }
        // Where the changed documents are now, and which pages link to them.
        let mut moved: Vec<(usize, String)> = Vec::new();
        let mut fresh: HashMap<(usize, String), Target> = HashMap::new();
        for &i in &touched {
            let u = &self.units[i];
            let doc = &site.content.documents[u.spec.doc];
            let key = (u.spec.school, doc.rel.clone());
            let url = format!(
                "{}{}",
                site.config.school_base(&site.config.schools[u.spec.school]),
                doc.slug_path()
            );
            fresh
                .entry(key)
                .or_insert_with(|| Target {
                    url,
                    ids: HashSet::new(),
                })
                .ids
                .extend(u.ids.iter().cloned());
        }
        for (key, target) in fresh {
            if self.targets.get(&key) != Some(&target) {
                moved.push(key.clone());
                self.targets.insert(key, target);
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            if !changed.contains(&u.spec.doc)
                && moved
                    .iter()
                    .any(|(s, rel)| *s == u.spec.school && u.links_to.iter().any(|l| l == rel))
            {
                touched.push(i);
            }
        }
        let targets = &self.targets;
        let site_ctx = &self.site_ctx;
        let schools = &self.schools;
        let mut selected: Vec<&mut UnitState> = {
            let wanted: HashSet<usize> = touched.iter().copied().collect();
            self.units
                .iter_mut()
                .enumerate()
                .filter(|(i, _)| wanted.contains(i))
                .map(|(_, u)| u)
                .collect()
        };
        selected.par_iter_mut().for_each(|u| {
            render_markdown(site, &checker, targets, u);
            render_page(
                site,
                &checker,
                site_ctx,
                &schools[u.spec.school],
                u,
                Pages::Minified,
            );
        });
        drop(checker);
        let new_search = self
            .units
            .iter()
            .filter(|u| changed.contains(&u.spec.doc))
            .map(|u| &u.search);
        regen.search = !new_search.eq(old_search.iter());
        self.pending.units.extend(touched.iter().copied());
        self.regenerate_some(&regen);
        touched.len()
    }

    /// The print PDFs' links changed (serve makes the PDFs after the pages): re-renders the
    /// pages whose links are different. Returns the number of pages rendered again.
    pub fn update_downloads(&mut self, links: HashMap<String, Vec<Download>>) -> usize {
        let old = std::mem::replace(&mut self.site.downloads, links);
        self.render_pages(|site, u| old.get(&u.spec.url) != site.downloads.get(&u.spec.url))
    }

    /// Puts the units that `want` picks through their templates again (their Markdown as it
    /// is). Returns how many.
    pub(super) fn render_pages(&mut self, want: impl Fn(&Site, &UnitState) -> bool) -> usize {
        let site = &self.site;
        let checker = checker(site);
        let (site_ctx, schools) = (&self.site_ctx, &self.schools);
        let mut selected: Vec<(usize, &mut UnitState)> = self
            .units
            .iter_mut()
            .enumerate()
            .filter(|(_, u)| want(site, u))
            .collect();
        selected.par_iter_mut().for_each(|(_, u)| {
            render_page(
                site,
                &checker,
                site_ctx,
                &schools[u.spec.school],
                u,
                Pages::Minified,
            )
        });
        let indexes: Vec<usize> = selected.iter().map(|(i, _)| *i).collect();
        drop(checker);
        let n = indexes.len();
        self.pending.units.extend(indexes);
        n
    }

    /// After a template changed: every page goes through its template again (the Markdown
    /// is not rendered again).
    ///
    /// `changed` names the templates that changed (`page.html`); when it lists only page
    /// templates (not `base.html` or a file other templates may include), only the pages
    /// made with them go through a template again. Returns the number of pages rendered.
    pub fn update_templates(&mut self, templates: Templates, changed: &[String]) -> usize {
        self.site.templates = templates;
        // The kinds' own templates: a change to those re-renders only their documents' pages.
        let only_leaves = !changed.is_empty()
            && changed.iter().all(|t| {
                crate::content::Kind::ALL
                    .iter()
                    .any(|k| k.def().template == t.as_str())
            });
        let n = self.render_pages(|site, u| {
            !only_leaves
                || changed
                    .iter()
                    .any(|t| t == template_of(&site.content.documents[u.spec.doc]))
        });
        if !only_leaves || changed.iter().any(|t| t == "home.html") {
            self.regenerate();
        }
        n
    }
}
