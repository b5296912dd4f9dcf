//! Hostile input that a data-driven case cannot express (classes 15 and 16 of
//! docs/security.md): `serve` survives saves of pages and templates that would overflow the
//! stack, shows the error, and shows the page again once it is fixed.

mod common;
use common::server::Server;
use common::*;

use std::time::Duration;

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
