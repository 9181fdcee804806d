//! Records: the raw indicator values of one project, fixed size, with explicit missing marks.

mod error;

pub use error::RecordError;

use serde::{Deserialize, Serialize};

use crate::model::MAX_INDICATORS;
use crate::text::ShortStr;

/// Longest project name a record carries, in bytes (longer names are cut by
/// [`Record::with_name`] at a character boundary).
pub const MAX_RECORD_NAME_LEN: usize = 32;

/// A project name as carried by a record.
pub type RecordName = ShortStr<MAX_RECORD_NAME_LEN>;

/// The raw values of one project, in model order. Fixed size (no allocation): up to
/// [`MAX_INDICATORS`] values, each present or explicitly missing. A missing value is never
/// encoded as NaN: NaN is a *value*, and scoring rejects it as
/// [`crate::score::ScoreError::NonFiniteValue`].
///
/// ```
/// use silkscore::Record;
/// let mut r = Record::new(42, 3).with_name("Dunhuang digital archive");
/// r.set(0, 120.0).unwrap();
/// r.set(2, 7.5).unwrap();            // value 1 stays missing
/// assert_eq!(r.get(0), Some(120.0));
/// assert_eq!(r.get(1), None);
/// assert_eq!(r.name(), "Dunhuang digital archive");
/// assert!(r.set(3, 1.0).is_err());  // only 3 positions
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Record {
    id: u32,
    name: Option<RecordName>,
    len: u8,
    present: u32,
    values: [f32; MAX_INDICATORS],
}

impl Record {
    /// A record for project `id` with `len` values, all missing. `len` is capped at
    /// [`MAX_INDICATORS`].
    pub const fn new(id: u32, len: usize) -> Self {
        let len = if len > MAX_INDICATORS {
            MAX_INDICATORS
        } else {
            len
        };
        Record {
            id,
            name: None,
            len: len as u8,
            present: 0,
            values: [0.0; MAX_INDICATORS],
        }
    }

    /// A record from optional values (`None` is missing). More than [`MAX_INDICATORS`]
    /// values is an error.
    ///
    /// ```
    /// let r = silkscore::Record::from_values(1, &[Some(1.0), None, Some(f32::NAN)]).unwrap();
    /// assert_eq!(r.len(), 3);
    /// assert!(r.get(2).unwrap().is_nan()); // kept as a value; scoring will reject it
    /// ```
    pub fn from_values(id: u32, values: &[Option<f32>]) -> Result<Self, RecordError> {
        if values.len() > MAX_INDICATORS {
            return Err(RecordError::IndexOutOfRange {
                index: values.len(),
                len: MAX_INDICATORS,
            });
        }
        let mut r = Record::new(id, values.len());
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                r.set(i, *v)?;
            }
        }
        Ok(r)
    }

    /// The same record with a name (cut to [`MAX_RECORD_NAME_LEN`] bytes at a character
    /// boundary).
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(RecordName::truncating(name));
        self
    }

    /// Sets the name (or clears it with `None`).
    pub fn set_name(&mut self, name: Option<RecordName>) {
        self.name = name;
    }

    /// The project id.
    pub const fn id(&self) -> u32 {
        self.id
    }

    /// The project name, or `""`.
    pub fn name(&self) -> &str {
        match &self.name {
            Some(n) => n.as_str(),
            None => "",
        }
    }

    /// The project name, if the record carries one.
    pub const fn name_field(&self) -> Option<&RecordName> {
        self.name.as_ref()
    }

    /// Number of value positions.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the record has no positions.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sets value `i` (any f32, NaN included: scoring decides what is acceptable).
    pub fn set(&mut self, i: usize, value: f32) -> Result<(), RecordError> {
        let slot = self.slot(i)?;
        *slot = value;
        self.present |= 1u32 << i;
        Ok(())
    }

    /// Marks value `i` missing.
    pub fn set_missing(&mut self, i: usize) -> Result<(), RecordError> {
        let slot = self.slot(i)?;
        *slot = 0.0;
        self.present &= !(1u32 << i);
        Ok(())
    }

    /// Value `i`, or `None` when it is missing or out of range.
    pub fn get(&self, i: usize) -> Option<f32> {
        if i < self.len() && self.present & (1u32 << i) != 0 {
            self.values.get(i).copied()
        } else {
            None
        }
    }

    /// Number of present values.
    pub const fn present_count(&self) -> u32 {
        self.present.count_ones()
    }

    /// The presence bits (bit i set: value i is present; never a bit at or above
    /// [`Record::len`]) and every value slot (a missing value's slot holds 0.0), for the
    /// scorer's loop over the present values.
    pub(crate) const fn raw(&self) -> (u32, &[f32; MAX_INDICATORS]) {
        (self.present, &self.values)
    }

    /// The values as options, in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<f32>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    fn slot(&mut self, i: usize) -> Result<&mut f32, RecordError> {
        let len = self.len();
        let err = RecordError::IndexOutOfRange { index: i, len };
        if i >= len {
            return Err(err);
        }
        self.values.get_mut(i).ok_or(err)
    }
}

/// The serialised shape of a record: id, optional name, then each value as an option.
#[derive(Serialize, Deserialize)]
pub(crate) struct RecordRepr {
    pub(crate) id: u32,
    pub(crate) name: Option<RecordName>,
    pub(crate) values: heapless::Vec<Option<f32>, MAX_INDICATORS, u8>,
}

impl From<&Record> for RecordRepr {
    fn from(r: &Record) -> Self {
        let mut values = heapless::Vec::new();
        for v in r.iter() {
            // At most MAX_INDICATORS positions, so this never overflows.
            let _ = values.push(v);
        }
        RecordRepr {
            id: r.id,
            name: r.name,
            values,
        }
    }
}

impl From<RecordRepr> for Record {
    fn from(r: RecordRepr) -> Self {
        let mut rec = Record::new(r.id, r.values.len());
        rec.name = r.name;
        for (i, v) in r.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = rec.set(i, *v);
            }
        }
        rec
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RecordRepr::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RecordRepr::deserialize(d).map(Record::from)
    }
}
