//! Weights (docs/spec.md §5), bound thinly: the core's `silkscore::weights` does the work,
//! without the GIL; results come back as plain Python values and numpy arrays.

use numpy::ndarray::Array2;
use numpy::{PyArray1, PyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use silkscore::model::Connotation;
use silkscore::weights::{self, ahp, critic, entropy};

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
