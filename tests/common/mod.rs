//! Test-only readers for the conformance vectors (TOML models, CSV records), written against
//! the public library API and independent of the host tool's own readers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use silkscore::{
    Aggregation, Connotation, Direction, Indicator, Model, ModelParams, Record, Transform,
};

pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    name: Option<String>,
    within: String,
    across: String,
    floor: f32,
    min_coverage: f32,
    grades: Vec<f32>,
    weights: Weights,
    #[serde(default)]
    indicator: Vec<IndicatorFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Weights {
    cultural: f32,
    economic: f32,
    security: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    id: String,
    connotation: String,
    direction: String,
    transform: String,
    lo: f32,
    hi: f32,
    weight: f32,
}

/// Loads a model file; any failure is an `Err(String)`.
pub fn load_model(path: &Path) -> Result<Model, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let f: ModelFile = toml::from_str(&text).map_err(|e| e.to_string())?;
    let agg = |s: &str| Aggregation::parse(s).ok_or_else(|| format!("aggregation {s}"));
    if f.grades.len() != 4 {
        return Err("grades".into());
    }
    let params = ModelParams {
        within: agg(&f.within)?,
        across: agg(&f.across)?,
        floor: f.floor,
        min_coverage: f.min_coverage,
        grades: [f.grades[0], f.grades[1], f.grades[2], f.grades[3]],
        weights: [f.weights.cultural, f.weights.economic, f.weights.security],
    };
    let mut inds = Vec::new();
    for i in &f.indicator {
        let c = Connotation::parse(&i.connotation).ok_or("connotation")?;
        let d = Direction::parse(&i.direction).ok_or("direction")?;
        let t = Transform::parse(&i.transform).ok_or("transform")?;
        if i.id.len() > 32 {
            return Err("id too long".into());
        }
        inds.push(Indicator::new(&i.id, c, d, t, i.lo, i.hi).with_weight(i.weight));
    }
    Model::new(f.name.as_deref().unwrap_or(""), params, &inds).map_err(|e| e.to_string())
}

/// One parsed row: the record, or the column whose cell did not parse.
pub struct Row {
    pub id: String,
    pub record: Result<Record, String>,
}

/// Reads a records CSV for `model` (docs/spec.md §7, §8).
pub fn load_records(path: &Path, model: &Model) -> Vec<Row> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let headers: Vec<String> = rdr
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let pos: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let id_col = pos["id"];
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let id_s = rec.get(id_col).unwrap_or("").trim().to_string();
        if rec.len() != headers.len() {
            rows.push(Row {
                id: id_s,
                record: Err("fields".into()),
            });
            continue;
        }
        // parse: first unparseable cell in file column order
        let mut values: Vec<Option<f32>> = vec![None; model.len()];
        let mut err = None;
        for (col, h) in headers.iter().enumerate() {
            let cell = rec.get(col).unwrap().trim();
            if col == id_col {
                if cell.parse::<u32>().is_err() {
                    err = Some("id".to_string());
                    break;
                }
                continue;
            }
            if let Some(k) = model.position(h) {
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f32>() {
                    Ok(v) => values[k] = Some(v),
                    Err(_) => {
                        err = Some(h.clone());
                        break;
                    }
                }
            }
        }
        let record = match err {
            Some(e) => Err(e),
            None => Ok(Record::from_values(id_s.parse().unwrap(), &values).unwrap()),
        };
        rows.push(Row { id: id_s, record });
    }
    rows
}

/// One expected row of a `*_expected.csv`.
pub struct Expected {
    pub id: String,
    pub values: Option<[f64; 4]>,
    pub grade: String,
    pub status: String,
}

pub fn load_expected(path: &Path) -> Vec<Expected> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let v: Vec<Option<f64>> = (1..5).map(|i| r[i].parse().ok()).collect();
            Expected {
                id: r[0].to_string(),
                values: if v.iter().all(Option::is_some) {
                    Some([v[0].unwrap(), v[1].unwrap(), v[2].unwrap(), v[3].unwrap()])
                } else {
                    None
                },
                grade: r[5].to_string(),
                status: r[6].to_string(),
            }
        })
        .collect()
}

/// The status string of docs/spec.md §7 for a scoring error.
pub fn status_of(model: &Model, e: &silkscore::ScoreError) -> String {
    match e {
        silkscore::ScoreError::NonFiniteValue { indicator } => {
            format!("non_finite:{}", model.indicators()[*indicator as usize].id)
        }
        silkscore::ScoreError::InsufficientData { connotation } => {
            format!("insufficient_data:{}", connotation.as_str())
        }
        other => format!("other:{other}"),
    }
}
