//! numpy arrays in, numpy arrays out. Inputs are borrowed read-only where they lie (a
//! C- or Fortran-contiguous `float32`/`float64` array, or one 1-D array per column); outputs
//! are numpy arrays, filled in place without the GIL.

use numpy::{
    PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray1,
    PyReadwriteArray2, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::input::{Floats, Layout, Presence};
use crate::scoring::Slices;

/// What kind of array `obj` is, for error messages.
fn describe(obj: &Bound<'_, PyAny>) -> String {
    match obj.cast::<PyUntypedArray>() {
        Ok(a) => format!(
            "a {}-D array of {}{}",
            a.ndim(),
            a.dtype(),
            if a.is_c_contiguous() || a.is_fortran_contiguous() {
                ""
            } else {
                " (not contiguous)"
            }
        ),
        Err(_) => obj
            .get_type()
            .name()
            .map_or_else(|_| "an object".to_owned(), |n| n.to_string()),
    }
}

fn type_error(obj: &Bound<'_, PyAny>, what: &str, wanted: &str) -> PyErr {
    PyTypeError::new_err(format!("{what} must be {wanted}, not {}", describe(obj)))
}

/// A borrowed 2-D float array.
pub(crate) enum Matrix<'py> {
    F32(PyReadonlyArray2<'py, f32>),
    F64(PyReadonlyArray2<'py, f64>),
}

impl<'py> Matrix<'py> {
    /// Borrows `obj`, a C- or Fortran-contiguous 2-D `float32` or `float64` array.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        let wanted = "a C- or Fortran-contiguous 2-D numpy array of float32 or float64";
        let m = if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, f32>>() {
            Matrix::F32(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray2<'py, f64>>() {
            Matrix::F64(a)
        } else {
            return Err(type_error(obj, what, wanted));
        };
        if m.slice().is_none() {
            return Err(type_error(obj, what, wanted));
        }
        Ok(m)
    }

    /// (rows, columns).
    pub(crate) fn shape(&self) -> (usize, usize) {
        let s = match self {
            Matrix::F32(a) => a.shape(),
            Matrix::F64(a) => a.shape(),
        };
        (
            s.first().copied().unwrap_or(0),
            s.get(1).copied().unwrap_or(0),
        )
    }

    /// Column-major (and not also row-major, as a single row or column is).
    fn fortran(&self) -> bool {
        let (c, f) = match self {
            Matrix::F32(a) => (a.is_c_contiguous(), a.is_fortran_contiguous()),
            Matrix::F64(a) => (a.is_c_contiguous(), a.is_fortran_contiguous()),
        };
        f && !c
    }

    fn slice(&self) -> Option<Floats<'_>> {
        match self {
            Matrix::F32(a) => a.as_slice().ok().map(Floats::F32),
            Matrix::F64(a) => a.as_slice().ok().map(Floats::F64),
        }
    }

    /// The values as a layout, read in place.
    pub(crate) fn layout(&self) -> Layout<'_> {
        let floats = self.slice().unwrap_or(Floats::F32(&[]));
        if self.fortran() {
            Layout::Fortran(floats)
        } else {
            Layout::Rows(floats)
        }
    }
}

/// A borrowed 2-D boolean mask.
pub(crate) struct Mask<'py>(PyReadonlyArray2<'py, bool>);

impl<'py> Mask<'py> {
    /// Borrows `obj`, a contiguous 2-D bool array of `shape`.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, shape: (usize, usize)) -> PyResult<Self> {
        let wanted = "a C- or Fortran-contiguous 2-D numpy array of bool";
        let a = obj
            .extract::<PyReadonlyArray2<'py, bool>>()
            .map_err(|_| type_error(obj, "present", wanted))?;
        if a.as_slice().is_err() {
            return Err(type_error(obj, "present", wanted));
        }
        let s = a.shape();
        let found = (
            s.first().copied().unwrap_or(0),
            s.get(1).copied().unwrap_or(0),
        );
        if found != shape {
            return Err(crate::bindings::errors::raise(
                obj.py(),
                "InputError",
                format!("present: shape {found:?} differs from the values' shape {shape:?}"),
                &[("field", crate::bindings::errors::val(obj.py(), "present"))],
            ));
        }
        Ok(Mask(a))
    }

    /// The mask as a presence, read in place.
    pub(crate) fn presence(&self) -> Presence<'_> {
        let s = self.0.as_slice().unwrap_or(&[]);
        if self.0.is_fortran_contiguous() && !self.0.is_c_contiguous() {
            Presence::Fortran(s)
        } else {
            Presence::Rows(s)
        }
    }
}

/// A borrowed 1-D float column.
pub(crate) enum Column<'py> {
    F32(PyReadonlyArray1<'py, f32>),
    F64(PyReadonlyArray1<'py, f64>),
}

impl<'py> Column<'py> {
    /// Borrows `obj`, a contiguous 1-D `float32` or `float64` array; `what` names it.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        let wanted = "a contiguous 1-D numpy array of float32 or float64";
        let c = if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, f32>>() {
            Column::F32(a)
        } else if let Ok(a) = obj.extract::<PyReadonlyArray1<'py, f64>>() {
            Column::F64(a)
        } else {
            return Err(type_error(obj, what, wanted));
        };
        if c.floats().is_none() {
            return Err(type_error(obj, what, wanted));
        }
        Ok(c)
    }

    /// The values, read in place.
    pub(crate) fn floats(&self) -> Option<Floats<'_>> {
        match self {
            Column::F32(a) => a.as_slice().ok().map(Floats::F32),
            Column::F64(a) => a.as_slice().ok().map(Floats::F64),
        }
    }
}

/// A borrowed 1-D bool column (`True` = present).
pub(crate) struct ColumnMask<'py>(PyReadonlyArray1<'py, bool>);

impl<'py> ColumnMask<'py> {
    /// Borrows `obj`, a contiguous 1-D bool array; `what` names it.
    pub(crate) fn extract(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        let wanted = "a contiguous 1-D numpy array of bool";
        let a = obj
            .extract::<PyReadonlyArray1<'py, bool>>()
            .map_err(|_| type_error(obj, what, wanted))?;
        if a.as_slice().is_err() {
            return Err(type_error(obj, what, wanted));
        }
        Ok(ColumnMask(a))
    }

    /// The flags, read in place.
    pub(crate) fn flags(&self) -> &[bool] {
        self.0.as_slice().unwrap_or(&[])
    }
}

/// The output arrays of one call, allocated by numpy (whose allocator asks Linux for huge
/// pages for large arrays, so that first touching them costs a fraction of what fresh 4 KiB
/// pages cost), in the order of `silkscore.Scores`: cultural, economic, security,
/// composite, basis_points (n × 4), grade, status, coverage (n × 3, or None when not
/// wanted). They are filled in place, without the GIL, through [`Writable`] slices.
pub(crate) struct Outputs<'py> {
    cultural: Bound<'py, PyArray1<f32>>,
    economic: Bound<'py, PyArray1<f32>>,
    security: Bound<'py, PyArray1<f32>>,
    composite: Bound<'py, PyArray1<f32>>,
    basis_points: Bound<'py, PyArray2<u16>>,
    grade: Bound<'py, PyArray1<u8>>,
    status: Bound<'py, PyArray1<u8>>,
    coverage: Option<Bound<'py, PyArray2<f32>>>,
}

/// The output arrays as Python passes them back (`silkscore.Scores`' arrays, in its order).
pub(crate) type OutArrays<'py> = (
    Bound<'py, PyArray1<f32>>,
    Bound<'py, PyArray1<f32>>,
    Bound<'py, PyArray1<f32>>,
    Bound<'py, PyArray1<f32>>,
    Bound<'py, PyArray2<u16>>,
    Bound<'py, PyArray1<u8>>,
    Bound<'py, PyArray1<u8>>,
    Option<Bound<'py, PyArray2<f32>>>,
);

/// The write borrows of [`Outputs`], for as long as the scorer fills them.
pub(crate) struct Writable<'py> {
    cultural: PyReadwriteArray1<'py, f32>,
    economic: PyReadwriteArray1<'py, f32>,
    security: PyReadwriteArray1<'py, f32>,
    composite: PyReadwriteArray1<'py, f32>,
    basis_points: PyReadwriteArray2<'py, u16>,
    grade: PyReadwriteArray1<'py, u8>,
    status: PyReadwriteArray1<'py, u8>,
    coverage: Option<PyReadwriteArray2<'py, f32>>,
}

fn borrow_error(e: impl std::fmt::Display) -> PyErr {
    PyTypeError::new_err(format!("output array: {e}"))
}

impl<'py> Outputs<'py> {
    /// Zeroed arrays for `n` records.
    pub(crate) fn new(py: Python<'py>, n: usize, coverage: bool) -> Self {
        Outputs {
            cultural: PyArray1::zeros(py, n, false),
            economic: PyArray1::zeros(py, n, false),
            security: PyArray1::zeros(py, n, false),
            composite: PyArray1::zeros(py, n, false),
            basis_points: PyArray2::zeros(py, [n, 4], false),
            grade: PyArray1::zeros(py, n, false),
            status: PyArray1::zeros(py, n, false),
            coverage: coverage.then(|| PyArray2::zeros(py, [n, 3], false)),
        }
    }

    /// The arrays of an earlier call's result (`out=`), to be written again in place: the
    /// caller reuses them instead of allocating new ones. Their lengths are checked when
    /// they are filled ([`crate::scoring::score_into`]); a non-contiguous or read-only array
    /// is refused then too.
    pub(crate) fn reuse(arrays: OutArrays<'py>) -> Self {
        let (cultural, economic, security, composite, basis_points, grade, status, coverage) =
            arrays;
        Outputs {
            cultural,
            economic,
            security,
            composite,
            basis_points,
            grade,
            status,
            coverage,
        }
    }

    /// Write borrows of every array.
    pub(crate) fn writable(&self) -> PyResult<Writable<'py>> {
        Ok(Writable {
            cultural: self.cultural.try_readwrite().map_err(borrow_error)?,
            economic: self.economic.try_readwrite().map_err(borrow_error)?,
            security: self.security.try_readwrite().map_err(borrow_error)?,
            composite: self.composite.try_readwrite().map_err(borrow_error)?,
            basis_points: self.basis_points.try_readwrite().map_err(borrow_error)?,
            grade: self.grade.try_readwrite().map_err(borrow_error)?,
            status: self.status.try_readwrite().map_err(borrow_error)?,
            coverage: match &self.coverage {
                Some(c) => Some(c.try_readwrite().map_err(borrow_error)?),
                None => None,
            },
        })
    }

    /// The arrays as the tuple `silkscore.Scores` is built from.
    pub(crate) fn into_tuple(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            [
                self.cultural.into_any(),
                self.economic.into_any(),
                self.security.into_any(),
                self.composite.into_any(),
                self.basis_points.into_any(),
                self.grade.into_any(),
                self.status.into_any(),
                match self.coverage {
                    Some(c) => c.into_any(),
                    None => py.None().into_bound(py),
                },
            ],
        )
    }
}

impl Writable<'_> {
    /// The arrays as the scorer's output slices (they are contiguous: numpy made them).
    pub(crate) fn slices(&mut self) -> PyResult<Slices<'_>> {
        Ok(Slices {
            cultural: self.cultural.as_slice_mut().map_err(borrow_error)?,
            economic: self.economic.as_slice_mut().map_err(borrow_error)?,
            security: self.security.as_slice_mut().map_err(borrow_error)?,
            composite: self.composite.as_slice_mut().map_err(borrow_error)?,
            basis_points: self.basis_points.as_slice_mut().map_err(borrow_error)?,
            grade: self.grade.as_slice_mut().map_err(borrow_error)?,
            status: self.status.as_slice_mut().map_err(borrow_error)?,
            coverage: match &mut self.coverage {
                Some(c) => c.as_slice_mut().map_err(borrow_error)?,
                None => &mut [],
            },
        })
    }
}
