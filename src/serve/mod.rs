//! `policypress serve`: a live preview. Serves the site from memory on 127.0.0.1, watches the
//! sources, rebuilds only what a change affects, and tells open browsers to reload (Server-Sent
//! Events). Mistakes are shown over every page, with the last good pages still underneath.
//!
//! Writes nothing to the output directory (or anywhere else).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

mod exports;
mod http;
mod rebuild;

use exports::*;
use http::*;
use rebuild::*;

use crate::diagnostics::Diagnostic;
use crate::pipeline::Build;
use crate::site::{self, BuildError, BuildOptions};

/// What the server answers from.
#[derive(Default)]
struct Served {
    /// Output path (e.g. `riverbend/index.html`) → bytes, from the last build without errors.
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Static files: output path → their checked bytes, as read (through `source_files`)
    /// when the site was loaded. Never read from the disk again: a file changed or swapped
    /// for a link afterwards is served only once a reload has read and checked it.
    statics: HashMap<String, crate::published::Source>,
    /// The exporters' files (the print PDFs), made in the background after the pages:
    /// output path → contents.
    exported: HashMap<String, crate::published::Source>,
    /// The current build's errors, shown over every page until they are fixed.
    errors: Vec<Diagnostic>,
    /// Base path of the site (`/`).
    base_path: String,
}

/// Settings of a `serve` run.
pub struct ServeOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// The address to listen on (`127.0.0.1` unless asked otherwise).
    pub bind: String,
    /// The port, or 0 for any free one.
    pub port: u16,
    /// Opens the preview in the browser once it is up.
    pub open: bool,
    /// How the site is built (today's date, the school, drafts).
    pub build: BuildOptions,
    /// Where the preview says what it did: `cli` words it and prints it.
    pub events: Events,
}

/// What the preview tells the person running it. The preview never prints: `cli` words
/// each event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The preview is up: how many files it serves, at which address, with how many
    /// mistakes shown on its pages.
    Serving {
        /// How many pages and other files the preview serves.
        files: usize,
        /// The address to open in a browser, with the site's base path.
        url: String,
        /// How many errors the site has, shown on every page.
        errors: usize,
    },
    /// A change was shown: what was made again ("the whole site", a page's address), in how
    /// many milliseconds, and how many mistakes the pages show.
    Rebuilt {
        /// What was made again, in words: "the whole site", or a page's address.
        what: String,
        /// How long it took, in milliseconds.
        millis: u128,
        /// How many errors the site has after the change, shown on its pages.
        errors: usize,
    },
    /// A change left the site with mistakes that stop it being built: they are shown on
    /// every page, over the last good pages.
    Mistakes,
    /// The site's settings or templates could not be read after a change.
    Unreadable(String),
    /// A change made PolicyPress fail (a bug): what it said.
    Crashed(String),
    /// An exporter made files in the background: how many, of which format, in how many
    /// milliseconds.
    Exported {
        /// How many files were compiled (those taken from the cache are not counted).
        made: usize,
        /// The export format's name, such as "PDF".
        format: &'static str,
        /// How long the export took, in milliseconds.
        millis: u128,
    },
    /// Ctrl-C: the preview has stopped.
    Stopped,
}

/// Where the preview's events go (any thread may send one).
pub type Events = Arc<dyn Fn(Event) + Send + Sync>;

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The site could not be loaded at the start: its settings, templates or files.
    #[error("{0}")]
    Build(#[from] BuildError),
    /// The web server could not listen on the address asked for (the port may be in use).
    #[error("could not listen on {addr}: {reason}")]
    Listen {
        /// The address, `bind:port`.
        addr: String,
        /// Why, in the server's words.
        reason: String,
    },
    /// The site's folders could not be watched for changes (or the rebuild thread could not
    /// start): what went wrong.
    #[error("could not watch the site's folders: {0}")]
    Watch(String),
}

/// Serves what the build has made: only the files made again since the last time, unless
/// the whole site changed. While the site has errors, the last good files stay (what changed
/// meanwhile is kept for when the errors are fixed).
fn publish(served: &RwLock<Served>, build: &mut Build) -> (usize, usize) {
    let errors: Vec<Diagnostic> = build
        .findings()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    let Ok(mut state) = served.write() else {
        return (0, errors.len());
    };
    if errors.is_empty() || state.files.is_empty() {
        match build.take_changes() {
            Some(changes) if !state.files.is_empty() => {
                for (path, bytes) in changes {
                    match bytes {
                        Some(b) => {
                            state.files.insert(path, Arc::new(b));
                        }
                        None => {
                            state.files.remove(&path);
                        }
                    }
                }
            }
            _ => {
                state.files = build
                    .rendered()
                    .pages
                    .into_iter()
                    .map(|(p, b)| (p, Arc::new(b)))
                    .collect();
                state.statics = build.site.static_files.iter().cloned().collect();
                state.base_path = build.site.config.base_path.clone();
            }
        }
    }
    state.errors = errors;
    (state.files.len(), state.errors.len())
}

fn notify_clients(clients: &Mutex<Vec<Sender<()>>>) {
    if let Ok(mut c) = clients.lock() {
        c.retain(|tx| tx.send(()).is_ok());
    }
}

/// Runs the preview until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    crate::limits::init_thread_pool();
    // Mistakes in the pages are shown in the browser; only a site whose settings or
    // templates can't be read at all stops here.
    let site = site::load(&opts.root, &opts.build)?;
    let mut build = Build::new(site);
    let served = Arc::new(RwLock::new(Served::default()));
    let (files, errors) = publish(&served, &mut build);
    let (server, local) = listen(&opts)?;
    let url = format!("http://{local}{}", build.site.config.base_path);
    (opts.events)(Event::Serving {
        files,
        url: url.clone(),
        errors,
    });
    if opts.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let server = Arc::new(server);
    let clients: Arc<Mutex<Vec<Sender<()>>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = stop_on_ctrl_c(&server);
    let (changes_tx, changes) = channel();
    let debouncer = watch(&opts.root, changes_tx)?;

    // The exporters run on a thread of their own, after the pages.
    let (kick, kicks) = channel::<()>();
    let (links_tx, links) = channel();
    let saving = Arc::new(Mutex::new(()));
    {
        let worker = ExportWorker {
            root: opts.root.clone(),
            opts: opts.build.clone(),
            served: served.clone(),
            kicks,
            links: links_tx,
            saving: saving.clone(),
            events: opts.events.clone(),
        };
        // (If it cannot be started, the preview has no PDFs.)
        let _ = crate::limits::spawn("policypress-pdfs", move || worker.run());
    }
    let _ = kick.send(());

    // Rebuilds happen on their own thread, so requests are answered meanwhile.
    let rebuilder = Rebuilder {
        build,
        served: served.clone(),
        clients: clients.clone(),
        root: opts.root.clone(),
        opts: opts.build.clone(),
        debouncer,
        changes,
        links,
        kick,
        broken: false,
        events: opts.events.clone(),
    };
    let rebuild = {
        let stop = stop.clone();
        crate::limits::spawn("policypress-rebuild", move || rebuilder.run(&stop))
            .map_err(|e| ServeError::Watch(format!("could not start the rebuild thread: {e}")))?
    };

    answer(&server, &served, &clients, &stop, &opts.bind, local.port());
    stop.store(true, Ordering::SeqCst);
    if let Ok(mut c) = clients.lock() {
        c.clear();
    }
    let _ = rebuild.join();
    // Not while the export thread is writing to the cache; it stops with the process.
    let _saving = saving.lock();
    (opts.events)(Event::Stopped);
    Ok(())
}

/// The HTTP server on `bind:port`, and the address it listens on.
fn listen(opts: &ServeOptions) -> Result<(tiny_http::Server, SocketAddr), ServeError> {
    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| ServeError::Listen {
        addr: addr.clone(),
        reason: e.to_string(),
    })?;
    let local: SocketAddr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| ServeError::Listen {
            addr: addr.clone(),
            reason: "not an IP address".into(),
        })?;
    Ok((server, local))
}

/// A flag Ctrl-C sets (unblocking the server), so every thread stops.
fn stop_on_ctrl_c(server: &Arc<tiny_http::Server>) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, server) = (stop.clone(), server.clone());
    let _ = ctrlc::set_handler(move || {
        flag.store(true, Ordering::SeqCst);
        server.unblock();
    });
    stop
}

/// Watches the sources (and the site's folder itself, to see site.toml and folders created
/// later, such as a first `templates/`); changes arrive debounced on `tx`.
fn watch(
    root: &Path,
    tx: Sender<notify_debouncer_full::DebounceEventResult>,
) -> Result<Debouncer, ServeError> {
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(40), None, tx)
        .map_err(|e| ServeError::Watch(e.to_string()))?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, notify::RecursiveMode::Recursive)
                .map_err(|e| ServeError::Watch(e.to_string()))?;
        }
    }
    debouncer
        .watch(root, notify::RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Watch(e.to_string()))?;
    Ok(debouncer)
}

/// The folders of a site whose changes are rebuilt.
const WATCHED: [&str; 4] = ["content", "templates", "themes", "static"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(clean_path("/a/b/").as_deref(), Some("a/b/"));
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/a/./b?x=1").as_deref(), Some("a/b"));
        for bad in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/a/%2E%2E/%2e%2e/x",
            "/a\\..\\b",
            "/%5c..%5csite.toml",
            "/a/%00",
            "/C:/x",
            "relative",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn answers_only_its_own_host_names() {
        let ok = |h: Option<&str>, bind: &str| host_allowed(h, bind, 8123);
        assert!(ok(Some("127.0.0.1:8123"), "127.0.0.1"));
        assert!(ok(Some("localhost:8123"), "127.0.0.1"));
        assert!(ok(Some("LocalHost:8123"), "127.0.0.1"));
        assert!(ok(Some("[::1]:8123"), "127.0.0.1"));
        assert!(ok(Some("192.168.1.20:8123"), "192.168.1.20"));
        assert!(ok(Some("192.168.1.20:8123"), "0.0.0.0"));
        assert!(ok(Some("devbox:8123"), "devbox"));
        assert!(!ok(None, "127.0.0.1"));
        assert!(!ok(Some(""), "127.0.0.1"));
        assert!(!ok(Some("evil.example:8123"), "127.0.0.1"));
        assert!(!ok(Some("evil.example:8123"), "0.0.0.0"));
        assert!(!ok(Some("localhost.evil.example:8123"), "127.0.0.1"));
        assert!(!ok(Some("127.0.0.1:9999"), "127.0.0.1"));
        assert!(!ok(Some("127.0.0.1"), "127.0.0.1"));
        assert!(!ok(Some("192.168.1.20:8123"), "127.0.0.1"));
        assert!(host_allowed(Some("localhost"), "127.0.0.1", 80));
    }

    #[test]
    fn overlay_escapes_what_it_shows() {
        let d = Diagnostic::error("x", "content/a.md", "<b>bad</b>").with_hint("fix & go");
        let html = overlay(&[d]);
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;") && html.contains("fix &amp; go"));
    }
}
