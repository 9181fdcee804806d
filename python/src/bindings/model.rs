//! `silkscore._silkscore.Model`: a validated model, and scoring arrays with it.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use silkscore::model::Model as CoreModel;
use silkscore::score::Scorer;
use silkscore::signed;
use silkscore::wire;

use super::arrays::{Column, ColumnMask, Mask, Matrix, OutArrays, Outputs};
use super::errors;
use crate::input::{Floats, Input, Layout, Presence};

/// A validated scoring model (docs/spec.md §3). Immutable; shared freely between threads.
#[pyclass(frozen, eq, module = "silkscore._silkscore", name = "Model")]
#[derive(Clone)]
pub struct Model {
    pub(crate) inner: CoreModel,
    revision: Option<u32>,
}

/// Two models are equal when they are the same model, whatever revision vouched for them.
impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Model {
    pub(crate) fn new(inner: CoreModel) -> Self {
        Model {
            inner,
            revision: None,
        }
    }
}

/// The values (and presence) of a call, borrowed from numpy, turned into an [`Input`].
pub(crate) struct Borrowed<'py> {
    values: Matrix<'py>,
    present: Option<Mask<'py>>,
}

impl<'py> Borrowed<'py> {
    /// Borrows a 2-D values array and an optional presence mask of the same shape.
    pub(crate) fn extract(
        values: &Bound<'py, PyAny>,
        present: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let values = Matrix::extract(values, "values")?;
        let present = match present {
            Some(p) if !p.is_none() => Some(Mask::extract(p, values.shape())?),
            _ => None,
        };
        Ok(Borrowed { values, present })
    }

    /// The input for `model` (errors name `values` / `present`). NaN is missing only when
    /// there is no presence mask.
    pub(crate) fn input(&self, py: Python<'_>, model: &CoreModel) -> PyResult<Input<'_>> {
        let (rows, cols) = self.values.shape();
        if cols != model.len() {
            return Err(errors::raise(
                py,
                "InputError",
                format!(
                    "values: {cols} columns, but the model has {} indicators \
                     (one column per indicator, in model order)",
                    model.len()
                ),
                &[
                    ("field", errors::val(py, "values")),
                    ("expected", errors::val(py, model.len())),
                    ("found", errors::val(py, cols)),
                ],
            ));
        }
        let presence = self.present.as_ref().map_or(Presence::All, Mask::presence);
        Input::new(
            rows,
            cols,
            self.values.layout(),
            presence,
            self.present.is_none(),
        )
        .map_err(|e| errors::input_error(py, &e, "values"))
    }
}

/// Scores `input` into numpy arrays allocated here, with the GIL released while scoring.
fn score_input<'py>(
    py: Python<'py>,
    model: &CoreModel,
    input: &Input<'_>,
    threads: Option<usize>,
    coverage: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    score_input_into(
        py,
        model,
        input,
        threads,
        Outputs::new(py, input.rows(), coverage),
    )
}

/// Scores `input` into `outputs` (new arrays, or a caller's to reuse), with the GIL released
/// while scoring.
fn score_input_into<'py>(
    py: Python<'py>,
    model: &CoreModel,
    input: &Input<'_>,
    threads: Option<usize>,
    outputs: Outputs<'py>,
) -> PyResult<Bound<'py, PyTuple>> {
    {
        let mut writable = outputs.writable()?;
        let slices = writable.slices()?;
        let threads = threads.unwrap_or(0);
        py.detach(|| crate::scoring::score_into(&Scorer::new(model), input, threads, slices))
            .map_err(|e| errors::input_error(py, &e, "values"))?;
    }
    outputs.into_tuple(py)
}

#[pymethods]
impl Model {
    /// The built-in model `bri-cultural-v1` (docs/spec.md §2).
    #[staticmethod]
    fn default() -> Self {
        Model::new(silkscore::BRI_CULTURAL_V1.clone())
    }

    /// Parses the text of a TOML model file (docs/spec.md §7); `source` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, source = "<string>"))]
    fn from_toml_text(py: Python<'_>, text: &str, source: &str) -> PyResult<Self> {
        silkscore_host::model_file::parse(text, source)
            .map(Model::new)
            .map_err(|e| errors::host_error(py, e))
    }

    /// Reads a TOML model file.
    #[staticmethod]
    fn load_toml(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        silkscore_host::model_file::load(&path)
            .map(Model::new)
            .map_err(|e| errors::host_error(py, e))
    }

    /// Decodes a compiled model: the wire-format model message (docs/spec.md §6).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        wire::decode_model(data)
            .map(Model::new)
            .map_err(|e| errors::decode_error(py, &e))
    }

    /// Verifies a signed model envelope (docs/spec.md §6.5) against a trusted Ed25519 public
    /// key (32 bytes), accepting revisions from `min_revision` on.
    #[staticmethod]
    fn verify(
        py: Python<'_>,
        envelope: &[u8],
        public_key: &[u8],
        min_revision: u32,
    ) -> PyResult<Self> {
        let key: [u8; signed::PUBLIC_KEY_LEN] = public_key.try_into().map_err(|_| {
            errors::raise(
                py,
                "VerifyError",
                format!(
                    "public_key: an Ed25519 public key is {} bytes, not {}",
                    signed::PUBLIC_KEY_LEN,
                    public_key.len()
                ),
                &[
                    ("kind", errors::val(py, "invalid_key")),
                    ("field", errors::val(py, "public_key")),
                ],
            )
        })?;
        let trusted = signed::verifying_key(&key).map_err(|e| errors::verify_error(py, &e))?;
        let running = min_revision.saturating_sub(1);
        let update = signed::verify(envelope, &trusted, running)
            .map_err(|e| errors::verify_error(py, &e))?;
        Ok(Model {
            inner: update.model,
            revision: Some(update.revision),
        })
    }

    /// Signs this model as revision `revision` with an Ed25519 secret key (32 bytes): the
    /// envelope a kiosk verifies.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        secret_key: &[u8],
        revision: u32,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let key: [u8; 32] = secret_key.try_into().map_err(|_| {
            PyValueError::new_err(format!(
                "secret_key: an Ed25519 secret key is 32 bytes, not {}",
                secret_key.len()
            ))
        })?;
        let key = signed::SigningKey::from_bytes(&key);
        let mut buf = [0u8; signed::ENVELOPE_MAX_SIZE];
        let envelope = signed::sign_model(&self.inner, revision, &key, &mut buf)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, envelope))
    }

    /// The Ed25519 public key (32 bytes) of a secret key, to hand to kiosks.
    #[staticmethod]
    fn public_key<'py>(py: Python<'py>, secret_key: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let key: [u8; 32] = secret_key.try_into().map_err(|_| {
            PyValueError::new_err(format!(
                "secret_key: an Ed25519 secret key is 32 bytes, not {}",
                secret_key.len()
            ))
        })?;
        let public = signed::SigningKey::from_bytes(&key).verifying_key();
        Ok(PyBytes::new(py, public.as_bytes()))
    }

    /// The compiled model: its wire-format model message.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &wire::to_vec(&self.inner))
    }

    /// The model as the text of a TOML model file.
    fn to_toml(&self) -> String {
        silkscore_host::model_file::to_toml(&self.inner)
    }

    /// The model's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The fingerprint (docs/spec.md §6.2), a 32-bit unsigned integer.
    #[getter]
    fn fingerprint(&self) -> u32 {
        self.inner.fingerprint()
    }

    /// The revision of a model that came from a verified envelope, else None.
    #[getter]
    fn revision(&self) -> Option<u32> {
        self.revision
    }

    /// The indicators in model order: (id, connotation, direction, transform, lo, hi, weight).
    #[getter]
    fn indicators(
        &self,
    ) -> Vec<(
        String,
        &'static str,
        &'static str,
        &'static str,
        f32,
        f32,
        f32,
    )> {
        self.inner
            .indicators()
            .iter()
            .map(|i| {
                (
                    i.id.as_str().to_owned(),
                    i.connotation.as_str(),
                    i.direction.as_str(),
                    i.transform.as_str(),
                    i.lo,
                    i.hi,
                    i.weight,
                )
            })
            .collect()
    }

    /// (within, across, floor, min_coverage, grades, connotation weights).
    #[getter]
    #[allow(clippy::type_complexity)]
    fn params(&self) -> (&'static str, &'static str, f32, f32, [f32; 4], [f32; 3]) {
        let p = self.inner.params();
        (
            p.within.as_str(),
            p.across.as_str(),
            p.floor,
            p.min_coverage,
            p.grades,
            p.weights,
        )
    }

    /// A copy with new indicator weights (in model order), validated again.
    fn with_indicator_weights(&self, py: Python<'_>, weights: Vec<f32>) -> PyResult<Self> {
        self.inner
            .with_indicator_weights(&weights)
            .map(Model::new)
            .map_err(|e| errors::model_error(py, &e, None))
    }

    /// The status string of a status code (`ok`, `non_finite:ID`, `insufficient_data:C`).
    fn status_text(&self, code: u8) -> PyResult<String> {
        crate::scoring::status_text(&self.inner, code).ok_or_else(|| {
            PyValueError::new_err(format!("{code} is not a status code of this model"))
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Model(name={:?}, indicators={}, fingerprint=0x{:08x})",
            self.inner.name(),
            self.inner.len(),
            self.inner.fingerprint()
        )
    }

    /// Scores the rows of a 2-D array (rows = records, columns = indicators in model order)
    /// and returns the output arrays (`out`'s, written in place, when given: the arrays of
    /// an earlier result, coverage included or not); see `silkscore.Model.score`.
    #[pyo3(signature = (values, present = None, threads = None, coverage = false, out = None))]
    fn score_rows<'py>(
        &self,
        py: Python<'py>,
        values: &Bound<'py, PyAny>,
        present: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
        coverage: bool,
        out: Option<OutArrays<'py>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let borrowed = Borrowed::extract(values, present)?;
        let input = borrowed.input(py, &self.inner)?;
        match out {
            Some(arrays) => {
                score_input_into(py, &self.inner, &input, threads, Outputs::reuse(arrays))
            }
            None => score_input(py, &self.inner, &input, threads, coverage),
        }
    }

    /// Scores one 1-D array per indicator (in model order), each with an optional presence
    /// array and whether a NaN in it is missing; see `silkscore.Model.score_frame`.
    #[pyo3(signature = (columns, present, nan_missing, threads = None, coverage = false))]
    fn score_columns<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<Bound<'py, PyAny>>,
        present: Vec<Option<Bound<'py, PyAny>>>,
        nan_missing: Vec<bool>,
        threads: Option<usize>,
        coverage: bool,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let ids: Vec<&str> = self
            .inner
            .indicators()
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        let name = |j: usize| ids.get(j).copied().unwrap_or("column").to_owned();
        let held: Vec<Column<'py>> = columns
            .iter()
            .enumerate()
            .map(|(j, c)| Column::extract(c, &name(j)))
            .collect::<PyResult<_>>()?;
        let masks: Vec<Option<ColumnMask<'py>>> = present
            .iter()
            .enumerate()
            .map(|(j, p)| match p {
                Some(p) if !p.is_none() => {
                    ColumnMask::extract(p, &format!("present[{}]", name(j))).map(Some)
                }
                _ => Ok(None),
            })
            .collect::<PyResult<_>>()?;
        let rows = held.first().and_then(Column::floats).map_or(0, |f| f.len());
        let floats: Vec<Floats<'_>> = held
            .iter()
            .map(|c| c.floats().unwrap_or(Floats::F32(&[])))
            .collect();
        let flags: Vec<Option<&[bool]>> = masks
            .iter()
            .map(|m| m.as_ref().map(ColumnMask::flags))
            .collect();
        let input = Input::new(
            rows,
            self.inner.len(),
            Layout::Columns(floats),
            Presence::Columns(flags),
            false,
        )
        .map_err(|e| errors::input_error(py, &e, "columns"))?
        .with_nan_missing(
            nan_missing
                .iter()
                .enumerate()
                .take(32)
                .fold(0, |m, (j, nan)| m | (u32::from(*nan) << j)),
        );
        score_input(py, &self.inner, &input, threads, coverage)
    }
}
