//! The analyst's toolkit of issue 11 from the command line: compiled and signed models
//! wherever a TOML model is accepted, `model decompile`, connotation-level weights,
//! `weights equal`, CRITIC's excluded columns, `audit`, and explain's geometric shares at an
//! index of 100. The comparisons with numpy, scipy and pymcdm are in `toolkit_reference.rs`.

mod support;

use std::fs;
use std::path::Path;

use support::{code, run, stderr, stdout, workspace};

fn p(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn help_of_the_new_commands_has_examples() {
    let dir = support::scratch("toolkit", "help");
    for args in [
        &["audit", "--help"][..],
        &["weights", "equal", "--help"],
        &["weights", "ahp", "--help"],
        &["weights", "critic", "--help"],
        &["model", "decompile", "--help"],
    ] {
        let o = run(&dir, args);
        assert_eq!(code(&o), 0, "{args:?}");
        let text = stdout(&o);
        assert!(text.contains("Example"), "{args:?}: {text}");
    }
    let o = run(&dir, &["score", "--help"]);
    assert!(stdout(&o).contains("--key <PUB>"));
}

/// Every subcommand that takes a model, with the records of `f`, and what it prints.
fn with_model(f: &support::Files, model: &[String]) -> Vec<(String, i32, Vec<u8>)> {
    let r = p(&f.records);
    let complete = p(&f.complete);
    let frames = p(&f.frames);
    let report = f.dir.join("report.html");
    let cases: Vec<Vec<String>> = vec![
        vec!["score".into(), "-i".into(), r.clone()],
        vec!["rank".into(), "-i".into(), r.clone()],
        vec![
            "explain".into(),
            "-i".into(),
            r.clone(),
            "--id".into(),
            "0".into(),
        ],
        vec![
            "sensitivity".into(),
            "-i".into(),
            r.clone(),
            "-n".into(),
            "20".into(),
        ],
        vec![
            "report".into(),
            "-i".into(),
            r.clone(),
            "-n".into(),
            "10".into(),
            "-o".into(),
            p(&report),
        ],
        vec!["decode".into(), frames, "--score".into()],
        vec![
            "weights".into(),
            "critic".into(),
            "-i".into(),
            complete.clone(),
        ],
        vec![
            "weights".into(),
            "entropy".into(),
            "--across".into(),
            "-i".into(),
            r.clone(),
        ],
        vec!["audit".into(), "-i".into(), r],
    ];
    cases
        .into_iter()
        .map(|mut args| {
            let name = args[..2].join(" ");
            args.extend(model.iter().cloned());
            let o = run(&f.dir, &args);
            let mut out = o.stdout.clone();
            if name.starts_with("report") {
                out = fs::read(&report).unwrap_or_default();
            }
            (name, code(&o), out)
        })
        .collect()
}

#[test]
fn compiled_models_and_signed_envelopes_work_wherever_a_toml_model_does() {
    let f = workspace("toolkit", "models_everywhere");
    let toml = with_model(&f, &["--model".into(), p(&f.model)]);
    let bin = with_model(&f, &["--model".into(), p(&f.bin)]);
    let env = with_model(
        &f,
        &[
            "--model".into(),
            p(&f.envelope),
            "--key".into(),
            p(&f.public),
        ],
    );
    for ((t, b), e) in toml.iter().zip(&bin).zip(&env) {
        assert!(matches!(t.1, 0 | 1), "{}: exit {}", t.0, t.1);
        assert_eq!(t.1, b.1, "{}: exit with a compiled model", t.0);
        assert_eq!(t.1, e.1, "{}: exit with an envelope", t.0);
        assert!(!t.2.is_empty(), "{}", t.0);
        assert_eq!(t.2, b.2, "{}: the compiled model gives other output", t.0);
        assert_eq!(t.2, e.2, "{}: the envelope gives other output", t.0);
    }
    // The public key can also be given as its 64 hex digits.
    let hex = fs::read_to_string(&f.public).unwrap();
    let o = run(
        &f.dir,
        &[
            "score",
            "-i",
            &p(&f.records),
            "-m",
            &p(&f.envelope),
            "--key",
            hex.trim(),
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(o.stdout, toml[0].2);
    assert!(stderr(&o).contains("signed envelope verified: revision 2"));
}

#[test]
fn envelopes_are_verified_and_keys_checked() {
    let f = workspace("toolkit", "envelopes");
    let score = |extra: &[&str]| {
        let mut args = vec!["score".to_owned(), "-i".to_owned(), p(&f.records)];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        run(&f.dir, &args)
    };
    // No key: refused, saying how.
    let o = score(&["-m", &p(&f.envelope)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("a signed envelope: give the public key"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    // Another key: refused, naming both.
    let other = f.dir.join("other.key");
    assert_eq!(
        code(&run(&f.dir, &["model", "keygen", "-o", &p(&other)])),
        0
    );
    let o = score(&[
        "-m",
        &p(&f.envelope),
        "--key",
        &format!("{}.pub", p(&other)),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("untrusted key"), "{}", stderr(&o));
    // The secret key given as --key: refused.
    let o = score(&["-m", &p(&f.envelope), "--key", &p(&f.key)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("this is a secret key"),
        "{}",
        stderr(&o)
    );
    // A tampered envelope: one bit of the model flipped.
    let mut bytes = fs::read(&f.envelope).unwrap();
    bytes[60] ^= 0x01;
    let bad = f.dir.join("bad.env");
    fs::write(&bad, &bytes).unwrap();
    let o = score(&["-m", &p(&bad), "--key", &p(&f.public)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("signed envelope refused: model signature does not verify"),
        "{}",
        stderr(&o)
    );
    // --key with a model that carries no signature: refused rather than silently ignored.
    for m in [&f.model, &f.bin] {
        let o = score(&["-m", &p(m), "--key", &p(&f.public)]);
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("carries no signature"),
            "{}",
            stderr(&o)
        );
    }
    // --key without --model: a usage error.
    let o = score(&["--key", &p(&f.public)]);
    assert_eq!(code(&o), 2);
    // A cut compiled model: refused, naming the file.
    let cut = f.dir.join("cut.bin");
    fs::write(&cut, &fs::read(&f.bin).unwrap()[..20]).unwrap();
    let o = score(&["-m", &p(&cut)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cut.bin: a compiled model (20 bytes) that is refused"),
        "{}",
        stderr(&o)
    );
    // A binary file that is neither: refused as not UTF-8.
    let junk = f.dir.join("junk.bin");
    fs::write(&junk, [0xffu8, 0xfe, 0x00, 0x01]).unwrap();
    let o = score(&["-m", &p(&junk)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not UTF-8 text"), "{}", stderr(&o));
    // An output over the key file is refused: the key is an input.
    let o = score(&[
        "-m",
        &p(&f.envelope),
        "--key",
        &p(&f.public),
        "-o",
        &p(&f.public),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("same file as the input"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn decompile_round_trips_every_model_of_the_repository() {
    let dir = support::scratch("toolkit", "decompile");
    let vectors = support::root().join("tests/vectors");
    let mut models: Vec<_> = fs::read_dir(&vectors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    models.push(support::root().join("tests/reference/audit_model.toml"));
    models.sort();
    assert!(models.len() >= 4, "{models:?}");
    for (n, model) in models.iter().enumerate() {
        let bin = dir.join(format!("{n}.bin"));
        let toml = dir.join(format!("{n}.toml"));
        let again = dir.join(format!("{n}.again.bin"));
        for args in [
            vec![
                "model".to_owned(),
                "compile".into(),
                p(model),
                "-o".into(),
                p(&bin),
            ],
            vec![
                "model".to_owned(),
                "decompile".into(),
                p(&bin),
                "-o".into(),
                p(&toml),
            ],
            vec![
                "model".to_owned(),
                "compile".into(),
                p(&toml),
                "-o".into(),
                p(&again),
            ],
        ] {
            let o = run(&dir, &args);
            assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        }
        assert_eq!(
            fs::read(&bin).unwrap(),
            fs::read(&again).unwrap(),
            "{}",
            model.display()
        );
        let text = fs::read_to_string(&toml).unwrap();
        assert!(
            text.starts_with("# Decompiled by `silkscore model decompile`"),
            "{text}"
        );
    }
    // An envelope: its model, to standard output, and the signature is said not checked.
    let f = workspace("toolkit", "decompile_env");
    let o = run(&f.dir, &["model", "decompile", &p(&f.envelope)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("signature NOT verified"));
    let from_env = f.dir.join("from_env.toml");
    fs::write(&from_env, o.stdout).unwrap();
    let again = f.dir.join("again.bin");
    let o = run(
        &f.dir,
        &["model", "compile", &p(&from_env), "-o", &p(&again)],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(fs::read(&again).unwrap(), fs::read(&f.bin).unwrap());
    // Not a model; an output over the input.
    let o = run(&f.dir, &["model", "decompile", &p(&f.model)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("not a valid compiled model"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &f.dir,
        &["model", "decompile", &p(&f.bin), "-o", &p(&f.bin)],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("same file as the input"));
}

#[test]
fn explain_shares_of_a_geometric_index_of_100_sum_to_1() {
    let dir = support::scratch("toolkit", "explain_shares");
    let model = dir.join("geo.toml");
    let mut text = String::from(
        "within = \"geometric\"\nacross = \"geometric\"\nfloor = 0.01\nmin_coverage = 0.5\n\
         grades = [80, 65, 50, 35]\n\n[weights]\ncultural = 1\neconomic = 1\nsecurity = 1\n",
    );
    for (id, c, w) in [
        ("a", "cultural", 3),
        ("b", "cultural", 1),
        ("e", "economic", 1),
        ("s", "security", 2),
    ] {
        text.push_str(&format!(
            "\n[[indicator]]\nid = \"{id}\"\nconnotation = \"{c}\"\ndirection = \"benefit\"\n\
             transform = \"lin\"\nlo = 0\nhi = 10\nweight = {w}\n"
        ));
    }
    fs::write(&model, text).unwrap();
    let records = dir.join("r.csv");
    fs::write(&records, "id,a,b,e,s\n1,10,10,10,10\n2,10,4,10,12\n").unwrap();
    let shares = |id: &str| {
        let o = run(
            &dir,
            &[
                "explain",
                "-m",
                &p(&model),
                "-i",
                &p(&records),
                "--id",
                id,
                "--format",
                "csv",
            ],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let mut r = csv::Reader::from_reader(o.stdout.as_slice());
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (rec[0].to_owned(), rec[5].parse::<f64>().unwrap())
            })
            .collect::<Vec<_>>()
    };
    // Every index 100: shares by weight, summing to 1 in each connotation.
    let s = shares("1");
    assert_eq!(
        s,
        [
            ("a".into(), 0.75),
            ("b".into(), 0.25),
            ("e".into(), 1.0),
            ("s".into(), 1.0)
        ]
    );
    // Cultural below 100: b carries the whole log sum; security is 100 (s clamped to 1).
    let s = shares("2");
    assert_eq!((s[0].1, s[1].1), (0.0, 1.0));
    assert_eq!(s[3].1, 1.0);
    let o = run(
        &dir,
        &["explain", "-m", &p(&model), "-i", &p(&records), "--id", "1"],
    );
    assert!(stdout(&o).contains("log share"));
}

#[test]
fn weights_across_equal_and_critic_exclusions() {
    let f = workspace("toolkit", "weights");
    let m = p(&f.model);
    // AHP across: 3 judgments into the connotation weights.
    let j = f.dir.join("across.txt");
    fs::write(&j, "# c/e c/s e/s\n2 4 2\n").unwrap();
    let out = f.dir.join("across.toml");
    let o = run(
        &f.dir,
        &[
            "weights",
            "ahp",
            "--across",
            &p(&j),
            "-m",
            &m,
            "--write-model",
            &p(&out),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("the three connotations of model `custom-5-geo-within`"));
    let written: toml::Table = fs::read_to_string(&out).unwrap().parse().unwrap();
    let w = written["weights"].as_table().unwrap();
    let get = |k: &str| w[k].as_float().unwrap();
    assert!(
        (get("cultural") - 4.0 / 7.0).abs() < 1e-6 && (get("security") - 1.0 / 7.0).abs() < 1e-6
    );
    // The wrong count, and neither --connotation nor --across.
    fs::write(&j, "2 4\n").unwrap();
    let o = run(&f.dir, &["weights", "ahp", "--across", &p(&j)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("AHP across connotations compares 3"),
        "{}",
        stderr(&o)
    );
    let o = run(&f.dir, &["weights", "ahp", &p(&j)]);
    assert_eq!(code(&o), 2);
    let o = run(
        &f.dir,
        &["weights", "ahp", "-c", "cultural", "--across", &p(&j)],
    );
    assert_eq!(code(&o), 2);

    // Equal: indicator weights 1, or connotation weights 1.
    let eq = f.dir.join("eq.toml");
    let o = run(
        &f.dir,
        &["weights", "equal", "-m", &m, "--write-model", &p(&eq)],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let t: toml::Table = fs::read_to_string(&eq).unwrap().parse().unwrap();
    assert!(t["indicator"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["weight"].as_integer() == Some(1)));
    assert_eq!(t["weights"]["cultural"].as_integer(), Some(2)); // custom5's, kept
    let o = run(
        &f.dir,
        &[
            "weights",
            "equal",
            "--across",
            "-m",
            &m,
            "--write-model",
            &p(&eq),
            "-f",
            "csv",
        ],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "connotation,weight\ncultural,1\neconomic,1\nsecurity,1\n"
    );
    let t: toml::Table = fs::read_to_string(&eq).unwrap().parse().unwrap();
    assert_eq!(t["weights"]["cultural"].as_integer(), Some(1));
    assert_eq!(t["indicator"][0]["weight"].as_integer(), Some(3)); // custom5's, kept

    // CRITIC names its excluded columns; --across leaves out the rows that do not score.
    let flat = f.dir.join("flat.csv");
    let text = fs::read_to_string(&f.complete).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let head: Vec<&str> = lines[0].split(',').collect();
    let col = head
        .iter()
        .position(|h| *h != "id" && *h != "name")
        .unwrap();
    let name = head[col].to_owned();
    for line in lines.iter_mut().skip(1) {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        cells[col] = "7".into();
        *line = cells.join(",");
    }
    fs::write(&flat, lines.join("\n") + "\n").unwrap();
    let o = run(&f.dir, &["weights", "critic", "-i", &p(&flat), "-m", &m]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "excluded as constant (no weight, not in any conflict sum): {name}"
        )),
        "{}",
        stdout(&o)
    );
    let o = run(
        &f.dir,
        &[
            "weights",
            "critic",
            "-i",
            &p(&flat),
            "-m",
            &m,
            "--normalise",
            "data",
        ],
    );
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("normalised on the data (min-max over the file)"));
    let o = run(
        &f.dir,
        &[
            "weights",
            "critic",
            "--across",
            "-i",
            &p(&f.records),
            "-m",
            &m,
            "-f",
            "csv",
        ],
    );
    assert_eq!(
        code(&o),
        1,
        "rows that do not score are left out: {}",
        stderr(&o)
    );
    assert!(stdout(&o)
        .starts_with("connotation,sigma,conflict,information,weight,fallback,excluded\ncultural,"));
    assert!(
        stderr(&o).contains("left out of the weights"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn audit_formats_and_hostile_inputs() {
    let f = workspace("toolkit", "audit");
    let m = p(&f.model);
    let r = p(&f.records);
    // Table: the sections, and the left-out row noted; exit 1 for the row that does not parse.
    let o = run(&f.dir, &["audit", "-i", &r, "-m", &m]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let t = stdout(&o);
    for part in [
        "Indicators:",
        "Correlations of the scores within each connotation",
        "Across connotations",
        "Cronbach's alpha",
        "Flags:",
    ] {
        assert!(t.contains(part), "{part}: {t}");
    }
    assert!(stderr(&o).contains("row id 999 left out of the audit"));
    // JSON parses and has every part; CSV tables parse with one header each.
    let o = run(&f.dir, &["audit", "-i", &r, "-m", &m, "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "indicators",
        "correlations",
        "indices",
        "alpha",
        "flagged_pairs",
        "thresholds",
    ] {
        assert!(!v[key].is_null(), "{key}");
    }
    assert!(v["left_out"].as_u64().unwrap() >= 1);
    assert_eq!(
        v["rows"].as_u64().unwrap() + v["left_out"].as_u64().unwrap(),
        151
    );
    for table in ["indicators", "pearson", "spearman", "indices", "alpha"] {
        let o = run(
            &f.dir,
            &["audit", "-i", &r, "-m", &m, "-f", "csv", "--table", table],
        );
        assert_eq!(code(&o), 1);
        let mut rd = csv::Reader::from_reader(o.stdout.as_slice());
        assert!(rd.records().all(|x| x.is_ok()), "{table}");
    }
    // Usage errors: goalposts without -o, -o without goalposts, a bad percentile pair,
    // the goalposts table without suggestions.
    for args in [
        vec!["audit", "-i", &r, "--suggest-goalposts", "p5,p95"],
        vec!["audit", "-i", &r, "-o", "x.toml"],
        vec![
            "audit",
            "-i",
            &r,
            "--suggest-goalposts",
            "p95,p5",
            "-o",
            "x.toml",
        ],
        vec!["audit", "-i", &r, "-f", "csv", "--table", "goalposts"],
    ] {
        let o = run(&f.dir, &args);
        assert_eq!(code(&o), 2, "{args:?}");
    }
    // The suggested model is never written over an input, and is written whole.
    let o = run(
        &f.dir,
        &[
            "audit",
            "-i",
            &r,
            "-m",
            &m,
            "--suggest-goalposts",
            "p5,p95",
            "-o",
            &m,
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("same file as the input"));
    let sug = f.dir.join("suggested.toml");
    let o = run(
        &f.dir,
        &[
            "audit",
            "-i",
            &r,
            "-m",
            &m,
            "--suggest-goalposts",
            "p10,p90",
            "-o",
            &p(&sug),
            "-f",
            "csv",
            "--table",
            "goalposts",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("indicator,lo,hi,suggested_lo,suggested_hi,kept\n"));
    assert_eq!(code(&run(&f.dir, &["model", "check", &p(&sug)])), 0);
    // An empty file (header only) and a missing file.
    let empty = f.dir.join("empty.csv");
    fs::write(&empty, "id,name\n").unwrap();
    let o = run(&f.dir, &["audit", "-i", &p(&empty)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no row parses"), "{}", stderr(&o));
    let o = run(&f.dir, &["audit", "-i", "does-not-exist.csv"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("does-not-exist.csv"));
    // A closed output: 141, quietly.
    #[cfg(unix)]
    {
        use std::io::Read;
        use std::process::Stdio;
        let mut child = support::command(&f.dir, &["audit", "-i", &r, "-m", &m, "-f", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(
            matches!(status.code(), Some(141) | Some(1)),
            "{status:?} {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
