//! Two sources for one output path, or a page whose address leaves the output folder:
//! `output-clash` errors naming both.

use super::*;

impl Build {
    /// Pages and files with one output path from two sources (a content file named like a
    /// page PolicyPress makes, such as `content/status.md`, or two content files with one
    /// address, such as `a.md` and `a/index.md`), and pages whose address would leave the
    /// output folder (`content/...md`). Silently keeping one of the two would publish a page
    /// nobody checked in its place: both sources are named instead. (A check knows only the
    /// generated pages it makes: home, landing and 404 pages.)
    pub(super) fn output_clashes(&self) -> Vec<Diagnostic> {
        let documents = &self.site.content.documents;
        let mut by_path: BTreeMap<String, Vec<(Option<&str>, String)>> = BTreeMap::new();
        let mut found = Vec::new();
        for u in &self.units {
            let doc = &documents[u.spec.doc];
            let path = self.output_path(&u.spec.url);
            let Some(path) = crate::published::normal_path(&path) else {
                found.push(
                    Diagnostic::error(
                        "output-clash",
                        &doc.source.name,
                        format!(
                            "this file's address ({}) would be written outside the output folder",
                            u.spec.url
                        ),
                    )
                    .with_hint("rename the file: its name, without `.md`, becomes its address"),
                );
                continue;
            };
            let entry = by_path.entry(path).or_default();
            let name = doc.source.name.as_str();
            if !entry.iter().any(|(file, _)| *file == Some(name)) {
                entry.push((Some(name), name.to_string()));
            }
        }
        for g in &self.generated {
            let path = self.output_path(&g.url);
            let what = format!("the {} page PolicyPress makes (from {})", g.url, g.template);
            if let Some(path) = crate::published::normal_path(&path) {
                by_path.entry(path).or_default().push((None, what));
            }
        }
        for (path, _) in &self.extra {
            let what = format!("the file {path} PolicyPress makes");
            by_path.entry(path.clone()).or_default().push((None, what));
        }
        // A page whose folder is another file's path (`content/feed.xml.md` → `feed.xml/`).
        let mut folder_clashes = Vec::new();
        for (path, sources) in &by_path {
            let mut rest = path.as_str();
            while let Some((dir, _)) = rest.rsplit_once('/') {
                if let Some(other) = by_path.get(dir) {
                    let (file, what) = &sources[0];
                    let file = file.or(other[0].0).unwrap_or("site.toml");
                    folder_clashes.push(
                        Diagnostic::error(
                            "output-clash",
                            file,
                            format!(
                                "{what} would be published as {path}, inside {dir}, which is where {} is published",
                                other[0].1
                            ),
                        )
                        .with_hint(
                            "rename or move the content file, so that each page has an address of its own",
                        ),
                    );
                }
                rest = dir;
            }
        }
        found.extend(folder_clashes);
        for (path, sources) in &by_path {
            if sources.len() < 2 {
                continue;
            }
            let names: Vec<&str> = sources.iter().map(|(_, what)| what.as_str()).collect();
            let file = sources
                .iter()
                .find_map(|(file, _)| *file)
                .unwrap_or("site.toml");
            found.push(
                Diagnostic::error(
                    "output-clash",
                    file,
                    format!(
                        "{} would all be published as {path}: one would silently replace the other",
                        words_and(&names)
                    ),
                )
                .with_hint(
                    "rename or move the content file, so that each page has an address of its own",
                ),
            );
        }
        found
    }
}
