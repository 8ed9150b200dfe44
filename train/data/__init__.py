"""Data sets for :mod:`train`: a registry of loaders returning :class:`~train.data.base.PairData`.

The synthetic sets (Laplace, GMM, Binary) live in :mod:`train.data.synthetic`; the image and text loaders
(:mod:`train.data.images`, :mod:`train.data.text`) are imported lazily, on first use, so that a missing
optional dependency only matters for the data set that needs it.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable

from train.data.base import PairData

__all__ = ["DATASETS", "PairData", "data_parameters", "make_data"]

_LAZY = {
    "laplace": "train.data.synthetic:make_laplace",
    "gmm": "train.data.synthetic:make_gmm",
    "binary": "train.data.synthetic:make_binary",
    "digits": "train.data.images:load_digits",
    "mnist1d": "train.data.images:load_mnist1d",
    "cifar10": "train.data.images:load_cifar10",
    "text": "train.data.text:load_text",
}


def _lazy(target: str) -> Callable[..., PairData]:
    module, _, attr = target.partition(":")

    def loader(**kwargs) -> PairData:
        return getattr(importlib.import_module(module), attr)(**kwargs)

    loader.__name__ = attr
    loader.__doc__ = f"Lazy loader for ``{target}``."
    return loader


DATASETS: dict[str, Callable[..., PairData]] = {name: _lazy(t) for name, t in _LAZY.items()}


def make_data(name: str, **kwargs) -> PairData:
    """Build the data set ``name`` with keyword parameters ``kwargs``.

    Parameters
    ----------
    name : str
        One of ``DATASETS`` (laplace, gmm, binary, digits, mnist1d, cifar10, text).
    **kwargs
        Passed to the loader (``n_train``, ``n_test``, ``seed``, ...).

    Returns
    -------
    PairData
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"data name must be one of {sorted(DATASETS)}; got {name!r}")
    known = data_parameters(name)
    unknown = sorted(set(kwargs) - set(known))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: not a parameter of the {name!r} data set; known: {', '.join(known)}"
        )
    return DATASETS[name](**kwargs)


@functools.cache
def data_parameters(name: str) -> dict[str, inspect.Parameter]:
    """The keyword parameters of data set ``name``'s loader (what :func:`make_data` accepts)."""
    if not isinstance(name, str) or name not in _LAZY:
        raise ValueError(f"data name must be one of {sorted(_LAZY)}; got {name!r}")
    module, _, attr = _LAZY[name].partition(":")
    sig = inspect.signature(getattr(importlib.import_module(module), attr))
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {n: p for n, p in sig.parameters.items() if p.kind in kinds}
