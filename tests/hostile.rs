//! Hostile input: every case in `tests/hostile/<case>/` (see its README) is an attack or a
//! careless mistake that PolicyPress must survive. For each, the real binary runs on a copy of
//! a fixture site with the case laid over it, and the harness asserts, independently of
//! PolicyPress's own code: the process ended with an exit code (never a signal or a panic), the
//! code is the expected one, the messages name what the case says, nothing the case planted (a
//! pupil's name, a secret) appears anywhere in the output (the tree's bytes and file names,
//! PDF text and metadata through poppler, image metadata through exiftool, the messages), and
//! the previous output and any folder the case names are byte-for-byte unchanged.

mod common;
use common::*;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The roster key every command of a case gets (unless the case removes it).
pub const TEST_ROSTER_KEY: &str =
    "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
/// The day review dates are checked against, so cases do not age.
const TODAY: &str = "2026-11-23";
/// No command of a case may take longer than this (a hang is a failure, not a wait).
const TIME_LIMIT: Duration = Duration::from_secs(180);

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Case {
    class: u8,
    about: String,
    #[serde(default = "default_base")]
    base: String,
    command: Vec<String>,
    exit: i32,
    #[serde(default)]
    output_has: Vec<String>,
    #[serde(default)]
    output_lacks: Vec<String>,
    #[serde(default)]
    planted: Vec<String>,
    #[serde(default)]
    unpublished: Vec<String>,
    #[serde(default)]
    previous_unchanged: bool,
    #[serde(default)]
    roster: bool,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    env_remove: Vec<String>,
    #[serde(default)]
    unchanged: Vec<String>,
    #[serde(default)]
    setup: Vec<Setup>,
}

fn default_base() -> String {
    "single".into()
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
enum Setup {
    Symlink {
        path: String,
        target: String,
    },
    Generate {
        path: String,
        #[serde(default)]
        head: String,
        repeat: String,
        times: usize,
        #[serde(default)]
        tail: String,
    },
    Mkdir(String),
    Write {
        path: String,
        text: String,
    },
    Remove(String),
}

struct Paths {
    tmp: PathBuf,
    site: PathBuf,
    out: PathBuf,
}

impl Paths {
    fn fill(&self, s: &str) -> String {
        s.replace("{tmp}", &self.tmp.to_string_lossy())
            .replace("{site}", &self.site.to_string_lossy())
            .replace("{out}", &self.out.to_string_lossy())
    }

    /// A setup path: relative to the site unless it names `{tmp}` (or is absolute after filling).
    fn path(&self, s: &str) -> PathBuf {
        let filled = self.fill(s);
        let p = Path::new(&filled);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.site.join(p)
        }
    }
}

struct Run {
    code: Option<i32>,
    text: String,
}

fn policypress_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("policypress")
}

/// Runs the binary with the case's environment, reading its output on threads, killing it
/// after [`TIME_LIMIT`].
fn run(paths: &Paths, args: &[String], case: Option<&Case>) -> Run {
    let home = paths.tmp.join("home");
    let _ = std::fs::create_dir_all(home.join(".config"));
    let mut cmd = Command::new(policypress_path());
    cmd.args(args)
        .current_dir(&paths.tmp)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("POLICYPRESS_ROSTER_KEY", TEST_ROSTER_KEY)
        .env_remove("POLICYPRESS_ROSTER_KEY_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(case) = case {
        for (k, v) in &case.env {
            cmd.env(k, paths.fill(v));
        }
        for k in &case.env_remove {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd.spawn().expect("the policypress binary starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut text = String::from_utf8_lossy(&out_thread.join().unwrap()).into_owned();
    text.push_str(&String::from_utf8_lossy(&err_thread.join().unwrap()));
    match status {
        Some(s) => Run {
            code: s.code(),
            text: if s.code().is_none() {
                use std::os::unix::process::ExitStatusExt;
                format!("{text}\n[killed by signal {:?}]", s.signal())
            } else {
                text
            },
        },
        None => Run {
            code: None,
            text: format!("{text}\n[still running after {TIME_LIMIT:?}: killed]"),
        },
    }
}

/// Every file and link under `path` (or the file itself) with its bytes, for before/after.
fn snapshot(path: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut map = BTreeMap::new();
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return map;
    };
    if !meta.is_dir() {
        map.insert(PathBuf::new(), read_entry(path, &meta));
        return map;
    }
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        let rel = entry.path().strip_prefix(path).unwrap().to_path_buf();
        let meta = match entry.path().symlink_metadata() {
            Ok(m) => m,
            Err(_) => continue,
        };
        let bytes = if meta.is_dir() {
            b"<dir>".to_vec()
        } else {
            read_entry(entry.path(), &meta)
        };
        map.insert(rel, bytes);
    }
    map
}

fn read_entry(path: &Path, meta: &std::fs::Metadata) -> Vec<u8> {
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).unwrap_or_default();
        format!("<link to {}>", target.display()).into_bytes()
    } else if meta.is_file() {
        std::fs::read(path).unwrap_or_default()
    } else {
        b"<special>".to_vec()
    }
}

fn describe_difference(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Option<String> {
    if before == after {
        return None;
    }
    let mut lines = Vec::new();
    for (p, b) in before {
        match after.get(p) {
            None => lines.push(format!("removed {}", p.display())),
            Some(a) if a != b => lines.push(format!("changed {}", p.display())),
            _ => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        lines.push(format!("added {}", p.display()));
    }
    lines.truncate(10);
    Some(lines.join("; "))
}

/// Letters that look like Latin ones (a few Cyrillic and Greek ones used to dodge filters),
/// mapped by hand here so the check does not share PolicyPress's own tables.
fn latin_lookalike(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'е' | 'ε' => 'e',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'с' | 'ϲ' => 'c',
        'у' | 'γ' => 'y',
        'х' | 'χ' => 'x',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' | 'η' => 'h',
        'т' | 'τ' => 't',
        'в' | 'β' => 'b',
        'ν' => 'v',
        'ζ' => 'z',
        'ԛ' => 'q',
        'ӏ' => 'l',
        'ω' => 'w',
        other => other,
    }
}

/// Default-ignorable code points (Unicode DerivedCoreProperties), which render as nothing.
fn ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Decodes numeric character references and the named ones a trick would use.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let body = &rest[1..e];
            let c = if let Some(hex) = body.strip_prefix("#x").or(body.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = body.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match body {
                    "shy" => Some('\u{AD}'),
                    "nbsp" => Some(' '),
                    "zwsp" | "ZeroWidthSpace" => Some('\u{200B}'),
                    "zwj" => Some('\u{200D}'),
                    "zwnj" => Some('\u{200C}'),
                    "amp" => Some('&'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words of `text` as a reader would see them: entities decoded, tags and
/// default-ignorable characters removed, compatibility forms and accents folded, look-alike
/// letters mapped to Latin, lower case.
fn words(text: &str) -> Vec<String> {
    let decoded = decode_entities(text);
    let mut no_tags = String::with_capacity(decoded.len());
    let mut in_tag = false;
    for c in decoded.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => no_tags.push(c),
        }
    }
    // Text outside tags, and then the tags' contents too (attributes can name people).
    let folded: String = no_tags
        .chars()
        .chain(std::iter::once(' '))
        .chain(
            decoded
                .chars()
                .map(|c| if c == '<' || c == '>' { ' ' } else { c }),
        )
        .filter(|c| !ignorable(*c))
        .collect::<String>()
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(latin_lookalike)
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `text` names `planted`: its first word followed by its last within three words
/// (a middle name or initial between), or for a one-word secret, that word. The whole string,
/// case-insensitively, is looked for too.
fn names(text: &str, planted: &str) -> bool {
    if text.to_lowercase().contains(&planted.to_lowercase()) {
        return true;
    }
    let want = words(planted);
    let (Some(first), Some(last)) = (want.first(), want.last()) else {
        return false;
    };
    let have = words(text);
    if want.len() == 1 {
        return have.iter().any(|w| w == first);
    }
    have.iter().enumerate().any(|(i, w)| {
        w == first
            && have[i + 1..(i + 4).min(have.len())]
                .iter()
                .any(|x| x == last)
    })
}

fn tool(name: &str, args: &[&str], file: &Path) -> Option<String> {
    let mut cmd = Command::new(name);
    cmd.args(args);
    if !file.as_os_str().is_empty() {
        cmd.arg(file);
    }
    let out = cmd.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn tools_present() -> bool {
    [
        ("pdftotext", "apt-get install poppler-utils"),
        ("pdfinfo", "apt-get install poppler-utils"),
        ("exiftool", "apt-get install libimage-exiftool-perl"),
    ]
    .iter()
    .all(|(tool, package)| common::checker_present(tool, package))
}

/// Everything a reader of the output could see: file names, bytes, PDF text and metadata,
/// image metadata.
fn published_text(out: &Path, with_tools: bool) -> Vec<(String, String)> {
    let mut found = Vec::new();
    if !out.is_dir() {
        return found;
    }
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .display()
            .to_string();
        found.push((format!("the file name {rel}"), rel.clone()));
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        found.push((rel.clone(), String::from_utf8_lossy(&bytes).into_owned()));
        if with_tools && bytes.starts_with(b"%PDF") {
            let file = entry.path();
            if let Some(t) = tool(
                "pdftotext",
                &["-q", &file.display().to_string(), "-"],
                Path::new(""),
            ) {
                found.push((format!("{rel} (text)"), t));
            }
            if let Some(t) = tool("pdfinfo", &["-meta"], file) {
                found.push((format!("{rel} (XMP metadata)"), t));
            }
            if let Some(t) = tool("pdfinfo", &[], file) {
                found.push((format!("{rel} (document information)"), t));
            }
        }
    }
    if with_tools {
        let exif = Command::new("exiftool")
            .args([
                "-r", "-a", "-G1", "-s", "-q", "-q", "--ext", "html", "--ext", "js", "--ext", "css",
            ])
            .arg(out)
            .output();
        if let Ok(o) = exif {
            found.push((
                "exiftool's reading of the output".into(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            ));
        }
    }
    found
}

fn setup(paths: &Paths, step: &Setup) -> Result<(), String> {
    let mkparent = |p: &Path| {
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        Ok::<(), String>(())
    };
    match step {
        Setup::Symlink { path, target } => {
            let p = paths.path(path);
            mkparent(&p)?;
            if p.symlink_metadata().is_ok() {
                if p.is_dir() && !p.symlink_metadata().unwrap().file_type().is_symlink() {
                    std::fs::remove_dir_all(&p).map_err(|e| e.to_string())?;
                } else {
                    std::fs::remove_file(&p).map_err(|e| e.to_string())?;
                }
            }
            std::os::unix::fs::symlink(paths.fill(target), &p)
                .map_err(|e| format!("symlink {}: {e}", p.display()))
        }
        Setup::Generate {
            path,
            head,
            repeat,
            times,
            tail,
        } => {
            let p = paths.path(path);
            mkparent(&p)?;
            let mut text = String::with_capacity(head.len() + repeat.len() * times + tail.len());
            text.push_str(head);
            for _ in 0..*times {
                text.push_str(repeat);
            }
            text.push_str(tail);
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
        }
        Setup::Mkdir(path) => {
            let p = paths.path(path);
            std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))
        }
        Setup::Write { path, text } => {
            let p = paths.path(path);
            mkparent(&p)?;
            std::fs::write(&p, paths.fill(text)).map_err(|e| format!("{}: {e}", p.display()))
        }
        Setup::Remove(path) => {
            let p = paths.path(path);
            match p.symlink_metadata() {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&p),
                Ok(_) => std::fs::remove_file(&p),
                Err(_) => Ok(()),
            }
            .map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

/// The arguments of a case's command: `--root` always, `--out` for a build that names none,
/// `--today` for the commands that check review dates.
fn command_args(paths: &Paths, case: &Case) -> Vec<String> {
    let mut args: Vec<String> = case.command.iter().map(|a| paths.fill(a)).collect();
    let first = args.first().cloned().unwrap_or_default();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    if ["build", "check", "status", "serve"].contains(&first.as_str()) {
        let (root, out, today) = (has("--root"), has("--out"), has("--today"));
        if !root {
            args.push("--root".into());
            args.push(paths.site.display().to_string());
        }
        if first == "build" && !out {
            args.push("--out".into());
            args.push(paths.out.display().to_string());
        }
        if !today {
            args.push("--today".into());
            args.push(TODAY.into());
        }
    }
    args
}

/// Runs one case; returns what went wrong (nothing when it passed).
fn run_case(dir: &Path, with_tools: bool) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let text = match std::fs::read_to_string(dir.join("case.toml")) {
        Ok(t) => t,
        Err(e) => return vec![format!("{name}: no case.toml: {e}")],
    };
    let case: Case = match toml::from_str(&text) {
        Ok(c) => c,
        Err(e) => return vec![format!("{name}: case.toml is wrong: {e}")],
    };
    let mut failures = Vec::new();
    let mut fail = |m: String| {
        failures.push(format!(
            "{name} (class {}: {}): {m}",
            case.class, case.about
        ))
    };
    if !(1..=17).contains(&case.class) || case.about.trim().is_empty() {
        fail("class must be 1 to 17 and about must say what the case proves".into());
    }
    if case.command.is_empty() {
        fail("command is empty".into());
        return failures;
    }
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths {
        tmp: tmp.path().to_path_buf(),
        site: tmp.path().join("site"),
        out: tmp.path().join("out"),
    };
    std::fs::create_dir_all(&paths.site).unwrap();
    copy_dir(&fixtures().join(&case.base), &paths.site);
    if case.roster {
        let args: Vec<String> = vec![
            "roster".into(),
            "import".into(),
            fixtures().join("roster/pupils.csv").display().to_string(),
            "--root".into(),
            paths.site.display().to_string(),
        ];
        let r = run(&paths, &args, None);
        if r.code != Some(0) {
            fail(format!("roster import failed: {}", r.text));
            return failures;
        }
    }
    let mut previous = None;
    if case.previous_unchanged {
        let args = vec![
            "build".into(),
            "--root".into(),
            paths.site.display().to_string(),
            "--out".into(),
            paths.out.display().to_string(),
            "--today".into(),
            TODAY.into(),
        ];
        let r = run(&paths, &args, None);
        if r.code != Some(0) {
            fail(format!("the base site did not build first: {}", r.text));
            return failures;
        }
        previous = Some(snapshot(&paths.out));
    }
    let overlay = dir.join("site");
    if overlay.is_dir() {
        copy_dir(&overlay, &paths.site);
    }
    for step in &case.setup {
        if let Err(e) = setup(&paths, step) {
            fail(format!("setup failed: {e}"));
            return failures;
        }
    }
    let watched: Vec<(String, BTreeMap<PathBuf, Vec<u8>>)> = case
        .unchanged
        .iter()
        .map(|p| (p.clone(), snapshot(&paths.path(p))))
        .collect();
    let args = command_args(&paths, &case);
    let r = run(&paths, &args, Some(&case));
    match r.code {
        None => fail(format!("did not exit with a code: {}", tail(&r.text))),
        Some(c) if ![0, 1, 2, 3].contains(&c) => fail(format!(
            "exit code {c} is not one of 0, 1, 2, 3: {}",
            tail(&r.text)
        )),
        Some(c) if c != case.exit => fail(format!(
            "exit code {c}, expected {}: {}",
            case.exit,
            tail(&r.text)
        )),
        _ => {}
    }
    if r.text.contains("panicked") || r.text.contains("RUST_BACKTRACE") {
        fail(format!("it panicked: {}", tail(&r.text)));
    }
    for want in &case.output_has {
        let want = paths.fill(want);
        if !r.text.contains(&want) {
            fail(format!(
                "the messages do not contain {want:?}: {}",
                tail(&r.text)
            ));
        }
    }
    for unwanted in &case.output_lacks {
        let unwanted = paths.fill(unwanted);
        if r.text.contains(&unwanted) {
            fail(format!(
                "the messages contain {unwanted:?}: {}",
                tail(&r.text)
            ));
        }
    }
    if !case.planted.is_empty() || !case.unpublished.is_empty() {
        let published = published_text(&paths.out, with_tools);
        let messages = [("the messages".to_string(), r.text.clone())];
        let everywhere = case.planted.iter().map(|p| (p, true));
        let output_only = case.unpublished.iter().map(|p| (p, false));
        for (planted, in_messages_too) in everywhere.chain(output_only) {
            let planted = paths.fill(planted);
            let extra = if in_messages_too {
                &messages[..]
            } else {
                &[][..]
            };
            for (place, text) in published.iter().chain(extra) {
                if names(text, &planted) {
                    fail(format!("{planted:?} is in {place}"));
                }
            }
        }
    }
    if let Some(before) = previous {
        if let Some(d) = describe_difference(&before, &snapshot(&paths.out)) {
            fail(format!("the previous output changed: {d}"));
        }
    }
    for (p, before) in watched {
        if let Some(d) = describe_difference(&before, &snapshot(&paths.path(&p))) {
            fail(format!("{p} changed: {d}"));
        }
    }
    failures
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(25);
    format!("\n    {}", lines[start..].join("\n    "))
}

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    if let Ok(only) = std::env::var("HOSTILE_CASE") {
        dirs.retain(|d| {
            d.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&only))
        });
    }
    dirs
}

#[test]
fn every_hostile_case_is_survived() {
    let dirs = case_dirs();
    let with_tools = tools_present();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(dir) = dirs.get(i) else { break };
                    let f = run_case(dir, with_tools);
                    failures.lock().unwrap().extend(f);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_class_has_a_case_and_every_case_is_well_formed() {
    let mut classes: HashMap<u8, Vec<String>> = HashMap::new();
    let dirs = case_dirs();
    if std::env::var_os("HOSTILE_CASE").is_some() {
        return;
    }
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("case.toml"))
            .unwrap_or_else(|e| panic!("{name}: no case.toml: {e}"));
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            name.starts_with(&format!("c{:02}-", case.class)),
            "{name}: a case's folder starts with c<class>- (class {})",
            case.class
        );
        classes.entry(case.class).or_default().push(name);
    }
    // Classes that need a running server are proven by Rust tests instead of cases.
    const RUST_ONLY: [(u8, &str); 1] = [(14, "c14_serve_answers_only_its_own_host_names")];
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security.md"))
            .expect("docs/security.md lists the classes and their cases");
    for class in 1..=17u8 {
        match RUST_ONLY.iter().find(|(c, _)| *c == class) {
            Some((_, test)) => assert!(
                docs.contains(test),
                "docs/security.md does not name {test}, which proves class {class}"
            ),
            None => assert!(
                classes.contains_key(&class),
                "class {class} has no case in tests/hostile/"
            ),
        }
    }
    for (class, names) in &classes {
        assert!(
            docs.contains(&format!("### {class}. ")),
            "docs/security.md has no section for class {class}"
        );
        for name in names {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/security.md does not list the case {name} (class {class})"
            );
        }
    }
}

#[test]
fn the_independent_name_check_sees_through_tricks() {
    // The harness's own detector must not be the weak link: these are all "Zorblax Quimby".
    for text in [
        "Zorblax Quimby",
        "zorblax  quimby",
        "Zorblax J. Quimby",
        "Zorblax Ann Marie Quimby",
        "Zor\u{200B}blax Quimby",
        "Zor&shy;blax Quimby",
        "Z&#111;rblax Quimby",
        "Zorbl\u{0430}x Quimby",
        "Ｚｏｒｂｌａｘ Ｑｕｉｍｂｙ",
        "/blog/zorblax-quimby/",
        "<b>Zorblax</b> <i>Quimby</i>",
        "<img alt=\"Zorblax Quimby\">",
    ] {
        assert!(names(text, "Zorblax Quimby"), "{text}");
    }
    for text in [
        "Zorblax",
        "Quimby",
        "Zorblax went to see the four friends of Quimby",
    ] {
        assert!(!names(text, "Zorblax Quimby"), "{text}");
    }
}
