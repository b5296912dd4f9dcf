//! The rebuild thread: changes to the sources, debounced, classified (documents, templates,
//! or everything) and rebuilt; new downloads put on the pages.

use super::*;

/// The watcher of the site's folders.
pub(super) type Debouncer = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// What a changed path means for the build.
pub(super) enum Change {
    /// The text of these documents (indexes) changed.
    Documents(Vec<usize>),
    /// These templates (names like `page.html`) changed.
    Templates(Vec<String>),
    /// Anything else: read the site again.
    Everything,
}

pub(super) fn classify(build: &Build, root: &Path, paths: &[PathBuf]) -> Change {
    let mut docs = Vec::new();
    let mut templates = false;
    let mut names = Vec::new();
    for p in paths {
        let rel = crate::diagnostics::display_path(root, p);
        if rel == "templates"
            || rel.starts_with("templates/")
            || (rel.starts_with("themes/") && rel.contains("/templates"))
        {
            templates = true;
            match rel.split_once("templates/") {
                Some((_, name)) if !name.is_empty() => names.push(name.to_string()),
                // A whole templates folder appeared or went: every template may differ.
                _ => names.push("base.html".to_string()),
            }
            continue;
        }
        if rel.starts_with("content/") && rel.ends_with(".md") && p.is_file() {
            if let Some(i) = build
                .site
                .content
                .documents
                .iter()
                .position(|d| d.source.name == rel)
            {
                docs.push(i);
                continue;
            }
        }
        if rel.starts_with("public/")
            || rel.starts_with(".policypress/")
            || rel.starts_with('.')
            || rel.contains("/.")
        {
            continue;
        }
        return Change::Everything;
    }
    match (docs.is_empty(), templates) {
        (false, false) => Change::Documents(docs),
        (true, true) => Change::Templates(names),
        (true, false) => Change::Documents(Vec::new()),
        (false, true) => Change::Everything,
    }
}

/// Re-reads changed documents. `false` when a change is bigger than their text (their
/// kind of page, schools, draft state or bands changed), so the whole site must be read.
pub(super) fn reread_documents(build: &mut Build, docs: &[usize]) -> bool {
    for &i in docs {
        let name = build.site.content.documents[i].source.name.clone();
        // Through `source_files`, like every read of the site: a link swapped in for the
        // document is refused (the whole site is read again, which reports it).
        let files = crate::source_files::SiteFiles::new(&build.site.root);
        let Ok(Ok(text)) = files.read_text(
            &build.site.root.join(&name),
            crate::source_files::Limit::TEXT,
        ) else {
            return false;
        };
        let rel = name.strip_prefix("content/").unwrap_or(&name).to_string();
        let source = crate::diagnostics::SourceText::new(name.clone(), text);
        let (doc, diags) = crate::content::parse_document(rel, source, &build.site.config);
        let Some(doc) = doc else { return false };
        let old = &build.site.content.documents[i];
        let same_shape = doc.kind() == old.kind()
            && doc.meta.schools == old.meta.schools
            && doc.meta.draft == old.meta.draft
            && doc.bands() == old.bands()
            && doc.meta.nav == old.meta.nav
            && doc.meta.title == old.meta.title
            // A page's allows are listed in its school's accessibility statement.
            && format!("{:?}", doc.meta.allow) == format!("{:?}", old.meta.allow);
        if !same_shape {
            return false;
        }
        build.site.findings.retain(|d| d.file != name);
        build.site.findings.extend(diags);
        build.site.content.documents[i] = doc;
    }
    true
}

/// The paths of events that change files (reading a file is an event too: ignore those).
pub(super) fn changed_paths(events: Vec<notify_debouncer_full::DebouncedEvent>) -> Vec<PathBuf> {
    use notify::EventKind;
    use notify::event::ModifyKind;
    events
        .into_iter()
        .filter(|e| match e.event.kind {
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            EventKind::Access(_) | EventKind::Other | EventKind::Any => false,
        })
        .flat_map(|e| e.event.paths)
        .collect()
}

/// The rebuild thread's state: the build, and where changes and new downloads come from.
pub(super) struct Rebuilder {
    pub(super) build: Build,
    pub(super) served: Arc<RwLock<Served>>,
    pub(super) clients: Arc<Mutex<Vec<Sender<()>>>>,
    pub(super) root: PathBuf,
    pub(super) opts: BuildOptions,
    pub(super) debouncer: Debouncer,
    pub(super) changes: Receiver<notify_debouncer_full::DebounceEventResult>,
    /// New downloads from the export worker, by page.
    pub(super) links: Receiver<HashMap<String, Vec<crate::downloads::Download>>>,
    /// Asks the export worker to run again.
    pub(super) kick: Sender<()>,
    /// A rebuild failed on a bug (a panic): the build may be half updated, so the next
    /// change reads the whole site again.
    pub(super) broken: bool,
    pub(super) events: Events,
}

impl Rebuilder {
    /// Rebuilds on each change until `stop`; a panic in one rebuild is shown on the pages
    /// and the next change starts from the whole site.
    pub(super) fn run(mut self, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.step()));
            if let Err(panic) = step {
                self.failed(panic);
            }
        }
    }

    /// Puts new downloads on the pages, then waits a little for changes and rebuilds what
    /// they affect.
    fn step(&mut self) {
        self.take_downloads();
        if let Some(paths) = self.next_changes() {
            self.rebuild(&paths);
        }
    }

    /// New downloads from the export worker (the latest of them): put them on the pages.
    fn take_downloads(&mut self) {
        if let Ok(mut links) = self.links.try_recv() {
            while let Ok(newer) = self.links.try_recv() {
                links = newer;
            }
            if self.build.update_downloads(links) > 0 {
                publish(&self.served, &mut self.build);
                notify_clients(&self.clients);
            }
        }
    }

    /// The site's files changed in the next burst of saves (waiting up to 100 ms for one),
    /// as paths under the site's folder; newly created watched folders are watched too.
    fn next_changes(&mut self) -> Option<Vec<PathBuf>> {
        let Ok(events) = self.changes.recv_timeout(Duration::from_millis(100)) else {
            return None;
        };
        let Ok(events) = events else { return None };
        let mut paths: Vec<PathBuf> = changed_paths(events);
        // Collect a burst of saves into one rebuild.
        while let Ok(Ok(more)) = self.changes.recv_timeout(Duration::from_millis(10)) {
            paths.extend(changed_paths(more));
        }
        paths.sort();
        paths.dedup();
        let root_abs = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .map(|p| {
                p.strip_prefix(&root_abs)
                    .map(|r| self.root.join(r))
                    .unwrap_or(p)
            })
            .collect();
        // A watched folder created since the start (a first template): watch it too.
        for dir in WATCHED {
            let path = self.root.join(dir);
            if paths.iter().any(|p| *p == path) && path.is_dir() {
                let _ = self
                    .debouncer
                    .watch(&path, notify::RecursiveMode::Recursive);
            }
        }
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| {
                let rel = crate::diagnostics::display_path(&self.root, p);
                ["content", "templates", "themes", "static", "site.toml"]
                    .iter()
                    .any(|top| rel == *top || rel.starts_with(&format!("{top}/")))
            })
            .collect();
        (!paths.is_empty()).then_some(paths)
    }

    /// Rebuilds what a change to `paths` affects, publishes it and tells the browsers.
    fn rebuild(&mut self, paths: &[PathBuf]) {
        let started = Instant::now();
        let change = if self.broken {
            Change::Everything
        } else {
            classify(&self.build, &self.root, paths)
        };
        // Templates that make the layout the shipped one, or no longer, change what every
        // accessibility statement says of it: the whole site is read again.
        let change = match change {
            Change::Templates(_)
                if crate::render::Templates::load(&self.root, &self.build.site.config.theme)
                    .is_ok_and(|t| t.as_shipped != self.build.site.templates.as_shipped) =>
            {
                Change::Everything
            }
            c => c,
        };
        let what = match change {
            Change::Documents(docs) if docs.is_empty() => return,
            Change::Documents(docs) if reread_documents(&mut self.build, &docs) => {
                let n = self.build.update_documents(&docs);
                format!("{n} page{}", if n == 1 { "" } else { "s" })
            }
            Change::Templates(names) => {
                match crate::render::Templates::load(&self.root, &self.build.site.config.theme) {
                    Ok(t) => {
                        let n = self.build.update_templates(t, &names);
                        format!(
                            "{n} page{} with new templates",
                            if n == 1 { "" } else { "s" }
                        )
                    }
                    Err(diags) => {
                        if let Ok(mut s) = self.served.write() {
                            s.errors = diags;
                        }
                        notify_clients(&self.clients);
                        return;
                    }
                }
            }
            _ => match site::load(&self.root, &self.opts) {
                Ok(mut site) => {
                    // The PDFs' links stay until the PDF thread has new ones.
                    site.downloads = std::mem::take(&mut self.build.site.downloads);
                    self.build = Build::new(site);
                    self.broken = false;
                    "the whole site".to_string()
                }
                Err(BuildError::Content(diags)) => {
                    if let Ok(mut s) = self.served.write() {
                        s.errors = diags.into_iter().filter(|d| d.is_error()).collect();
                    }
                    notify_clients(&self.clients);
                    (self.events)(Event::Mistakes);
                    return;
                }
                Err(e) => {
                    (self.events)(Event::Unreadable(e.to_string()));
                    return;
                }
            },
        };
        let (_, errors) = publish(&self.served, &mut self.build);
        if errors == 0 {
            let _ = self.kick.send(());
        }
        (self.events)(Event::Rebuilt {
            what,
            millis: started.elapsed().as_millis(),
            errors,
        });
        notify_clients(&self.clients);
    }

    /// After a rebuild panicked: says so on every page and in the console.
    fn failed(&mut self, panic: Box<dyn std::any::Any + Send>) {
        self.broken = true;
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        (self.events)(Event::Crashed(what.clone()));
        // A panic while a lock was held leaves it poisoned: the state it guards
        // is whole (each write replaces fields), so carry on with it.
        self.served.clear_poison();
        self.clients.clear_poison();
        if let Ok(mut s) = self.served.write() {
            s.errors = vec![
                Diagnostic::error(
                    "internal-error",
                    "site",
                    format!(
                        "PolicyPress failed on the last change (a bug, please report it): {what}"
                    ),
                )
                .with_hint(
                    "save a file again to retry; the pages shown meanwhile are those of the last good build",
                ),
            ];
        }
        notify_clients(&self.clients);
    }
}
