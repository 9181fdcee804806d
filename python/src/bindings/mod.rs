//! The PyO3 module `silkscore._silkscore`: the [`model::Model`] class (loading, verifying,
//! scoring arrays), the weights functions and the sensitivity analysis. The Python package
//! around it (`python/silkscore/`) adds data frames, result classes and the error classes;
//! the stub `python/silkscore/_silkscore.pyi` types this module.

mod arrays;
mod cells;
mod errors;
mod model;
mod sensitivity;
mod weights;

use pyo3::prelude::*;

use crate::scoring;

/// The extension module.
#[pymodule]
fn _silkscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<model::Model>()?;
    m.add_function(wrap_pyfunction!(weights::ahp_weights, m)?)?;
    m.add_function(wrap_pyfunction!(weights::ahp_apply, m)?)?;
    m.add_function(wrap_pyfunction!(weights::equal, m)?)?;
    m.add_function(wrap_pyfunction!(weights::entropy_weights, m)?)?;
    m.add_function(wrap_pyfunction!(weights::critic_weights, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity::analyse, m)?)?;
    m.add_function(wrap_pyfunction!(cells::parse_cells, m)?)?;
    m.add("STATUS_OK", scoring::STATUS_OK)?;
    m.add(
        "STATUS_INSUFFICIENT_DATA",
        scoring::STATUS_INSUFFICIENT_DATA,
    )?;
    m.add("STATUS_NON_FINITE", scoring::STATUS_NON_FINITE)?;
    m.add("STATUS_PARSE", scoring::STATUS_PARSE)?;
    m.add("STATUS_ERROR", scoring::STATUS_ERROR)?;
    m.add("GRADE_NONE", scoring::GRADE_NONE)?;
    m.add("CHUNK", scoring::CHUNK)?;
    m.add("MIN_ROWS_PER_THREAD", scoring::MIN_ROWS_PER_THREAD)?;
    m.add("MAX_INDICATORS", silkscore::model::MAX_INDICATORS)?;
    m.add("FORMAT_VERSION", silkscore::FORMAT_VERSION)?;
    m.add("MAX_SAMPLES", silkscore_host::sensitivity::design::MAX_ROWS)?;
    m.add(
        "MAX_RANK_ENTRIES",
        silkscore_host::sensitivity::MAX_RANK_ENTRIES,
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
