//! The sensitivity analysis (docs/spec.md §7.8), bound thinly: the host's
//! `silkscore_host::sensitivity` does the work without the GIL, and the result comes back as
//! a dict of numpy arrays and plain values that `silkscore/sensitivity.py` turns into its
//! `Analysis`.

use numpy::ndarray::{Array2, Array3};
use numpy::{PyArray1, PyArray2, PyArray3};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use silkscore_host::sensitivity::{
    self, Estimate, ProjectSensitivity, SensitivityError, Settings, SobolIndices, Uncertainty,
    UncertaintyError, CONFIDENCE, MAX_RANK_ENTRIES,
};

use super::errors;
use super::model::{Borrowed, Model};

/// The field an analysis error is about, as the Python arguments name it: `spread` when the
/// default uncertainty is out of range (an uncertainty file is checked when it is parsed).
fn error_field(e: &SensitivityError, from_file: bool) -> Option<&'static str> {
    match e {
        SensitivityError::Uncertainty { field, .. } => {
            Some(if from_file { field } else { "spread" })
        }
        SensitivityError::NoSamples
        | SensitivityError::TooManySamples(_)
        | SensitivityError::TooLarge { .. } => Some("samples"),
        SensitivityError::NoProjects => Some("values"),
        SensitivityError::TooManyInputs(_) | SensitivityError::NothingVaries => Some("uncertainty"),
        _ => None,
    }
}

/// An analysis that cannot run: `row` (0-based, as in `values`) of a project that does not
/// score with the nominal model, `field` of a setting out of range.
fn sensitivity_error(py: Python<'_>, e: &SensitivityError, from_file: bool) -> PyErr {
    let (row, message) = match e {
        SensitivityError::Nominal { index, error } => (
            errors::val(py, *index),
            format!("row {index} does not score with the nominal model: {error}"),
        ),
        _ => (None, e.to_string()),
    };
    errors::raise(
        py,
        "SensitivityError",
        message,
        &[
            ("row", row),
            (
                "field",
                error_field(e, from_file).and_then(|f| errors::val(py, f)),
            ),
        ],
    )
}

/// The key an uncertainty error is about: the one the parser names, or the unknown key of
/// toml's "unknown field `wieghts`, expected one of …".
fn uncertainty_field(e: &UncertaintyError) -> Option<String> {
    e.field.clone().or_else(|| {
        let rest = e.message.split_once("unknown field `")?.1;
        Some(rest.split_once('`')?.0.to_owned())
    })
}

/// An uncertainty file that is refused: `name:line: message`, with `field`, `line` and
/// `path` (the file's path, `None` for text).
fn uncertainty_error(py: Python<'_>, e: &UncertaintyError, path: Option<&str>) -> PyErr {
    let name = path.unwrap_or("<string>");
    let message = match e.line {
        Some(line) => format!("{name}:{line}: {e}"),
        None => format!("{name}: {e}"),
    };
    errors::raise(
        py,
        "SensitivityError",
        message,
        &[
            (
                "field",
                uncertainty_field(e).and_then(|f| errors::val(py, f)),
            ),
            ("line", e.line.and_then(|l| errors::val(py, l))),
            ("path", path.and_then(|p| errors::val(py, p))),
        ],
    )
}

/// (estimate, low, high) of one estimate.
fn triple(e: &Estimate) -> [f64; 3] {
    [e.value, e.low, e.high]
}

/// Groups × (estimate, low, high) of the first-order and total indices of `s`, NaN without.
fn per_group(s: Option<&SobolIndices>, groups: usize) -> (Array2<f64>, Array2<f64>) {
    let mut first = Array2::<f64>::from_elem((groups, 3), f64::NAN);
    let mut total = Array2::<f64>::from_elem((groups, 3), f64::NAN);
    for (k, g) in s
        .map(|s| s.groups.as_slice())
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        for (j, (f, t)) in triple(&g.first)
            .into_iter()
            .zip(triple(&g.total))
            .enumerate()
        {
            if let Some(x) = first.get_mut((k, j)) {
                *x = f;
            }
            if let Some(x) = total.get_mut((k, j)) {
                *x = t;
            }
        }
    }
    (first, total)
}

/// Rank intervals and Sobol indices of the composite (`silkscore_host::sensitivity::analyse`)
/// of the projects in `values`: a dict of per-project arrays, the per-group arrays and the
/// settings used. `uncertainty` is the text of an uncertainty file (`uncertainty_path` its
/// path, for errors), else the weights vary by `spread`; `samples` and `resamples` default
/// as the command's do. `progress(done, total)` is called now and then, with the GIL taken
/// back for the call; its first exception is raised when the analysis returns.
#[pyfunction]
#[pyo3(signature = (model, values, present = None, samples = None, seed = 1, spread = 0.25, uncertainty = None, uncertainty_path = None, resamples = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyse<'py>(
    py: Python<'py>,
    model: &Model,
    values: &Bound<'py, PyAny>,
    present: Option<&Bound<'py, PyAny>>,
    samples: Option<u32>,
    seed: u64,
    spread: f64,
    uncertainty: Option<String>,
    uncertainty_path: Option<String>,
    resamples: Option<u32>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let from_file = uncertainty.is_some();
    let uncertainty = match uncertainty {
        Some(text) => Uncertainty::parse(&text)
            .map_err(|e| uncertainty_error(py, &e, uncertainty_path.as_deref()))?,
        None => Uncertainty::weights(spread),
    };
    let borrowed = Borrowed::extract(values, present)?;
    let input = borrowed.input(py, &model.inner)?;
    let m = &model.inner;
    let projects = input.rows();
    let samples = samples.unwrap_or_else(|| sensitivity::default_samples(projects));
    let settings = Settings {
        samples,
        seed,
        uncertainty,
        resamples: resamples.unwrap_or_else(|| sensitivity::default_resamples(samples, projects)),
    };
    // Refuse what the analysis would refuse before copying the records.
    let entries = u64::from(samples) * projects as u64;
    let early = if projects == 0 {
        Some(SensitivityError::NoProjects)
    } else if samples > 0 && entries > MAX_RANK_ENTRIES {
        Some(SensitivityError::TooLarge {
            entries,
            max_samples: MAX_RANK_ENTRIES / projects as u64,
        })
    } else {
        None
    };
    if let Some(e) = early {
        return Err(sensitivity_error(py, &e, from_file));
    }
    let mut callback_error: Option<PyErr> = None;
    let result = py.detach(|| {
        let records = input.records();
        let mut report = |done: u64, total: u64| {
            if let (Some(cb), None) = (&progress, &callback_error) {
                Python::attach(|py| {
                    if let Err(e) = py.check_signals().and_then(|_| cb.call1(py, (done, total))) {
                        callback_error = Some(e);
                    }
                });
            }
        };
        sensitivity::analyse(m, &records, &settings, &mut report)
    });
    if let Some(e) = callback_error {
        return Err(e);
    }
    let a = result.map_err(|e| sensitivity_error(py, &e, from_file))?;
    let n = a.projects.len();
    let g = a.groups.len();
    // projects × groups × (estimate, 95 % low, 95 % high); NaN for a project without indices
    let mut first = Array3::<f64>::from_elem((n, g, 3), f64::NAN);
    let mut total = Array3::<f64>::from_elem((n, g, 3), f64::NAN);
    let mut variance = vec![f64::NAN; n];
    for (i, p) in a.projects.iter().enumerate() {
        if let Some(s) = &p.sobol {
            let (f, t) = per_group(Some(s), g);
            first.index_axis_mut(numpy::ndarray::Axis(0), i).assign(&f);
            total.index_axis_mut(numpy::ndarray::Axis(0), i).assign(&t);
            if let Some(v) = variance.get_mut(i) {
                *v = s.variance;
            }
        }
    }
    let (mean_first, mean_total) = per_group(a.sobol_mean.as_ref(), g);
    let column =
        |f: fn(&ProjectSensitivity) -> u32| -> Vec<u32> { a.projects.iter().map(f).collect() };
    let d = PyDict::new(py);
    d.set_item(
        "nominal_composite",
        PyArray1::from_vec(py, a.projects.iter().map(|p| p.nominal_composite).collect()),
    )?;
    d.set_item(
        "nominal_rank",
        PyArray1::from_vec(py, column(|p| p.nominal_rank)),
    )?;
    d.set_item(
        "median_rank",
        PyArray1::from_vec(py, column(|p| p.median_rank)),
    )?;
    d.set_item("p5_rank", PyArray1::from_vec(py, column(|p| p.p5_rank)))?;
    d.set_item("p95_rank", PyArray1::from_vec(py, column(|p| p.p95_rank)))?;
    d.set_item(
        "failed_samples",
        PyArray1::from_vec(py, column(|p| p.failed_samples)),
    )?;
    d.set_item(
        "groups",
        a.groups.iter().map(|g| g.input.name()).collect::<Vec<_>>(),
    )?;
    d.set_item("sobol_first", PyArray3::from_owned_array(py, first))?;
    d.set_item("sobol_total", PyArray3::from_owned_array(py, total))?;
    d.set_item("sobol_variance", PyArray1::from_vec(py, variance))?;
    d.set_item("mean_first", PyArray2::from_owned_array(py, mean_first))?;
    d.set_item("mean_total", PyArray2::from_owned_array(py, mean_total))?;
    d.set_item(
        "mean_variance",
        a.sobol_mean.as_ref().map_or(f64::NAN, |s| s.variance),
    )?;
    d.set_item("sobol_projects", a.sobol_projects)?;
    d.set_item("samples", a.settings.samples)?;
    d.set_item("samples_used", a.samples_used)?;
    d.set_item("samples_skipped", a.samples_skipped)?;
    d.set_item("resamples", a.settings.resamples)?;
    d.set_item("seed", a.settings.seed)?;
    d.set_item("confidence", CONFIDENCE)?;
    d.set_item("max_half_width", a.max_half_width())?;
    d.set_item("uncertainty", a.settings.uncertainty.to_string())?;
    Ok(d)
}
