//! The export worker: the exporters (the print PDFs) run in the background after the
//! pages, at lower priority, so a save never waits for Typst.

use super::*;

/// The exporters' thread and what it works with.
pub(super) struct ExportWorker {
    pub(super) root: PathBuf,
    pub(super) opts: BuildOptions,
    pub(super) served: Arc<RwLock<Served>>,
    /// A message here asks for a run.
    pub(super) kicks: Receiver<()>,
    /// The downloads made, by page, for the rebuild thread.
    pub(super) links: Sender<HashMap<String, Vec<crate::downloads::Download>>>,
    /// Held while the caches are written (Ctrl-C waits for it).
    pub(super) saving: Arc<Mutex<()>>,
    pub(super) events: Events,
}

impl ExportWorker {
    /// Runs the exporters (the print PDFs) in the background, so that a save never waits
    /// for Typst: after each kick, reads the site again, exports it (unchanged files come
    /// from the exporters' caches, such as `.policypress/pdf-cache/`, as in a build), serves
    /// the files, and sends their links to the rebuild thread, which puts them on the pages.
    /// A burst of kicks makes one run.
    pub(super) fn run(self) {
        let ExportWorker {
            root,
            opts,
            served,
            kicks,
            links,
            saving,
            events,
        } = self;
        lower_priority();
        while kicks.recv().is_ok() {
            while kicks.try_recv().is_ok() {}
            let Ok(site) = site::load(&root, &opts) else {
                continue;
            };
            let started = Instant::now();
            // A bug in making a PDF must not stop the PDFs of the next saves.
            let Ok(exported) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::pipeline::exports(
                    &site,
                    &crate::export::Options {
                        cache: true,
                        progress: &crate::export::Quiet,
                    },
                )
            })) else {
                continue;
            };
            if exported.iter().any(crate::export::Exported::has_errors) {
                // Shown with the page's other mistakes once the site is built with them; the
                // files served stay those of the last good run.
                continue;
            }
            // Ctrl-C waits for this, so no half-written cache file is left.
            if let Ok(_guard) = saving.lock() {
                for e in &exported {
                    e.save_cache(false);
                }
            }
            for e in exported.iter().filter(|e| e.made > 0) {
                events(Event::Exported {
                    made: e.made,
                    format: e.format,
                    millis: started.elapsed().as_millis(),
                });
            }
            let downloads = crate::pipeline::downloads_of(&exported);
            let files = exported.into_iter().flat_map(|e| e.files).collect();
            if let Ok(mut state) = served.write() {
                state.exported = files;
            }
            if links.send(downloads).is_err() {
                return;
            }
        }
    }
}

/// Makes the calling thread (and the compile threads it starts) yield to the rebuilds, so a
/// save is shown as fast while PDFs are being made.
pub(super) fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: nice() only changes the scheduling priority of the calling thread (on Linux,
    // threads are scheduled on their own); it touches no memory. A failure only means the
    // PDFs are made at normal priority.
    unsafe {
        let _ = libc::nice(10);
    }
}
