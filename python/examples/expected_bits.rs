//! The exact bits the native library gives for a records file, for the Python package's
//! bit-identity tests (`python/tests/test_vectors.py`).
//!
//! ```sh
//! cargo run -p silkscore-python --example expected_bits -- MODEL RECORDS OUT
//! ```
//!
//! `MODEL` is a TOML model file or `default`. The records file is read by the host's records
//! reader and every row is scored by `score_row_with`, exactly as `silkscore score` does; one
//! line per row is written to `OUT`:
//!
//! `id,status,v0,…,v{m-1},cultural,economic,security,composite,bp0,bp1,bp2,bp3,grade,cov0,cov1,cov2`
//!
//! with every f32 as the 8 hex digits of its bits, a missing value (or any value of a row
//! that did not parse) empty, and the scores, basis points and grade empty for a row that
//! was not scored (status as `silkscore score` prints it).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use silkscore::score::Scorer;
use silkscore_host::records::RecordsReader;
use silkscore_host::scoring::score_row_with;

fn bits(x: f32) -> String {
    format!("{:08x}", x.to_bits())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, records, out] = args.as_slice() else {
        return Err("usage: expected_bits MODEL|default RECORDS OUT".into());
    };
    let model = if model == "default" {
        silkscore::BRI_CULTURAL_V1.clone()
    } else {
        silkscore_host::model_file::load(Path::new(model))?
    };
    let m = model.len();
    let scorer = Scorer::new(&model);
    let reader = RecordsReader::open(Path::new(records), &model)?;
    let mut text = String::from("id,status");
    for j in 0..m {
        write!(text, ",v{j}")?;
    }
    text.push_str(",cultural,economic,security,composite,bp0,bp1,bp2,bp3,grade,cov0,cov1,cov2\n");
    for row in reader {
        let row = row?;
        let outcome = score_row_with(&scorer, &row.record);
        write!(
            text,
            "\"{}\",{}",
            row.id.replace('"', "\"\""),
            outcome.status()
        )?;
        for j in 0..m {
            let v = row.record.as_ref().ok().and_then(|r| r.get(j));
            write!(text, ",{}", v.map(bits).unwrap_or_default())?;
        }
        match &outcome.result {
            Ok(s) => {
                for v in s.values() {
                    write!(text, ",{}", bits(v))?;
                }
                for b in s.basis_points {
                    write!(text, ",{b}")?;
                }
                write!(text, ",{}", s.grade.as_str())?;
            }
            Err(_) => text.push_str(",,,,,,,,,"),
        }
        for c in outcome.coverage.unwrap_or([f32::NAN; 3]) {
            write!(text, ",{}", bits(c))?;
        }
        text.push('\n');
    }
    std::fs::File::create(out)?.write_all(text.as_bytes())?;
    Ok(())
}
