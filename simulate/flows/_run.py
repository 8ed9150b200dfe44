"""The driver of a flow: :func:`run` records a trajectory, checkpoints and resumes."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from simulate.energies import Energy
from simulate.flows._state import FlowState, _as_energy, _first_variation, _manifold
from simulate.flows._trajectory import (
    _BASE_COLUMNS,
    Trajectory,
    _directions,
    _load_checkpoint,
    _save_checkpoint,
)
from simulate.observables import mean_sq_norm, phi_gap
from theory._io import to_jsonable
from theory._validation import check_int, check_real


def run(
    init,
    step,
    x0,
    *,
    n_steps: int,
    record_every: int = 1,
    observables: Mapping[str, Callable[[Tensor], float]] | None = None,
    tol: float | None = None,
    checkpoint=None,
    resume: bool = False,
    checkpoint_every: int | None = None,
    energy=None,
    manifold: str | None = None,
    alpha: float | None = None,
    generator=None,
    progress: bool = True,
) -> Trajectory:
    """Run a flow for ``n_steps`` steps (or until the gradient norm falls to ``tol``), recording a trajectory.

    Records are taken at step 0, every ``record_every`` steps, and at the last step. Each record
    evaluates the energy, its gradient norm, :math:`\\Phi - \\Phi(\\sigma)`, :math:`\\lVert m\\rVert^2`
    and the extra ``observables`` at the current particles.

    Parameters
    ----------
    init, step : callables
        A flow (:func:`gradient_flow`, :func:`adam_flow`, :func:`langevin_flow`).
    x0 : Tensor, shape (N, d)
        Initial particles (when resuming, they must be those the checkpointed run started from).
    n_steps : int
        Total number of steps (counted from the start, including resumed parts).
    record_every : int
    observables : mapping of str to callable, optional
        ``name -> f(directions) -> float``; columns of the trajectory.
    tol : float, optional
        Stop when the RMS Riemannian first-variation gradient norm is ``<= tol``.
    checkpoint : path, optional
        File written (atomically) every ``checkpoint_every`` steps and at the end. It stores the run's
        configuration: ``N``, ``d``, ``dtype``, ``manifold``, the energy's and the flow's parameters
        (``Energy.config``, ``step.config``), the observables, a digest of ``x0`` and an int seed.
    resume : bool
        Continue from ``checkpoint`` if it exists (bit-identical to an uninterrupted run); a checkpoint
        of another configuration is refused, naming the fields that differ. Without ``resume``, an
        existing checkpoint is refused (never silently replaced).
    checkpoint_every : int, optional
        Default ``record_every``.
    energy : Energy, optional
        The energy for the recorded objective and gradient norm (default: taken from the flow's
        closure where possible; otherwise the columns hold the values of the last step).
    manifold : {"sphere", "euclidean"}, optional
        Default: taken from ``energy``.
    alpha : float, optional
        ``alpha`` for the Phi gap (default ``energy.alpha``; ``nan`` column if neither).
    generator : None, int or torch.Generator
        Passed to ``init``.
    progress : bool
        tqdm progress bar.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        Bad arguments; a checkpoint that exists without ``resume``, is corrupt (named), or holds a run of
        another configuration (the differing fields named).
    """
    n_steps = check_int(n_steps, "n_steps", low=0)
    record_every = check_int(record_every, "record_every", low=1)
    checkpoint_every = (
        record_every if checkpoint_every is None else check_int(checkpoint_every, "checkpoint_every", low=1)
    )
    if tol is not None:
        tol = check_real(tol, "tol", low=0.0)
    energy, manifold, alpha = _what_to_record(step, energy, manifold, alpha)
    obs = _check_observables(observables)
    ckpt = Path(checkpoint) if checkpoint is not None else None
    config = _run_config(x0, energy, manifold, step, obs, generator)

    if ckpt is not None and ckpt.exists() and not resume:
        raise ValueError(
            f"checkpoint {ckpt} already exists; pass resume=True to continue that run, or another path"
        )
    if resume and ckpt is not None and ckpt.exists():
        state, records, elapsed0 = _resume(ckpt, obs, record_every, config)
    else:
        state = init(x0, generator=generator)
        records = {name: [] for name in (*_BASE_COLUMNS, *obs)}
        elapsed0 = 0.0
    rec = _Recorder(records, energy, manifold, alpha, obs, elapsed0)

    converged = False
    if state.step % record_every == 0 and (not records["step"] or records["step"][-1] != state.step):
        rec(state)
    elif not records["step"]:
        gn = rec(state)
        converged = tol is not None and gn <= tol

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, initial=state.step, desc="flow", leave=False)
    try:
        while state.step < n_steps and not converged:
            state = step(state)
            if bar is not None:
                bar.update(1)
            stop = tol is not None and state.grad_norm <= tol
            last = stop or state.step >= n_steps
            if state.step % record_every == 0 or last:
                gn = rec(state)
                converged = tol is not None and gn <= tol
            if ckpt is not None and (state.step % checkpoint_every == 0 or last or converged):
                _save_checkpoint(ckpt, state, records, rec.elapsed(), config)
    finally:
        if bar is not None:
            bar.close()
    if ckpt is not None and not ckpt.exists():
        _save_checkpoint(ckpt, state, records, rec.elapsed(), config)
    return rec.trajectory(state, converged)


def _what_to_record(step, energy, manifold, alpha):
    """The energy, manifold and alpha of the recorded columns (defaults taken from the flow's energy)."""
    if energy is None:
        energy = _closure_energy(step)
    if energy is not None:
        energy = _as_energy(energy)
    if manifold is None:
        manifold = energy.manifold if energy is not None else "sphere"
    manifold = _manifold(manifold)
    if alpha is None and energy is not None:
        alpha = energy.alpha
    return energy, manifold, alpha


def _check_observables(observables) -> dict:
    from collections.abc import Mapping

    if observables is not None and not isinstance(observables, Mapping):
        raise TypeError(f"observables must be a mapping name -> callable; got {type(observables).__name__}")
    obs = dict(observables or {})
    for name, fn in obs.items():
        if not callable(fn):
            raise TypeError(f"observables[{name!r}] must be callable; got {type(fn).__name__}")
        if name in _BASE_COLUMNS:
            raise ValueError(f"observables[{name!r}]: the name clashes with a base column")
    return obs


def _run_config(x0, energy, manifold: str, step, obs: dict, generator) -> dict:
    """What makes two runs differ, as stored in a checkpoint and compared on resume."""
    import hashlib
    import numbers

    cfg: dict = {"N": None, "d": None, "dtype": None, "x0": None}
    if isinstance(x0, Tensor) and x0.ndim == 2 and x0.is_floating_point():
        data = x0.detach().to("cpu", torch.float64).contiguous().numpy().tobytes()
        cfg.update(
            N=int(x0.shape[0]),
            d=int(x0.shape[1]),
            dtype=str(x0.dtype).removeprefix("torch."),
            x0=hashlib.sha256(data).hexdigest()[:16],
        )
    cfg["manifold"] = manifold
    cfg["energy"] = to_jsonable(getattr(energy, "config", None))
    cfg["flow"] = to_jsonable(getattr(step, "config", None))
    cfg["observables"] = sorted(obs)
    seed = generator if isinstance(generator, numbers.Integral) and not isinstance(generator, bool) else None
    cfg["seed"] = None if seed is None else int(seed)
    return cfg


def _resume(ckpt: Path, obs: dict, record_every: int, config: dict):
    """The state, records and elapsed time of a checkpoint of this run, records cut back to the grid."""
    state, records, elapsed0, saved = _load_checkpoint(ckpt)
    if saved is None:
        raise ValueError(
            f"checkpoint {ckpt} records no configuration (written by an older version): it cannot be "
            "checked against this run; remove it or give another checkpoint path"
        )
    diff = [
        f"{k} = {saved.get(k)!r} in the checkpoint, {config.get(k)!r} here"
        for k in sorted(set(saved) | set(config))
        if saved.get(k) != config.get(k)
    ]
    if diff:
        raise ValueError(f"checkpoint {ckpt} holds another run: {'; '.join(diff)}")
    if set(records) != set(_BASE_COLUMNS) | set(obs):
        raise ValueError(
            f"checkpoint {ckpt} records columns {sorted(records)}; this run records "
            f"{sorted(set(_BASE_COLUMNS) | set(obs))}"
        )
    # a run that ended off the record grid recorded its last step; an uninterrupted run does not
    while records["step"] and records["step"][-1] % record_every != 0:
        for col in records.values():
            col.pop()
    return state, records, elapsed0


class _Recorder:
    """Appends one row of every column per call (the energy, Phi gap, ||m||^2, observables, wall time)."""

    def __init__(self, records: dict, energy, manifold: str, alpha, obs: dict, elapsed0: float):
        self.records, self.energy, self.manifold, self.alpha, self.obs = records, energy, manifold, alpha, obs
        self.elapsed0 = elapsed0
        self.t0 = time.perf_counter()

    def elapsed(self) -> float:
        return self.elapsed0 + time.perf_counter() - self.t0

    def __call__(self, st: FlowState) -> float:
        """Record ``st``; return the gradient norm at its points."""
        records, alpha = self.records, self.alpha
        x = st.points
        u = _directions(x, self.manifold)
        if self.energy is not None:
            value, _, gn = _first_variation(self.energy, x, self.manifold)
        else:
            value, gn = st.objective, st.grad_norm
        records["step"].append(st.step)
        records["objective"].append(value)
        records["phi_gap"].append(phi_gap(u, alpha) if alpha is not None and alpha > 0 else math.nan)
        records["mean_sq_norm"].append(mean_sq_norm(u))
        records["grad_norm"].append(gn)
        records["wall_s"].append(self.elapsed())
        for name, fn in self.obs.items():
            records[name].append(float(fn(u)))
        return gn

    def trajectory(self, state: FlowState, converged: bool) -> Trajectory:
        arr = {
            k: np.asarray(v, dtype=np.int64 if k == "step" else np.float64) for k, v in self.records.items()
        }
        return Trajectory(
            step=arr["step"],
            objective=arr["objective"],
            phi_gap=arr["phi_gap"],
            mean_sq_norm=arr["mean_sq_norm"],
            grad_norm=arr["grad_norm"],
            wall_s=arr["wall_s"],
            observables={k: arr[k] for k in self.obs},
            converged=bool(converged),
            n_steps=int(state.step),
            final_state=state,
        )


def _closure_energy(step):
    """The :class:`Energy` a flow's ``step`` closes over (``None`` if it cannot be found)."""
    for cell in getattr(step, "__closure__", None) or ():
        try:
            val = cell.cell_contents
        except ValueError:
            continue
        if isinstance(val, Energy):
            return val
    return None
