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
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub build: BuildOptions,
}

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Build(#[from] BuildError),
    #[error("could not listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("could not watch the site's folders: {0}")]
    Watch(String),
}

const EVENTS_PATH: &str = "/__policypress/events";

/// The script added to every page in `serve` only: reload when told, keeping the scroll
/// position. Never part of a build's output.
const RELOAD_SCRIPT: &str = r#"<script data-policypress-serve>
(function(){var k='policypress-scroll:'+location.pathname;var y=sessionStorage.getItem(k);
if(y!==null){sessionStorage.removeItem(k);window.addEventListener('load',function(){window.scrollTo(0,+y);});}
var es=new EventSource('/__policypress/events');
es.addEventListener('reload',function(){sessionStorage.setItem(k,String(window.scrollY));location.reload();});
}());
</script>"#;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The overlay listing the build's errors, in plain words.
fn overlay(errors: &[Diagnostic]) -> String {
    let mut html = String::from(
        r#"<div id="policypress-overlay" role="alertdialog" aria-labelledby="policypress-overlay-title" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(11,12,12,.92);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2rem"><div style="max-width:60rem;margin:0 auto">"#,
    );
    html.push_str(&format!(
        r#"<h2 id="policypress-overlay-title" style="color:#fff;font-size:1.5rem;margin:0 0 1rem">{} to fix before this site can be published</h2><p>The page underneath is the last version without mistakes. This message goes away by itself when the mistakes are fixed.</p>"#,
        if errors.len() == 1 { "1 mistake".to_string() } else { format!("{} mistakes", errors.len()) }
    ));
    for d in errors.iter().take(50) {
        let place = match (d.line, d.column) {
            (0, _) => d.file.clone(),
            (l, 0) => format!("{}:{l}", d.file),
            (l, c) => format!("{}:{l}:{c}", d.file),
        };
        html.push_str(r#"<section style="border-left:6px solid #ffdd00;background:#0b0c0c;margin:1rem 0;padding:1rem">"#);
        html.push_str(&format!(r#"<p style="margin:0;font-weight:700">{}</p><p style="margin:.25rem 0;font-family:monospace">{} <span style="opacity:.8">[{}]</span></p>"#, escape(&d.message), escape(&place), d.rule));
        if let Some(s) = &d.snippet {
            html.push_str(&format!(r#"<pre style="background:#222;color:#fff;padding:.5rem;overflow:auto;margin:.5rem 0">{}</pre>"#, escape(s)));
        }
        if let Some(h) = &d.hint {
            html.push_str(&format!(
                r#"<p style="margin:0">What to do: {}</p>"#,
                escape(h)
            ));
        }
        html.push_str("</section>");
    }
    html.push_str("</div></div>");
    html
}

/// A request path made safe: decoded, no `..`, no backslashes, no NUL; `None` when it tries
/// to leave the site.
fn clean_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') || !decoded.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        tiny_http::Header::from_bytes(&b"X-Invalid"[..], &b"1"[..])
            .expect("a constant header is valid")
    })
}

/// Answers one request from memory.
fn respond(served: &RwLock<Served>, request: tiny_http::Request) {
    let method = request.method().clone();
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        let r = tiny_http::Response::from_string("Only GET and HEAD are answered.\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(r);
        return;
    }
    let Some(path) = clean_path(request.url()) else {
        let _ =
            request.respond(tiny_http::Response::from_string("Forbidden\n").with_status_code(403));
        return;
    };
    let Ok(state) = served.read() else {
        let _ = request.respond(tiny_http::Response::from_string("Busy\n").with_status_code(503));
        return;
    };
    let base = state.base_path.trim_start_matches('/').to_string();
    let rel = path.strip_prefix(&base).unwrap_or(&path).to_string();
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.clone(), format!("{rel}/index.html")]
    };
    for (i, c) in candidates.iter().enumerate() {
        let body: Option<Vec<u8>> = match state.files.get(c) {
            Some(bytes) => Some(bytes.as_ref().clone()),
            None => match (state.statics.get(c), state.exported.get(c)) {
                (Some(crate::published::Source::Bytes(b)), _) => Some(b.clone()),
                // Only the PDF cache is served from the disk.
                (Some(crate::published::Source::File(_)), _) => None,
                (None, Some(crate::published::Source::Bytes(b))) => Some(b.clone()),
                (None, Some(crate::published::Source::File(p))) => std::fs::read(p).ok(),
                (None, None) => None,
            },
        };
        let Some(mut body) = body else { continue };
        if i == 1 {
            // `/policies` → `/policies/`, so relative links keep working.
            let location = format!("/{path}/");
            let r = tiny_http::Response::from_string("")
                .with_status_code(301)
                .with_header(header("Location", &location));
            let _ = request.respond(r);
            return;
        }
        let kind = content_type(c);
        if kind.starts_with("text/html") {
            body = inject(&body, &state.errors);
        }
        let len = body.len();
        let r = tiny_http::Response::new(
            200.into(),
            vec![
                header("Content-Type", kind),
                header("Cache-Control", "no-store"),
            ],
            std::io::Cursor::new(if method == tiny_http::Method::Head {
                Vec::new()
            } else {
                body
            }),
            Some(len),
            None,
        );
        let _ = request.respond(r);
        return;
    }
    let mut body = state
        .files
        .get("404.html")
        .map(|b| b.as_ref().clone())
        .unwrap_or_else(|| b"Not found".to_vec());
    body = inject(&body, &state.errors);
    let r = tiny_http::Response::from_data(body)
        .with_status_code(404)
        .with_header(header("Content-Type", "text/html; charset=utf-8"));
    let _ = request.respond(r);
}

/// Adds the reload script (and the overlay, when there are errors) before `</body>`.
fn inject(html: &[u8], errors: &[Diagnostic]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut extra = String::from(RELOAD_SCRIPT);
    if !errors.is_empty() {
        extra.push_str(&overlay(errors));
    }
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// Streams Server-Sent Events to one browser: a `reload` event after every rebuild, and a
/// comment now and then to keep the connection open. Ends when the browser goes away or the
/// server stops. Written by hand so that each event is sent at once, not buffered.
fn event_stream(request: tiny_http::Request, rx: Receiver<()>) {
    use std::io::Write;
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message: &[u8] = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(()) => b"event: reload\ndata: reload\n\n",
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => b": keep-alive\n\n",
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(message).and_then(|()| w.flush()).is_err() {
            return;
        }
    }
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

/// Runs the exporters (the print PDFs) in the background, so that a save never waits for
/// Typst: after each kick, reads the site again, exports it (unchanged files come from the
/// exporters' caches, such as `.policypress/pdf-cache/`, as in a build), serves the files,
/// and sends their links to the rebuild thread, which puts them on the pages. A burst of
/// kicks makes one run.
fn export_worker(
    root: PathBuf,
    opts: BuildOptions,
    served: Arc<RwLock<Served>>,
    kicks: Receiver<()>,
    links: Sender<HashMap<String, Vec<crate::downloads::Download>>>,
    saving: Arc<Mutex<()>>,
) {
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
            println!(
                "Made {} {}(s) in {} ms",
                e.made,
                e.format,
                started.elapsed().as_millis()
            );
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

/// Makes the calling thread (and the compile threads it starts) yield to the rebuilds, so a
/// save is shown as fast while PDFs are being made.
fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: nice() only changes the scheduling priority of the calling thread (on Linux,
    // threads are scheduled on their own); it touches no memory. A failure only means the
    // PDFs are made at normal priority.
    unsafe {
        let _ = libc::nice(10);
    }
}

/// What a changed path means for the build.
enum Change {
    /// The text of these documents (indexes) changed.
    Documents(Vec<usize>),
    /// These templates (names like `page.html`) changed.
    Templates(Vec<String>),
    /// Anything else: read the site again.
    Everything,
}

fn classify(build: &Build, root: &Path, paths: &[PathBuf]) -> Change {
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
fn reread_documents(build: &mut Build, docs: &[usize]) -> bool {
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
            && doc.meta.title == old.meta.title;
        if !same_shape {
            return false;
        }
        build.site.findings.retain(|d| d.file != name);
        build.site.findings.extend(diags);
        build.site.content.documents[i] = doc;
    }
    true
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
    let url = format!("http://{local}{}", build.site.config.base_path);
    println!("Serving {files} files at {url} (press Ctrl-C to stop)");
    if errors > 0 {
        println!("The site has {errors} mistake(s): they are shown on every page.");
    }
    if opts.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let server = Arc::new(server);

    let clients: Arc<Mutex<Vec<Sender<()>>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let server = server.clone();
        let _ = ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            server.unblock();
        });
    }

    // Watch the sources; changes arrive debounced on a channel.
    let (tx, rx) = channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(40), None, tx)
        .map_err(|e| ServeError::Watch(e.to_string()))?;
    for dir in ["content", "templates", "themes", "static"] {
        let path = opts.root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, notify::RecursiveMode::Recursive)
                .map_err(|e| ServeError::Watch(e.to_string()))?;
        }
    }
    // The site's folder itself, to see site.toml and folders created later (templates/).
    debouncer
        .watch(&opts.root, notify::RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Watch(e.to_string()))?;

    // PDFs are made on a thread of their own, after the pages.
    let (kick, kicks) = channel::<()>();
    let (links_tx, links_rx) = channel();
    let saving = Arc::new(Mutex::new(()));
    {
        let (root, build_opts, served) = (opts.root.clone(), opts.build.clone(), served.clone());
        let saving = saving.clone();
        // (If it cannot be started, the preview has no PDFs.)
        let _ = crate::limits::spawn("policypress-pdfs", move || {
            export_worker(root, build_opts, served, kicks, links_tx, saving)
        });
    }
    let _ = kick.send(());

    // Rebuilds happen on their own thread, so requests are answered meanwhile.
    let rebuild = {
        let served = served.clone();
        let clients = clients.clone();
        let stop = stop.clone();
        let root = opts.root.clone();
        let build_opts = opts.build.clone();
        let mut debouncer = debouncer;
        let spawned = crate::limits::spawn("policypress-rebuild", move || {
            // After a rebuild failed on a bug (a panic), the build may be half updated: the
            // next change reads the whole site again.
            let mut broken = false;
            while !stop.load(Ordering::SeqCst) {
                let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    // New PDF links: put them on the pages.
                    if let Ok(mut links) = links_rx.try_recv() {
                        while let Ok(newer) = links_rx.try_recv() {
                            links = newer;
                        }
                        if build.update_downloads(links) > 0 {
                            publish(&served, &mut build);
                            notify_clients(&clients);
                        }
                    }
                    let Ok(events) = rx.recv_timeout(Duration::from_millis(100)) else {
                        return;
                    };
                    let Ok(events) = events else { return };
                    let mut paths: Vec<PathBuf> = changed_paths(events);
                    // Collect a burst of saves into one rebuild.
                    while let Ok(Ok(more)) = rx.recv_timeout(Duration::from_millis(10)) {
                        paths.extend(changed_paths(more));
                    }
                    paths.sort();
                    paths.dedup();
                    let root_abs = root.canonicalize().unwrap_or_else(|_| root.clone());
                    let paths: Vec<PathBuf> = paths
                        .into_iter()
                        .map(|p| p.strip_prefix(&root_abs).map(|r| root.join(r)).unwrap_or(p))
                        .collect();
                    // A watched folder created since the start (a first template): watch it too.
                    for dir in ["content", "templates", "themes", "static"] {
                        let path = root.join(dir);
                        if paths.iter().any(|p| *p == path) && path.is_dir() {
                            let _ = debouncer.watch(&path, notify::RecursiveMode::Recursive);
                        }
                    }
                    let paths: Vec<PathBuf> = paths
                        .into_iter()
                        .filter(|p| {
                            let rel = crate::diagnostics::display_path(&root, p);
                            ["content", "templates", "themes", "static", "site.toml"]
                                .iter()
                                .any(|top| rel == *top || rel.starts_with(&format!("{top}/")))
                        })
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    let started = Instant::now();
                    let change = if broken {
                        Change::Everything
                    } else {
                        classify(&build, &root, &paths)
                    };
                    let what = match change {
                        Change::Documents(docs) if docs.is_empty() => return,
                        Change::Documents(docs) if reread_documents(&mut build, &docs) => {
                            let n = build.update_documents(&docs);
                            format!("{n} page(s)")
                        }
                        Change::Templates(names) => {
                            match crate::render::Templates::load(&root, &build.site.config.theme) {
                                Ok(t) => {
                                    let n = build.update_templates(t, &names);
                                    format!("{n} page(s) with new templates")
                                }
                                Err(diags) => {
                                    if let Ok(mut s) = served.write() {
                                        s.errors = diags;
                                    }
                                    notify_clients(&clients);
                                    return;
                                }
                            }
                        }
                        _ => match site::load(&root, &build_opts) {
                            Ok(mut site) => {
                                // The PDFs' links stay until the PDF thread has new ones.
                                site.downloads = std::mem::take(&mut build.site.downloads);
                                build = Build::new(site);
                                broken = false;
                                "the whole site".to_string()
                            }
                            Err(BuildError::Content(diags)) => {
                                if let Ok(mut s) = served.write() {
                                    s.errors = diags.into_iter().filter(|d| d.is_error()).collect();
                                }
                                notify_clients(&clients);
                                println!("The site has mistakes: they are shown on every page.");
                                return;
                            }
                            Err(e) => {
                                eprintln!("error: {e}");
                                return;
                            }
                        },
                    };
                    let (_, errors) = publish(&served, &mut build);
                    if errors == 0 {
                        let _ = kick.send(());
                    }
                    println!(
                        "Rebuilt {what} in {} ms{}",
                        started.elapsed().as_millis(),
                        if errors > 0 {
                            format!(" ({errors} mistake(s) shown on the pages)")
                        } else {
                            String::new()
                        }
                    );
                    notify_clients(&clients);
                }));
                if let Err(panic) = step {
                    broken = true;
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    eprintln!("error: PolicyPress failed on this change (a bug): {what}");
                    // A panic while a lock was held leaves it poisoned: the state it guards
                    // is whole (each write replaces fields), so carry on with it.
                    served.clear_poison();
                    clients.clear_poison();
                    if let Ok(mut s) = served.write() {
                        s.errors = vec![Diagnostic::error(
                            "internal-error",
                            "site",
                            format!("PolicyPress failed on the last change (a bug, please report it): {what}"),
                        )
                        .with_hint("the pages shown are those of the last good build; save a file again to retry")];
                    }
                    notify_clients(&clients);
                }
            }
        });
        match spawned {
            Ok(handle) => handle,
            Err(e) => {
                return Err(ServeError::Watch(format!(
                    "could not start the rebuild thread: {e}"
                )));
            }
        }
    };

    for request in server.incoming_requests() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        if !host_allowed(host.as_deref(), &opts.bind, local.port()) {
            let r = tiny_http::Response::from_string(
                "Forbidden: open the preview at the address `policypress serve` printed.\n",
            )
            .with_status_code(403)
            .with_header(header("Content-Type", "text/plain; charset=utf-8"));
            let _ = request.respond(r);
            continue;
        }
        if request.url().split('?').next() == Some(EVENTS_PATH) {
            let (tx, rx) = channel();
            if let Ok(mut c) = clients.lock() {
                c.push(tx);
            }
            std::thread::spawn(move || event_stream(request, rx));
            continue;
        }
        let served = served.clone();
        std::thread::spawn(move || respond(&served, request));
    }
    stop.store(true, Ordering::SeqCst);
    if let Ok(mut c) = clients.lock() {
        c.clear();
    }
    let _ = rebuild.join();
    // Not while the PDF thread is writing to the cache; it stops with the process.
    let _saving = saving.lock();
    println!("Stopped.");
    Ok(())
}

/// Whether a request's `Host` header names this preview: `127.0.0.1`, `localhost`, `[::1]`
/// or the `--bind` address, with the port. Anything else (another name that resolves here,
/// as a web page the user visits can arrange: DNS rebinding) or no `Host` at all is refused,
/// so other sites can't read the preview, which shows pages the publishing checks refused.
/// When bound to every interface (`0.0.0.0`, `::`), any IP address is accepted: a page can
/// only be served from an IP address that is this computer's own.
fn host_allowed(host: Option<&str>, bind: &str, port: u16) -> bool {
    let Some(host) = host.map(|h| h.trim().to_ascii_lowercase()) else {
        return false;
    };
    let name = match host.strip_suffix(&format!(":{port}")) {
        Some(name) => name,
        None if port == 80 => host.as_str(),
        None => return false,
    };
    let bind = bind.trim().to_ascii_lowercase();
    let bind = bind.trim_start_matches('[').trim_end_matches(']');
    let ip = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name)
        .parse::<std::net::IpAddr>();
    let any_interface = bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|b| b.is_unspecified());
    match ip {
        Ok(ip) => {
            // An IPv6 address is only ever written in brackets in a Host header.
            let bracketed = name.starts_with('[') == ip.is_ipv6();
            bracketed
                && (ip.is_loopback()
                    || any_interface
                    || bind.parse::<std::net::IpAddr>().is_ok_and(|b| b == ip))
        }
        Err(_) => name == "localhost" || name == bind,
    }
}

/// The paths of events that change files (reading a file is an event too: ignore those).
fn changed_paths(events: Vec<notify_debouncer_full::DebouncedEvent>) -> Vec<PathBuf> {
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

fn notify_clients(clients: &Mutex<Vec<Sender<()>>>) {
    if let Ok(mut c) = clients.lock() {
        c.retain(|tx| tx.send(()).is_ok());
    }
}

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
