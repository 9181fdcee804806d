//! Weights (docs/spec.md §5) and the sensitivity analysis, bound thinly: the core's
//! `silkscore::weights` and the host's `silkscore_host::sensitivity` do the work, without
//! the GIL; results come back as plain Python values and numpy arrays.

use numpy::ndarray::Array2;
use numpy::{PyArray1, PyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use silkscore::model::Connotation;
use silkscore::weights::{self, ahp, critic, entropy};
use silkscore_host::sensitivity::{self, SensitivityError, Settings, Uncertainty};

use super::errors;
use super::model::{Borrowed, Model};

fn connotation(name: &str) -> PyResult<Connotation> {
    Connotation::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "connotation must be cultural, economic or security, not {name:?}"
            ))
        })
}

fn consistency(require_consistent: bool) -> ahp::Consistency {
    if require_consistent {
        ahp::Consistency::Require
    } else {
        ahp::Consistency::AcceptInconsistent
    }
}

/// AHP weights from the upper triangle of a pairwise-comparison matrix (row-major a12, a13,
/// …, a1n, a23, …): a dict of weights, lambda_max, ci, cr, consistent, iterations.
#[pyfunction]
#[pyo3(signature = (judgments, require_consistent = true))]
pub(crate) fn ahp_weights<'py>(
    py: Python<'py>,
    judgments: Vec<f32>,
    require_consistent: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let w = ahp::ahp(&judgments, consistency(require_consistent))
        .map_err(|e| errors::weights_error(py, &e, None))?;
    let d = PyDict::new(py);
    d.set_item("weights", PyArray1::from_slice(py, w.weights()))?;
    d.set_item("lambda_max", w.lambda_max())?;
    d.set_item("ci", w.ci())?;
    d.set_item("cr", w.cr())?;
    d.set_item("consistent", w.is_consistent())?;
    d.set_item("iterations", w.iterations())?;
    Ok(d)
}

/// `model` with the AHP weights of `judgments` on the indicators of one connotation.
#[pyfunction]
#[pyo3(signature = (model, connotation_name, judgments, require_consistent = true))]
pub(crate) fn ahp_apply(
    py: Python<'_>,
    model: &Model,
    connotation_name: &str,
    judgments: Vec<f32>,
    require_consistent: bool,
) -> PyResult<Model> {
    let c = connotation(connotation_name)?;
    let w = ahp::ahp(&judgments, consistency(require_consistent))
        .map_err(|e| errors::weights_error(py, &e, None))?;
    ahp::apply_to_connotation(&model.inner, c, &w)
        .map(Model::new)
        .map_err(|e| errors::weights_error(py, &e, Some(&model.inner)))
}

/// `model` with every indicator weight 1.
#[pyfunction]
pub(crate) fn equal(py: Python<'_>, model: &Model) -> PyResult<Model> {
    weights::equal(&model.inner)
        .map(Model::new)
        .map_err(|e| errors::weights_error(py, &e, Some(&model.inner)))
}

/// Entropy weights from complete records: a dict of weights, entropies, divergences,
/// fallback (per connotation) and records.
#[pyfunction]
#[pyo3(signature = (model, values, present = None))]
pub(crate) fn entropy_weights<'py>(
    py: Python<'py>,
    model: &Model,
    values: &Bound<'py, PyAny>,
    present: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let borrowed = Borrowed::extract(values, present)?;
    let input = borrowed.input(py, &model.inner)?;
    let m = &model.inner;
    let w = py
        .detach(|| entropy::entropy(m, &input.records()))
        .map_err(|e| errors::weights_error(py, &e, Some(m)))?;
    let d = PyDict::new(py);
    d.set_item("weights", PyArray1::from_slice(py, w.weights()))?;
    d.set_item("entropies", PyArray1::from_slice(py, w.entropies()))?;
    d.set_item("divergences", PyArray1::from_slice(py, w.divergences()))?;
    d.set_item("fallback", Connotation::ALL.map(|c| w.fallback(c)))?;
    d.set_item("records", w.records())?;
    Ok(d)
}

/// CRITIC weights from complete records: a dict of weights, std_devs, conflicts,
/// information, correlation (n × n), fallback and records.
#[pyfunction]
#[pyo3(signature = (model, values, present = None))]
pub(crate) fn critic_weights<'py>(
    py: Python<'py>,
    model: &Model,
    values: &Bound<'py, PyAny>,
    present: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let borrowed = Borrowed::extract(values, present)?;
    let input = borrowed.input(py, &model.inner)?;
    let m = &model.inner;
    let w = py
        .detach(|| critic::critic(m, &input.records()))
        .map_err(|e| errors::weights_error(py, &e, Some(m)))?;
    let n = w.len();
    let mut corr = Array2::<f32>::zeros((n, n));
    for ((j, k), v) in corr.indexed_iter_mut() {
        *v = w.correlation(j, k).unwrap_or(f32::NAN);
    }
    let d = PyDict::new(py);
    d.set_item("weights", PyArray1::from_slice(py, w.weights()))?;
    d.set_item("std_devs", PyArray1::from_slice(py, w.std_devs()))?;
    d.set_item("conflicts", PyArray1::from_slice(py, w.conflicts()))?;
    d.set_item("information", PyArray1::from_slice(py, w.information()))?;
    d.set_item("correlation", PyArray2::from_owned_array(py, corr))?;
    d.set_item("fallback", Connotation::ALL.map(|c| w.fallback(c)))?;
    d.set_item("records", w.records())?;
    Ok(d)
}

fn sensitivity_error(py: Python<'_>, e: &SensitivityError) -> PyErr {
    let row = match e {
        SensitivityError::Nominal { index, .. } => errors::val(py, *index),
        _ => None,
    };
    errors::raise(py, "SensitivityError", e.to_string(), &[("row", row)])
}

/// Monte Carlo rank intervals and Sobol indices of the composite (see
/// `silkscore_host::sensitivity`): a dict of per-project arrays and summary values.
/// `progress(done, total)` is called now and then, with the GIL taken back for the call.
#[pyfunction]
#[pyo3(signature = (model, values, present = None, samples = None, seed = 1, spread = 0.25, uncertainty = None, resamples = None, progress = None))]
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
    resamples: Option<u32>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let borrowed = Borrowed::extract(values, present)?;
    let input = borrowed.input(py, &model.inner)?;
    let m = &model.inner;
    let uncertainty = match uncertainty {
        Some(text) => Uncertainty::parse(&text).map_err(|e| {
            errors::raise(
                py,
                "SensitivityError",
                e.to_string(),
                &[
                    ("field", e.field.clone().and_then(|f| errors::val(py, f))),
                    ("line", e.line.and_then(|l| errors::val(py, l))),
                ],
            )
        })?,
        None => Uncertainty::weights(spread),
    };
    let projects = input.rows();
    let samples = samples.unwrap_or_else(|| sensitivity::default_samples(projects));
    let settings = Settings {
        samples,
        seed,
        uncertainty,
        resamples: resamples.unwrap_or_else(|| sensitivity::default_resamples(samples, projects)),
    };
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
    let a = result.map_err(|e| sensitivity_error(py, &e))?;
    let n = a.projects.len();
    let g = a.groups.len();
    // projects × groups × (estimate, 95 % low, 95 % high)
    let mut first = numpy::ndarray::Array3::<f64>::from_elem((n, g, 3), f64::NAN);
    let mut total = numpy::ndarray::Array3::<f64>::from_elem((n, g, 3), f64::NAN);
    let mut variance = vec![f64::NAN; n];
    for (i, p) in a.projects.iter().enumerate() {
        if let Some(s) = &p.sobol {
            for (k, gi) in s.groups.iter().enumerate() {
                for (j, (f, t)) in [
                    (gi.first.value, gi.total.value),
                    (gi.first.low, gi.total.low),
                    (gi.first.high, gi.total.high),
                ]
                .into_iter()
                .enumerate()
                {
                    if let Some(x) = first.get_mut((i, k, j)) {
                        *x = f;
                    }
                    if let Some(x) = total.get_mut((i, k, j)) {
                        *x = t;
                    }
                }
            }
            if let Some(v) = variance.get_mut(i) {
                *v = s.variance;
            }
        }
    }
    let column = |f: fn(&sensitivity::ProjectSensitivity) -> u32| -> Vec<u32> {
        a.projects.iter().map(f).collect()
    };
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
    d.set_item("sobol_first", numpy::PyArray3::from_owned_array(py, first))?;
    d.set_item("sobol_total", numpy::PyArray3::from_owned_array(py, total))?;
    d.set_item(
        "groups",
        a.groups.iter().map(|g| g.input.name()).collect::<Vec<_>>(),
    )?;
    d.set_item("sobol_variance", PyArray1::from_vec(py, variance))?;
    d.set_item("samples_used", a.samples_used)?;
    d.set_item("samples_skipped", a.samples_skipped)?;
    d.set_item("samples", a.settings.samples)?;
    d.set_item("resamples", a.settings.resamples)?;
    d.set_item("max_half_width", a.max_half_width())?;
    let triple = |e: &sensitivity::Estimate| (e.value, e.low, e.high);
    d.set_item(
        "sobol_mean",
        a.sobol_mean.as_ref().map(|s| {
            (
                s.groups
                    .iter()
                    .map(|g| triple(&g.first))
                    .collect::<Vec<_>>(),
                s.groups
                    .iter()
                    .map(|g| triple(&g.total))
                    .collect::<Vec<_>>(),
                s.variance,
            )
        }),
    )?;
    d.set_item("sobol_projects", a.sobol_projects)?;
    Ok(d)
}
