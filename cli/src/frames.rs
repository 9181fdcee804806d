//! `silkscore encode` and `silkscore decode`: records files to and from the COBS/CRC-32 record
//! frames of kiosk links (docs/spec.md §6).

use std::io::{self, BufReader, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;
use silkscore::wire::frame::{self, FrameReader, RECORD_FRAME_MAX_SIZE};
use silkscore::{Model, Record};
use silkscore_host::output::{Format, OutputRow, RowWriter};
use silkscore_host::pipeline::{self, ReadOptions};
use silkscore_host::records::Row;
use silkscore_host::scoring::score_row;

use crate::common::model_label;
use crate::error::{CliError, Exit};
use crate::files::{open_input, Inputs, Output};
use crate::models::ModelArg;
use crate::progress::Progress;
use crate::records::{warn_columns, RecordsArgs};
use crate::term;

/// How many rejected rows or frames are described on stderr before the rest are only counted.
const MAX_NOTES: u64 = 20;

#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  silkscore encode --input tests/vectors/default_records.csv -o records.frames

Each frame is COBS(record message ‖ CRC-32) followed by a 0x00 delimiter, the record message
being the postcard encoding of docs/spec.md §6 (id, name cut to 32 bytes, one optional f32 per
indicator of the model, in model order). A row that does not parse (parse:COLUMN,
parse:fields) gets no frame and is reported on stderr with its line; NaN and infinite values
are encoded as they are (a device rejects them when scoring).

Exit status: 0 every row encoded, 1 some rows were skipped, 2 unusable arguments, model or
file, 141 the output (`-o -`) was closed early.")]
pub struct EncodeArgs {
    #[command(flatten)]
    records: RecordsArgs,
    #[command(flatten)]
    model: ModelArg,
    /// Where to write the frames; `-` writes standard output.
    #[arg(short, long, value_name = "FRAMES.bin")]
    output: PathBuf,
    /// Worker threads that parse rows (0: one per core; at most 64). The frames are the same
    /// for every N.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=64))]
    threads: usize,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  silkscore decode records.frames
  silkscore decode records.frames --score --format json

Reads a stream of record frames (as written by `silkscore encode` or a kiosk). Without
--score, prints each record: id, name and one column per indicator of the model (empty when
missing), numbers in the shortest form that reads back to the same f32. With --score, prints
the scores like `silkscore score`. A frame that is corrupted (bad COBS, CRC-32 mismatch, not
a record of this model) is rejected: reported on stderr by frame number and byte offset, and
the frames after it are still decoded.

Exit status: 0 every frame decoded (and, with --score, scored), 1 some frames were rejected
(or rows failed to score), 2 unusable arguments, model or file, 141 the output was closed
early.")]
pub struct DecodeArgs {
    /// The frames file; `-` reads standard input.
    #[arg(value_name = "FRAMES.bin")]
    input: PathBuf,
    #[command(flatten)]
    model: ModelArg,
    /// Score each record instead of printing its values.
    #[arg(long)]
    score: bool,
    /// Output format (table only with --score).
    #[arg(short, long, value_enum, default_value_t = DecodeFormat::Csv)]
    format: DecodeFormat,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DecodeFormat {
    /// CSV
    Csv,
    /// One JSON array of objects
    Json,
    /// An aligned table (with --score)
    Table,
}

/// Runs `silkscore encode`.
pub fn encode(args: &EncodeArgs) -> Result<Exit, CliError> {
    let inputs = args.model.inputs(Inputs::new().with(args.records.path()));
    let mut out = Output::create(Some(&args.output), &inputs)?;
    let model = args.model.load()?;
    let progress = Progress::for_input(args.records.path(), out.is_stdout());
    let reader = args.records.open(&model, &progress)?;
    let input_name = args.records.name();
    warn_columns(&reader, &model);

    let (mut rows, mut skipped, mut bytes) = (0u64, 0u64, 0u64);
    let mut notes = Vec::new();
    let options = ReadOptions::new(args.threads);
    // The frames are encoded on the workers, written here in input order.
    let encode = |row: &Row| {
        let record = row.record.as_ref().ok()?;
        let mut buf = [0u8; RECORD_FRAME_MAX_SIZE];
        Some(frame::encode_frame(record, &mut buf).map(|f| f.to_vec()))
    };
    let end = pipeline::rows_with(reader, &options, encode, |row, frame| {
        rows += 1;
        let frame = match (&row.record, frame) {
            (Ok(_), Some(frame)) => frame,
            (Err(e), _) => {
                skipped += 1;
                if skipped <= MAX_NOTES {
                    notes.push(format!(
                        "{}:{}: row {} (id {}): {e}: not encoded",
                        input_name.display(),
                        row.line,
                        row.index,
                        row.id
                    ));
                }
                return ControlFlow::Continue(());
            }
            // Not expected (`encode` gives every row that parsed a result): encode it here.
            (Ok(r), None) => {
                let mut buf = [0u8; RECORD_FRAME_MAX_SIZE];
                frame::encode_frame(r, &mut buf).map(|f| f.to_vec())
            }
        };
        let f = match frame {
            Ok(f) => f,
            Err(e) => {
                return ControlFlow::Break(CliError::at(
                    &input_name,
                    row.line,
                    format!("row id {}: cannot encode: {e}", row.id),
                ))
            }
        };
        bytes += f.len() as u64;
        match out.put(&f) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    })?;
    if let ControlFlow::Break(e) = end {
        return Err(e);
    }
    let out_name = out.name().to_path_buf();
    out.commit()?;
    progress.finish();
    for n in &notes {
        term::note(n);
    }
    if skipped > MAX_NOTES {
        term::note(&format_args!(
            "{} more skipped rows not listed",
            skipped - MAX_NOTES
        ));
    }
    term::info(&format_args!(
        "wrote {}: {} frames, {bytes} bytes ({} of {rows} rows skipped) for {} (fingerprint \
         0x{:08x})",
        out_name.display(),
        rows - skipped,
        skipped,
        model_label(&model),
        model.fingerprint()
    ));
    Ok(if skipped > 0 {
        Exit::RowsFailed
    } else {
        Exit::Success
    })
}

/// One decoded record in JSON: its values by indicator id, in model order.
#[derive(Serialize)]
struct JsonRecord<'a> {
    id: u32,
    name: &'a str,
    values: JsonValues<'a>,
}

/// The values of a record as a JSON object (indicator id → value), in model order.
struct JsonValues<'a> {
    model: &'a Model,
    record: &'a Record,
}

impl Serialize for JsonValues<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.model.len()))?;
        for (j, ind) in self.model.indicators().iter().enumerate() {
            match self.record.get(j) {
                // The shortest form that reads back to the same f32.
                Some(v) if v.is_finite() => map.serialize_entry(ind.id.as_str(), &v)?,
                // NaN and infinities are not JSON numbers: their text.
                Some(v) => map.serialize_entry(ind.id.as_str(), &v.to_string())?,
                None => map.serialize_entry(ind.id.as_str(), &None::<f32>)?,
            }
        }
        map.end()
    }
}

/// Where decoded records go.
enum Sink<W: Write> {
    Values {
        out: W,
        json: bool,
        first: bool,
    },
    /// Scores; names escaped when `table` (text for people).
    Scores {
        w: RowWriter<W>,
        table: bool,
    },
}

impl<W: Write> Sink<W> {
    fn begin(&mut self, model: &Model) -> std::io::Result<()> {
        match self {
            Sink::Values {
                out, json: false, ..
            } => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let mut header = vec!["id", "name"];
                header.extend(model.indicators().iter().map(|i| i.id.as_str()));
                w.write_record(&header).map_err(std::io::Error::other)?;
                let bytes = w
                    .into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                out.write_all(&bytes)
            }
            Sink::Values {
                out, json: true, ..
            } => out.write_all(b"["),
            Sink::Scores { w, .. } => w.begin(),
        }
    }

    fn record(&mut self, model: &Model, r: &Record) -> std::io::Result<bool> {
        match self {
            Sink::Values { out, json, first } => {
                let mut line = String::with_capacity(256);
                if *json {
                    line.push_str(if *first { "\n  " } else { ",\n  " });
                    let entry = JsonRecord {
                        id: r.id(),
                        name: r.name(),
                        values: JsonValues { model, record: r },
                    };
                    line.push_str(&serde_json::to_string(&entry).map_err(io::Error::other)?);
                    *first = false;
                    out.write_all(line.as_bytes())?;
                } else {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    let mut fields = vec![r.id().to_string(), r.name().to_owned()];
                    fields.extend(
                        (0..model.len())
                            .map(|j| r.get(j).map(|v| v.to_string()).unwrap_or_default()),
                    );
                    w.write_record(&fields).map_err(std::io::Error::other)?;
                    let bytes = w
                        .into_inner()
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    out.write_all(&bytes)?;
                }
                Ok(true)
            }
            Sink::Scores { w, table } => {
                let outcome = score_row(model, &Ok(*r));
                let id = r.id().to_string();
                let name = if *table {
                    term::escape(r.name())
                } else {
                    r.name().into()
                };
                w.write_row(&OutputRow {
                    id: &id,
                    name: &name,
                    outcome: &outcome,
                })?;
                Ok(outcome.is_ok())
            }
        }
    }

    /// Writes the end and returns the output, flushed.
    fn finish(self) -> std::io::Result<W> {
        match self {
            Sink::Values {
                mut out,
                json,
                first,
            } => {
                if json {
                    out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                }
                out.flush()?;
                Ok(out)
            }
            Sink::Scores { w, .. } => w.finish(),
        }
    }
}

/// Runs `silkscore decode`.
pub fn decode(args: &DecodeArgs) -> Result<Exit, CliError> {
    if args.format == DecodeFormat::Table && !args.score {
        return Err(CliError::Usage(
            "--format table needs --score (records print as csv or json)".to_owned(),
        ));
    }
    let inputs = args.model.inputs(Inputs::new().with(&args.input));
    let out = Output::create(args.output.as_deref(), &inputs)?;
    let model = args.model.load()?;
    let (input, input_name) = open_input(&args.input)?;
    let out_name = out.name().to_path_buf();
    let mut sink = if args.score {
        let format = match args.format {
            DecodeFormat::Csv => Format::Csv,
            DecodeFormat::Json => Format::Json,
            DecodeFormat::Table => Format::Table,
        };
        Sink::Scores {
            w: RowWriter::new(format, out),
            table: format == Format::Table,
        }
    } else {
        Sink::Values {
            out,
            json: args.format == DecodeFormat::Json,
            first: true,
        }
    };
    let tally = match decode_stream(input, &input_name, &model, &mut sink) {
        Ok(tally) => tally,
        Err(Failed::Input(e)) => return Err(e),
        Err(Failed::Output(e)) => return Err(CliError::write(&out_name, e)),
    };
    let out = sink.finish().map_err(|e| CliError::write(&out_name, e))?;
    out.commit()?;
    Ok(tally.report(&input_name, args.score))
}

enum Failed {
    Input(CliError),
    Output(std::io::Error),
}

#[derive(Default)]
struct Tally {
    frames: u64,
    rejected: u64,
    failed: u64,
    notes: Vec<String>,
}

impl Tally {
    fn reject(&mut self, path: &Path, frame: u64, offset: u64, why: &str) {
        self.rejected += 1;
        if self.rejected <= MAX_NOTES {
            self.notes.push(format!(
                "{}: frame {frame} (byte {offset}): rejected: {why}",
                path.display()
            ));
        }
    }

    /// Prints the notes and counts on stderr; the exit status.
    fn report(self, path: &Path, score: bool) -> Exit {
        for n in &self.notes {
            term::note(n);
        }
        if self.rejected > MAX_NOTES {
            term::note(&format_args!(
                "{} more rejected frames not listed",
                self.rejected - MAX_NOTES
            ));
        }
        if self.rejected > 0 {
            term::info(&format_args!(
                "{}: {} of {} frames rejected",
                path.display(),
                self.rejected,
                self.frames
            ));
        }
        if score && self.failed > 0 {
            term::info(&format_args!(
                "{} of {} records could not be scored; their status column says why",
                self.failed,
                self.frames - self.rejected
            ));
        }
        if self.rejected > 0 || self.failed > 0 {
            Exit::RowsFailed
        } else {
            Exit::Success
        }
    }
}

fn decode_stream<W: Write>(
    input: Box<dyn Read>,
    path: &Path,
    model: &Model,
    sink: &mut Sink<W>,
) -> Result<Tally, Failed> {
    let mut reader: FrameReader<RECORD_FRAME_MAX_SIZE> = FrameReader::new();
    let mut tally = Tally::default();
    sink.begin(model).map_err(Failed::Output)?;
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut chunk = [0u8; 64 * 1024];
    let (mut offset, mut start, mut pending) = (0u64, 0u64, false);
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failed::Input(CliError::io(path, e))),
        };
        for &byte in chunk.iter().take(n) {
            if !pending && byte != 0 {
                pending = true;
                start = offset;
            }
            offset += 1;
            if byte == 0 {
                pending = false;
            }
            let Some(result) = reader.push::<Record>(byte) else {
                continue;
            };
            tally.frames += 1;
            let frame_no = tally.frames;
            match result {
                Err(e) => tally.reject(path, frame_no, start, &e.to_string()),
                Ok(r) if r.len() != model.len() => tally.reject(
                    path,
                    frame_no,
                    start,
                    &format!(
                        "the record (id {}) has {} values, {} has {} indicators",
                        r.id(),
                        r.len(),
                        model_label(model),
                        model.len()
                    ),
                ),
                Ok(r) => {
                    if !sink.record(model, &r).map_err(Failed::Output)? {
                        tally.failed += 1;
                    }
                }
            }
        }
    }
    if pending {
        tally.frames += 1;
        let frame_no = tally.frames;
        tally.reject(
            path,
            frame_no,
            start,
            "truncated: the file ends inside a frame (no 0x00 delimiter)",
        );
    }
    Ok(tally)
}
