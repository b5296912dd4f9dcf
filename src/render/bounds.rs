//! Keeps every template's rendering bounded: Tera recurses on a template's nesting (when
//! parsing it and when rendering it) and has no limit on macros that call themselves or
//! templates that include themselves, which would run until the stack overflows. Templates
//! come from the site (`templates/`, `themes/`), so a pull request can change them: they are
//! checked before they are used.
//!
//! - [`scan`] looks at a template's text before Tera parses it: how deeply its tags nest
//!   (`{% if %}` in `{% for %}` …), how deeply brackets nest inside a tag, and how long a tag
//!   is (a long chain of `+` is as deep as it is long once parsed).
//! - [`recursion`] looks at the parsed templates: a macro that calls itself, directly or
//!   through other macros or includes, or a template that includes itself, is refused.
//!   (Tera itself refuses a template that extends itself.)

use std::collections::HashMap;

use tera::Tera;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};

use crate::diagnostics::{Diagnostic, SourceText};

/// How deeply block tags (`if`, `for`, `block`, `macro`, `filter`) may nest.
pub const MAX_TAG_NESTING: usize = 64;
/// How deeply brackets may nest inside one tag.
pub const MAX_BRACKET_NESTING: usize = 32;
/// How deeply templates and macros may include, extend or call each other (Tera renders
/// each level with a few more frames of its stack).
pub const MAX_CALL_DEPTH: usize = 64;
/// The longest tag (`{{ … }}` or `{% … %}`), in bytes.
pub const MAX_TAG_BYTES: usize = 8 * 1024;

/// The first place where `text` (a template, `file` its path from the site's folder) goes
/// past one of the limits above, as an error at its line.
pub fn scan(file: &str, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0usize;
    let too = |offset: usize, what: String| {
        let source = SourceText::new(file, text.to_string());
        let (line, column) = source.line_col(offset);
        Some(
            Diagnostic::error("template-too-deep", file, what)
                .at_line(&source, line, column)
                .with_hint("write it with fewer levels (a macro, or a variable set before), so every page can be made"),
        )
    };
    while let Some(found) = memchr::memchr(b'{', &bytes[at..]) {
        let open = at + found;
        let Some(&kind) = bytes.get(open + 1) else {
            break;
        };
        let close: &[u8] = match kind {
            b'{' => b"}}",
            b'%' => b"%}",
            b'#' => b"#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let body_start = open + 2;
        let Some(len) = find(&bytes[body_start..], close) else {
            break;
        };
        let body = &text[body_start..body_start + len];
        at = body_start + len + 2;
        if kind == b'#' {
            continue;
        }
        if len > MAX_TAG_BYTES {
            return too(
                open,
                format!(
                    "this template tag is longer than {} KB",
                    MAX_TAG_BYTES / 1024
                ),
            );
        }
        let (mut brackets, mut quote) = (0usize, None::<u8>);
        for &b in body.as_bytes() {
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'' | b'`') => quote = Some(b),
                (None, b'(' | b'[' | b'{') => {
                    brackets += 1;
                    if brackets > MAX_BRACKET_NESTING {
                        return too(
                            open,
                            format!(
                                "this template tag nests brackets more than {MAX_BRACKET_NESTING} deep"
                            ),
                        );
                    }
                }
                (None, b')' | b']' | b'}') => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        if kind != b'%' {
            continue;
        }
        let word = body
            .trim_start_matches(['-', '+'])
            .split_whitespace()
            .next()
            .unwrap_or("");
        match word {
            "raw" => {
                // Nothing up to `{% endraw %}` is parsed.
                match find(&bytes[at..], b"endraw") {
                    Some(end) => at += end + 6,
                    None => break,
                }
            }
            "if" | "for" | "block" | "macro" | "filter" => {
                depth += 1;
                if depth > MAX_TAG_NESTING {
                    return too(
                        open,
                        format!(
                            "this template nests `{{% {word} %}}` and other blocks more than {MAX_TAG_NESTING} deep"
                        ),
                    );
                }
            }
            w if w.starts_with("end") => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Something that can be rendered: a template, or a macro of a template.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Unit {
    Template(String),
    Macro(String, String),
}

/// Errors for the templates of `tera` that would recurse without end: a cycle of macro calls
/// and includes. `files` maps a template's name to its path and text, for the message.
pub fn recursion(tera: &Tera, files: &HashMap<&str, (&str, &str)>) -> Vec<Diagnostic> {
    // The graph: what rendering each unit may render in turn.
    let mut edges: HashMap<Unit, Vec<Unit>> = HashMap::new();
    for (name, t) in &tera.templates {
        let mut out = Vec::new();
        if let Some(parent) = &t.parent {
            out.push(Unit::Template(parent.clone()));
        }
        walk(tera, name, &t.ast, &mut out);
        edges.insert(Unit::Template(name.clone()), out);
        for (m, def) in &t.macros {
            let mut out = Vec::new();
            walk(tera, name, &def.body, &mut out);
            edges.insert(Unit::Macro(name.clone(), m.clone()), out);
        }
    }
    // Depth-first search without recursion; a unit met again while it is on the path is a
    // cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut units: Vec<&Unit> = edges.keys().collect();
    units.sort_by_key(|u| format!("{u:?}"));
    let mut mark: HashMap<&Unit, Mark> = units.iter().map(|u| (*u, Mark::New)).collect();
    let mut diags = Vec::new();
    let mut reported: std::collections::HashSet<Unit> = Default::default();
    // How many units deep rendering each unit goes, and the first found too deep.
    let mut height: HashMap<Unit, usize> = HashMap::new();
    let mut too_deep: Option<(Unit, usize)> = None;
    for &start in &units {
        if mark[start] != Mark::New {
            continue;
        }
        let mut path: Vec<(&Unit, usize)> = vec![(start, 0)];
        mark.insert(start, Mark::OnPath);
        while let Some((unit, next)) = path.last().copied() {
            let targets = &edges[unit];
            if next >= targets.len() {
                mark.insert(unit, Mark::Done);
                path.pop();
                // Every unit it renders is done by now (or on the path: a cycle, reported).
                let below = targets
                    .iter()
                    .filter_map(|t| height.get(t))
                    .max()
                    .copied()
                    .unwrap_or(0);
                height.insert(unit.clone(), below + 1);
                if below + 1 > MAX_CALL_DEPTH
                    && too_deep.as_ref().is_none_or(|(_, h)| *h < below + 1)
                {
                    too_deep = Some((unit.clone(), below + 1));
                }
                continue;
            }
            if let Some(last) = path.last_mut() {
                last.1 += 1;
            }
            let Some((target, _)) = edges.get_key_value(&targets[next]) else {
                continue;
            };
            match mark[target] {
                Mark::New => {
                    mark.insert(target, Mark::OnPath);
                    path.push((target, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|(u, _)| *u == target).unwrap_or(0);
                    let cycle: Vec<&Unit> = path[from..].iter().map(|(u, _)| *u).collect();
                    if reported.insert(target.clone()) {
                        diags.push(cycle_error(target, &cycle, files));
                    }
                }
                Mark::Done => {}
            }
        }
    }
    if let (Some((unit, levels)), true) = (too_deep, diags.is_empty()) {
        let template = match &unit {
            Unit::Template(t) | Unit::Macro(t, _) => t.as_str(),
        };
        let (file, _) = files.get(template).copied().unwrap_or((template, ""));
        diags.push(
            Diagnostic::error(
                "template-too-deep",
                file,
                format!(
                    "{} includes, extends or calls other templates and macros {levels} deep, and at most {MAX_CALL_DEPTH} can be",
                    describe(&unit)
                ),
            )
            .with_hint("use fewer levels of templates and macros, one inside the other"),
        );
    }
    diags
}

fn describe(u: &Unit) -> String {
    match u {
        Unit::Template(t) => format!("`{t}`"),
        Unit::Macro(_, m) => format!("the macro `{m}`"),
    }
}

fn cycle_error(first: &Unit, cycle: &[&Unit], files: &HashMap<&str, (&str, &str)>) -> Diagnostic {
    let template = match first {
        Unit::Template(t) | Unit::Macro(t, _) => t.as_str(),
    };
    let (file, text) = files.get(template).copied().unwrap_or((template, ""));
    let chain: Vec<String> = cycle
        .iter()
        .copied()
        .chain(std::iter::once(first))
        .map(describe)
        .collect();
    let what = match first {
        Unit::Macro(_, m) if cycle.len() == 1 => format!("the macro `{m}` calls itself"),
        Unit::Macro(..) => format!(
            "these macros call each other without end: {}",
            chain.join(" → ")
        ),
        Unit::Template(t) if cycle.len() == 1 => format!("the template `{t}` includes itself"),
        Unit::Template(_) => format!(
            "these templates include each other without end: {}",
            chain.join(" → ")
        ),
    };
    let mut d = Diagnostic::error(
        "template-recursion",
        file,
        format!("{what}, so a page made with it would never finish"),
    )
    .with_hint("write it with a `for` loop over the data instead: PolicyPress does not allow a macro or template to call or include itself, even with a condition");
    // At the line where the macro is defined (or the template's first line).
    let needle = match first {
        Unit::Macro(_, m) => Some(m.as_str()),
        Unit::Template(_) => None,
    };
    if !text.is_empty() {
        let source = SourceText::new(file, text.to_string());
        let offset = needle
            .and_then(|m| {
                text.match_indices("macro")
                    .find(|(i, _)| text[i + 5..].trim_start().starts_with(m))
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        let (line, column) = source.line_col(offset);
        d = d.at_line(&source, line, column);
    }
    d
}

/// What rendering `nodes` (of the template `file`) may render: macros called, templates
/// included. Macro definitions are not rendered where they stand.
fn walk(tera: &Tera, file: &str, nodes: &[Node], out: &mut Vec<Unit>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => expr(tera, file, e, out),
            Node::Include(_, names, _) => {
                out.extend(names.iter().map(|n| Unit::Template(n.clone())));
            }
            Node::Set(_, set) => expr(tera, file, &set.value, out),
            Node::FilterSection(_, f, _) => {
                call(tera, file, &f.filter, out);
                walk(tera, file, &f.body, out);
            }
            Node::Block(_, b, _) => walk(tera, file, &b.body, out),
            Node::Forloop(_, f, _) => {
                expr(tera, file, &f.container, out);
                walk(tera, file, &f.body, out);
                if let Some(body) = &f.empty_body {
                    walk(tera, file, body, out);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    expr(tera, file, cond, out);
                    walk(tera, file, body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk(tera, file, body, out);
                }
            }
            _ => {}
        }
    }
}

fn call(tera: &Tera, file: &str, f: &FunctionCall, out: &mut Vec<Unit>) {
    for e in f.args.values() {
        expr(tera, file, e, out);
    }
}

fn expr(tera: &Tera, file: &str, e: &Expr, out: &mut Vec<Unit>) {
    value(tera, file, &e.val, out);
    for f in &e.filters {
        call(tera, file, f, out);
    }
}

fn value(tera: &Tera, file: &str, v: &ExprVal, out: &mut Vec<Unit>) {
    match v {
        ExprVal::Math(m) => {
            expr(tera, file, &m.lhs, out);
            expr(tera, file, &m.rhs, out);
        }
        ExprVal::Logic(l) => {
            expr(tera, file, &l.lhs, out);
            expr(tera, file, &l.rhs, out);
        }
        ExprVal::In(i) => {
            expr(tera, file, &i.lhs, out);
            expr(tera, file, &i.rhs, out);
        }
        ExprVal::Test(t) => {
            for e in &t.args {
                expr(tera, file, e, out);
            }
        }
        ExprVal::FunctionCall(f) => call(tera, file, f, out),
        ExprVal::Array(items) => {
            for e in items {
                expr(tera, file, e, out);
            }
        }
        ExprVal::StringConcat(c) => {
            for v in &c.values {
                value(tera, file, v, out);
            }
        }
        ExprVal::MacroCall(m) => {
            if let Some(target) = macro_file(tera, file, &m.namespace) {
                out.push(Unit::Macro(target, m.name.clone()));
            }
            for e in m.args.values() {
                expr(tera, file, e, out);
            }
        }
        _ => {}
    }
}

/// The template whose macros `namespace` names in the template `file`: `self`, or one it
/// (or a template it extends) imports.
fn macro_file(tera: &Tera, file: &str, namespace: &str) -> Option<String> {
    if namespace == "self" {
        return Some(file.to_string());
    }
    let mut current = tera.templates.get(file);
    // (Tera refuses circular extends; the bound only keeps this loop finite regardless.)
    for _ in 0..=tera.templates.len() {
        let t = current?;
        if let Some((f, _)) = t
            .imported_macro_files
            .iter()
            .find(|(_, ns)| ns == namespace)
        {
            return Some(f.clone());
        }
        current = t.parent.as_ref().and_then(|p| tera.templates.get(p));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(templates: &[(&str, &str)]) -> Vec<String> {
        let mut out = Vec::new();
        for (name, text) in templates {
            if let Some(d) = scan(name, text) {
                out.push(format!("{}:{} {}", d.file, d.line, d.rule));
            }
        }
        if !out.is_empty() {
            return out;
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        let files: HashMap<&str, (&str, &str)> =
            templates.iter().map(|(n, t)| (*n, (*n, *t))).collect();
        recursion(&tera, &files)
            .into_iter()
            .map(|d| format!("{}:{} {}", d.file, d.line, d.rule))
            .collect()
    }

    #[test]
    fn macros_and_includes_that_recurse_are_refused() {
        let selfcall = "{# x #}\n{% macro r(n) %}{% if n > 0 %}{{ self::r(n=n - 1) }}{% endif %}{% endmacro r %}\n";
        assert_eq!(
            check(&[("m.html", selfcall)]),
            ["m.html:2 template-recursion"]
        );
        let a = "{% import \"b.html\" as b %}\n{% macro x() %}{{ b::y() | upper }}{% endmacro x %}";
        let b = "{% import \"a.html\" as a %}\n{% macro y() %}{% for i in [1] %}{{ a::x() }}{% endfor %}{% endmacro y %}";
        assert_eq!(check(&[("a.html", a), ("b.html", b)]).len(), 1);
        let inc = "{% if true %}{% include \"inc.html\" %}{% endif %}";
        assert_eq!(
            check(&[("inc.html", inc)]),
            ["inc.html:1 template-recursion"]
        );
        // Calling another macro, twice, is fine; so is the default theme.
        let fine = "{% macro a() %}{{ self::b() }}{{ self::b() }}{% endmacro a %}{% macro b() %}b{% endmacro b %}";
        assert!(check(&[("f.html", fine)]).is_empty());
        let theme: Vec<(&str, &str)> = crate::render::builtin::TEMPLATES.to_vec();
        assert!(check(&theme).is_empty());
    }

    #[test]
    fn deep_templates_are_refused_before_tera_parses_them() {
        let ifs = "{% if true %}".repeat(100) + &"{% endif %}".repeat(100);
        assert_eq!(check(&[("p.html", &ifs)]), ["p.html:1 template-too-deep"]);
        let fine = "{% if true %}".repeat(60) + &"{% endif %}".repeat(60);
        assert!(check(&[("p.html", &fine)]).is_empty());
        let brackets = format!("x\n{{{{ {}1{} }}}}", "(".repeat(40), ")".repeat(40));
        assert_eq!(
            check(&[("p.html", &brackets)]),
            ["p.html:2 template-too-deep"]
        );
        let long = format!("{{{{ 1{} }}}}", " + 1".repeat(5000));
        assert_eq!(check(&[("p.html", &long)]), ["p.html:1 template-too-deep"]);
        // Brackets in strings and raw blocks do not count.
        let raw = format!(
            "{{% raw %}}{}{{% endraw %}}{{{{ \"{}\" }}}}",
            "{% if x %}".repeat(100),
            "(".repeat(40)
        );
        assert!(check(&[("p.html", &raw)]).is_empty());
        let chain: String = (0..100)
            .map(|i| {
                format!(
                    "{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro %}}\n",
                    i + 1
                )
            })
            .chain(std::iter::once(
                "{% macro m100() %}end{% endmacro %}\n".to_string(),
            ))
            .collect();
        assert_eq!(check(&[("c.html", &chain)]).len(), 1);
    }
}
