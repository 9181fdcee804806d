//! The pipeline against the sequential reference: the same bytes, tallies, failed rows and
//! errors, on generated hostile records files, in every format, with 1 to 4 threads.

use std::borrow::ToOwned;
use std::format;
use std::io::{self, Write};
use std::string::String;
use std::sync::{Arc, Mutex};
use std::vec::Vec;

use super::{score, score_sequential, Options, Stop, Summary};
use crate::output::Format;
use crate::records::tests::Rng;
use crate::records::{Limits, RecordsReader};
use silkscore::model::{Model, BRI_CULTURAL_V1 as M};

/// A sink whose bytes can be read after it was dropped.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a run left: the bytes written, and the summary or the error.
type Run = (Vec<u8>, Result<Summary, String>);

fn run(
    text: &[u8],
    model: &Model,
    limits: Limits,
    format: Format,
    threads: usize,
    block: usize,
) -> Run {
    let sink = Shared::default();
    let reader = match RecordsReader::builder(model)
        .limits(limits)
        .from_reader(text, "t.csv")
    {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Err(format!("header: {e}"))),
    };
    let result = if threads == 0 {
        score_sequential(reader, sink.clone(), format, 10)
    } else {
        let mut options = Options::new(threads, format);
        options.max_failed = 10;
        options.block_bytes = block;
        score(reader, sink.clone(), &options)
    };
    let result = result.map(|(_, s)| s).map_err(|e| match e {
        Stop::Input(e) => format!("input: {e}"),
        Stop::Output(e) => format!("output: {e}"),
    });
    let bytes = sink.0.lock().unwrap().clone();
    (bytes, result)
}

/// A records file for `model`: a header (sometimes with a name column, an unknown column,
/// an indicator left out, in shuffled order), then rows of numbers and hostile cells.
fn records_file(rng: &mut Rng, model: &Model, rows: usize) -> Vec<u8> {
    let mut cols: Vec<String> = model
        .indicators()
        .iter()
        .map(|i| i.id.as_str().to_owned())
        .collect();
    if rng.below(4) == 0 {
        cols.remove(rng.below(cols.len() as u64) as usize);
    }
    cols.insert(rng.below(cols.len() as u64 + 1) as usize, "id".to_owned());
    if rng.below(2) == 0 {
        cols.insert(rng.below(cols.len() as u64 + 1) as usize, "name".to_owned());
    }
    if rng.below(4) == 0 {
        cols.push("\"no,te\"".to_owned());
    }
    for _ in 0..rng.below(cols.len() as u64) {
        let a = rng.below(cols.len() as u64) as usize;
        let b = rng.below(cols.len() as u64) as usize;
        cols.swap(a, b);
    }
    let mut out = Vec::new();
    if rng.below(8) == 0 {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    out.extend_from_slice(cols.join(",").as_bytes());
    let eol: &[u8] = match rng.below(6) {
        0 => b"\r\n",
        1 => b"\r",
        _ => b"\n",
    };
    out.extend_from_slice(eol);
    const NAMES: &[&[u8]] = &[
        b"Dunhuang archive",
        b"\"Kashgar, old town\"",
        b"\"say \"\"hi\"\"\"",
        b"\"two\nlines\"",
        b"\xe6\x95\xa6\xe7\x85\x8c",
        b"bad \xff utf8",
        b"",
        b" padded ",
    ];
    for r in 0..rows {
        let hostile = rng.below(40) == 0;
        let mut cells: Vec<Vec<u8>> = Vec::new();
        for c in &cols {
            let cell: Vec<u8> = match c.as_str() {
                "id" => match rng.below(20) {
                    0 => b"x8".to_vec(),
                    1 => b"4294967296".to_vec(),
                    2 => b" 12 ".to_vec(),
                    _ => format!("{r}").into_bytes(),
                },
                "name" => NAMES[rng.below(NAMES.len() as u64) as usize].to_vec(),
                _ if hostile && rng.below(3) == 0 => {
                    let pieces = 1 + rng.below(3) as usize;
                    rng.hostile_csv(pieces)
                }
                _ => match rng.below(24) {
                    0..=2 => Vec::new(),
                    3 => b"NaN".to_vec(),
                    4 => b"1e40".to_vec(),
                    5 => b"-inf".to_vec(),
                    6 => b"\"12.5\"".to_vec(),
                    7 => b" 3 ".to_vec(),
                    8 => b"5.056099e7".to_vec(),
                    _ => {
                        let v = (rng.next() >> 40) as f32 / (1u64 << 24) as f32;
                        format!("{}", v * 10f32.powi(rng.below(6) as i32) - 1.0).into_bytes()
                    }
                },
            };
            cells.push(cell);
        }
        if hostile && rng.below(4) == 0 {
            // A wrong field count.
            if rng.below(2) == 0 {
                cells.pop();
            } else {
                cells.push(b"extra".to_vec());
            }
        }
        out.extend_from_slice(&cells.join(&b","[..]));
        out.extend_from_slice(eol);
        if hostile && rng.below(6) == 0 {
            out.extend_from_slice(eol); // a blank line
        }
    }
    match rng.below(12) {
        0 => out.extend_from_slice(b"9,\"never closed"),
        1 => out.extend_from_slice(b"9,1\0,2\n10,1"),
        2 => {
            let _ = out.pop(); // no final line break
        }
        _ => {}
    }
    out
}

#[test]
fn the_pipeline_writes_what_the_sequential_path_writes() {
    let small = crate::model_file::parse(
        "name = \"small\"\nwithin = \"geometric\"\nacross = \"arithmetic\"\nfloor = 0.01\n\
         min_coverage = 0.6\ngrades = [80.0, 65.0, 50.0, 35.0]\n\
         [weights]\ncultural = 1.0\neconomic = 2.0\nsecurity = 1.0\n\
         [[indicator]]\nid = \"a\"\nconnotation = \"cultural\"\ndirection = \"benefit\"\n\
         transform = \"ln\"\nlo = 0.5\nhi = 1000.0\nweight = 1.0\n\
         [[indicator]]\nid = \"b\"\nconnotation = \"economic\"\ndirection = \"cost\"\n\
         transform = \"lin\"\nlo = -5.0\nhi = 5.0\nweight = 1.0\n\
         [[indicator]]\nid = \"c\"\nconnotation = \"security\"\ndirection = \"benefit\"\n\
         transform = \"log\"\nlo = 0.0\nhi = 100.0\nweight = 1.0\n",
        "small.toml",
    )
    .unwrap();
    let mut rng = Rng(2024);
    let mut differences = Vec::new();
    let mut stops = 0;
    for case in 0..300 {
        let model = if case % 3 == 0 { &small } else { &M };
        let rows = rng.below(if case % 10 == 0 { 3000 } else { 60 }) as usize;
        let text = records_file(&mut rng, model, rows);
        let limits = Limits {
            max_record_bytes: if case % 7 == 0 {
                40 + rng.below(300) as usize
            } else {
                1 << 20
            },
            max_columns: 64,
        };
        let format = Format::ALL[case % 3];
        let reference = run(&text, model, limits, format, 0, 0);
        stops += usize::from(reference.1.is_err());
        for threads in [1, 2, 4] {
            // Blocks of a few records up to whole files: many blocks, written in order.
            let block = [64, 500, 4096, 0][rng.below(4) as usize];
            let got = run(&text, model, limits, format, threads, block);
            if got != reference {
                differences.push(format!(
                    "case {case} ({format}, {threads} threads, blocks of {block}): {:?}\n want {:?}\n got  {:?}",
                    String::from_utf8_lossy(&text),
                    (String::from_utf8_lossy(&reference.0), &reference.1),
                    (String::from_utf8_lossy(&got.0), &got.1),
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences, the first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
    assert!(
        stops > 10 && stops < 200,
        "{stops} runs stopped on an input error"
    );
}

/// What a consumer of rows sees: each row with its outcome (when scored), then the input
/// error or where it stopped.
fn consumed(
    text: &[u8],
    model: &Model,
    limits: Limits,
    mode: (usize, bool, usize, usize, Option<usize>),
) -> Vec<String> {
    use core::ops::ControlFlow;
    let (threads, scored, block, skip, stop_after) = mode;
    let mut seen = Vec::new();
    let mut reader = match RecordsReader::builder(model)
        .limits(limits)
        .from_reader(text, "t.csv")
    {
        Ok(r) => r,
        Err(e) => return vec![format!("header: {e}")],
    };
    // Rows read before the reader is handed over keep their place in the numbering.
    for _ in 0..skip {
        match reader.next() {
            Some(Ok(row)) => seen.push(format!("{row:?}")),
            Some(Err(e)) => return vec![format!("early: {e}")],
            None => break,
        }
    }
    let mut row_line = |row: &crate::records::Row, outcome: Option<&crate::scoring::Outcome>| {
        seen.push(format!("{row:?} {outcome:?}"));
        match stop_after {
            Some(k) if seen.len() >= k => ControlFlow::Break(seen.len()),
            _ => ControlFlow::Continue(()),
        }
    };
    let end = if threads == 0 {
        let mut end = Ok(ControlFlow::Continue(()));
        for row in reader {
            match row {
                Ok(row) => {
                    let outcome = scored.then(|| crate::scoring::score_row(model, &row.record));
                    if let ControlFlow::Break(b) = row_line(&row, outcome.as_ref()) {
                        end = Ok(ControlFlow::Break(b));
                        break;
                    }
                }
                Err(e) => {
                    end = Err(e);
                    break;
                }
            }
        }
        end
    } else {
        let mut options = super::ReadOptions::new(threads);
        options.block_bytes = block;
        match (scored, block % 3) {
            (true, _) => super::scored_rows(reader, &options, |row, o| row_line(row, Some(&o))),
            (false, 0) => super::rows(reader, &options, |row| row_line(row, None)),
            // A map on the workers: its result must come with its own row.
            (false, _) => super::rows_with(
                reader,
                &options,
                |row| row.line,
                |row, line| {
                    if line == row.line {
                        row_line(row, None)
                    } else {
                        ControlFlow::Break(usize::MAX)
                    }
                },
            ),
        }
    };
    seen.push(match end {
        Ok(end) => format!("{end:?}"),
        Err(e) => format!("input: {e}"),
    });
    seen
}

#[test]
fn parallel_rows_are_the_rows_of_the_reader() {
    let mut rng = Rng(1010);
    let mut differences = Vec::new();
    let (mut stops, mut breaks) = (0, 0);
    for case in 0..240 {
        let rows = rng.below(if case % 10 == 0 { 2000 } else { 60 }) as usize;
        let text = records_file(&mut rng, &M, rows);
        let limits = Limits {
            max_record_bytes: if case % 7 == 0 {
                40 + rng.below(300) as usize
            } else {
                1 << 20
            },
            max_columns: 64,
        };
        let scored = case % 2 == 0;
        let skip = if case % 5 == 0 {
            rng.below(3) as usize
        } else {
            0
        };
        let stop_after = (case % 4 == 1).then(|| 1 + rng.below(rows as u64 + 2) as usize);
        let reference = consumed(&text, &M, limits, (0, scored, 0, skip, stop_after));
        let last = reference.last().cloned().unwrap_or_default();
        stops += usize::from(last.starts_with("input:"));
        breaks += usize::from(last.starts_with("Break"));
        for threads in [1, 2, 4] {
            let block = [64, 500, 4096, 0][rng.below(4) as usize];
            let got = consumed(
                &text,
                &M,
                limits,
                (threads, scored, block, skip, stop_after),
            );
            if got != reference {
                let at = got.iter().zip(&reference).position(|(a, b)| a != b);
                differences.push(format!(
                    "case {case} ({threads} threads, blocks of {block}, scored {scored}): \
                     {} vs {} lines, first difference at {at:?}: want {:?} got {:?}",
                    reference.len(),
                    got.len(),
                    at.and_then(|i| reference.get(i)),
                    at.and_then(|i| got.get(i)),
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences, the first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
    assert!(
        stops > 10 && breaks > 10,
        "{stops} input errors, {breaks} breaks"
    );
}

#[test]
fn a_portfolio_read_in_parallel_is_the_portfolio_read_in_sequence() {
    use crate::portfolio::Portfolio;
    let mut rng = Rng(77);
    let (mut compared, mut stops) = (0, 0);
    for case in 0..60 {
        let rows = rng.below(if case % 10 == 0 { 3000 } else { 80 }) as usize;
        let text = records_file(&mut rng, &M, rows);
        let open = || RecordsReader::from_reader(&text[..], "t.csv", &M);
        let Ok(reader) = open() else { continue };
        let want = Portfolio::read(reader, &M).map_err(|e| format!("{e}"));
        stops += usize::from(want.is_err());
        for threads in [1, 2, 4] {
            let mut options = super::ReadOptions::new(threads);
            options.block_bytes = [64, 500, 0][rng.below(3) as usize];
            let got =
                Portfolio::read_parallel(open().unwrap(), &options).map_err(|e| format!("{e}"));
            assert_eq!(got, want, "case {case}, {threads} threads");
            compared += 1;
        }
    }
    assert!(
        compared > 100 && stops > 2,
        "{compared} compared, {stops} stopped"
    );
}
