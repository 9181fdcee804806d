//! Evaluating the design: the G + 2 drawn models of each row, and the composites of a block
//! of projects under them. [`design_outputs`] hands the raw evaluations out, for checking the
//! estimators against another tool (SALib: `host/tests/reference/`).

use std::vec;
use std::vec::Vec;

use silkscore::model::Model;
use silkscore::record::Record;
use silkscore::score::Scorer;

use super::design::Design;
use super::uncertainty::{Group, Sampler};
use super::{check, SensitivityError, Settings};

/// The drawn models of design rows and the scoring of projects with them.
pub(super) struct Evaluator<'m> {
    sampler: Sampler<'m>,
    design: Design,
    groups: Vec<Group>,
    a: Vec<f64>,
    b: Vec<f64>,
    x: Vec<f64>,
    models: Vec<Model>,
}

impl<'m> Evaluator<'m> {
    /// The evaluator of `model` under `settings` (already checked).
    pub(super) fn new(model: &'m Model, settings: &Settings) -> Result<Self, SensitivityError> {
        let sampler = Sampler::new(model, settings.uncertainty);
        let groups = sampler.groups().to_vec();
        let inputs = sampler.inputs();
        let design =
            Design::new(inputs, settings.seed).ok_or(SensitivityError::TooManyInputs(inputs))?;
        Ok(Evaluator {
            sampler,
            design,
            models: Vec::with_capacity(groups.len() + 2),
            groups,
            a: vec![0.0; inputs],
            b: vec![0.0; inputs],
            x: vec![0.0; inputs],
        })
    }

    /// The input groups.
    pub(super) fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Values per row and project: f(A), f(B) and one f(A_B^(g)) per group.
    pub(super) fn stride(&self) -> usize {
        self.groups.len() + 2
    }

    /// Draws the models of row `j`: A, B, then A_B^(g) for each group. False when one of them
    /// does not validate.
    fn draw_row(&mut self, j: u32) -> bool {
        self.design.row(j, &mut self.a, &mut self.b);
        self.models.clear();
        for slot in 0..self.stride() {
            let drawn = match slot {
                0 => self.sampler.draw(&self.a),
                1 => self.sampler.draw(&self.b),
                _ => {
                    self.x.copy_from_slice(&self.a);
                    let g = slot - 2;
                    let from: usize = self.groups.iter().take(g).map(|g| g.dims).sum();
                    let to = from + self.groups.get(g).map_or(0, |g| g.dims);
                    if let (Some(dst), Some(src)) = (self.x.get_mut(from..to), self.b.get(from..to))
                    {
                        dst.copy_from_slice(src);
                    }
                    self.sampler.draw(&self.x)
                }
            };
            match drawn {
                Ok(m) => self.models.push(m),
                Err(_) => return false,
            }
        }
        true
    }

    /// Scores the projects `items` under every row of the design still marked `valid` (when
    /// `decide`, a row whose models do not validate is marked invalid; validity depends on
    /// the row alone). Writes, per project, the used rows' values one after the other into
    /// `buf` (`rows` rows of [`stride`](Self::stride) values per project; an unscored
    /// project is NaN) and hands each f(A) to `at_a(used row, project, composite)`. Returns
    /// the rows used; `tick` is called once per row.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn block<T>(
        &mut self,
        items: &[T],
        record: fn(&T) -> &Record,
        valid: &mut [bool],
        decide: bool,
        rows: usize,
        buf: &mut [f32],
        at_a: &mut dyn FnMut(usize, usize, f32),
        tick: &mut dyn FnMut(),
    ) -> usize {
        let stride = self.stride();
        let mut used = 0usize;
        for (j, ok) in valid.iter_mut().enumerate() {
            if !*ok {
                tick();
                continue;
            }
            if !self.draw_row(j as u32) {
                if decide {
                    *ok = false;
                    tick();
                    continue;
                }
                // Unreachable (validity depends on the row alone); kept aligned as unscored.
                self.models.clear();
            }
            for q in 0..items.len() {
                for slot in 0..stride {
                    if let Some(v) = buf.get_mut(q * rows * stride + used * stride + slot) {
                        *v = f32::NAN;
                    }
                }
            }
            for (slot, m) in self.models.iter().enumerate() {
                let scorer = Scorer::new(m);
                for (q, item) in items.iter().enumerate() {
                    let c = scorer.score(record(item)).map_or(f32::NAN, |s| s.composite);
                    if let Some(v) = buf.get_mut(q * rows * stride + used * stride + slot) {
                        *v = c;
                    }
                    if slot == 0 {
                        at_a(used, q, c);
                    }
                }
            }
            used += 1;
            tick();
        }
        used
    }
}

/// Makes the outputs of `width` projects contiguous when only `used` of `rows` rows were
/// used, counts in `failed` each project's draws at A where it could not be scored, and sets
/// every unscored value to 0 (the composite an unscored project counts as). Returns the
/// outputs: `width` projects of `used · stride` values.
pub(super) fn settle<'b>(
    buf: &'b mut [f32],
    width: usize,
    rows: usize,
    used: usize,
    stride: usize,
    failed: &mut [u32],
) -> &'b mut [f32] {
    let per = used * stride;
    if used < rows {
        for q in 1..width {
            buf.copy_within(q * rows * stride..q * rows * stride + per, q * per);
        }
    }
    let outputs = match buf.get_mut(..width * per) {
        Some(o) => o,
        None => return &mut [],
    };
    if per == 0 {
        return outputs;
    }
    for (out, f) in outputs.chunks_exact_mut(per).zip(failed.iter_mut()) {
        let mut unscored = 0u32;
        for (i, v) in out.iter_mut().enumerate() {
            if v.is_nan() {
                if i % stride == 0 {
                    unscored += 1;
                }
                *v = 0.0;
            }
        }
        *f = unscored;
    }
    outputs
}

/// The raw evaluations of the design of an analysis, as its estimators see them.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignOutputs {
    /// The input groups.
    pub groups: Vec<Group>,
    /// The design rows used (rows whose models all validated).
    pub rows: usize,
    /// Per record: `rows` rows of f(A), f(B), then f(A_B^(g)) for each group, the
    /// composites 0–100 (0 where the record could not be scored).
    pub outputs: Vec<Vec<f32>>,
}

/// The evaluations of the design that [`analyse`](super::analyse) would make for these
/// records and settings, without the analysis: for checking the estimators against other
/// tools. Holds records × rows × (G + 2) values; meant for small problems.
///
/// ```
/// use silkscore_host::sensitivity::{design_outputs, Settings, Uncertainty};
/// use silkscore::{Record, BRI_CULTURAL_V1 as M};
/// let r = Record::from_values(1, &[Some(40.0); 18]).unwrap();
/// let s = Settings { samples: 8, uncertainty: Uncertainty::connotation_weights(0.25), ..Settings::DEFAULT };
/// let d = design_outputs(&M, &[r], &s).unwrap();
/// assert_eq!((d.rows, d.outputs[0].len()), (8, 8 * 5));
/// ```
pub fn design_outputs(
    model: &Model,
    records: &[Record],
    settings: &Settings,
) -> Result<DesignOutputs, SensitivityError> {
    check(settings, records.len())?;
    let mut ev = Evaluator::new(model, settings)?;
    let n = settings.samples as usize;
    let stride = ev.stride();
    let mut valid = vec![true; n];
    let mut buf = vec![0f32; records.len() * n * stride];
    let used = ev.block(
        records,
        |r| r,
        &mut valid,
        true,
        n,
        &mut buf,
        &mut |_, _, _| {},
        &mut || {},
    );
    let mut failed = vec![0u32; records.len()];
    let per = used * stride;
    let outputs = settle(&mut buf, records.len(), n, used, stride, &mut failed);
    Ok(DesignOutputs {
        groups: ev.groups().to_vec(),
        rows: used,
        outputs: if per == 0 {
            vec![Vec::new(); records.len()]
        } else {
            outputs.chunks_exact(per).map(<[f32]>::to_vec).collect()
        },
    })
}
