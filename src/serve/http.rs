//! Answering the browser: pages and files from memory, the reload script and the error
//! overlay added as they are served, the Server-Sent Events stream, and the `Host` check.

use super::*;

pub(super) const EVENTS_PATH: &str = "/__policypress/events";

/// The script added to every page in `serve` only: reload when told, keeping the scroll
/// position. Never part of a build's output.
pub(super) const RELOAD_SCRIPT: &str = r#"<script data-policypress-serve>
(function(){var k='policypress-scroll:'+location.pathname;var y=sessionStorage.getItem(k);
if(y!==null){sessionStorage.removeItem(k);window.addEventListener('load',function(){window.scrollTo(0,+y);});}
var es=new EventSource('/__policypress/events');
es.addEventListener('reload',function(){sessionStorage.setItem(k,String(window.scrollY));location.reload();});
}());
</script>"#;

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The overlay listing the build's errors, in plain words.
pub(super) fn overlay(errors: &[Diagnostic]) -> String {
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
pub(super) fn clean_path(raw: &str) -> Option<String> {
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

pub(super) fn content_type(path: &str) -> &'static str {
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

pub(super) fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        tiny_http::Header::from_bytes(&b"X-Invalid"[..], &b"1"[..])
            .expect("a constant header is valid")
    })
}

/// Answers one request from memory.
pub(super) fn respond(served: &RwLock<Served>, request: tiny_http::Request) {
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
                (Some(crate::published::Source::Verified { .. }), _) => None,
                (None, Some(crate::published::Source::Bytes(b))) => Some(b.clone()),
                (None, Some(crate::published::Source::Verified { path, .. })) => {
                    std::fs::read(path).ok()
                }
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
pub(super) fn inject(html: &[u8], errors: &[Diagnostic]) -> Vec<u8> {
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
pub(super) fn event_stream(request: tiny_http::Request, rx: Receiver<()>) {
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

/// Whether a request's `Host` header names this preview: `127.0.0.1`, `localhost`, `[::1]`
/// or the `--bind` address, with the port. Anything else (another name that resolves here,
/// as a web page the user visits can arrange: DNS rebinding) or no `Host` at all is refused,
/// so other sites can't read the preview, which shows pages the publishing checks refused.
/// When bound to every interface (`0.0.0.0`, `::`), any IP address is accepted: a page can
/// only be served from an IP address that is this computer's own.
pub(super) fn host_allowed(host: Option<&str>, bind: &str, port: u16) -> bool {
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

/// Answers requests until `stop`: the `Host` checked first, the events stream on a thread
/// of its own, every other request from memory on a thread of its own.
pub(super) fn answer(
    server: &tiny_http::Server,
    served: &Arc<RwLock<Served>>,
    clients: &Mutex<Vec<Sender<()>>>,
    stop: &AtomicBool,
    bind: &str,
    port: u16,
) {
    for request in server.incoming_requests() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        if !host_allowed(host.as_deref(), bind, port) {
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
}
