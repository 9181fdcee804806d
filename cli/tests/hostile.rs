//! Hostile names, ids and file names: `model export-rust` never emits code from them (the
//! generated source parses as exactly the two expected constants); text for people — tables,
//! notes, warnings, errors — shows control characters and bidirectional controls escaped;
//! machine formats (CSV, JSON) keep the data, correctly quoted.

mod support;

use std::fs;
use std::path::Path;

use support::{code, run, stderr, stdout, workspace};

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// Characters that must never reach a terminal raw.
fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{b}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Asserts that `text` (lines for people) has no raw control character but line breaks and
/// tabs of our own.
fn assert_clean(what: &str, text: &str) {
    if let Some((k, c)) = text.char_indices().find(|(_, c)| is_unsafe(*c)) {
        let from = text[..k].rfind('\n').map_or(0, |n| n + 1);
        panic!("{what}: raw {c:?} at byte {k}: {:?}", &text[from..]);
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Model names that try to end a comment, a line or a string, or reorder the source. Each
/// fits the 32 bytes of a model name.
const HOSTILE_NAMES: [&str; 10] = [
    "\npub fn evil() {}\n//",
    "*/ pub fn e() {} /*",
    "\"; pub fn e() {} //\"",
    "\\",
    "\u{2028}pub fn e() {}",
    "x\u{2029}y",
    "\u{202e}\u{2066}abc\u{2069}",
    "\r\npub fn r() {}",
    "",
    "敦煌 model",
];

/// The items of a generated source: (name, type as text, byte values of the array).
fn parse_export(source: &str) -> Vec<(String, String, Vec<u8>)> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{e}: {source}"));
    assert!(file.attrs.is_empty(), "no inner attributes: {source}");
    file.items
        .iter()
        .map(|item| {
            let syn::Item::Const(c) = item else {
                panic!("an item that is not a const: {source}");
            };
            assert!(matches!(c.vis, syn::Visibility::Public(_)));
            for a in &c.attrs {
                assert!(a.path().is_ident("doc"), "only doc comments: {source}");
            }
            let ty = match &*c.ty {
                syn::Type::Array(a) => match &a.len {
                    syn::Expr::Lit(l) => match &l.lit {
                        syn::Lit::Int(n) => format!("[u8; {}]", n.base10_digits()),
                        _ => panic!("array length"),
                    },
                    _ => panic!("array length"),
                },
                syn::Type::Path(t) if t.path.is_ident("u32") => "u32".to_owned(),
                _ => panic!("unexpected type: {source}"),
            };
            let bytes = match &*c.expr {
                syn::Expr::Array(a) => a
                    .elems
                    .iter()
                    .map(|e| match e {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Int(n),
                            ..
                        }) => n.base10_parse::<u8>().unwrap(),
                        _ => panic!("not a byte: {source}"),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (c.ident.to_string(), ty, bytes)
        })
        .collect()
}

#[test]
fn export_rust_never_emits_code_from_a_name_or_a_file_name() {
    let f = workspace("hostile", "export");
    let base = fs::read_to_string(&f.model).unwrap();
    for (k, name) in HOSTILE_NAMES.iter().enumerate() {
        let text = base
            .lines()
            .map(|l| {
                if l.starts_with("name") {
                    format!("name = {}", toml_string(name))
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        // A source file name as hostile as the model name (no `/` in a file name).
        let file_name = format!("{}.toml", name.replace('/', "|")).replace('\0', "0");
        let file = f.dir.join(if name.is_empty() {
            "plain.toml"
        } else {
            &file_name
        });
        fs::write(&file, text).unwrap();
        let bin = f.dir.join(format!("m{k}.bin"));
        let o = run(&f.dir, &["model", "compile", &p(&file), "-o", &p(&bin)]);
        assert_eq!(code(&o), 0, "{name:?}: {}", stderr(&o));
        let compiled = fs::read(&bin).unwrap();
        assert_clean(&format!("compile {name:?}"), &stdout(&o));

        for (extra, ident) in [(None, None), (Some("KIOSK_MODEL"), Some("KIOSK_MODEL"))] {
            let mut args = vec!["model".to_owned(), "export-rust".to_owned(), p(&file)];
            if let Some(e) = extra {
                args.extend(["--name".to_owned(), e.to_owned()]);
            }
            let o = run(&f.dir, &args);
            assert_eq!(code(&o), 0, "{name:?}: {}", stderr(&o));
            let source = stdout(&o);
            assert!(source.is_ascii(), "{name:?}: not ASCII: {source}");
            assert!(!source.contains('\r'), "{name:?}");
            let items = parse_export(&source);
            assert_eq!(items.len(), 2, "{name:?}: {source}");
            let ident = ident.map_or_else(|| items[0].0.clone(), str::to_owned);
            assert!(
                ident
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{ident}"
            );
            assert_eq!(items[0].0, ident);
            assert_eq!(items[0].1, format!("[u8; {}]", compiled.len()));
            assert_eq!(items[0].2, compiled, "{name:?}: the bytes are the model");
            assert_eq!(items[1].0, format!("{ident}_FINGERPRINT"));
            assert_eq!(items[1].1, "u32");
            // The names are there, escaped, in the header comments.
            assert!(source.contains("// Model name: \""), "{source}");
        }
    }
    // --name must be an identifier: punctuation, spaces, keywords, non-ASCII are refused.
    for bad in [
        "A;B", "a b", "A\nB", "fn", "gen", "r#x", "Ünï", "1X", "_", "", "A-B", "A*/",
    ] {
        let o = run(
            &f.dir,
            &["model", "export-rust", &p(&f.model), "--name", bad],
        );
        assert_eq!(code(&o), 2, "{bad:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{bad:?}");
        assert_clean(&format!("--name {bad:?}"), &stderr(&o));
    }
}

/// Names and ids that try to drive the terminal.
const TERMINAL_NAMES: [&str; 9] = [
    "Esc\u{1b}[31mRed\u{1b}[0m",
    "Title\u{1b}]0;pwned\u{7}",
    "CR\rOverwritten",
    "BS\u{8}\u{8}\u{8}",
    "Del\u{7f}",
    "CSI\u{9b}2J",
    "RLO\u{202e}gpj.exe",
    "Isolate\u{2066}x\u{2069}",
    "quote \" comma , newline \n end",
];

/// A records file for custom5 whose names are [`TERMINAL_NAMES`], with an unknown column
/// whose name has an escape, and one row that fails.
fn hostile_records(f: &support::Files) -> std::path::PathBuf {
    let complete = fs::read_to_string(&f.complete).unwrap();
    let mut lines = complete.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let path = f.dir.join("hostile.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    let mut head = vec!["id", "name"];
    head.extend(&header[1..]);
    head.push("bad\u{1b}[2Jcolumn");
    w.write_record(&head).unwrap();
    for (k, name) in TERMINAL_NAMES.iter().enumerate() {
        let mut rec = vec![(k + 1).to_string(), (*name).to_owned()];
        rec.extend(rows[k].iter().skip(1).map(|s| (*s).to_owned()));
        rec.push(String::new());
        w.write_record(&rec).unwrap();
    }
    // A failing row: its name appears in a note on stderr.
    let mut rec = vec!["77".to_owned(), TERMINAL_NAMES[0].to_owned()];
    rec.extend(std::iter::repeat_n("oops".to_owned(), header.len() - 1));
    rec.push(String::new());
    w.write_record(&rec).unwrap();
    w.flush().unwrap();
    path
}

#[test]
fn text_for_people_shows_control_characters_escaped() {
    let f = workspace("hostile", "terminal");
    let records = hostile_records(&f);
    let (m, r) = (p(&f.model), p(&records));
    let runs: Vec<Vec<String>> = [
        vec!["rank", "-m", &m, "-i", &r],
        vec!["explain", "-m", &m, "-i", &r, "--id", "1"],
        vec!["explain", "-m", &m, "-i", &r, "--id", "77"],
        vec!["sensitivity", "-m", &m, "-i", &r, "-n", "10"],
        // score's CSV keeps the data; its notes and its table are for people.
        vec!["score", "-m", &m, "-i", &r, "-o", &p(&f.dir.join("s.csv"))],
        vec!["score", "-m", &m, "-i", &r, "-f", "table"],
        vec![
            "encode",
            "-m",
            &m,
            "-i",
            &r,
            "-o",
            &p(&f.dir.join("h.frames")),
        ],
        vec![
            "decode",
            "-m",
            &m,
            &p(&f.dir.join("h.frames")),
            "--score",
            "-f",
            "table",
        ],
        vec!["score", "-i", "no\u{1b}]0;such\u{7}.csv"],
    ]
    .iter()
    .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    for args in &runs {
        let o = run(&f.dir, args);
        assert!(code(&o) <= 2, "{args:?}");
        let (out, err) = (stdout(&o), stderr(&o));
        assert_clean(&format!("{args:?} stdout"), &out);
        assert_clean(&format!("{args:?} stderr"), &err);
        assert!(
            out.contains("\\u{") || err.contains("\\u{"),
            "{args:?}: nothing escaped:\n{out}\n{err}"
        );
    }
    // Argument errors quote the argument: clap's message, with controls escaped or removed.
    let o = run(
        &f.dir,
        &["rank", "-i", &r, "-f", "x\u{7}\r\u{1b}[2J\u{202e}y"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("invalid value"), "{}", stderr(&o));
    assert_clean("clap error", &stderr(&o));

    // The escapes are readable: the table shows them where the characters were.
    let o = run(&f.dir, &["rank", "-m", &m, "-i", &r, "-n", "20"]);
    let table = stdout(&o);
    for shown in [
        "Esc\\u{1b}[31mRed",
        "RLO\\u{202e}gpj.exe",
        "Del\\u{7f}",
        "newline \\u{a} end",
    ] {
        assert!(table.contains(shown), "{shown}: {table}");
    }
    let warning = stderr(&o);
    assert!(warning.contains("`bad\\u{1b}[2Jcolumn`"), "{warning}");

    // Model names too: check, show, and the model label of other commands.
    let named = f.dir.join("named.toml");
    let text = fs::read_to_string(&f.model).unwrap().replace(
        "name = \"custom-5-geo-within\"",
        &format!("name = {}", toml_string("m\u{1b}[2J\u{202e}\u{7}")),
    );
    assert!(text.contains("\\u001B"), "{text}");
    fs::write(&named, text).unwrap();
    let compiled = f.dir.join("named.bin");
    for args in [
        vec!["model", "check", &p(&named)],
        vec!["model", "compile", &p(&named), "-o", &p(&compiled)],
        vec!["model", "show", &p(&compiled)],
        vec!["rank", "-m", &p(&named), "-i", &r],
        vec!["explain", "-m", &p(&named), "-i", &r, "--id", "2"],
        vec!["sensitivity", "-m", &p(&named), "-i", &r, "-n", "5"],
        vec![
            "weights",
            "ahp",
            "-c",
            "cultural",
            "-m",
            &p(&named),
            &p(&f.judgments),
        ],
        vec![
            "weights",
            "entropy",
            "-m",
            &p(&named),
            "-i",
            &p(&f.complete),
        ],
    ] {
        let o = run(&f.dir, &args);
        assert!(code(&o) <= 1, "{args:?}: {}", stderr(&o));
        assert_clean(&format!("{args:?} stdout"), &stdout(&o));
        assert_clean(&format!("{args:?} stderr"), &stderr(&o));
        let shown = "m\\u{1b}[2J\\u{202e}\\u{7}";
        assert!(
            args[1] == "compile" || stdout(&o).contains(shown) || stderr(&o).contains(shown),
            "{args:?}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn machine_formats_keep_the_data() {
    let f = workspace("hostile", "machine");
    let records = hostile_records(&f);
    let (m, r) = (p(&f.model), p(&records));
    // rank csv and json carry every name exactly.
    let o = run(
        &f.dir,
        &["rank", "-m", &m, "-i", &r, "-n", "100", "-f", "csv"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let mut names: Vec<String> = rdr
        .records()
        .map(|row| row.unwrap()[2].to_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = TERMINAL_NAMES.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(names, want);

    let o = run(
        &f.dir,
        &["rank", "-m", &m, "-i", &r, "-n", "100", "-f", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut names: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, want);
    assert!(json[0]["composite"].is_number());

    // encode then decode: the names come back (cut to the 32 bytes of a record name).
    let frames = f.dir.join("h.frames");
    let o = run(&f.dir, &["encode", "-m", &m, "-i", &r, "-o", &p(&frames)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    for format in ["json", "csv"] {
        let o = run(&f.dir, &["decode", "-m", &m, &p(&frames), "-f", format]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let mut names: Vec<String> = if format == "json" {
            let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            json.as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    assert!(e["values"]["heritage_sites"].is_number());
                    e["name"].as_str().unwrap().to_owned()
                })
                .collect()
        } else {
            csv::Reader::from_reader(o.stdout.as_slice())
                .records()
                .map(|row| row.unwrap()[1].to_owned())
                .collect()
        };
        names.sort();
        assert_eq!(names, want, "{format}");
    }
}

#[test]
fn records_limits_are_options_and_name_the_line() {
    let f = workspace("hostile", "limits");
    let path = f.dir.join("long.csv");
    let long = "x".repeat(5000);
    fs::write(&path, format!("id,name\n1,short\n2,{long}\n3,short\n")).unwrap();
    let r = p(&path);
    // The default limit (1 MiB) reads every row.
    let o = run(&f.dir, &["score", "-i", &r]);
    assert_eq!(stdout(&o).lines().count(), 4, "{}", stderr(&o));
    // A limit below the long row stops at its line, exit 2, naming it.
    let o = run(&f.dir, &["score", "-i", &r, "--max-record-bytes", "1000"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("long.csv:3:"), "{}", stderr(&o));
    // A header wider than --max-columns is refused.
    let o = run(&f.dir, &["rank", "-i", &r, "--max-columns", "1"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("long.csv:1:"), "{}", stderr(&o));
    // Zero is not a limit.
    let o = run(&f.dir, &["score", "-i", &r, "--max-record-bytes", "0"]);
    assert_eq!(code(&o), 2);
}
