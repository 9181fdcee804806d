//! The shape of the workspace, checked from the sources: arrows point one way (the CLI uses
//! the host crate and the core, the host crate uses the core, never back), and in the CLI the
//! subcommands never import each other — they share only the shared layer.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The CLI's shared layer: every other module of `cli/src` is a subcommand.
const SHARED: [&str; 8] = [
    "common",
    "error",
    "files",
    "models",
    "portfolio",
    "progress",
    "records",
    "term",
];

fn cli_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules `main.rs` declares (`mod name;`).
fn modules() -> Vec<String> {
    let main = fs::read_to_string(cli_src().join("main.rs")).unwrap();
    main.lines()
        .filter_map(|l| l.trim().strip_prefix("mod "))
        .filter_map(|l| l.strip_suffix(';'))
        .map(str::to_owned)
        .collect()
}

/// The source of a module without its line comments (a mention of a path in a string counts,
/// which errs on the safe side).
/// A module split into files (`name.rs` and `name/*.rs`) counts as one.
fn code_of(module: &str) -> String {
    let file = cli_src().join(format!("{module}.rs"));
    let mut text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    if let Ok(dir) = fs::read_dir(cli_src().join(module)) {
        let mut parts: Vec<PathBuf> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        parts.sort();
        for part in parts
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            text.push('\n');
            text.push_str(&fs::read_to_string(part).unwrap());
        }
    }
    text.lines()
        .map(|l| match l.find("//") {
            Some(k) => &l[..k],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules of `names` that `code` refers to through `crate::`, including grouped imports
/// (`use crate::{files, term};`).
fn crate_refs(code: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(k) = rest.find("crate::") {
        rest = &rest[k + "crate::".len()..];
        let group = if let Some(inner) = rest.strip_prefix('{') {
            &inner[..inner.find('}').unwrap_or(inner.len())]
        } else {
            rest
        };
        for part in group.split(',') {
            let ident: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if names.contains(&ident) {
                found.insert(ident);
            }
            if !rest.starts_with('{') {
                break;
            }
        }
    }
    found
}

#[test]
fn subcommands_never_import_each_other() {
    let all = modules();
    assert!(all.len() > SHARED.len() + 5, "{all:?}");
    let shared: BTreeSet<String> = SHARED.iter().map(|s| (*s).to_owned()).collect();
    for s in &shared {
        assert!(
            all.contains(s),
            "shared module {s} is not declared in main.rs"
        );
    }
    let subcommands: BTreeSet<String> = all
        .iter()
        .filter(|m| !shared.contains(*m))
        .cloned()
        .collect();
    for module in &all {
        let refs = crate_refs(&code_of(module), &subcommands);
        let others: Vec<&String> = refs.iter().filter(|r| *r != module).collect();
        if shared.contains(module) {
            assert!(
                others.is_empty(),
                "shared module {module} imports subcommands {others:?}"
            );
        } else {
            assert!(
                others.is_empty(),
                "subcommand {module} imports subcommands {others:?}"
            );
        }
    }
}

#[test]
fn the_scanner_sees_imports() {
    let names: BTreeSet<String> = ["score", "rank", "term"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let found = crate_refs(
        "use crate::{term, rank::RankArgs};\nlet x = crate::score::run;",
        &names,
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["rank", "score", "term"]
    );
    assert!(crate_refs("\"crate::rank\" // nothing", &names).contains("rank"));
}

/// The `[dependencies]` of a crate's manifest, by name.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = fs::read_to_string(manifest).unwrap();
    let table: toml::Table = text.parse().unwrap();
    table
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn arrows_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cli = dependencies(&root.join("cli/Cargo.toml"));
    let host = dependencies(&root.join("host/Cargo.toml"));
    let core = dependencies(&root.join("Cargo.toml"));
    assert!(cli.contains(&"silkscore-host".to_owned()) && cli.contains(&"silkscore".to_owned()));
    assert!(host.contains(&"silkscore".to_owned()), "{host:?}");
    assert!(
        !host.iter().any(|d| d == "silkscore-cli"),
        "host depends on the CLI: {host:?}"
    );
    for up in ["silkscore-host", "silkscore-cli"] {
        assert!(!core.iter().any(|d| d == up), "the core depends on {up}");
    }
    // The core's own dependencies: the no_std set and nothing host-only.
    for d in &core {
        assert!(
            [
                "heapless",
                "libm",
                "serde",
                "postcard",
                "crc",
                "cobs",
                "defmt",
                "ed25519-dalek",
                // under ed25519-dalek already; the device's checked verification uses them
                "curve25519-dalek",
                "sha2"
            ]
            .contains(&d.as_str()),
            "the core depends on {d}"
        );
    }
}
