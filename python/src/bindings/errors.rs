//! Raising the package's exceptions. The classes live in Python (`silkscore/errors.py`), with
//! their attributes and docstrings; the extension builds them by name.

use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use silkscore::model::ModelError;
use silkscore::signed::VerifyError;
use silkscore::weights::WeightsError;
use silkscore::wire::DecodeError;
use silkscore_host::HostError;

use crate::input::InputError;

/// An instance of `silkscore.errors.<class>(message, **attributes)` as a `PyErr`.
pub(crate) fn raise(
    py: Python<'_>,
    class: &str,
    message: impl Into<String>,
    attributes: &[(&str, Option<Bound<'_, PyAny>>)],
) -> PyErr {
    let message = message.into();
    let build = || -> PyResult<PyErr> {
        let cls = py.import("silkscore.errors")?.getattr(class)?;
        let kwargs = PyDict::new(py);
        for (k, v) in attributes {
            kwargs.set_item(*k, v)?;
        }
        Ok(PyErr::from_value(
            cls.call((message.as_str(),), Some(&kwargs))?,
        ))
    };
    // The package itself is broken if the class cannot be built: say so, with the message.
    build().unwrap_or_else(|e| {
        PyTypeError::new_err(format!(
            "{message} (silkscore.errors.{class} unavailable: {e})"
        ))
    })
}

/// A Python value for an error attribute.
pub(crate) fn val<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> Option<Bound<'py, PyAny>> {
    v.into_bound_py_any(py).ok()
}

use pyo3::IntoPyObjectExt;

/// The field of a model validation error as a model file spells it (`indicator[3].hi`).
fn model_field(e: &ModelError) -> String {
    e.field.to_string()
}

/// A model that does not validate.
pub(crate) fn model_error(py: Python<'_>, e: &ModelError, path: Option<&str>) -> PyErr {
    let message = match path {
        Some(p) => format!("{p}: {e}"),
        None => e.to_string(),
    };
    raise(
        py,
        "ModelError",
        message,
        &[
            ("field", val(py, model_field(e))),
            ("reason", val(py, e.reason)),
            ("path", path.and_then(|p| val(py, p))),
        ],
    )
}

/// A model file that cannot be read or does not describe a valid model.
pub(crate) fn host_error(py: Python<'_>, e: HostError) -> PyErr {
    match &e {
        HostError::Io { path, source } => {
            let path = path.display().to_string();
            let errno = source.raw_os_error().unwrap_or(0);
            // OSError(errno, strerror, filename) picks the subclass (FileNotFoundError, …).
            PyOSError::new_err((errno, source.to_string(), path))
        }
        HostError::Model {
            path,
            line,
            field,
            message,
        } => raise(
            py,
            "ModelError",
            e.to_string(),
            &[
                ("field", field.as_deref().and_then(|f| val(py, f))),
                ("reason", val(py, message.as_str())),
                ("path", val(py, path.display().to_string())),
                ("line", line.and_then(|l| val(py, l))),
            ],
        ),
        HostError::Records {
            path,
            line,
            message,
        } => raise(
            py,
            "InputError",
            e.to_string(),
            &[
                ("field", val(py, path.display().to_string())),
                ("row", line.and_then(|l| val(py, l))),
                ("reason", val(py, message.as_str())),
            ],
        ),
        // HostError is non-exhaustive: anything new is still an error about a file.
        _ => raise(py, "SilkscoreError", e.to_string(), &[]),
    }
}

/// Bytes that are not a valid model message.
pub(crate) fn decode_error(py: Python<'_>, e: &DecodeError) -> PyErr {
    match e {
        DecodeError::InvalidModel(m) => model_error(py, m, None),
        other => raise(
            py,
            "ModelError",
            format!("not a model message: {other}"),
            &[("reason", val(py, other.as_str()))],
        ),
    }
}

/// The kind of a verification error, as a short snake_case word.
fn verify_kind(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::EnvelopeMalformed => "malformed",
        VerifyError::EnvelopeTruncated => "truncated",
        VerifyError::EnvelopeTooLong => "too_long",
        VerifyError::UntrustedKey => "untrusted_key",
        VerifyError::BadSignature => "bad_signature",
        VerifyError::Rollback { .. } => "rollback",
        VerifyError::Model(_) => "invalid_model",
        VerifyError::InvalidKey => "invalid_key",
        _ => "other",
    }
}

/// An envelope that does not verify.
pub(crate) fn verify_error(py: Python<'_>, e: &VerifyError) -> PyErr {
    let field = match e {
        VerifyError::Model(DecodeError::InvalidModel(m)) => val(py, model_field(m)),
        _ => None,
    };
    let (running, found) = match e {
        VerifyError::Rollback { running, found } => (val(py, *running), val(py, *found)),
        _ => (None, None),
    };
    raise(
        py,
        "VerifyError",
        e.to_string(),
        &[
            ("kind", val(py, verify_kind(e))),
            ("field", field),
            ("running", running),
            ("revision", found),
        ],
    )
}

/// Weights that cannot be computed; `ids` names the indicators of the model.
pub(crate) fn weights_error(
    py: Python<'_>,
    e: &WeightsError,
    model: Option<&silkscore::model::Model>,
) -> PyErr {
    let id = |i: u8| {
        model
            .and_then(|m| m.indicators().get(usize::from(i)))
            .map(|ind| ind.id.as_str().to_owned())
            .unwrap_or_else(|| format!("indicator {i}"))
    };
    let (row, field, message) = match e {
        WeightsError::IncompleteRecord { record, indicator } => (
            val(py, *record),
            val(py, id(*indicator)),
            format!(
                "{} (row {record}, {}: missing or not finite)",
                e.as_str(),
                id(*indicator)
            ),
        ),
        WeightsError::InvalidJudgment { index } => {
            (None, val(py, format!("judgments[{index}]")), e.to_string())
        }
        WeightsError::InvalidModel(m) => (None, val(py, model_field(m)), e.to_string()),
        _ => (None, None, e.to_string()),
    };
    let cr = match e {
        WeightsError::Inconsistent { cr } => val(py, *cr),
        _ => None,
    };
    raise(
        py,
        "WeightsError",
        message,
        &[
            ("row", row),
            ("field", field),
            ("reason", val(py, e.as_str())),
            ("cr", cr),
        ],
    )
}

/// Values that do not fit the model.
pub(crate) fn input_error(py: Python<'_>, e: &InputError, field: &str) -> PyErr {
    let (expected, found) = match e {
        InputError::Width { expected, found }
        | InputError::Length {
            expected, found, ..
        } => (val(py, *expected), val(py, *found)),
        _ => (None, None),
    };
    raise(
        py,
        "InputError",
        format!("{field}: {e}"),
        &[
            ("field", val(py, field)),
            ("expected", expected),
            ("found", found),
        ],
    )
}
