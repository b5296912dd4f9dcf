//! The output writer's guarantees, each in a temporary folder.

use super::guard::*;
use super::manifest::*;
use super::stale::*;
use super::tree::*;
use super::*;
use crate::published::page_path;
use crate::published::{Source, normal_path};

#[test]
fn page_paths() {
    assert_eq!(page_path("/", "/"), "index.html");
    assert_eq!(page_path("/", "/a/b/"), "a/b/index.html");
    assert_eq!(page_path("/sub/", "/sub/a/"), "a/index.html");
}

#[test]
fn normal_paths() {
    assert_eq!(normal_path("./index.html").as_deref(), Some("index.html"));
    assert_eq!(normal_path("a//./b").as_deref(), Some("a/b"));
    assert_eq!(normal_path("../index.html"), None);
    assert_eq!(normal_path("a/../index.html"), None);
    assert_eq!(normal_path("./"), None);
}

#[test]
fn guard_refuses_sources() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert!(guard(root, root).is_err());
    assert!(guard(root, root.parent().unwrap()).is_err());
    assert!(guard(root, &root.join("content")).is_err());
    assert!(guard(root, &root.join("static/x")).is_err());
    assert!(guard(root, &root.join("print")).is_err());
    assert!(guard(root, &root.join(".policypress/x")).is_err());
    assert!(guard(root, &root.join("public")).is_ok());
    assert!(guard(root, &root.join("content/../public")).is_ok());
    assert!(guard(root, Path::new("/")).is_err());
}

fn bytes(rel: &str, text: &str) -> (String, Source) {
    (rel.to_string(), Source::Bytes(text.as_bytes().to_vec()))
}

#[test]
fn refuses_folders_a_build_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    // A folder with one unrelated file.
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("keep.txt"), "keep me").unwrap();
    let e = guard(&site, &victim).unwrap_err().to_string();
    assert!(e.contains("keep.txt") && e.contains("--out"), "{e}");
    // A file.
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    assert!(
        guard(&site, &file)
            .unwrap_err()
            .to_string()
            .contains("a file")
    );
    // A dangling symbolic link, and one to the victim.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling"))
            .unwrap();
        assert!(guard(&site, &dir.path().join("dangling")).is_err());
        std::os::unix::fs::symlink(&victim, dir.path().join("link")).unwrap();
        assert!(guard(&site, &dir.path().join("link")).is_err());
    }
    // Empty and new folders are fine.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert!(guard(&site, &dir.path().join("empty")).is_ok());
    assert!(guard(&site, &dir.path().join("new/public")).is_ok());
    // Under the lock too.
    assert!(matches!(
        write(&victim, &site, vec![bytes("index.html", "x")]),
        Err(WriteError::Refused(_))
    ));
    assert_eq!(
        std::fs::read_to_string(victim.join("keep.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn replaces_its_own_output_but_not_a_stray_file_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("public");
    write(
        &out,
        &site,
        vec![bytes("index.html", "a"), bytes("x/y.css", "b")],
    )
    .unwrap();
    assert!(guard(&site, &out).is_ok());
    let stats = write(
        &out,
        &site,
        vec![bytes("index.html", "a"), bytes("z.txt", "c")],
    )
    .unwrap();
    assert_eq!((stats.files, stats.reused), (2, 1));
    assert!(!out.join("x").exists());
    // A folder left by a file deleted by hand is fine; a stray file is not.
    std::fs::remove_file(out.join("z.txt")).unwrap();
    assert!(guard(&site, &out).is_ok());
    std::fs::write(out.join("mine.txt"), "mine").unwrap();
    let e = guard(&site, &out).unwrap_err().to_string();
    assert!(e.contains("mine.txt"), "{e}");
    std::fs::remove_file(out.join("mine.txt")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", out.join("robots.txt")).unwrap();
        assert!(guard(&site, &out).is_err());
    }
}

#[test]
fn a_hand_edited_file_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("public");
    write(&out, &site, vec![bytes("robots.txt", "User-agent: *\n")]).unwrap();
    std::fs::write(out.join("robots.txt"), "Disallow: /x\n").unwrap();
    let stats = write(&out, &site, vec![bytes("robots.txt", "User-agent: *\n")]).unwrap();
    assert_eq!(stats.reused, 0);
    assert_eq!(
        std::fs::read_to_string(out.join("robots.txt")).unwrap(),
        "User-agent: *\n"
    );
}

#[cfg(unix)]
#[test]
fn the_same_files_again_leave_the_folder_as_it_is_and_anything_else_swaps_it() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("public");
    let files = || {
        vec![
            bytes("a/index.html", "<p>a"),
            bytes("robots.txt", "User-agent: *\n"),
        ]
    };
    write(&out, &site, files()).unwrap();
    let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let (folder, page) = (inode(&out), inode(&out.join("a/index.html")));
    let stats = write(&out, &site, files()).unwrap();
    assert_eq!((stats.files, stats.reused), (2, 2));
    assert_eq!(
        inode(&out),
        folder,
        "the folder was swapped though nothing changed"
    );
    assert_eq!(inode(&out.join("a/index.html")), page);
    // A file edited by hand, one file fewer, or another site's build: a new tree.
    std::fs::write(out.join("a/index.html"), "<p>edited").unwrap();
    write(&out, &site, files()).unwrap();
    assert_ne!(inode(&out), folder);
    assert_eq!(
        std::fs::read_to_string(out.join("a/index.html")).unwrap(),
        "<p>a"
    );
    let folder = inode(&out);
    write(&out, &site, vec![bytes("a/index.html", "<p>a")]).unwrap();
    assert_ne!(inode(&out), folder);
    assert!(!out.join("robots.txt").exists());
    let folder = inode(&out);
    let stats = write(
        &out,
        &dir.path().join("other-site"),
        vec![bytes("a/index.html", "<p>a")],
    )
    .unwrap();
    assert_eq!(stats.reused, 1);
    assert_ne!(
        inode(&out),
        folder,
        "another site's build kept this site's manifest"
    );
}

#[test]
fn refuses_paths_outside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    for rel in ["../index.html", "/etc/x", "./index.html", "", "a/../../b"] {
        assert!(
            write(&out, dir.path(), vec![bytes(rel, "x")]).is_err(),
            "{rel}"
        );
    }
    assert!(write(&out, dir.path(), vec![bytes("a", "x"), bytes("a/b", "y")]).is_err());
    assert!(write(&out, dir.path(), vec![bytes("a", "x"), bytes("a", "y")]).is_err());
    assert!(!dir.path().join("index.html").exists());
}

#[test]
fn replacing_in_place_removes_only_what_a_build_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (out, tmp) = (dir.path().join("public"), dir.path().join("new"));
    for (rel, text) in [
        ("index.html", "old"),
        ("a/b.html", "old"),
        ("gone/x.html", "old"),
    ] {
        std::fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
        std::fs::write(out.join(rel), text).unwrap();
    }
    // Saved by someone else after the check: kept.
    std::fs::write(out.join("a/minutes.docx"), "mine").unwrap();
    for (rel, text) in [("index.html", "new"), ("a/b.html", "new"), ("c.css", "new")] {
        std::fs::create_dir_all(tmp.join(rel).parent().unwrap()).unwrap();
        std::fs::write(tmp.join(rel), text).unwrap();
    }
    let known: HashMap<String, (u64, String)> = ["index.html", "a/b.html", "gone/x.html"]
        .iter()
        .map(|r| (r.to_string(), (3, String::new())))
        .collect();
    assert_eq!(stray_in(&out, &known).as_deref(), Some("a/minutes.docx"));
    replace_contents(&tmp, &out, &known).unwrap();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).ok();
    assert_eq!(read("index.html").as_deref(), Some("new"));
    assert_eq!(read("a/b.html").as_deref(), Some("new"));
    assert_eq!(read("c.css").as_deref(), Some("new"));
    assert_eq!(read("a/minutes.docx").as_deref(), Some("mine"));
    assert!(!out.join("gone").exists());
    assert!(!tmp.exists());
}

#[cfg(unix)]
#[test]
fn a_file_linked_from_outside_is_written_again_not_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.txt"), dir.path().join("new.txt"));
    let same = blake3::hash(b"same").to_hex().to_string();
    std::fs::write(&old, "same").unwrap();
    std::fs::hard_link(&old, dir.path().join("outside.txt")).unwrap();
    assert!(!carry_over(&old, &new, 4, &same));
    std::fs::remove_file(dir.path().join("outside.txt")).unwrap();
    // Other bytes of the same length, or the right bytes under another hash: written again.
    std::fs::write(&old, "sane").unwrap();
    assert!(!carry_over(&old, &new, 4, &same));
    std::fs::write(&old, "same").unwrap();
    assert!(!carry_over(&old, &new, 4, &blake3::hash(b"sane").to_hex()));
    assert!(carry_over(&old, &new, 4, &same));
    assert!(!carry_over(
        &dir.path().join("none"),
        &dir.path().join("n2"),
        4,
        &same
    ));
    std::os::unix::fs::symlink(&old, dir.path().join("link")).unwrap();
    assert!(!carry_over(
        &dir.path().join("link"),
        &dir.path().join("n3"),
        4,
        &same
    ));
}

#[test]
fn a_verified_file_changed_since_is_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("cached.pdf");
    std::fs::write(&from, "checked bytes").unwrap();
    let (hash, len) = crate::published::hash_reader(std::fs::File::open(&from).unwrap()).unwrap();
    copy_verified(&from, &dir.path().join("a.pdf"), len, &hash).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("a.pdf")).unwrap(),
        b"checked bytes"
    );
    std::fs::write(&from, "changed bytes").unwrap();
    let to = dir.path().join("b.pdf");
    assert!(copy_verified(&from, &to, len, &hash).is_err());
    assert!(!to.exists(), "a copy that did not match is removed");
}

#[test]
fn stale_trees_of_dead_builds_only() {
    assert_eq!(tree_pid(".public.tmp-12", "public"), Some(12));
    assert_eq!(tree_pid(".public.old-12-3", "public"), Some(12));
    assert_eq!(tree_pid(".other.tmp-12", "public"), None);
    assert_eq!(tree_pid(".public.tmp-", "public"), None);
    assert_eq!(tree_pid("public.tmp-12", "public"), None);
    // Someone's own backups and names only like ours are never trees of a build.
    assert_eq!(tree_pid(".public.old-2024-06-01", "public"), None);
    assert_eq!(tree_pid(".public.tmp-12-3", "public"), None);
    assert_eq!(tree_pid(".public.old-12x", "public"), None);
    assert!(remove_tree(Path::new("/nonexistent/.public.old-2024-06-01")).is_err());
    // An id no process can have counts as running (kept).
    assert!(alive(3_000_000_000));
    assert!(alive(std::process::id()));
    assert!(!alive(99_999_999));
    let dir = tempfile::tempdir().unwrap();
    let dead = dir.path().join(".public.tmp-99999999");
    let live = dir
        .path()
        .join(format!(".public.tmp-{}", std::process::id()));
    let other = dir.path().join(".other.tmp-99999999");
    for d in [&dead, &live, &other] {
        std::fs::create_dir(d).unwrap();
    }
    let taken = take_stale_trees(dir.path(), "public");
    assert_eq!(taken.len(), 1);
    assert!(!dead.exists() && live.exists() && other.exists());
}

#[test]
fn replacing_contents_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let tmp = dir.path().join(".public.tmp-1");
    std::fs::create_dir_all(out.join("old")).unwrap();
    std::fs::write(out.join("old/a.html"), "old").unwrap();
    std::fs::create_dir_all(tmp.join("new")).unwrap();
    std::fs::write(tmp.join("new/b.html"), "new").unwrap();
    let known = HashMap::from([("old/a.html".to_string(), (3, String::new()))]);
    replace_contents(&tmp, &out, &known).unwrap();
    assert!(!out.join("old").exists() && !tmp.exists());
    assert_eq!(
        std::fs::read_to_string(out.join("new/b.html")).unwrap(),
        "new"
    );
}

#[test]
fn manifest_paths_round_trip() {
    for p in ["a b/c.html", "odd\nname", "back\\slash"] {
        assert_eq!(unescape_path(&escape_path(p)), p);
    }
}
