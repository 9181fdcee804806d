//! `silkscore rank`: the best N projects of a records file, streaming.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::io;
use std::ops::ControlFlow;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::value::RawValue;
use silkscore::score::batch::Ranked;
use silkscore_host::pipeline::{self, ReadOptions};
use silkscore_host::ranking::{compare, ties, Competition};

use crate::common::fixed;
use crate::error::{CliError, Exit};
use crate::files::{Inputs, Output};
use crate::models::ModelArg;
use crate::progress::Progress;
use crate::records::{warn_columns, RecordsArgs};
use crate::term::{self, pad, pad_left, trim_lines};

/// The largest `--top`. The ranking holds N entries (scores, id and name: about 200 bytes
/// each), so memory stays flat whatever the file's length.
pub const MAX_TOP: u32 = 100_000;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore rank --input examples/data/portfolio.csv --top 5
  silkscore rank --input projects.csv --model my-model.toml --top 100 --format csv

Ranks by composite, highest first, by standard competition ranking (docs/spec.md §7.7):
projects with equal composites (the same f32 value, to the last bit) share a rank and the
next rank is skipped (1 2 2 4); tied projects are listed in input order. The file is read
once, as a stream, keeping only the best N (N ≤ 100000); when rows beyond the N-th tie with
the last one listed, stderr and the table's summary say how many. Rows that cannot be scored
are left out of the ranking and counted on stderr (exit status 1; `silkscore score` says
why).

Exit status: 0 every row scored, 1 some rows could not be scored, 2 unusable arguments,
model or file, 141 the output was closed early (`| head`).")]
pub struct RankArgs {
    #[command(flatten)]
    records: RecordsArgs,
    #[command(flatten)]
    model: ModelArg,
    /// How many projects to list (1 to 100000).
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_TOP)))]
    top: u32,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RankFormat::Table)]
    format: RankFormat,
    /// Write the ranking to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Worker threads that parse and score rows (0: one per core; at most 64). The ranking
    /// is the same for every N.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=64))]
    threads: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum RankFormat {
    /// An aligned table for people
    Table,
    /// CSV: rank,id,name,cultural,economic,security,composite,grade
    Csv,
    /// One JSON array of objects
    Json,
}

/// One kept row: its ranking key (composite, then input position) and what is printed.
struct Entry {
    ranked: Ranked,
    id: String,
    name: String,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.ranked == other.ranked
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// The library's ranking order (`Ranked`): greater ranks higher.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ranked.cmp(&other.ranked)
    }
}

/// Runs `silkscore rank`.
pub fn run(args: &RankArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let mut out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args.model.load()?;
    let progress = Progress::for_input(args.records.path(), out.is_stdout());
    let reader = args.records.open(&model, &progress)?;
    warn_columns(&reader, &model);
    let names = reader.has_name_column();
    let input_name = args.records.name();

    // A min-heap of the best N so far: its top is the worst kept entry.
    let n = args.top as usize;
    let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(n.min(4096) + 1);
    let (mut rows, mut failed) = (0u64, 0u64);
    let mut first_failure = None;
    // The best composite among the rows not kept, and how many rows not kept have it.
    let mut dropped: Option<(f32, u64)> = None;
    let mut position = 0usize;
    let options = ReadOptions::new(args.threads);
    let end = pipeline::scored_rows(reader, &options, |row, outcome| {
        let at = position;
        position += 1;
        rows += 1;
        let scores = match outcome.result {
            Ok(s) => s,
            Err(f) => {
                failed += 1;
                if first_failure.is_none() {
                    first_failure = Some(format!(
                        "{}:{}: row id {}: {f}",
                        input_name.display(),
                        row.line,
                        row.id
                    ));
                }
                return ControlFlow::<()>::Continue(());
            }
        };
        let ranked = Ranked {
            position: at,
            scores,
        };
        if heap.len() == n {
            let worse = heap.peek().is_some_and(|Reverse(min)| min.ranked < ranked);
            if !worse {
                note_dropped(&mut dropped, ranked.scores.composite);
                return ControlFlow::Continue(());
            }
            if let Some(Reverse(min)) = heap.pop() {
                note_dropped(&mut dropped, min.ranked.scores.composite);
            }
        }
        heap.push(Reverse(Entry {
            ranked,
            id: row.id.clone(),
            name: row.name.clone(),
        }));
        ControlFlow::Continue(())
    });
    // The consumer never stops early: only an input error ends the reading.
    let _: ControlFlow<()> = end?;
    progress.finish();
    let mut best: Vec<Entry> = heap.into_iter().map(|Reverse(e)| e).collect();
    best.sort_unstable_by(|a, b| b.cmp(a));
    let ranks = competition_ranks(&best);
    // Rows left out that tie with the last one listed.
    let unlisted = match (best.last(), ranks.last(), dropped) {
        (Some(last), Some(r), Some((c, k))) if ties(c, last.ranked.scores.composite) => {
            Some((k, *r))
        }
        _ => None,
    };

    let text = render(&best, &ranks, args.format, names, rows, failed, unlisted)
        .map_err(|e| out.failed(e))?;
    out.put(text.as_bytes())?;
    out.commit()?;
    if let Some((k, r)) = unlisted {
        term::info(&format_args!(
            "{} with rank {r}, the last listed, and not listed; --top {} lists all of them",
            more_tie(k),
            best.len() as u64 + k
        ));
    }
    if failed > 0 {
        if let Some(first) = first_failure {
            term::note(&first);
        }
        term::info(&format_args!(
            "{failed} of {rows} rows could not be scored and are not ranked; `silkscore score` \
             lists why"
        ));
        Ok(Exit::RowsFailed)
    } else {
        Ok(Exit::Success)
    }
}

/// Keeps the best composite among rows not kept, and how many rows not kept have it. Every
/// row not kept is at most the last kept one, so at the end this tells how many rows tie
/// with the last listed.
fn note_dropped(best: &mut Option<(f32, u64)>, composite: f32) {
    match best {
        Some((c, k)) if ties(*c, composite) => *k += 1,
        Some((c, _)) if compare(composite, *c).is_gt() => {}
        _ => *best = Some((composite, 1)),
    }
}

/// `1 more row ties` / `3 more rows tie`.
fn more_tie(k: u64) -> String {
    if k == 1 {
        "1 more row ties".to_owned()
    } else {
        format!("{k} more rows tie")
    }
}

/// The competition ranks (docs/spec.md §7.7) of entries in listing order, best first.
fn competition_ranks(best: &[Entry]) -> Vec<u32> {
    let mut c = Competition::new();
    best.iter()
        .map(|e| c.next(e.ranked.scores.composite))
        .collect()
}

/// One ranked project in JSON; the numbers keep the 6 decimals of the CSV.
#[derive(Serialize)]
struct JsonEntry<'a> {
    rank: u32,
    id: JsonId<'a>,
    name: &'a str,
    cultural: Option<Box<RawValue>>,
    economic: Option<Box<RawValue>>,
    security: Option<Box<RawValue>>,
    composite: Option<Box<RawValue>>,
    grade: &'a str,
}

/// An id: a number when it is a u32 (always, for a scored row), else the text.
#[derive(Serialize)]
#[serde(untagged)]
enum JsonId<'a> {
    Number(u32),
    Text(&'a str),
}

/// The ranking in `format`; the table has a name column only when the input has one
/// (csv and json always carry `name`).
fn render(
    best: &[Entry],
    ranks: &[u32],
    format: RankFormat,
    names: bool,
    rows: u64,
    failed: u64,
    unlisted: Option<(u64, u32)>,
) -> io::Result<String> {
    let rank_of = |k: usize| ranks.get(k).copied().unwrap_or(k as u32 + 1);
    let mut s = String::new();
    match format {
        RankFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "rank",
                "id",
                "name",
                "cultural",
                "economic",
                "security",
                "composite",
                "grade",
            ])?;
            for (k, e) in best.iter().enumerate() {
                let sc = &e.ranked.scores;
                w.write_record([
                    rank_of(k).to_string(),
                    e.id.clone(),
                    e.name.clone(),
                    format!("{:.6}", sc.cultural),
                    format!("{:.6}", sc.economic),
                    format!("{:.6}", sc.security),
                    format!("{:.6}", sc.composite),
                    sc.grade.as_str().to_owned(),
                ])?;
            }
            let bytes = w
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            s = String::from_utf8(bytes).map_err(io::Error::other)?;
        }
        RankFormat::Json => {
            s.push('[');
            for (k, e) in best.iter().enumerate() {
                let sc = &e.ranked.scores;
                let entry = JsonEntry {
                    rank: rank_of(k),
                    id: e.id.parse().map_or(JsonId::Text(&e.id), JsonId::Number),
                    name: &e.name,
                    cultural: fixed(sc.cultural, 6),
                    economic: fixed(sc.economic, 6),
                    security: fixed(sc.security, 6),
                    composite: fixed(sc.composite, 6),
                    grade: sc.grade.as_str(),
                };
                s.push_str(if k == 0 { "\n  " } else { ",\n  " });
                s.push_str(&serde_json::to_string(&entry)?);
            }
            s.push_str(if best.is_empty() { "]\n" } else { "\n]\n" });
        }
        RankFormat::Table => {
            let name_col = |n: &str| {
                if names {
                    format!("  {}", pad(n, 36))
                } else {
                    String::new()
                }
            };
            let head = format!(
                "{:>5}  {:>10}{}  {:>8}  {:>8}  {:>8}  {:>9}  grade",
                "rank",
                "id",
                name_col("name"),
                "cultural",
                "economic",
                "security",
                "composite"
            );
            let rule = "─".repeat(head.chars().count());
            let _ = writeln!(s, "{head}\n{rule}");
            for (k, e) in best.iter().enumerate() {
                let sc = &e.ranked.scores;
                let _ = writeln!(
                    s,
                    "{:>5}  {}{}  {:>8.2}  {:>8.2}  {:>8.2}  {:>9.2}  {:^5}",
                    rank_of(k),
                    pad_left(&e.id, 10),
                    name_col(&e.name),
                    sc.cultural,
                    sc.economic,
                    sc.security,
                    sc.composite,
                    sc.grade.as_str()
                );
            }
            let _ = writeln!(s, "{rule}");
            let _ = writeln!(
                s,
                "top {} of {} scored rows ({rows} rows, {failed} not scored)",
                best.len(),
                rows - failed
            );
            if ranks.windows(2).any(|w| w.first() == w.get(1)) {
                let _ = writeln!(
                    s,
                    "equal composites share a rank (1 2 2 4) and are listed in input order"
                );
            }
            if let Some((k, r)) = unlisted {
                let _ = writeln!(s, "{} with rank {r} and not listed", more_tie(k));
            }
            s = trim_lines(&s);
        }
    }
    Ok(s)
}
