//! Scoring a records file in parallel, with the output of the sequential path byte for byte.
//!
//! [`score`] runs a pipeline of bounded stages:
//!
//! 1. the calling thread reads the input in blocks of about a MiB and frames them into records
//!    with the fast framer (`records/scan.rs`: `memchr` over line breaks and quotes);
//! 2. `threads` workers take blocks from a bounded queue; each splits the fields, parses the
//!    rows, scores them column-wise ([`silkscore::score::Scorer::score_columns`], with the
//!    widest SIMD path of the CPU) and formats them (CSV with fixed decimals written without
//!    `format!`, [`crate::output::fixed`]);
//! 3. each worker then waits for its block's turn and writes it, so blocks reach the output in
//!    input order.
//!
//! At most `2 × threads + 1` blocks are in flight, so memory stays flat at any input size.
//! An input error (a limit, an open quote, a NUL byte, an I/O error) ends the block it
//! occurs in: the rows before it are written, exactly those the sequential path writes, and
//! nothing after. A failed write stops every stage.
//!
//! [`score_sequential`] is the reference: one row at a time through
//! [`crate::records::RecordsReader`] and [`RowWriter`], as `silkscore score` did before the
//! pipeline. The tests compare the two on generated hostile inputs.

mod chunk;
mod rows;

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::vec::Vec;

use silkscore::score::Scorer;

use crate::output::{Format, OutputRow, RowWriter, Tally};
use crate::records::frame::FrameError;
use crate::records::scan::{Block, Scanner};
use crate::records::RecordsReader;
use crate::scoring::score_row_with;
use crate::HostError;

pub use chunk::FailedRow;
pub use rows::{rows, rows_with, scored_rows, ReadOptions};

/// How to run the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// The output format.
    pub format: Format,
    /// How many failed rows to keep for notes (the first ones, in input order).
    pub max_failed: usize,
    /// Bytes of input per block (0: about 1 MiB, less with many threads, so that the blocks
    /// in flight stay within about 24 MiB). Small blocks are for tests.
    pub block_bytes: usize,
}

impl Options {
    /// `threads` workers (0 means every core: `std::thread::available_parallelism`),
    /// `format`, and the first 10 failed rows kept.
    pub fn new(threads: usize, format: Format) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            threads
        };
        Options {
            threads,
            format,
            max_failed: 10,
            block_bytes: 0,
        }
    }
}

/// What a finished run wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Rows written, failed rows, grades.
    pub tally: Tally,
    /// The first [`Options::max_failed`] failed rows, in input order.
    pub failed: Vec<FailedRow>,
}

/// Why a run stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The input: the rows before the error were written (and the output flushed), nothing
    /// after it.
    Input(HostError),
    /// Writing the output failed.
    Output(io::Error),
}

/// Bytes of input per block, for `threads` workers: about 1 MiB, less with many threads so
/// that the blocks in flight stay within about 24 MiB.
fn block_bytes(threads: usize) -> usize {
    (24usize << 20)
        .checked_div(2 * threads + 2)
        .unwrap_or(1 << 20)
        .clamp(64 << 10, 1 << 20)
}

/// The writer's side: what has been written, and why it stopped.
struct Sink<W> {
    out: Option<W>,
    summary: Summary,
    stop: Option<Stop>,
}

/// Scores every row of `reader` (whose header was read) and writes the output to `out`: the
/// header, every row in input order, the end; flushes and returns `out` with the summary.
/// The bytes are those of [`score_sequential`]. On a [`Stop`], `out` is flushed (input
/// errors) and dropped.
pub fn score<R: Read, W: Write + Send>(
    reader: RecordsReader<'_, R>,
    out: W,
    options: &Options,
) -> Result<(W, Summary), Stop> {
    let scorer = Scorer::new(reader.model());
    let (scanner, parts) = reader.into_scanner();
    let names = parts.parser().has_names();
    let format = options.format;
    let threads = options.threads.max(1);

    // The header.
    let mut out = out;
    let head = RowWriter::new(format, Vec::new()).with_names(names);
    let head = {
        let mut h = head;
        h.begin().map_err(Stop::Output)?;
        h.into_fragment().map_err(Stop::Output)?
    };
    out.write_all(&head).map_err(Stop::Output)?;

    let mut sink = Sink {
        out: Some(out),
        summary: Summary::default(),
        stop: None,
    };
    let cx = chunk::Context {
        parser: parts.parser(),
        scorer: &scorer,
        format,
        keep: parts.keep(),
        max_failed: options.max_failed,
    };
    let target = match options.block_bytes {
        0 => block_bytes(threads),
        n => n,
    };
    let finished = drive(
        scanner,
        threads,
        target,
        |block| chunk::process(block, &cx),
        |done, end| {
            write_block(&mut sink, done, end, &cx, format);
            sink.stop.is_none()
        },
    );
    if !finished && sink.stop.is_none() {
        sink.stop = Some(Stop::Output(io::Error::other("a worker stopped")));
    }

    if let Some(stop) = sink.stop {
        if let (Stop::Input(_), Some(mut out)) = (&stop, sink.out) {
            // The rows before the error stay written (a file output is not committed).
            let _ = out.flush();
        }
        return Err(stop);
    }
    let out = sink
        .out
        .ok_or_else(|| Stop::Output(io::Error::other("the output was lost")))?;
    let summary = sink.summary;
    // The end: the table's summary, the JSON array's `]`.
    let tail = RowWriter::new(format, Vec::new())
        .with_names(names)
        .finish_after(summary.tally)
        .map_err(Stop::Output)?;
    let mut out = out;
    out.write_all(&tail).map_err(Stop::Output)?;
    out.flush().map_err(Stop::Output)?;
    Ok((out, summary))
}

/// Whose turn it is to be consumed, and the consumer.
struct Turn<C> {
    next: u64,
    /// The consumer asked to stop (or a worker failed): later blocks are skipped.
    done: bool,
    consume: C,
}

/// The machinery under every parallel reader: the calling thread frames blocks of about
/// `target` bytes; `threads` workers run `work` on them; `consume` gets each block's result
/// in input order, with the input error after the block, if any, and returns whether to go
/// on. At most `2 × threads + 1` blocks are in flight. Returns whether every block was
/// consumed or `consume` asked to stop (false: a worker failed, which is not expected).
fn drive<R, T, F, C>(
    mut scanner: Scanner<R>,
    threads: usize,
    target: usize,
    work: F,
    consume: C,
) -> bool
where
    R: Read,
    T: Send,
    F: Fn(&Block) -> T + Sync,
    C: FnMut(T, Option<FrameError>) -> bool + Send,
{
    let threads = threads.max(1);
    let turn = Mutex::new(Turn {
        next: 0,
        done: false,
        consume,
    });
    let turned = Condvar::new();
    let stopped = AtomicBool::new(false);
    let failed = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<(u64, Block)>(threads);
    let rx = Mutex::new(rx);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| worker(&rx, &work, &turn, &turned, &stopped, &failed));
        }
        let mut seq = 0u64;
        while !stopped.load(Ordering::Relaxed) {
            let Some(block) = scanner.next_block(target) else {
                break;
            };
            let last = block.end.is_some();
            if tx.send((seq, block)).is_err() {
                break;
            }
            seq += 1;
            if last {
                break;
            }
        }
        drop(tx);
    });
    !failed.load(Ordering::Relaxed)
}

/// A worker: takes blocks, runs `work` on them, hands each result to the consumer in its turn.
fn worker<T, F, C>(
    rx: &Mutex<mpsc::Receiver<(u64, Block)>>,
    work: &F,
    turn: &Mutex<Turn<C>>,
    turned: &Condvar,
    stopped: &AtomicBool,
    failed: &AtomicBool,
) where
    F: Fn(&Block) -> T,
    C: FnMut(T, Option<FrameError>) -> bool,
{
    let fail = || {
        failed.store(true, Ordering::Relaxed);
        stopped.store(true, Ordering::Relaxed);
    };
    loop {
        let next = {
            let Ok(rx) = rx.lock() else {
                fail();
                return;
            };
            rx.recv()
        };
        let Ok((seq, mut block)) = next else {
            return;
        };
        // After a stop the blocks still queued are only drained.
        let result = (!stopped.load(Ordering::Relaxed)).then(|| work(&block));
        let end = block.end.take();
        drop(block);
        let Ok(mut t) = turn.lock() else {
            fail();
            return;
        };
        while t.next != seq && !t.done {
            t = match turned.wait(t) {
                Ok(t) => t,
                Err(_) => {
                    fail();
                    return;
                }
            };
        }
        if !t.done {
            let go_on = match result {
                Some(r) => (t.consume)(r, end),
                // Not expected: a stop without `done`.
                None => false,
            };
            if !go_on {
                t.done = true;
                stopped.store(true, Ordering::Relaxed);
            }
        }
        t.next += 1;
        drop(t);
        turned.notify_all();
    }
}

/// Writes a processed block in its turn, then the input error after it, if any.
fn write_block<W: Write>(
    t: &mut Sink<W>,
    done: chunk::Done,
    end: Option<FrameError>,
    cx: &chunk::Context<'_>,
    format: Format,
) {
    let Sink {
        out, summary, stop, ..
    } = t;
    let Some(w) = out.as_mut() else {
        return;
    };
    let mut bytes: &[u8] = &done.bytes;
    if format == Format::Json && summary.tally.rows == 0 {
        // The first row of the array has no `,` before it.
        bytes = bytes.get(1..).unwrap_or(&[]);
    }
    if let Err(e) = w.write_all(bytes) {
        *stop = Some(Stop::Output(e));
        return;
    }
    let tally = &mut summary.tally;
    tally.rows += done.tally.rows;
    tally.failed += done.tally.failed;
    for (a, b) in tally.grades.iter_mut().zip(done.tally.grades) {
        *a += b;
    }
    let room = cx.max_failed.saturating_sub(summary.failed.len());
    summary.failed.extend(done.failed.into_iter().take(room));
    if let Some(e) = end {
        *stop = Some(Stop::Input(crate::records::frame_error_at(
            cx.parser.path(),
            e,
        )));
    }
}

/// The reference: scores `reader` one row at a time and writes through a [`RowWriter`], as
/// `silkscore score` did before the pipeline. Same results and bytes as [`score`].
pub fn score_sequential<R: Read, W: Write>(
    reader: RecordsReader<'_, R>,
    out: W,
    format: Format,
    max_failed: usize,
) -> Result<(W, Summary), Stop> {
    let scorer = Scorer::new(reader.model());
    let mut writer = RowWriter::new(format, out).with_names(reader.has_name_column());
    writer.begin().map_err(Stop::Output)?;
    let mut failed = Vec::new();
    for row in reader {
        let row = row.map_err(Stop::Input)?;
        let outcome = score_row_with(&scorer, &row.record);
        writer
            .write_row(&OutputRow::new(&row, &outcome))
            .map_err(Stop::Output)?;
        if let Err(failure) = &outcome.result {
            if failed.len() < max_failed {
                failed.push(FailedRow {
                    line: row.line,
                    id: row.id.clone(),
                    name: row.name.clone(),
                    failure: failure.clone(),
                });
            }
        }
    }
    let tally = writer.tally();
    let out = writer.finish().map_err(Stop::Output)?;
    Ok((out, Summary { tally, failed }))
}

#[cfg(test)]
mod tests;
