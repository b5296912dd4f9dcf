//! Every finding of every fixture site (the sites, and every broken and rules case over
//! `single`) is worded in the style docs/rules.md sets out ("How findings are worded"): a
//! place, one plain sentence saying what is wrong, a hint saying what to do, one finding per
//! cause, numbers that agree with their nouns.

mod common;
use common::*;

use serde_json::Value;

/// The words a hint may start with: each says what to do. A new hint starting otherwise
/// fails here; if it does say what to do, add its verb.
const HINT_VERBS: &[&str] = &[
    "add",
    "allow",
    "ask",
    "change",
    "check",
    "choose",
    "close",
    "connect",
    "copy",
    "correct",
    "create",
    "delete",
    "describe",
    "did",
    "drop",
    "edit",
    "export",
    "fill",
    "finish",
    "fix",
    "give",
    "import",
    "keep",
    "leave",
    "link",
    "list",
    "look",
    "make",
    "mark",
    "move",
    "name",
    "open",
    "plan",
    "point",
    "publish",
    "put",
    "rate",
    "re-approve",
    "read",
    "remove",
    "rename",
    "renew",
    "replace",
    "resize",
    "review",
    "run",
    "save",
    "say",
    "see",
    "set",
    "shorten",
    "spell",
    "split",
    "start",
    "tag",
    "take",
    "turn",
    "type",
    "update",
    "use",
    "wait",
    "write",
];

/// Problems with one finding's wording, if any.
fn style_problems(f: &Value) -> Vec<String> {
    let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    let (message, hint, file) = (text("message"), text("hint"), text("file"));
    let mut out = Vec::new();
    if message.trim().is_empty() {
        out.push("has no message".to_string());
    }
    if message.trim_end().ends_with('.') && !message.trim_end().ends_with("...") {
        out.push("message ends with a full stop".into());
    }
    if message.chars().next().is_some_and(char::is_uppercase)
        && !message.split_whitespace().next().is_some_and(is_a_name)
    {
        out.push("message starts with a capital (write it in lower case, as one sentence)".into());
    }
    if file.is_empty() {
        out.push("names no file".into());
    }
    match hint.split_whitespace().next() {
        None => out.push("has no hint saying what to do".into()),
        Some(first) => {
            let word = first
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase();
            if !HINT_VERBS.contains(&word.as_str()) {
                out.push(format!(
                    "hint starts with `{first}`, not with what to do (see HINT_VERBS)"
                ));
            }
        }
    }
    if file.starts_with("content/") && hint.contains("template") && !message.contains("template") {
        out.push("a finding about content sends the reader to the template".into());
    }
    for words in [&message, &hint] {
        if let Some(slip) = plural_slip(words) {
            out.push(format!("`{slip}`: the number and its noun disagree"));
        }
    }
    out
}

/// A word that is a proper name or an id where a sentence may start with a capital
/// ("PolicyPress", "CEOP", "SVG", "Typst", "JPEG").
fn is_a_name(word: &str) -> bool {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() > 1 && letters.chars().skip(1).any(char::is_uppercase)
        || ["Typst", "Tera", "Markdown", "Word"].contains(&letters.as_str())
}

/// "1 PDFs", "1 errors": a one before a plural noun.
fn plural_slip(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        let noun = w[1].trim_end_matches(|c: char| !c.is_alphanumeric());
        let plural = noun.ends_with('s')
            && !["ss", "us", "is", "'s"].iter().any(|e| noun.ends_with(e))
            && noun.len() > 2;
        (w[0] == "1" && plural).then(|| format!("{} {}", w[0], w[1]))
    })
}

#[test]
fn every_finding_is_worded_in_the_house_style() {
    let mut bad = Vec::new();
    let mut seen = 0;
    for case in fixture_cases() {
        let dir = case.site();
        let out = policypress()
            .args([
                "check",
                "--format",
                "json",
                "--today",
                &case.today(),
                "--root",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{}: check --format json printed no JSON ({e}): {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        seen += findings.len();
        for f in &findings {
            for problem in style_problems(f) {
                bad.push(format!(
                    "{}: [{}] {}:{}: \"{}\" (hint: \"{}\"): {problem}",
                    case.name,
                    f["rule"].as_str().unwrap_or_default(),
                    f["file"].as_str().unwrap_or_default(),
                    f["line"],
                    f["message"].as_str().unwrap_or_default(),
                    f["hint"].as_str().unwrap_or_default(),
                ));
            }
        }
        // One cause, one finding: two findings at one place, one of them saying the value
        // cannot be read and the other that it is missing or a leftover, are one cause.
        for a in &findings {
            for b in &findings {
                let same_place = a["file"] == b["file"] && a["line"] == b["line"] && a["line"] != 0;
                let pair = (a["rule"].as_str(), b["rule"].as_str());
                if same_place
                    && matches!(
                        pair,
                        (Some("invalid-date"), Some("policy-metadata-missing"))
                            | (Some("raw-html"), Some("placeholder-text"))
                    )
                {
                    bad.push(format!(
                        "{}: {}:{}: {} and {} for one cause",
                        case.name,
                        a["file"],
                        a["line"],
                        pair.0.unwrap_or_default(),
                        pair.1.unwrap_or_default()
                    ));
                }
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} findings over every fixture: the cases did not run"
    );
    assert!(
        bad.is_empty(),
        "{} findings break the wording style of docs/rules.md:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_style_check_catches_what_it_names() {
    let finding = |message: &str, hint: &str| serde_json::json!({"rule": "x", "file": "content/a.md", "line": 3, "message": message, "hint": hint});
    assert!(
        style_problems(&finding(
            "this policy has no owner (`owner`)",
            "add `owner = \"dsl\"`"
        ))
        .is_empty()
    );
    assert!(!style_problems(&finding("This policy has no owner.", "add it")).is_empty());
    assert!(!style_problems(&finding("made 1 PDFs", "add it")).is_empty());
    assert!(
        !style_problems(&finding("the heading skips a level", "check the template")).is_empty()
    );
    assert!(!style_problems(&finding("the heading skips a level", "")).is_empty());
    assert!(
        !style_problems(&finding(
            "the heading skips a level",
            "The heading is wrong"
        ))
        .is_empty()
    );
    assert!(style_problems(&finding("1 class has no band", "add a band")).is_empty());
}

/// The hints written in the source as `.with_hint("…")`, the fixtures' findings or not, start
/// with what to do as well (a hint only an unusual site meets is read at 11 pm too).
#[test]
fn every_hint_in_the_source_starts_with_what_to_do() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".with_hint(") {
            rest = &rest[at + ".with_hint(".len()..];
            let args = rest.trim_start();
            let args = args.strip_prefix("format!(").unwrap_or(args).trim_start();
            let Some(literal) = args.strip_prefix('"') else {
                continue;
            };
            seen += 1;
            let hint = &literal[..literal.find('"').unwrap_or(literal.len())];
            let finding = serde_json::json!({"rule": "x", "file": "site.toml", "line": 1, "message": "x", "hint": hint});
            for problem in style_problems(&finding) {
                let line = text.len() - rest.len();
                let line = text[..line].matches('\n').count() + 1;
                bad.push(format!(
                    "{}:{line}: \"{hint}\": {problem}",
                    entry.path().strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(
        seen > 50,
        "only {seen} hints found in src/: the scan is broken"
    );
    assert!(
        bad.is_empty(),
        "{} hints in src/ do not start with what to do:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
