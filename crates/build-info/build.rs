//! Reads the commit from git at build time. It runs again only when the checkout's HEAD
//! or the branch it points at moves, so it costs nothing between commits. Without git, or
//! outside a checkout (a crates.io download), the commit is empty.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string())
}

fn watch(path: &Path) {
    // Only files that exist: a missing one would make cargo run this script every build.
    if path.is_file() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_default();
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]).map(PathBuf::from) {
        watch(&git_dir.join("HEAD"));
        watch(&git_dir.join("packed-refs"));
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch(&git_dir.join(branch));
        }
    }
    println!("cargo:rustc-env=POLICYPRESS_COMMIT={commit}");
}
