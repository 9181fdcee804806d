//! Text cells of data frames, parsed as `silkscore score` parses a records file
//! ([`crate::cells`]), without the GIL.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Parses a column of text cells (`None` = null): (float32 values, present, failed), three
/// numpy arrays of one entry per cell.
#[pyfunction]
pub(crate) fn parse_cells<'py>(
    py: Python<'py>,
    cells: Vec<Option<String>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let (values, present, bad) = py.detach(|| crate::cells::parse_column(&cells));
    PyTuple::new(
        py,
        [
            PyArray1::from_vec(py, values).into_any(),
            PyArray1::from_vec(py, present).into_any(),
            PyArray1::from_vec(py, bad).into_any(),
        ],
    )
}
