//! Hostile input against links and the preview (classes 13 and 14 of docs/security.md):
//! `serve` answers only requests addressed to itself (DNS rebinding), and a refused link is
//! never live, not even in the preview of a site with errors.

mod common;
use common::server::Server;
use common::*;

use std::process::Command;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("single"), dir.path());
    dir
}

#[test]
fn c14_serve_answers_only_its_own_host_names() {
    let dir = site();
    let server = Server::start(dir.path());
    let port = server.port().to_string();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let (status, body) = server.get_with_host("/about/", Some(&host));
        assert_eq!(status, 200, "Host: {host}");
        assert!(
            body.contains("A fictional school for tests."),
            "Host: {host}"
        );
    }
    for host in [
        Some(format!("evil.example:{port}")),
        Some(format!("localhost.evil.example:{port}")),
        Some("evil.example".to_string()),
        Some(format!("127.0.0.1:{}", port.parse::<u32>().unwrap() + 1)),
        Some(String::new()),
        None,
    ] {
        for path in ["/about/", "/", "/__policypress/events", "/nope/"] {
            let (status, body) = server.get_with_host(path, host.as_deref());
            assert_eq!(status, 403, "GET {path} with Host {host:?}: {body}");
            assert!(
                !body.contains("fictional school") && !body.contains("event:"),
                "GET {path} with Host {host:?} leaked: {body}"
            );
        }
    }
}

#[test]
fn c13_a_refused_link_is_not_live_in_the_preview() {
    let dir = site();
    let about = dir.path().join("content/about.md");
    let text = std::fs::read_to_string(&about).unwrap();
    std::fs::write(
        &about,
        format!(
            "{text}\n## [Heading link](JaVaScRiPt:alert(2))\n\nRead [our charter](java&#09;script:alert(1)) and [this](data:text/html,x).\n\n![A picture](javascript:alert(3))\n"
        ),
    )
    .unwrap();
    let server = Server::start(dir.path());
    let host = server.addr.clone();
    let (status, page) = server.get_with_host("/about/", Some(&host));
    assert_eq!(status, 200, "{page}");
    let lower = page.to_ascii_lowercase();
    for bad in ["javascript:", "java%09script", "data:text/html", "alert(1)"] {
        assert!(
            !lower
                .split("data-policypress-serve")
                .next()
                .unwrap()
                .contains(bad),
            "{bad} is in the previewed page: {page}"
        );
    }
    assert!(page.contains("our charter"), "the link text stays: {page}");
    // The error overlay says why.
    assert!(page.contains("unsafe-link"), "{page}");
}

#[test]
fn c17_control_characters_in_front_matter_leave_valid_xml_html_and_json() {
    let dir = site();
    let policy = dir.path().join("content/policies/online-safety.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replacen(
            "title = \"Online Safety Policy\"",
            "title = \"Online \\u001b[31mSafety\\u0007 Policy\\u0000\"\ndescription = \"Keeping \\u000b\\u0085safe \\u001b]0;x\\u0007online\"",
            1,
        ),
    )
    .unwrap();
    let out = dir.path().join("public");
    let run = Command::new(assert_cmd::cargo::cargo_bin("policypress"))
        .args(["build", "--today", "2026-11-23", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".xml") || name.ends_with(".html") || name.ends_with(".json")) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{7f}'..='\u{9f}').contains(&c)
            })
            .collect();
        assert!(bad.is_empty(), "{}: {bad:?}", entry.path().display());
        checked += 1;
    }
    assert!(checked > 10, "only {checked} files checked");
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(feed.contains("Online [31mSafety Policy"), "{feed}");
}
