//! The core's module layering, checked on its source: the graph of references between the
//! top-level modules of `src/` (every `crate::<module>` path, and every `super::` path that
//! leaves a module) has no cycle; no module uses an item of the root file `src/lib.rs` (such
//! as `crate::FORMAT_VERSION` or `crate::Record`) instead of the module that defines it; and
//! no domain module imports the umbrella `error` module.
//!
//! Comments, string and character literals, and `#[cfg(test)] mod … { … }` blocks are left
//! out: unit tests may use any layer.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The source with comments, string literals and character literals replaced by spaces (line
/// breaks kept), so that only code is left.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && is_ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r' && !prev_ident && matches!(c.get(i + 1), Some('"') | Some('#')) && {
            let mut j = i + 1;
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            c.get(j) == Some(&'"')
        } {
            // raw string r#"…"#
            let mut hashes = 0;
            i += 1;
            while c[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            loop {
                if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '"' {
            i += 1;
            while c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // escaped character literal '\n', '\u{…}'
            i += 2;
            while c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3; // character literal 'x'
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The code without `#[cfg(test)] mod NAME { … }` blocks.
fn without_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = find_test_module(&out) {
        let open = at + out[at..].find('{').unwrap();
        let mut depth = 0;
        let mut end = open;
        for (k, ch) in out[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        assert!(end > open, "unbalanced braces after #[cfg(test)]");
        out.replace_range(at..end, "");
    }
    out
}

fn find_test_module(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = code[from..].find("#[cfg(test)]") {
        let at = from + k;
        let rest = code[at + "#[cfg(test)]".len()..].trim_start();
        let rest = rest.strip_prefix("pub(crate)").unwrap_or(rest).trim_start();
        if let Some(rest) = rest.strip_prefix("mod ") {
            let rest = rest.trim_start().trim_start_matches(is_ident).trim_start();
            if rest.starts_with('{') {
                return Some(at);
            }
        }
        from = at + 1;
    }
    None
}

/// A reference found in the code: the module path it resolves to (from the crate root) and
/// the first segment after it.
struct Reference {
    base: Vec<String>,
    segment: String,
    line: usize,
}

/// Every `crate::…` and `super::…` path in `code` (of the module at `path`), resolved.
/// Tracks inline `mod name { … }` blocks, so that `super::` inside them resolves right.
fn references(code: &str, path: &[String]) -> Vec<Reference> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new(); // (name, brace depth inside it)
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    let mut line = 1;
    let mut i = 0;
    let starts = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, ch)| c.get(i + k) == Some(&ch))
    };
    while i < c.len() {
        let prev_ok = i == 0 || !(is_ident(c[i - 1]) || c[i - 1] == ':' || c[i - 1] == '$');
        match c[i] {
            '\n' => line += 1,
            '{' => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    inline.push((name, depth));
                }
            }
            '}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            ';' => pending_mod = None,
            _ => {}
        }
        if prev_ok && starts(i, "mod ") {
            let name: String = c[i + 4..]
                .iter()
                .skip_while(|ch| ch.is_whitespace())
                .take_while(|ch| is_ident(**ch))
                .collect();
            pending_mod = Some(name);
        }
        let here: Vec<String> = path
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        let (base, mut j) = if prev_ok && starts(i, "crate::") {
            (Vec::new(), i + "crate::".len())
        } else if prev_ok && starts(i, "super::") {
            let mut j = i;
            let mut up = 0;
            while starts(j, "super::") {
                up += 1;
                j += "super::".len();
            }
            assert!(
                up <= here.len(),
                "super:: above the crate root at line {line}"
            );
            (here[..here.len() - up].to_vec(), j)
        } else {
            i += 1;
            continue;
        };
        while c.get(j).is_some_and(|ch| ch.is_whitespace()) {
            j += 1;
        }
        let mut segments = Vec::new();
        if c.get(j) == Some(&'{') {
            // a group: the first segment of each item at the top level of the braces
            let mut level = 0;
            let mut expect = true;
            while j < c.len() {
                match c[j] {
                    '{' => {
                        level += 1;
                        if level == 1 {
                            expect = true;
                        }
                    }
                    '}' => {
                        level -= 1;
                        if level == 0 {
                            j += 1; // past the group
                            break;
                        }
                    }
                    ',' if level == 1 => expect = true,
                    ch if level == 1 && expect && (is_ident(ch) || ch == '*') => {
                        let seg: String = if ch == '*' {
                            "*".into()
                        } else {
                            c[j..].iter().take_while(|x| is_ident(**x)).collect()
                        };
                        j += seg.len() - 1;
                        segments.push(seg);
                        expect = false;
                    }
                    _ => {}
                }
                j += 1;
            }
        } else if c.get(j) == Some(&'*') {
            segments.push("*".into());
        } else {
            let seg: String = c[j..].iter().take_while(|x| is_ident(**x)).collect();
            j += seg.len();
            segments.push(seg);
        }
        for segment in segments {
            out.push(Reference {
                base: base.clone(),
                segment,
                line,
            });
        }
        // Continue after the path's head (a group's inner braces were already seen).
        for ch in &c[i..j.min(c.len())] {
            if *ch == '\n' {
                line += 1;
            }
        }
        i = j.max(i + 1);
    }
    out
}

struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
    /// `file:line: crate::ITEM` for every use of a root-level item.
    root_items: Vec<String>,
}

fn graph(src: &Path) -> Graph {
    let mut top: BTreeSet<String> = BTreeSet::new();
    for entry in fs::read_dir(src).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if p.is_dir() || (p.extension().is_some_and(|x| x == "rs") && name != "lib") {
            top.insert(name);
        }
    }
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> =
        top.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    let mut root_items = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let mut path: Vec<String> = rel
            .iter()
            .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if path.last().is_some_and(|s| s == "mod") {
            path.pop();
        }
        if path == ["lib"] {
            continue; // the root: module declarations and re-exports
        }
        let text = fs::read_to_string(&file).unwrap();
        let code = without_test_modules(&code_only(&text));
        let own = path[0].clone();
        for r in references(&code, &path) {
            let target = if r.base.is_empty() {
                if top.contains(&r.segment) {
                    r.segment.clone()
                } else {
                    root_items.push(format!(
                        "src/{}:{}: crate::{}",
                        rel.display(),
                        r.line,
                        r.segment
                    ));
                    continue;
                }
            } else {
                r.base[0].clone()
            };
            if target != own {
                edges.get_mut(&own).unwrap().insert(target);
            }
        }
    }
    Graph { edges, root_items }
}

/// A cycle of the graph, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn show(edges: &BTreeMap<String, BTreeSet<String>>) -> String {
    edges
        .iter()
        .map(|(from, to)| {
            format!(
                "  {from} -> {}",
                to.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn core_graph() -> Graph {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn module_graph_has_no_cycle() {
    let g = core_graph();
    println!("the core's module graph:\n{}", show(&g.edges));
    if let Some(cycle) = find_cycle(&g.edges) {
        panic!(
            "import cycle between the core's modules: {}\ngraph:\n{}",
            cycle.join(" -> "),
            show(&g.edges)
        );
    }
    // The scan sees the imports it must see (it is not vacuous).
    let has = |a: &str, b: &str| g.edges.get(a).is_some_and(|t| t.contains(b));
    for (a, b) in [
        ("model", "format"),
        ("model", "math"),
        ("score", "model"),
        ("wire", "format"),
        ("wire", "score"),
        ("journal", "wire"),
        ("weights", "record"),
        ("error", "model"),
        ("error", "wire"),
    ] {
        assert!(has(a, b), "expected {a} -> {b}; graph:\n{}", show(&g.edges));
    }
}

#[test]
fn no_module_imports_the_umbrella_error() {
    let g = core_graph();
    let importers: Vec<&String> = g
        .edges
        .iter()
        .filter(|(_, to)| to.contains("error"))
        .map(|(from, _)| from)
        .collect();
    assert!(
        importers.is_empty(),
        "the umbrella `error` module imports the domains, never the other way round; \
         imported by {importers:?}"
    );
}

#[test]
fn no_module_uses_a_root_item() {
    let g = core_graph();
    assert!(
        g.root_items.is_empty(),
        "items of src/lib.rs used instead of their defining module:\n{}",
        g.root_items.join("\n")
    );
}

#[test]
fn the_scanner_sees_through_comments_strings_groups_and_tests() {
    let src = r##"
        // crate::hidden in a comment
        /* crate::hidden /* nested */ too */
        const S: &str = "crate::hidden in a string";
        const R: &str = r#"crate::hidden "raw""#;
        const C: char = '"';
        fn f<'a>(x: &'a str) -> &'a str { x }
        use crate::{alpha, beta::Thing, ROOT_ITEM};
        use super::gamma;
        mod inner {
            use super::super::delta;
        }
        #[cfg(test)]
        mod tests {
            use crate::hidden;
        }
        fn g() { crate::epsilon::run(); }
    "##;
    let code = without_test_modules(&code_only(src));
    assert!(!code.contains("hidden"), "{code}");
    let path = ["here".to_string(), "file".to_string()];
    let refs: Vec<(Vec<String>, String)> = references(&code, &path)
        .into_iter()
        .map(|r| (r.base, r.segment))
        .collect();
    let root = Vec::<String>::new;
    assert_eq!(
        refs,
        [
            (root(), "alpha".to_string()),
            (root(), "beta".to_string()),
            (root(), "ROOT_ITEM".to_string()),
            (vec!["here".to_string()], "gamma".to_string()),
            (vec!["here".to_string()], "delta".to_string()),
            (root(), "epsilon".to_string()),
        ]
    );
}
