//! Hostile input that a data-driven case cannot express (classes 15 and 16 of
//! docs/security.md): `serve` survives saves of pages and templates that would overflow the
//! stack, shows the error, and shows the page again once it is fixed.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("policypress"))
            .args(["serve", "--port", "0", "--today", "2026-11-23", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("serve printed nothing").unwrap();
        std::thread::spawn(move || for _ in lines {});
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"));
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server { child, addr }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("serve no longer answers");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// Waits (up to 60 s) until `path` answers with a page for which `done` holds.
    fn wait_for(&mut self, path: &str, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(self.alive(), "serve died while waiting for {what}");
            let (status, body) = self.get(path);
            if status == 200 && done(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{what} never showed: {body}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.alive() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn serve_survives_saves_that_nest_too_deeply_and_shows_the_fix() {
    let dir = fixture_site("single");
    let mut server = Server::start(dir.path());
    server.wait_for("/about/", "the page", |b| {
        b.contains("A fictional school for tests.")
    });
    let about = dir.path().join("content/about.md");
    let good = std::fs::read_to_string(&about).unwrap();

    // 1,500 nested block quotes: an error on the overlay, the server still answers.
    std::fs::write(&about, format!("{good}\n{}x\n", "> ".repeat(1500))).unwrap();
    let page = server.wait_for("/about/", "the nesting error", |b| {
        b.contains("policypress-overlay") && b.contains("nest")
    });
    assert!(
        page.contains("content/about.md:"),
        "no file and line: {page}"
    );

    // 1,000 nested list items, then 5,000 asterisks: the same.
    std::fs::write(&about, format!("{good}\n{}x\n", "- ".repeat(1000))).unwrap();
    server.wait_for("/about/", "the error for the list", |b| {
        b.contains("policypress-overlay") && b.contains("nest")
    });
    std::fs::write(
        &about,
        format!("{good}\n{}x{}\n", "*".repeat(2500), "*".repeat(2500)),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    server.wait_for("/about/", "the error for the emphasis", |b| {
        b.contains("policypress-overlay") && b.contains("nest")
    });

    // A recursive macro in a template: an error, not a crash.
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/loop.html"),
        "{% macro again(n) %}{{ self::again(n=n+1) }}{% endmacro again %}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("templates/page.html"),
        "{% import \"loop.html\" as loop %}{% extends \"base.html\" %}{% block main %}{{ loop::again(n=1) }}{% endblock %}",
    )
    .unwrap();
    server.wait_for("/about/", "the template error", |b| {
        b.contains("policypress-overlay") && b.contains("template-recursion")
    });
    std::fs::remove_dir_all(dir.path().join("templates")).unwrap();

    // Fixed: the page is shown again, without the overlay.
    std::fs::write(
        &about,
        good.replace("A fictional school", "A fixed fictional school"),
    )
    .unwrap();
    server.wait_for("/about/", "the fixed page", |b| {
        b.contains("A fixed fictional school") && !b.contains("policypress-overlay")
    });
    assert!(server.alive());
}
