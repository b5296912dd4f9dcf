//! Hostile cases for the output folder and the PDF cache that need a sequence of builds,
//! timing or a mount (classes 1 to 3 of docs/security.md); single-build cases are in
//! tests/hostile/c01-* … c04-*.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn policypress() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policypress"))
}

fn build(site: &Path, out: &Path) -> Output {
    policypress()
        .arg("build")
        .arg("--root")
        .arg(site)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A tree with the PDFs' bytes left out (a PDF compiled again may differ in its dates).
fn pages_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir)
        .into_iter()
        .map(|(p, b)| {
            if p.ends_with(".pdf") {
                (p, Vec::new())
            } else {
                (p, b)
            }
        })
        .collect()
}

/// The manifest beside `out` describes exactly the files in it.
fn assert_manifest_true(out: &Path) {
    let name = out.file_name().unwrap().to_string_lossy();
    let manifest =
        std::fs::read_to_string(out.with_file_name(format!(".{name}.manifest"))).unwrap();
    let listed: BTreeMap<String, String> = manifest
        .lines()
        .filter(|l| !l.starts_with("policypress-manifest") && !l.starts_with("site "))
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let hash = parts.next().unwrap().to_string();
            parts.next();
            (parts.next().unwrap().to_string(), hash)
        })
        .collect();
    let present: BTreeMap<String, String> = tree(out)
        .into_iter()
        .map(|(p, b)| (p, blake3::hash(&b).to_hex().to_string()))
        .collect();
    assert_eq!(
        listed,
        present,
        "the manifest does not describe {}",
        out.display()
    );
}

#[test]
fn output_dir_in_site_toml_pointing_at_another_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&common::fixtures().join("single"), &site);
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        format!("output_dir = \"../other\"\n{toml}"),
    )
    .unwrap();
    let other = tmp.path().join("other");
    std::fs::create_dir_all(other.join("src")).unwrap();
    std::fs::write(other.join("src/main.rs"), "fn main() {}").unwrap();
    let o = policypress()
        .arg("build")
        .arg("--root")
        .arg(&site)
        .output()
        .unwrap();
    assert_code(&o, 2);
    assert!(text(&o).contains("src"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(other.join("src/main.rs")).unwrap(),
        "fn main() {}"
    );
}

#[test]
fn out_dot_from_another_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&common::fixtures().join("single"), &site);
    // `--out .` and `--out ~`: a folder of someone's files.
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join("Documents")).unwrap();
    std::fs::write(home.join("Documents/letter.txt"), "Dear parents").unwrap();
    for out in [".", "./Documents/.."] {
        let o = policypress()
            .current_dir(&home)
            .args(["build", "--out", out, "--root"])
            .arg(&site)
            .output()
            .unwrap();
        assert_code(&o, 2);
    }
    assert_eq!(tree(&home).len(), 1);
}

#[test]
fn a_file_added_to_an_earlier_output_is_not_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    assert_code(&build(site.path(), &out), 0);
    std::fs::create_dir_all(out.join("minutes")).unwrap();
    std::fs::write(out.join("minutes/governors.txt"), "private minutes").unwrap();
    let o = build(site.path(), &out);
    assert_code(&o, 2);
    // It names what is in the way (the folder that holds the stranger's file).
    assert!(text(&o).contains("`minutes`"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("minutes/governors.txt")).unwrap(),
        "private minutes"
    );
    // Moved away, the build goes ahead.
    std::fs::remove_dir_all(out.join("minutes")).unwrap();
    assert_code(&build(site.path(), &out), 0);
}

#[test]
fn two_sites_built_into_one_out_leave_nothing_of_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let single = common::fixture_site("single");
    let federation = common::fixture_site("federation");
    let fresh = tmp.path().join("fresh");
    assert_code(&build(single.path(), &fresh), 0);
    let out = tmp.path().join("public");
    assert_code(&build(single.path(), &out), 0);
    assert_code(&build(federation.path(), &out), 0);
    assert_manifest_true(&out);
    // The other site's pages put where this site's were, with the manifest left as it was:
    // the manifest says what a build wrote, not what is there now.
    let fed = tree(&out);
    assert_code(&build(single.path(), &out), 0);
    let manifest = out.with_file_name(".public.manifest");
    let saved = std::fs::read(&manifest).unwrap();
    for (rel, bytes) in &fed {
        let path = out.join(rel);
        if path.is_file() && !rel.ends_with(".pdf") {
            std::fs::write(&path, bytes).unwrap();
        }
    }
    std::fs::write(&manifest, saved).unwrap();
    assert_code(&build(single.path(), &out), 0);
    assert_eq!(pages_of(&out), pages_of(&fresh));
    assert_manifest_true(&out);
}

#[test]
fn a_hand_edited_output_file_is_restored_by_the_next_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    assert_code(&build(site.path(), &out), 0);
    let before = tree(&out);
    for rel in ["robots.txt", "index.html"] {
        let path = out.join(rel);
        let original = std::fs::read(&path).unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        // The same length, and the same modification time: only the bytes tell.
        let mut edited = original.clone();
        edited[0] = if edited[0] == b'#' { b'!' } else { b'#' };
        std::fs::write(&path, &edited).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    }
    let o = build(site.path(), &out);
    assert_code(&o, 0);
    assert_eq!(pages_of(&out), pages_of_map(before));
}

fn pages_of_map(t: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    t.into_iter()
        .map(|(p, b)| {
            if p.ends_with(".pdf") {
                (p, Vec::new())
            } else {
                (p, b)
            }
        })
        .collect()
}

/// A small valid PDF whose Author field holds `author`.
fn planted_pdf(author: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_string(),
        format!("<< /Author ({author}) /Title (Online safety) >>"),
    ];
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).into_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}

fn pdfinfo(path: &Path) -> String {
    let o = Command::new("pdfinfo").arg(path).output().unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_tampered_pdf_cache_entry_is_not_published() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    assert_code(&build(site.path(), &out), 0);
    let cache = site.path().join(".policypress/pdf-cache");
    let entries: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert!(!entries.is_empty());
    let planted = planted_pdf("Zorblax Quimby");
    let probe = tmp.path().join("probe.pdf");
    std::fs::write(&probe, &planted).unwrap();
    assert!(
        pdfinfo(&probe).contains("Zorblax Quimby"),
        "the planted PDF must be readable"
    );
    for e in &entries {
        std::fs::write(e, &planted).unwrap();
    }
    let o = build(site.path(), &out);
    assert_code(&o, 0);
    assert!(
        text(&o).contains(&format!("({} compiled)", entries.len())),
        "{}",
        text(&o)
    );
    let pdfs: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert!(!pdfs.is_empty());
    for pdf in &pdfs {
        let info = pdfinfo(pdf);
        assert!(!info.contains("Zorblax"), "{}: {info}", pdf.display());
        assert_ne!(std::fs::read(pdf).unwrap(), planted);
    }
    // The cache holds the compiled PDFs again: a third build takes them.
    let o = build(site.path(), &out);
    assert!(text(&o).contains("(0 compiled)"), "{}", text(&o));
}

/// A build with its own cache folder for the seal's key (as another machine has).
fn build_on(machine: &Path, site: &Path, out: &Path) -> Output {
    policypress()
        .env("XDG_CACHE_HOME", machine)
        .arg("build")
        .arg("--root")
        .arg(site)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_pdf_cache_entry_this_machine_did_not_seal_is_not_published() {
    // A pull request can add any file to the site, `.policypress/pdf-cache/` included (with
    // `git add -f`): a PDF with a pupil's name beside a record whose content hash is right.
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    let machine = tmp.path().join("machine");
    assert_code(&build_on(&machine, site.path(), &out), 0);
    assert!(machine.join("policypress/cache-seal.key").is_file());
    let cache = site.path().join(".policypress/pdf-cache");
    let planted = planted_pdf("Zorblax Quimby");
    let planted_hash = blake3::hash(&planted).to_hex().to_string();
    let mut n = 0;
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pages") {
            let record = std::fs::read_to_string(&path).unwrap();
            let fields: Vec<&str> = record.split_whitespace().collect();
            assert_eq!(fields.len(), 3, "page count, hash, seal: {record}");
            // The record rewritten for the planted PDF, keeping this machine's tag (made for
            // the real PDF's hash).
            std::fs::write(&path, format!("{} {planted_hash} {}", fields[0], fields[2])).unwrap();
            std::fs::write(path.with_extension("pdf"), &planted).unwrap();
            n += 1;
        }
    }
    assert!(n > 0);
    let o = build_on(&machine, site.path(), &out);
    assert_code(&o, 0);
    assert!(
        text(&o).contains(&format!("({n} compiled)")),
        "{}",
        text(&o)
    );
    for pdf in walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
    {
        assert_ne!(std::fs::read(&pdf).unwrap(), planted, "{}", pdf.display());
    }
    // Entries this machine sealed are taken; another machine's seal is not this one's.
    let o = build_on(&machine, site.path(), &out);
    assert!(text(&o).contains("(0 compiled)"), "{}", text(&o));
    let o = build_on(&tmp.path().join("other-machine"), site.path(), &out);
    assert!(
        text(&o).contains(&format!("({n} compiled)")),
        "{}",
        text(&o)
    );
}

#[test]
fn a_second_build_waits_for_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    let lock = std::fs::File::create(tmp.path().join(".public.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = policypress()
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the build to render its pages and reach the lock.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) && !out.exists() {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        if started.elapsed() > Duration::from_secs(8) {
            break;
        }
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build did not wait for the lock"
    );
    assert!(!out.exists());
    lock.unlock().unwrap();
    let o = child.wait_with_output().unwrap();
    assert_code(&o, 0);
    assert!(
        text(&o).contains("waited for another build"),
        "{}",
        text(&o)
    );
    assert_manifest_true(&out);
}

#[test]
fn concurrent_builds_of_two_sites_into_one_out_do_not_interleave() {
    let tmp = tempfile::tempdir().unwrap();
    let single = common::fixture_site("single");
    let federation = common::fixture_site("federation");
    let out = tmp.path().join("public");
    for _ in 0..2 {
        let spawn = |site: &Path| {
            policypress()
                .arg("build")
                .arg("--root")
                .arg(site)
                .arg("--out")
                .arg(&out)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn(single.path());
        let b = spawn(federation.path());
        assert_code(&a.wait_with_output().unwrap(), 0);
        assert_code(&b.wait_with_output().unwrap(), 0);
        assert_manifest_true(&out);
        let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// Waits up to 10 s for a path to vanish (trees are removed by a detached process).
fn gone(path: &Path) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if std::fs::symlink_metadata(path).is_err() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn temporary_trees_of_killed_builds_are_removed_and_live_ones_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    let dead_tmp = tmp.path().join(".public.tmp-99999999");
    let dead_old = tmp.path().join(".public.old-99999998");
    // This test's own process is alive: its tree is not a leftover.
    let live = tmp
        .path()
        .join(format!(".public.tmp-{}", std::process::id()));
    for d in [&dead_tmp, &dead_old, &live] {
        std::fs::create_dir_all(d.join("policies")).unwrap();
        std::fs::write(d.join("policies/index.html"), vec![b'x'; 1 << 20]).unwrap();
    }
    let o = build(site.path(), &out);
    assert_code(&o, 0);
    assert!(
        text(&o).contains("removed 2 temporary folders"),
        "{}",
        text(&o)
    );
    assert!(gone(&dead_tmp) && gone(&dead_old));
    assert!(live.join("policies/index.html").is_file());
}

#[test]
fn a_killed_build_leaves_nothing_that_blocks_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("public");
    assert_code(&build(site.path(), &out), 0);
    for delay in [50, 150, 300, 600] {
        let mut child = policypress()
            .arg("build")
            .arg("--root")
            .arg(site.path())
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let o = build(site.path(), &out);
        assert_code(&o, 0);
        assert_manifest_true(&out);
    }
    let stale = |n: &str| n.contains(".public.tmp-") || n.contains(".public.old-");
    let started = Instant::now();
    loop {
        let left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| stale(n))
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{left:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_mount_point_output_has_its_contents_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let site = common::fixture_site("single");
    let out = tmp.path().join("volume");
    std::fs::create_dir(&out).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "policypress-test", out.to_str().unwrap()])
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(out.clone());
    let fresh = tmp.path().join("fresh");
    assert_code(&build(site.path(), &fresh), 0);
    for round in 0..3 {
        if round == 2 {
            // A change, so the contents are replaced again (with nothing changed, round 1,
            // nothing is written).
            let about = site.path().join("content/about.md");
            let text = std::fs::read_to_string(&about).unwrap();
            std::fs::write(&about, format!("{text}\nOne more sentence.\n")).unwrap();
            std::fs::remove_dir_all(&fresh).unwrap();
            assert_code(&build(site.path(), &fresh), 0);
        }
        let o = build(site.path(), &out);
        assert_code(&o, 0);
        assert_eq!(
            text(&o).contains("mount point"),
            round != 1,
            "round {round}: {}",
            text(&o)
        );
        assert_eq!(pages_of(&out), pages_of(&fresh));
        assert_manifest_true(&out);
    }
    // A stray file on the volume is still refused.
    std::fs::write(out.join("backup.sql"), "data").unwrap();
    assert_code(&build(site.path(), &out), 2);
    assert!(out.join("backup.sql").is_file());
}
