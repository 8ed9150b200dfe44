"""``key=value`` overrides of a named configuration (``d=128 tau=0.2 data.A=0.5``)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from train.config._named import CONFIGS
from train.config._run import RunConfig

__all__ = ["get_config", "parse_overrides"]

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
