"""The configuration of one training run: :class:`RunConfig` and its validation."""

from __future__ import annotations

import dataclasses
import inspect
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from train.objectives import OBJECTIVES

__all__ = [
    "DATA_NAMES",
    "INITS",
    "LATER_FIELDS",
    "MAX_SEED",
    "MODEL_NAMES",
    "PRESENTATION_FIELDS",
    "RunConfig",
    "data_parameters",
    "field_names",
    "identity_of",
]

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
    bias : bool
        The linear encoder has a bias (``nn.Linear``'s default) or none (``model = "linear"`` only).
    init : str
        Initialisation of the linear encoder: ``"default"`` (PyTorch's: weights and bias
        :math:`U(-1/\\sqrt{D}, 1/\\sqrt{D})`, ``D`` the input dimension) or ``"gaussian"`` (weights and bias
        :math:`N(0, 1/(3D))`: the default's variance with a Gaussian shape; ``model = "linear"`` only).
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
    bias: bool = True
    init: str = "default"
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
        # one canonical form per value, so that equal configurations have equal keys (10 and 10.0)
        for name in ("alpha", "lr", "weight_decay"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "data_params", _canonical_data_params(self.data, self.data_params))
        if "n_train" in self.data_params and self.N > self.data_params["n_train"]:
            raise ValueError(
                f"N = {self.N} exceeds data.n_train = {self.data_params['n_train']}: a batch needs N "
                "distinct training samples"
            )

    @property
    def tau(self) -> float:
        """Temperature ``1/alpha``."""
        return 1.0 / self.alpha

    def replace(self, **changes) -> RunConfig:
        """A copy with ``changes`` applied (validated)."""
        unknown = sorted(set(changes) - set(field_names()))
        if unknown:
            raise ValueError(
                f"unknown RunConfig field(s) {', '.join(unknown)}; known: {', '.join(field_names())}"
            )
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-able dict."""
        from theory._io import to_jsonable

        return to_jsonable(self)

    def identity(self) -> dict[str, Any]:
        """The fields that determine a run's numbers: :meth:`to_dict` without ``out_dir`` and ``progress``.

        Two configurations with the same identity train the same run (same seed, same numbers); a
        checkpoint records it and a resume compares it field by field. A field of :data:`LATER_FIELDS`
        at its default is left out (the keys of runs made before it existed stay valid).
        """
        return identity_of(self.to_dict())

    @property
    def key(self) -> str:
        """16-hex-digit key of :meth:`identity` (:func:`theory._results.config_key`)."""
        from theory._results import config_key

        return config_key(self.identity())

    @classmethod
    def from_dict(cls, record: dict, *, what: str = "configuration") -> RunConfig:
        """A configuration from its :meth:`to_dict` form (a ``config.json``, a checkpoint's record).

        Raises
        ------
        ValueError
            Unknown fields (the known ones are listed) or an invalid value, naming ``what``.
        """
        if not isinstance(record, dict):
            raise ValueError(f"{what} must be a JSON object of RunConfig fields; got {type(record).__name__}")
        unknown = sorted(set(record) - set(field_names()))
        if unknown:
            raise ValueError(
                f"{what} has unknown field(s) {', '.join(unknown)}; known: {', '.join(field_names())}"
            )
        try:
            return cls(**record)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what}: {exc}") from None


#: Fields that change where a run is written or how it is shown, not its numbers.
PRESENTATION_FIELDS = ("out_dir", "progress")

#: Fields added after results were published, with their defaults: at its default such a field is left
#: out of :meth:`RunConfig.identity`, so that the keys of earlier runs and published configurations hold.
LATER_FIELDS = {"bias": True, "init": "default"}

#: Initialisations of the linear encoder (``init``).
INITS = ("default", "gaussian")


def identity_of(record: dict) -> dict:
    """The identity of a configuration record (:meth:`RunConfig.to_dict` form): without the
    :data:`PRESENTATION_FIELDS`, and without the :data:`LATER_FIELDS` at their defaults."""
    return {
        k: v
        for k, v in record.items()
        if k not in PRESENTATION_FIELDS and not (k in LATER_FIELDS and v == LATER_FIELDS[k])
    }


#: Largest seed: torch, numpy and python all accept it.
MAX_SEED = 2**63 - 1

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _validate(c: RunConfig) -> list[str]:
    errs = []
    if not isinstance(c.name, str) or not c.name or not set(c.name) <= _NAME_CHARS or c.name[0] == ".":
        errs.append(f"name must be a non-empty string of letters, digits, '.', '_', '-'; got {c.name!r}")
    for name, choices in (("data", DATA_NAMES), ("model", MODEL_NAMES), ("objective", OBJECTIVES)):
        v = getattr(c, name)
        if not isinstance(v, str) or v not in choices:
            errs.append(f"{name} must be one of {', '.join(choices)}; got {v!r}")
    if not isinstance(c.data_params, dict):
        errs.append(f"data_params must be a dict; got {type(c.data_params).__name__}")
    for name, low, high in (
        ("d", 2, None),
        ("N", 2, None),
        ("hidden", 1, None),
        ("eval_every", 1, None),
        ("n_eval", 20, None),
        ("n_phi", 3, None),
        ("threads", 1, 1024),
        ("epochs", 0, None),
        ("n_projections", 0, None),
        ("seed", 0, MAX_SEED),
    ):
        v = getattr(c, name)
        if isinstance(v, bool) or not isinstance(v, int) or v < low or (high is not None and v > high):
            rng = f">= {low}" if high is None else f"in [{low}, {high}]"
            errs.append(f"{name} must be an integer {rng}; got {v!r}")
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
    if not isinstance(c.device, str) or not _DEVICE.fullmatch(c.device):
        errs.append(f"device must be 'cpu', 'cuda' or 'cuda:<index>'; got {c.device!r}")
    if not isinstance(c.out_dir, str | os.PathLike) or not os.fspath(c.out_dir):
        errs.append(f"out_dir must be a non-empty path; got {c.out_dir!r}")
    if not isinstance(c.bias, bool):
        errs.append(f"bias must be true or false; got {c.bias!r}")
    if not isinstance(c.init, str) or c.init not in INITS:
        errs.append(f"init must be one of {', '.join(INITS)}; got {c.init!r}")
    elif (c.init != "default" or c.bias is False) and c.model != "linear":
        given = ", ".join(
            s for s, on in (("bias=false", c.bias is False), (f"init={c.init}", c.init != "default")) if on
        )
        errs.append(f"{given} applies to model 'linear' only; got model {c.model!r}")
    if not isinstance(c.progress, bool):
        errs.append(f"progress must be true or false; got {c.progress!r}")
    return errs


_DEVICE = re.compile(r"cpu|cuda(:\d{1,3})?")


def data_parameters(data: str) -> dict[str, inspect.Parameter]:
    """The keyword parameters of the data set ``data``'s loader (what ``data.KEY`` may set)."""
    from train.data import data_parameters as params

    return params(data)


def _canonical_data_params(data: str, params: dict) -> dict:
    """``params`` checked against the loader's keywords (unknown ones refused, naming the known ones) and
    typed by its annotations (floats as float, integers as int), so equal settings have equal keys."""
    known = data_parameters(data)
    out = {}
    for key, value in params.items():
        if key not in known:
            raise ValueError(
                f"data.{key} is not a parameter of the {data!r} data set; known: "
                + ", ".join(f"data.{k}" for k in known)
            )
        ann = known[key].annotation
        ann = ann if isinstance(ann, str) else getattr(ann, "__name__", "")
        if ann == "float":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"data.{key} must be a finite real number; got {value!r}")
            value = float(value)
        elif ann in ("int", "int | None"):
            if not (value is None and "None" in ann) and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                raise ValueError(f"data.{key} must be an integer; got {value!r}")
        elif ann == "bool" and not isinstance(value, bool):
            raise ValueError(f"data.{key} must be true or false; got {value!r}")
        out[key] = value
    for key in ("n_train", "n_test"):
        v = out.get(key)
        if v is not None and v < 1:
            raise ValueError(f"data.{key} must be an integer >= 1; got {v!r}")
    return out


def field_names() -> tuple[str, ...]:
    """The fields of :class:`RunConfig`, in order."""
    return tuple(f.name for f in dataclasses.fields(RunConfig))
