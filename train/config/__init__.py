"""One frozen dataclass per training run, named configurations, and ``key=value`` overrides.

``RunConfig`` holds everything a run needs; :data:`CONFIGS` names CPU-sized settings for every data set
(``laplace``, ``gmm``, ``binary``, ``digits``, ``mnist1d``, ``cifar10``, ``text``) and ``*-paper`` settings
at the sizes of App. E.1. :func:`get_config` applies overrides such as ``d=128 tau=0.2 data.A=0.5``:
top-level fields by name, data-set parameters with the prefix ``data.``, and ``tau`` as ``alpha = 1/tau``.

Every value is validated when a configuration is made (a ``ValueError`` naming the field, the value and
the expected form); unknown fields and unknown ``data.KEY`` parameters are refused with the known ones.
:meth:`RunConfig.identity` is what determines a run's numbers and :attr:`RunConfig.key` its hash, which
names the default run directory and is compared field by field on resume.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_run``: :class:`RunConfig`, its validation, :func:`data_parameters`;
- ``_named``: :data:`CONFIGS`;
- ``_overrides``: :func:`parse_overrides`, :func:`get_config`.
"""

from __future__ import annotations

from train.config._named import CONFIGS
from train.config._overrides import get_config, parse_overrides
from train.config._run import (
    DATA_NAMES,
    INITS,
    LATER_FIELDS,
    MAX_SEED,
    MODEL_NAMES,
    PRESENTATION_FIELDS,
    RunConfig,
    data_parameters,
)

__all__ = [
    "CONFIGS",
    "DATA_NAMES",
    "INITS",
    "LATER_FIELDS",
    "MAX_SEED",
    "MODEL_NAMES",
    "PRESENTATION_FIELDS",
    "RunConfig",
    "data_parameters",
    "get_config",
    "parse_overrides",
]
