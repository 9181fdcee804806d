"""silkscore for Python: the exact scores of the silkscore library — the same f32 bits as the
kiosks, the microcontrollers and the ``silkscore`` command — from numpy arrays and pandas,
Polars and pyarrow frames.

::

    import numpy as np
    import silkscore

    model = silkscore.Model.default()            # or Model.from_toml("my-model.toml")
    values = np.random.default_rng(1).uniform(0, 100, (1000, len(model)))
    s = model.score(values)                      # numpy in, numpy out, GIL released
    s.composite, s.grade_letters(), s.status_strings()

    import pandas as pd
    df = pd.read_csv("projects.csv")             # columns named by indicator id
    scores = model.score_frame(df)               # id, cultural, …, composite, grade, status

The specification is ``docs/spec.md`` in the silkscore repository; ``python/README.md``
describes this package, its Dask example and the Spark pattern.
"""

from . import _silkscore, errors, sensitivity, weights
from ._model import Indicator, Model, Params
from ._scores import (
    GRADE_NONE,
    GRADES,
    STATUS_ERROR,
    STATUS_INSUFFICIENT_DATA,
    STATUS_NON_FINITE,
    STATUS_OK,
    STATUS_PARSE,
    Scores,
)
from .errors import (
    InputError,
    ModelError,
    SensitivityError,
    SilkscoreError,
    VerifyError,
    WeightsError,
)

__version__: str = _silkscore.__version__
#: the wire format version of compiled models and envelopes
FORMAT_VERSION: int = _silkscore.FORMAT_VERSION
#: the most indicators a model can have
MAX_INDICATORS: int = _silkscore.MAX_INDICATORS

__all__ = [
    "Model",
    "Indicator",
    "Params",
    "Scores",
    "errors",
    "weights",
    "sensitivity",
    "SilkscoreError",
    "ModelError",
    "InputError",
    "VerifyError",
    "WeightsError",
    "SensitivityError",
    "STATUS_OK",
    "STATUS_INSUFFICIENT_DATA",
    "STATUS_NON_FINITE",
    "STATUS_PARSE",
    "STATUS_ERROR",
    "GRADE_NONE",
    "GRADES",
    "FORMAT_VERSION",
    "MAX_INDICATORS",
    "__version__",
]
