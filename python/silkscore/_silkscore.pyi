"""Type stub of the extension module ``silkscore._silkscore`` (PyO3). The public API is the
``silkscore`` package around it; these are its building blocks."""

from typing import Any, Callable, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "Model",
    "ahp_weights",
    "ahp_apply",
    "equal",
    "entropy_weights",
    "critic_weights",
    "analyse",
    "parse_cells",
    "STATUS_OK",
    "STATUS_INSUFFICIENT_DATA",
    "STATUS_NON_FINITE",
    "STATUS_PARSE",
    "STATUS_ERROR",
    "GRADE_NONE",
    "CHUNK",
    "MIN_ROWS_PER_THREAD",
    "MAX_INDICATORS",
    "FORMAT_VERSION",
    "MAX_SAMPLES",
    "MAX_RANK_ENTRIES",
    "__version__",
]

__version__: str
STATUS_OK: int
STATUS_INSUFFICIENT_DATA: int
STATUS_NON_FINITE: int
STATUS_PARSE: int
STATUS_ERROR: int
GRADE_NONE: int
CHUNK: int
MIN_ROWS_PER_THREAD: int
MAX_INDICATORS: int
FORMAT_VERSION: int
MAX_SAMPLES: int
MAX_RANK_ENTRIES: int

_Outputs = tuple[
    npt.NDArray[np.float32],  # cultural
    npt.NDArray[np.float32],  # economic
    npt.NDArray[np.float32],  # security
    npt.NDArray[np.float32],  # composite
    npt.NDArray[np.uint16],  # basis points, n × 4
    npt.NDArray[np.uint8],  # grade
    npt.NDArray[np.uint8],  # status
    npt.NDArray[np.float32] | None,  # coverage, n × 3, when asked for
]

@final
class Model:
    """A validated scoring model."""

    @staticmethod
    def default() -> Model: ...
    @staticmethod
    def from_toml_text(text: str, source: str = "<string>") -> Model: ...
    @staticmethod
    def load_toml(path: str) -> Model: ...
    @staticmethod
    def from_bytes(data: bytes) -> Model: ...
    @staticmethod
    def verify(envelope: bytes, public_key: bytes, min_revision: int) -> Model: ...
    @staticmethod
    def public_key(secret_key: bytes) -> bytes: ...
    def sign(self, secret_key: bytes, revision: int) -> bytes: ...
    def to_bytes(self) -> bytes: ...
    def to_toml(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def fingerprint(self) -> int: ...
    @property
    def revision(self) -> int | None: ...
    @property
    def indicators(self) -> list[tuple[str, str, str, str, float, float, float]]: ...
    @property
    def params(self) -> tuple[str, str, float, float, list[float], list[float]]: ...
    def with_indicator_weights(self, weights: list[float]) -> Model: ...
    def status_text(self, code: int) -> str: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def score_rows(
        self,
        values: npt.NDArray[np.float32] | npt.NDArray[np.float64],
        present: npt.NDArray[np.bool_] | None = None,
        threads: int | None = None,
        coverage: bool = False,
        out: _Outputs | None = None,
    ) -> _Outputs: ...
    def score_columns(
        self,
        columns: list[npt.NDArray[Any]],
        present: list[npt.NDArray[np.bool_] | None],
        nan_missing: list[bool],
        threads: int | None = None,
        coverage: bool = False,
    ) -> _Outputs: ...

def ahp_weights(judgments: list[float], require_consistent: bool = True) -> dict[str, Any]: ...
def ahp_apply(model: Model, connotation_name: str, judgments: list[float], require_consistent: bool = True) -> Model: ...
def equal(model: Model) -> Model: ...
def entropy_weights(
    model: Model, values: npt.NDArray[Any], present: npt.NDArray[np.bool_] | None = None
) -> dict[str, Any]: ...
def critic_weights(
    model: Model, values: npt.NDArray[Any], present: npt.NDArray[np.bool_] | None = None
) -> dict[str, Any]: ...
def analyse(
    model: Model,
    values: npt.NDArray[Any],
    present: npt.NDArray[np.bool_] | None = None,
    samples: int | None = None,
    seed: int = 1,
    spread: float = 0.25,
    uncertainty: str | None = None,
    uncertainty_path: str | None = None,
    resamples: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]: ...
def parse_cells(
    cells: list[str | None],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]: ...
