//! Text cells, read as `silkscore score` reads a records file (docs/spec.md §7): for data
//! frames whose columns hold text (a CSV read with every column as a string), so that they
//! score, and fail, exactly as the file does with the command.
//!
//! The rules are those of `silkscore_host::records`: a cell is trimmed of white space; an
//! empty cell is a missing value; anything else must be a number as Rust's `f32` parser
//! reads it (`12`, `-0.5`, `1.2345E+03`, `NaN`, `inf`; not `1_000`, `0x10`, `1,5`, `5%`),
//! else the record's status is `parse:<column>`, for the first such column in the frame's
//! order. (Ids are the frame's own business: they are carried, not parsed.)

/// A value cell: `Ok(None)` when empty (missing), `Ok(Some(x))` for a number, `Err(())`
/// when it does not parse.
#[allow(clippy::result_unit_err)]
pub fn parse_value(cell: &str) -> Result<Option<f32>, ()> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse::<f32>().map(Some).map_err(|_| ())
}

/// Parses a column of cells (`None` = null, missing) into values, presence and parse
/// failures, one entry per cell. A cell that fails or is missing has value 0.
pub fn parse_column(cells: &[Option<String>]) -> (Vec<f32>, Vec<bool>, Vec<bool>) {
    let mut values = Vec::with_capacity(cells.len());
    let mut present = Vec::with_capacity(cells.len());
    let mut bad = Vec::with_capacity(cells.len());
    for cell in cells {
        let parsed = cell.as_deref().map_or(Ok(None), parse_value);
        values.push(parsed.ok().flatten().unwrap_or(0.0));
        present.push(matches!(parsed, Ok(Some(_))));
        bad.push(parsed.is_err());
    }
    (values, present, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Every cell spelling of the conformance vectors' records, through the host's records
    /// reader and through `parse_value`: the same value, missing value or failure.
    #[test]
    fn cells_read_as_the_records_reader_reads_them() {
        let cells = [
            "12",
            " 7 ",
            "-0.5",
            "1.2345E+03",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "+3",
            "",
            "   ",
            "abc",
            "n/a",
            "12..5",
            "5%",
            "--3",
            "1e",
            "0x10",
            "1,5",
            "one",
            "+-2",
            "1_000",
            "NaN%",
            "1e39",
            "-0",
            ".5",
            "5.",
            "infinity",
        ];
        let model = silkscore::BRI_CULTURAL_V1.clone();
        let first = model
            .indicators()
            .first()
            .map(|i| i.id.as_str())
            .unwrap_or("");
        for cell in cells {
            let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
            let csv = format!("id,{first}\n1,{quoted}\n");
            let mut reader = silkscore_host::records::RecordsReader::from_reader(
                Cursor::new(csv.into_bytes()),
                "cells.csv",
                &model,
            )
            .unwrap();
            let row = reader.next().unwrap().unwrap();
            let host = row.record.map(|r| r.get(0)).map_err(|_| ());
            let ours = parse_value(cell);
            assert_eq!(
                host.map(|v| v.map(f32::to_bits)),
                ours.map(|v| v.map(f32::to_bits)),
                "cell {cell:?}"
            );
        }
    }

    #[test]
    fn columns_parse_cell_by_cell() {
        let cells = [
            Some("1.5".to_owned()),
            None,
            Some("".to_owned()),
            Some("x".to_owned()),
        ];
        let (v, p, b) = parse_column(&cells);
        assert_eq!(v, [1.5, 0.0, 0.0, 0.0]);
        assert_eq!(p, [true, false, false, false]);
        assert_eq!(b, [false, false, false, true]);
    }
}
