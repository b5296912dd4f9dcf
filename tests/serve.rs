//! `policypress serve`: the real binary on loopback, a port chosen by the system, edits to a
//! copy of a fixture site, and a hand-written HTTP client.

mod common;
use common::server::Server;
use common::*;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// Waits until the PDFs are made and linked from the policy page (they come after the pages,
/// with a reload of their own): returns that page.
fn wait_for_pdfs(server: &mut Server) -> String {
    server.wait_for("/policies/online-safety/", "the PDF link", |page| {
        page.contains("class=pdf-download")
    })
}

fn wait_for_reload(events: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        let n = events
            .read_line(&mut line)
            .expect("no reload event within 10 s");
        assert!(n > 0, "the event stream closed");
        if line.starts_with("event: reload") {
            return;
        }
    }
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    dir
}

/// Every path in `dir` with the bytes of each file (none for a folder), but the PDF cache
/// (`.policypress/`), which serve fills like a build.
fn contents(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".policypress")
        .map(|e| {
            let e = e.unwrap();
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (name, bytes)
        })
        .collect()
}

/// Every path in `dir`, the PDF cache included.
fn every_path(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn an_edit_reloads_the_page_and_errors_show_then_go() {
    let dir = site();
    let before = contents(dir.path());
    let mut server = Server::start(dir.path());
    wait_for_pdfs(&mut server);
    let page = server.get("/about/");
    assert!(page.contains("A fictional school for tests."));
    assert!(
        page.contains("data-policypress-serve"),
        "serve pages carry the reload script"
    );

    let about = dir.path().join("content/about.md");
    let text = std::fs::read_to_string(&about).unwrap();
    let mut events = server.events();
    std::fs::write(
        &about,
        text.replace("A fictional school for tests.", "Freshly edited text."),
    )
    .unwrap();
    wait_for_reload(&mut events);
    assert!(server.get("/about/").contains("Freshly edited text."));

    // A mistake: every page shows the overlay, the last good page stays underneath.
    std::fs::write(
        &about,
        format!(
            "{}\n[broken](@/policies/nope.md)\n",
            text.replace("A fictional school for tests.", "Freshly edited text.")
        ),
    )
    .unwrap();
    wait_for_reload(&mut events);
    let page = server.get("/about/");
    assert!(
        page.contains("policypress-overlay") && page.contains("content/about.md:"),
        "no overlay"
    );
    assert!(page.contains("Freshly edited text."));
    assert!(server.get("/").contains("policypress-overlay"));

    // Fixed: the overlay goes by itself.
    std::fs::write(&about, text).unwrap();
    wait_for_reload(&mut events);
    let page = server.get("/about/");
    assert!(!page.contains("policypress-overlay"));
    assert!(page.contains("A fictional school for tests."));

    // A template edit re-renders the pages that use it.
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>Template edited.</p>{% endblock %}",
    )
    .unwrap();
    // A new folder and the file in it may come as two saves, and two reloads: the page is
    // re-rendered by the one for the file.
    let mut edited = false;
    for _ in 0..5 {
        wait_for_reload(&mut events);
        if server.get("/about/").contains("Template edited.") {
            edited = true;
            break;
        }
    }
    assert!(edited, "the template edit never reached /about/");
    std::fs::remove_dir_all(dir.path().join("templates")).unwrap();
    wait_for_reload(&mut events);

    let status = server.interrupt();
    assert!(status.success(), "{status:?}");
    let after = contents(dir.path());
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "serve left files behind, wrote output or changed a source: {changed:?}"
    );
    let cache = every_path(dir.path());
    assert!(
        !cache.iter().any(|p| p.ends_with(".tmp")),
        "temporary files left: {cache:?}"
    );
}

#[test]
fn requests_cannot_leave_the_site_and_only_get_and_head_are_answered() {
    let dir = site();
    // Files beside the site that must never be served: the roster of pupils' names (keyed
    // hashes, but still not for the web), the PDF cache, a school's private notes.
    let secret = "Zebediah Nonesuchfake";
    std::fs::write(
        dir.path().join("roster.toml"),
        format!("# {secret}\nversion = 1\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".policypress")).unwrap();
    std::fs::write(dir.path().join(".policypress/notes.txt"), secret).unwrap();
    std::fs::write(dir.path().join(".env"), format!("TOKEN={secret}")).unwrap();
    let server = Server::start(dir.path());
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsite.toml",
        "/a/..\\..\\site.toml",
        "/%5c..%5csite.toml",
        "//etc/passwd",
        "/site.toml",
        "/content/about.md",
        "/roster.toml",
        "/%72oster.toml",
        "/../roster.toml",
        "/.policypress/notes.txt",
        "/.env",
    ] {
        let (status, body) = server.request("GET", path);
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("base_url")
                && !body.contains("root:")
                && !body.contains("+++")
                && !body.contains(secret),
            "{path} leaked a file"
        );
    }
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(server.request(method, "/").0, 405, "{method}");
    }
    assert_eq!(server.request("HEAD", "/").0, 200);
    assert_eq!(server.request("GET", "/style.css").0, 200);
}

#[test]
fn the_reload_script_is_never_in_a_build() {
    let dir = site();
    assert_cmd::Command::cargo_bin("policypress")
        .unwrap()
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .assert()
        .success();
    for entry in walkdir::WalkDir::new(dir.path().join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            assert!(
                !text.contains("__policypress") && !text.contains("data-policypress-serve"),
                "{:?}",
                entry.path()
            );
        }
    }
}

#[test]
fn an_edit_updates_the_lists_and_search_index_that_show_it() {
    let dir = site();
    let mut server = Server::start(dir.path());
    wait_for_pdfs(&mut server);
    let about = server.get("/about/");
    assert!(!server.get("/guides/").contains("Consoles, tablets"));
    let guide = dir.path().join("content/guides/gaming.md");
    let text = std::fs::read_to_string(&guide).unwrap();
    // The guide's PDF changes too, and its new link brings a reload of its own: wait for
    // what each edit should show rather than counting reloads.
    let shows = |path: &str, what: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if server.get(path).contains(what) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };

    // Body text only: the page and the search index change.
    std::fs::write(
        &guide,
        format!("{text}\nSet screen time together as a family.\n"),
    )
    .unwrap();
    assert!(shows("/guides/gaming/", "screen time together"));
    assert!(shows("/search-index.json", "screen time together"));

    // A new section: the A to Z and band pages list it.
    std::fs::write(
        &guide,
        format!("{text}\n## Loot boxes\n\nWhat they cost.\n"),
    )
    .unwrap();
    assert!(shows("/a-z/", "Loot boxes"));
    assert!(shows("/search-index.json", "Loot boxes"));

    // The description: the guides list shows it.
    std::fs::write(
        &guide,
        text.replace(
            "bands = [",
            "description = \"Consoles, tablets and online games.\"\nbands = [",
        ),
    )
    .unwrap();
    assert!(shows("/guides/", "Consoles, tablets"));
    assert!(!server.get("/a-z/").contains("Loot boxes"));

    // A page nothing of this shows on is the same.
    assert_eq!(server.get("/about/"), about);
    assert!(server.interrupt().success());
}

#[test]
fn pdfs_are_made_after_the_pages_and_linked_when_ready() {
    let dir = site();
    let mut server = Server::start(dir.path());
    // The pages are served first ("Serving …" is the first line, printed once they are up);
    // the PDFs are made after them ("Made … PDFs" comes later) and their links come then.
    let printed = server.printed();
    assert!(printed[0].starts_with("Serving "), "{printed:?}");
    let page = wait_for_pdfs(&mut server);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let made = loop {
        let printed = server.printed();
        if let Some(i) = printed
            .iter()
            .position(|l| l.starts_with("Made ") && l.contains("PDF"))
        {
            break i;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no PDFs made: {printed:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(made > 0, "the PDFs were made before the pages were served");
    let at =
        page.find("class=pdf-download><a href=").unwrap() + "class=pdf-download><a href=".len();
    let link = page[at..].split([' ', '>']).next().unwrap().to_string();
    assert!(link.ends_with(".pdf"), "{link}");
    let (status, body) = server.request("GET", &link);
    assert_eq!(status, 200, "{link}");
    // (A body this size comes in chunks: the first line is the chunk's length.)
    assert!(body.contains("%PDF-"), "{link} is not a PDF");
    let listing = every_path(dir.path());
    assert!(server.interrupt().success());
    assert!(
        !listing.iter().any(|p| p.ends_with(".tmp")),
        "temporary files left: {listing:?}"
    );
    assert!(
        listing.iter().any(|p| p.contains(".policypress")),
        "the PDF cache was not looked at: {listing:?}"
    );
}
