//! `silkscore weights entropy|critic` against the previous binary's behaviour: the same
//! standard output, standard error, exit status and written model, byte for byte, on
//! hostile records files and a generated complete file (more rows than a batch chunk and
//! than a reading block), in every format, on 1, 2 and 4 threads.
//!
//! The previous binary's results are recorded in `weights_reference.txt` next to this file:
//! one line per input and command, with the exit status and FNV-1a hashes of stdout, stderr
//! and the model written. The record was made with the binary built from the commit before
//! the streaming path (`silkscore weights` reading whole `Record`s and calling the core's
//! `entropy` / `critic_with`); to record it again from another binary:
//!
//! ```text
//! SILKSCORE_WEIGHTS_REFERENCE=/path/to/old/silkscore cargo test -p silkscore-cli --test weights_stream
//! ```
//!
//! which writes the file from that binary (and then checks this one against it).
//! `bash bench/diff_ref.sh REF` does the same against a live reference binary.

mod support;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::scratch;

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A complete value for the indicator with goalposts `lo`, `hi`, written as a CSV cell:
/// mostly inside, sometimes at or past the goalposts, in exponent notation, or huge.
fn cell(rng: &mut Rng, lo: f32, hi: f32) -> String {
    let (lo, hi) = (f64::from(lo), f64::from(hi));
    let span = hi - lo;
    match rng.below(40) {
        0 => format!("{lo}"),
        1 => format!("{hi}"),
        2 => format!("{:e}", hi + span * rng.unit() * 50.0),
        3 => format!("{}", lo - span * rng.unit()),
        4 => "-0".to_owned(),
        5 => "3.4e38".to_owned(),
        6 => " 12.5 ".to_owned(),
        _ => format!("{:.4}", lo + span * rng.unit()),
    }
}

/// A records file of the default model: `rows` complete rows (column `constant`, if any,
/// holds 42 throughout; names quoted with commas and quotes), then `tail`; `eol` ends lines.
fn file(seed: u64, rows: usize, constant: Option<usize>, tail: &str, eol: &str) -> String {
    let mut rng = Rng(seed);
    let inds = silkscore::BRI_CULTURAL_V1.indicators();
    let ids: Vec<&str> = inds.iter().map(|i| i.id.as_str()).collect();
    let mut s = format!("id,name,{}{eol}", ids.join(","));
    for r in 0..rows {
        let _ = write!(s, "{r},\"park {r}, \"\"silk\"\" road\"");
        for (j, ind) in inds.iter().enumerate() {
            let v = if Some(j) == constant {
                "42".to_owned()
            } else {
                cell(&mut rng, ind.lo, ind.hi)
            };
            let _ = write!(s, ",{v}");
        }
        s.push_str(eol);
    }
    s.push_str(tail);
    s
}

/// One row after the complete ones: `bad` replaces the value of indicator `at`.
fn bad_row(at: usize, bad: &str) -> String {
    let cells: Vec<String> = (0..18)
        .map(|j| {
            if j == at {
                bad.to_owned()
            } else {
                "5".to_owned()
            }
        })
        .collect();
    format!("9999,bad,{}\n", cells.join(","))
}

/// The inputs: name and contents.
fn inputs() -> Vec<(&'static str, String)> {
    let ids: Vec<&str> = silkscore::BRI_CULTURAL_V1
        .indicators()
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    let mut same = format!("id,{}\n", ids.join(","));
    for r in 0..50 {
        let _ = writeln!(same, "{r},{}", vec!["7"; 18].join(","));
    }
    vec![
        ("complete", file(1, 20_000, Some(4), "", "\n")),
        ("complete-crlf", file(2, 3_000, None, "", "\r\n")),
        ("two-rows", file(3, 2, None, "", "\n")),
        ("one-row", file(4, 1, None, "", "\n")),
        ("header-only", file(5, 0, None, "", "\n")),
        ("all-equal", same),
        ("nan-late", file(6, 5_000, None, &bad_row(3, "NaN"), "\n")),
        ("inf", file(7, 40, None, &bad_row(17, "inf"), "\n")),
        ("missing", file(8, 40, Some(0), &bad_row(9, ""), "\n")),
        ("unparsable", file(9, 40, None, &bad_row(2, "x"), "\n")),
        ("short-row", file(10, 40, None, "77,short,1,2\n", "\n")),
        (
            "open-quote",
            file(11, 3_000, None, "78,\"never closed,1\n", "\n"),
        ),
        (
            "no-column",
            file(12, 30, None, "", "\n").replacen("stability_risk", "stability", 1),
        ),
    ]
}

/// The commands, after `weights`.
const COMMANDS: &[&[&str]] = &[
    &["entropy"],
    &["entropy", "-f", "csv"],
    &["entropy", "-f", "csv", "--write-model", "out.toml"],
    &["critic"],
    &["critic", "-f", "csv"],
    &["critic", "--normalise", "data"],
    &[
        "critic",
        "--normalise",
        "data",
        "-f",
        "csv",
        "--write-model",
        "out.toml",
    ],
    &["entropy", "--across", "-f", "csv"],
    &["critic", "--across"],
];

/// FNV-1a, 64 bits.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs `bin weights COMMAND -i in.csv [--threads N]` in `dir`: the exit status and the
/// hashes of stdout, stderr and out.toml (0 when not written).
fn outcome(bin: &Path, dir: &Path, command: &[&str], threads: Option<usize>) -> String {
    let _ = fs::remove_file(dir.join("out.toml"));
    let mut c = Command::new(bin);
    c.current_dir(dir)
        .arg("weights")
        .args(command)
        .args(["-i", "in.csv"])
        .stdin(Stdio::null());
    if let Some(t) = threads {
        c.args(["--threads", &t.to_string()]);
    }
    let o = c.output().expect("run silkscore");
    let model = fs::read(dir.join("out.toml")).map_or(0, |b| fnv(&b));
    format!(
        "exit {} stdout {:016x} stderr {:016x} model {:016x}",
        o.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        fnv(&o.stdout),
        fnv(&o.stderr),
        model
    )
}

fn reference_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/weights_reference.txt")
}

#[test]
fn the_streaming_path_gives_the_previous_bytes() {
    let dir = scratch("weights_stream", "previous_bytes");
    let new = PathBuf::from(env!("CARGO_BIN_EXE_silkscore"));
    let record = std::env::var_os("SILKSCORE_WEIGHTS_REFERENCE").map(PathBuf::from);
    let mut expected = String::new();
    if let Some(old) = &record {
        for (name, text) in inputs() {
            fs::write(dir.join("in.csv"), text).unwrap();
            for command in COMMANDS {
                let o = outcome(old, &dir, command, None);
                let _ = writeln!(expected, "{name} | {} | {o}", command.join(" "));
            }
        }
        fs::write(reference_file(), &expected).unwrap();
    } else {
        expected = fs::read_to_string(reference_file()).unwrap();
    }
    let mut lines = expected.lines();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, text) in inputs() {
        fs::write(dir.join("in.csv"), text).unwrap();
        for command in COMMANDS {
            let want = lines
                .next()
                .expect("a reference line per input and command");
            let key = format!("{name} | {} | ", command.join(" "));
            assert!(
                want.starts_with(&key),
                "the reference is for {want}, not {key}"
            );
            for threads in [1, 2, 4] {
                let got = format!("{key}{}", outcome(&new, &dir, command, Some(threads)));
                if got != want {
                    failures.push(format!("{threads} threads:\n  new {got}\n  old {want}"));
                }
                checked += 1;
            }
        }
    }
    assert!(lines.next().is_none(), "reference lines left over");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 13 * COMMANDS.len() * 3);
    // The reference covers successes and each kind of failure.
    for kind in ["exit 0 ", "exit 1 ", "exit 2 "] {
        assert!(expected.contains(kind), "no case with {kind}");
    }
}
