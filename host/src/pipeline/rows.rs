//! Reading (and scoring) the rows of a records file in parallel, for commands that consume
//! rows rather than write them: `silkscore rank`, `encode`, `weights entropy|critic`.
//!
//! [`rows`] and [`scored_rows`] run the pipeline's machinery ([`super::score`]): the calling
//! thread frames blocks of about a MiB; workers parse them (and score them column-wise);
//! the consumer gets the rows one at a time, **in input order**, on whichever worker holds
//! the turn. The rows, their `line`, `index`, `id`, `name`, record and outcome are those of
//! [`crate::records::RecordsReader`] and [`crate::scoring::score_row`], so a command gets
//! the same results as a sequential loop, for every input; an input error comes after the
//! rows before it, exactly as the reader returns it.
//!
//! Memory: at most `2 × threads + 1` blocks are in flight, each about a MiB of input plus
//! its parsed rows, whatever the file's length; what the consumer keeps is its own.

use core::ops::ControlFlow;
use std::io::{self, Read};
use std::vec::Vec;

use silkscore::score::Scorer;

use super::{block_bytes, chunk, drive};
use crate::records::{frame_error_at, RecordsReader, Row};
use crate::scoring::{score_row_with, Outcome};
use crate::HostError;

/// How to read rows in parallel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Bytes of input per block (0: about 1 MiB, less with many threads). Small blocks are
    /// for tests.
    pub block_bytes: usize,
}

impl ReadOptions {
    /// `threads` workers (0 means every core: `std::thread::available_parallelism`).
    pub fn new(threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            threads
        };
        ReadOptions {
            threads,
            block_bytes: 0,
        }
    }
}

/// Calls `f` with every row of `reader` (whose header was read), in input order, parsing
/// them on `options.threads` workers: the rows `for row in reader` gives, with the same
/// `index`. Stops at the first `Break`, which it returns; `Continue` once every row was
/// consumed. An input error (a limit, an open quote, a NUL byte, an I/O error) is returned
/// after `f` got every row before it, as the reader returns it.
///
/// ```
/// use core::ops::ControlFlow;
/// use silkscore::model::BRI_CULTURAL_V1;
/// use silkscore_host::pipeline::{rows, ReadOptions};
/// use silkscore_host::records::RecordsReader;
///
/// let text = "id,heritage_items\n1,4\n2,x\n";
/// let reader = RecordsReader::from_reader(text.as_bytes(), "t.csv", &BRI_CULTURAL_V1)?;
/// let mut lines = Vec::new();
/// let end = rows(reader, &ReadOptions::new(2), |row| {
///     lines.push((row.line, row.index, row.record.is_ok()));
///     ControlFlow::<()>::Continue(())
/// })?;
/// assert_eq!(end, ControlFlow::Continue(()));
/// assert_eq!(lines, [(2, 1, true), (3, 2, false)]);
/// # Ok::<(), silkscore_host::HostError>(())
/// ```
pub fn rows<R, B, F>(
    reader: RecordsReader<'_, R>,
    options: &ReadOptions,
    mut f: F,
) -> Result<ControlFlow<B>, HostError>
where
    R: Read,
    B: Send,
    F: FnMut(&Row) -> ControlFlow<B> + Send,
{
    each(reader, options, false, |_| (), |row, _, ()| f(row))
}

/// [`rows`], with `map` run on every row on the workers (in parallel, in no particular order)
/// and its result handed to `f` with the row, in input order: for per-row work that does not
/// depend on the rows before (encoding a frame, say).
pub fn rows_with<R, T, B, M, F>(
    reader: RecordsReader<'_, R>,
    options: &ReadOptions,
    map: M,
    mut f: F,
) -> Result<ControlFlow<B>, HostError>
where
    R: Read,
    T: Send,
    B: Send,
    M: Fn(&Row) -> T + Sync,
    F: FnMut(&Row, T) -> ControlFlow<B> + Send,
{
    each(reader, options, false, map, |row, _, t| f(row, t))
}

/// [`rows`], each row with its outcome, scored column-wise on the workers: the outcome
/// [`crate::scoring::score_row`] gives, to the bit.
pub fn scored_rows<R, B, F>(
    reader: RecordsReader<'_, R>,
    options: &ReadOptions,
    mut f: F,
) -> Result<ControlFlow<B>, HostError>
where
    R: Read,
    B: Send,
    F: FnMut(&Row, Outcome) -> ControlFlow<B> + Send,
{
    each(
        reader,
        options,
        true,
        |_| (),
        |row, outcome, ()| match outcome {
            Some(o) => f(row, o),
            // Never: `each` gives every row an outcome when it scores.
            None => ControlFlow::Continue(()),
        },
    )
}

/// The rows of `reader` to `f`, with their outcomes when `score`, and `map` of each.
fn each<R, T, B, M, F>(
    reader: RecordsReader<'_, R>,
    options: &ReadOptions,
    score: bool,
    map: M,
    mut f: F,
) -> Result<ControlFlow<B>, HostError>
where
    R: Read,
    T: Send,
    B: Send,
    M: Fn(&Row) -> T + Sync,
    F: FnMut(&Row, Option<Outcome>, T) -> ControlFlow<B> + Send,
{
    let scorer = Scorer::new(reader.model());
    let (scanner, parts) = reader.into_scanner();
    let parser = parts.parser();
    let keep = parts.keep();
    let mut index = parts.rows_read();
    let threads = options.threads.max(1);
    let target = match options.block_bytes {
        0 => block_bytes(threads),
        n => n,
    };
    let mut result: Result<ControlFlow<B>, HostError> = Ok(ControlFlow::Continue(()));
    let finished = drive(
        scanner,
        threads,
        target,
        |block| {
            let rows = chunk::parse(block, &parser, keep);
            let outcomes = score.then(|| chunk::score(&rows, &scorer));
            let mapped: Vec<T> = rows.iter().map(&map).collect();
            (rows, outcomes, mapped)
        },
        |(mut rows, outcomes, mapped): (Vec<Row>, Option<Vec<Outcome>>, Vec<T>), end| {
            let mut outcomes = outcomes.map(Vec::into_iter);
            for (row, t) in rows.iter_mut().zip(mapped) {
                index += 1;
                row.index = index;
                let outcome = outcomes.as_mut().map(|o| {
                    o.next()
                        // Not expected (a block's outcomes match its rows): score it alone.
                        .unwrap_or_else(|| score_row_with(&scorer, &row.record))
                });
                if let ControlFlow::Break(b) = f(row, outcome, t) {
                    result = Ok(ControlFlow::Break(b));
                    return false;
                }
            }
            if let Some(e) = end {
                result = Err(frame_error_at(parser.path(), e));
                return false;
            }
            true
        },
    );
    if !finished {
        return Err(HostError::io(
            parser.path(),
            io::Error::other("a reading thread stopped"),
        ));
    }
    result
}
