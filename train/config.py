"""One frozen dataclass per training run, named configurations, and ``key=value`` overrides.

``RunConfig`` holds everything a run needs; :data:`CONFIGS` names CPU-sized settings for every data set
(``laplace``, ``gmm``, ``binary``, ``digits``, ``mnist1d``, ``cifar10``, ``text``) and ``*-paper`` settings
at the sizes of App. E.1. :func:`get_config` applies overrides such as ``d=128 tau=0.2 data.A=0.5``:
top-level fields by name, data-set parameters with the prefix ``data.``, and ``tau`` as ``alpha = 1/tau``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from train.objectives import OBJECTIVES

__all__ = ["CONFIGS", "RunConfig", "get_config", "parse_overrides"]

MODEL_NAMES = ("linear", "mlp", "cnn", "resnet18")
DATA_NAMES = ("laplace", "gmm", "binary", "digits", "mnist1d", "cifar10", "text")


@dataclass(frozen=True)
class RunConfig:
    """A training run.

    Attributes
    ----------
    name : str
        Name of the configuration (for the run directory).
    data : str
        Data set (``train.data.DATASETS``).
    data_params : dict
        Keyword parameters of the data set (``n_train``, ``n_test``, ``A``, ``sparsity``, ``root``, ...).
    model : str
        Encoder (``linear``, ``mlp``, ``cnn``, ``resnet18``).
    hidden : int
        MLP hidden width (CNN base width).
    objective : str
        ``infonce`` (Eq. 2), ``infonce_sym``, ``supervised`` (cross-entropy twin), ``vicreg``, ``barlow``.
    d : int
        Embedding dimension.
    N : int
        Batch size (number of positive pairs per step).
    alpha : float
        Inverse temperature ``1/tau`` (paper: tau = 0.1, alpha = 10).
    lr, weight_decay : float
        Adam learning rate and (L2) weight decay; other Adam settings are PyTorch's defaults.
    epochs : int
        Passes over the training base samples.
    eval_every : int
        Evaluate at epoch 0 (untrained) and every ``eval_every`` epochs (and at the last epoch).
    n_eval : int
        Held-out samples evaluated (at most ``n_test``).
    n_projections : int
        Random unit directions for the projection tests.
    n_phi : int
        Subsample of test embeddings for the Phi estimate.
    seed : int
        Seed of the initialisation, batch order and views (the data set's own seed is ``data_params``).
    device : str
        ``cpu`` or ``cuda``.
    out_dir : str
        Parent folder of run directories.
    progress : bool
        Progress bars.
    threads : int
        ``torch.set_num_threads`` during the run (1 is fastest for these small models on a shared
        2-core machine: measured 16 ms per Laplace step with 1 thread against 470 ms with 2 under load).
    """

    name: str = "laplace"
    data: str = "laplace"
    data_params: dict = field(default_factory=dict)
    model: str = "linear"
    hidden: int = 512
    objective: str = "infonce"
    d: int = 64
    N: int = 128
    alpha: float = 10.0
    lr: float = 1e-3
    weight_decay: float = 0.0
    epochs: int = 150
    eval_every: int = 10
    n_eval: int = 2000
    n_projections: int = 16
    n_phi: int = 1000
    seed: int = 0
    device: str = "cpu"
    out_dir: str = "results/runs"
    progress: bool = True
    threads: int = 1

    def __post_init__(self) -> None:
        errors = _validate(self)
        if errors:
            raise ValueError(errors[0])

    @property
    def tau(self) -> float:
        """Temperature ``1/alpha``."""
        return 1.0 / self.alpha

    def replace(self, **changes) -> RunConfig:
        """A copy with ``changes`` applied (validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-able dict."""
        from theory._io import to_jsonable

        return to_jsonable(self)


def _validate(c: RunConfig) -> list[str]:
    errs = []
    if c.data not in DATA_NAMES:
        errs.append(f"data must be one of {', '.join(DATA_NAMES)}; got {c.data!r}")
    if c.model not in MODEL_NAMES:
        errs.append(f"model must be one of {', '.join(MODEL_NAMES)}; got {c.model!r}")
    if c.objective not in OBJECTIVES:
        errs.append(f"objective must be one of {', '.join(OBJECTIVES)}; got {c.objective!r}")
    if not isinstance(c.data_params, dict):
        errs.append(f"data_params must be a dict; got {type(c.data_params).__name__}")
    for name, low in (
        ("d", 2),
        ("N", 2),
        ("hidden", 1),
        ("eval_every", 1),
        ("n_eval", 20),
        ("n_phi", 3),
        ("threads", 1),
    ):
        v = getattr(c, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            errs.append(f"{name} must be an integer >= {low}; got {v!r}")
    for name in ("epochs", "n_projections", "seed"):
        v = getattr(c, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            errs.append(f"{name} must be an integer >= 0; got {v!r}")
    for name, low_open in (("alpha", True), ("lr", True), ("weight_decay", False)):
        v = getattr(c, name)
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float)
            or not math.isfinite(v)
            or v < 0
            or (low_open and v == 0)
        ):
            errs.append(f"{name} must be a finite real number {'>' if low_open else '>='} 0; got {v!r}")
    if not (c.device == "cpu" or c.device.startswith("cuda")):
        errs.append(f"device must be 'cpu' or 'cuda[:k]'; got {c.device!r}")
    if not isinstance(c.progress, bool):
        errs.append(f"progress must be true or false; got {c.progress!r}")
    return errs


_LAPLACE = RunConfig(
    name="laplace",
    data="laplace",
    data_params={"n_train": 5000, "n_test": 2000, "A": 0.6},
    model="linear",
    d=64,
    N=128,
    alpha=10.0,
    epochs=150,
    eval_every=10,
)
_GMM = RunConfig(
    name="gmm",
    data="gmm",
    data_params={"n_train": 5000, "n_test": 2000},
    model="linear",
    d=256,
    N=128,
    epochs=50,
    eval_every=10,
)
_BINARY = RunConfig(
    name="binary",
    data="binary",
    data_params={"n_train": 5000, "n_test": 2000, "sparsity": 0.01},
    model="linear",
    d=256,
    N=128,
    epochs=100,
    eval_every=10,
)
_DIGITS = RunConfig(
    name="digits",
    data="digits",
    data_params={},
    model="mlp",
    hidden=256,
    d=64,
    N=128,
    epochs=50,
    eval_every=10,
    n_eval=360,
)
_MNIST1D = RunConfig(
    name="mnist1d",
    data="mnist1d",
    data_params={},
    model="mlp",
    hidden=256,
    d=64,
    N=128,
    epochs=30,
    eval_every=10,
)
_CIFAR = RunConfig(
    name="cifar10",
    data="cifar10",
    data_params={"root": "data/cifar-10-batches-py", "n_train": 5000, "n_test": 2000},
    model="cnn",
    hidden=32,
    d=128,
    N=256,
    weight_decay=1e-4,
    epochs=5,
    eval_every=1,
)
_TEXT = RunConfig(name="text", data="text", data_params={}, model="mlp", hidden=256, d=64, N=128, epochs=20)

#: Named configurations: CPU-sized, and ``*-paper`` at the sizes of App. E.1 (unstated sizes marked in
#: the data sets' docstrings: GMM/Binary batch size and tau, the Binary sparsity).
CONFIGS: dict[str, RunConfig] = {
    "laplace": _LAPLACE,
    "laplace-paper": _LAPLACE.replace(
        name="laplace-paper", data_params={"n_train": 20000, "n_test": 5000, "A": 0.6}, n_eval=5000
    ),
    "gmm": _GMM,
    "gmm-paper": _GMM.replace(
        name="gmm-paper", data_params={"n_train": 8000, "n_test": 2000}, epochs=100, n_eval=2000
    ),
    "binary": _BINARY,
    "binary-paper": _BINARY.replace(
        name="binary-paper", data_params={"n_train": 8000, "n_test": 2000, "sparsity": 0.01}, n_eval=2000
    ),
    "digits": _DIGITS,
    "digits-paper": _DIGITS.replace(name="digits-paper", epochs=100),
    "mnist1d": _MNIST1D,
    "mnist1d-paper": _MNIST1D.replace(name="mnist1d-paper", epochs=100),
    "cifar10": _CIFAR,
    "cifar10-paper": _CIFAR.replace(
        name="cifar10-paper",
        model="resnet18",
        d=128,
        N=256,
        epochs=100,
        eval_every=10,
        n_eval=10000,
        data_params={"root": "data/cifar-10-batches-py"},
    ),
    "text": _TEXT,
    "text-paper": _TEXT.replace(name="text-paper", epochs=100),
}

_FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}


def _parse_value(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _coerce(key: str, raw: str) -> Any:
    f = _FIELDS[key]
    typ = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if typ == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{key} must be an integer; got {raw!r}") from None
    if typ == "float":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{key} must be a real number; got {raw!r}") from None
    if typ == "bool":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"{key} must be true or false; got {raw!r}")
        return raw.lower() in ("true", "1")
    return raw


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Parse ``key=value`` strings into field changes (``data.KEY`` into ``data_params``; ``tau``).

    Raises
    ------
    ValueError
        One line naming the bad item and the expected form.
    """
    changes: dict[str, Any] = {}
    data_params: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise ValueError(f"override must look like key=value; got {item!r}")
        key, _, raw = item.partition("=")
        key = key.strip()
        raw = raw.strip()
        if not key or not raw:
            raise ValueError(f"override must look like key=value with both sides non-empty; got {item!r}")
        if key.startswith("data."):
            data_params[key[5:]] = _parse_value(raw)
        elif key == "tau":
            try:
                tau = float(raw)
            except ValueError:
                raise ValueError(f"tau must be a positive real number; got {raw!r}") from None
            if not (math.isfinite(tau) and tau > 0):
                raise ValueError(f"tau must be a positive real number; got {raw!r}")
            changes["alpha"] = 1.0 / tau
        elif key == "data_params":
            raise ValueError("set data-set parameters one by one as data.KEY=VALUE")
        elif key in _FIELDS:
            changes[key] = _coerce(key, raw)
        else:
            known = ", ".join(sorted(set(_FIELDS) - {"data_params"} | {"tau", "data.KEY"}))
            raise ValueError(f"unknown override {key!r}; known keys: {known}")
    if data_params:
        changes["data_params"] = data_params
    return changes


def get_config(name: str, overrides: list[str] | tuple[str, ...] = ()) -> RunConfig:
    """The named configuration with ``key=value`` overrides applied and validated.

    ``data.KEY=VALUE`` entries update (not replace) the named configuration's ``data_params``; changing
    ``data`` to another data set starts from empty ``data_params``.
    """
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {', '.join(CONFIGS)}")
    base = CONFIGS[name]
    changes = parse_overrides(overrides)
    params = {} if changes.get("data", base.data) != base.data else dict(base.data_params)
    params.update(changes.pop("data_params", {}))
    return base.replace(data_params=params, **changes)
