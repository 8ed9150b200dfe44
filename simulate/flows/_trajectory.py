"""What :func:`simulate.flows.run` records (:class:`Trajectory`) and its checkpoints."""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from simulate.flows._state import FlowState
from theory._io import ResultMixin, atomic_write_text, to_jsonable

# --------------------------------------------------------------------------------------------------
# trajectories and the driver
# --------------------------------------------------------------------------------------------------

_BASE_COLUMNS = ("step", "objective", "phi_gap", "mean_sq_norm", "grad_norm", "wall_s")


@dataclass(frozen=True)
class Trajectory(ResultMixin):
    """What :func:`run` recorded, one entry per record.

    Attributes
    ----------
    step : ndarray of int, shape (R,)
        Step count of each record.
    objective : ndarray, shape (R,)
        The flow's energy at the recorded points.
    phi_gap : ndarray, shape (R,)
        :math:`\\Phi(\\mu_N) - \\Phi(\\sigma)` of the particles' directions
        (:func:`simulate.observables.phi_gap`;
        ``nan`` when the energy has no ``alpha``).
    mean_sq_norm : ndarray, shape (R,)
        :math:`\\lVert m(\\mu_N) \\rVert^2` of the directions.
    grad_norm : ndarray, shape (R,)
        RMS over particles of the Riemannian first-variation gradient at the recorded points.
    wall_s : ndarray, shape (R,)
        Wall-clock seconds since the start of the run (including resumed parts).
    observables : dict of str to ndarray
        The extra observable columns, each of shape (R,).
    converged : bool
        The run stopped because ``grad_norm <= tol``.
    n_steps : int
        Steps taken in total.
    final_state : FlowState
        The last state (not part of :meth:`to_dict`).
    """

    step: np.ndarray
    objective: np.ndarray
    phi_gap: np.ndarray
    mean_sq_norm: np.ndarray
    grad_norm: np.ndarray
    wall_s: np.ndarray
    observables: dict
    converged: bool
    n_steps: int
    final_state: FlowState | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The recorded columns and flags as strict-JSON-ready objects (without ``final_state``)."""
        out = {name: getattr(self, name) for name in _BASE_COLUMNS}
        out.update(observables=self.observables, converged=self.converged, n_steps=self.n_steps)
        return to_jsonable(out)

    @property
    def columns(self) -> dict:
        """Every recorded column by name (base columns, then observables)."""
        out = {name: getattr(self, name) for name in _BASE_COLUMNS}
        out.update(self.observables)
        return out

    def to_csv(self, path) -> Path:
        """Write the columns as CSV (atomic; non-finite values as empty cells)."""
        cols = self.columns
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\n")
        wr.writerow(list(cols))
        for r in range(len(self.step)):
            row = []
            for v in cols.values():
                x = v[r]
                row.append(
                    ""
                    if isinstance(x, float) and not math.isfinite(x)
                    else repr(x.item())
                    if hasattr(x, "item")
                    else repr(x)
                )
            wr.writerow(row)
        return atomic_write_text(path, buf.getvalue())


def _directions(x: Tensor, manifold: str) -> Tensor:
    if manifold == "sphere":
        return x
    return x / torch.linalg.vector_norm(x, dim=1, keepdim=True)


def _save_checkpoint(path: Path, state: FlowState, records: dict, elapsed: float, config: dict) -> None:
    payload = {
        "points": state.points,
        "step": state.step,
        "opt": state.opt,
        "rng": state.rng,
        "objective": state.objective,
        "grad_norm": state.grad_norm,
        "records": records,
        "elapsed": elapsed,
        "config": config,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_PAYLOAD = ("points", "step", "opt", "rng", "objective", "grad_norm", "records", "elapsed")


def _load_checkpoint(path: Path):
    """The state, records, elapsed time and configuration of a checkpoint (``weights_only``: no pickle code).

    Raises
    ------
    ValueError
        The file is not a checkpoint of :func:`simulate.flows.run` (corrupt, truncated, another format),
        naming it; ``config`` is ``None`` for a checkpoint written before configurations were stored.
    """
    try:
        payload = torch.load(path, weights_only=True)
    except Exception as exc:  # torch raises RuntimeError, pickle/zip errors, EOFError, ... for a bad file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"checkpoint {path} is not readable (corrupt or truncated?): {reason}") from None
    if not isinstance(payload, dict) or not set(_PAYLOAD) <= payload.keys():
        raise ValueError(f"checkpoint {path} is not a checkpoint of simulate.flows.run (missing fields)")
    state = FlowState(
        points=payload["points"],
        step=int(payload["step"]),
        opt=payload["opt"],
        rng=payload["rng"],
        objective=payload["objective"],
        grad_norm=payload["grad_norm"],
    )
    return state, payload["records"], float(payload["elapsed"]), payload.get("config")
