"""Particle flows over measures, built as state plus step (the jax-md pattern).

A flow is a pair ``(init, step)``: ``init(x0, *, generator=None) -> FlowState`` and
``step(state) -> FlowState`` (pure: the state carries the points, the step count, the optimiser
state and the random-number state, so a run can be checkpointed and resumed bit-identically).
:func:`run` drives a flow, records a :class:`Trajectory` and stops on the Riemannian gradient norm.

Scaling. The particles :math:`x_1..x_N` carry the empirical measure :math:`\\mu_N = \\frac1N\\sum_i
\\delta_{x_i}`; the flows move particle ``i`` along the *first variation* of the energy,
:math:`N \\nabla_{x_i} E` (the Wasserstein gradient evaluated at :math:`x_i`), so that learning rates and
time steps do not depend on ``N``. On the sphere the gradient is projected to the tangent space
(:func:`simulate.sphere.tangent`) and steps are retracted by normalising (:func:`simulate.sphere.retract`).

- :func:`gradient_flow`: Riemannian gradient descent :math:`x \\leftarrow R_x(-\\eta\\, \\mathrm{grad}_i)`;
- :func:`adam_flow`: Riemannian Adam (Becigneul & Ganea 2019: one second-moment scalar per particle,
  momentum transported by projection);
- :func:`langevin_flow`: mean-field Langevin (Euler-Maruyama) at temperature ``beta``,
  :math:`dx_i = -N\\nabla_{x_i}E\\,dt + \\sqrt{2\\beta}\\,dW_i`, in :math:`\\mathbb R^d` or on the sphere
  (tangent noise, then retraction), whose stationary law minimises :math:`E - \\beta H`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from simulate.energies import Energy
from simulate.observables import mean_sq_norm, phi_gap
from simulate.sphere import as_generator, check_points, retract, tangent
from theory._io import ResultMixin, atomic_write_text, to_jsonable
from theory._validation import check_int, check_real

__all__ = ["FlowState", "Trajectory", "adam_flow", "gradient_flow", "langevin_flow", "run"]


@dataclass(frozen=True)
class FlowState:
    """The state of a particle flow after ``step`` steps.

    Attributes
    ----------
    points : Tensor, shape (N, d)
        The particles (points of the sphere, or of :math:`\\mathbb R^d` for a Euclidean flow).
    step : int
        Number of steps taken.
    opt : dict of str to Tensor
        Optimiser state (Adam's moments; empty for plain flows).
    rng : Tensor or None
        State of the flow's :class:`torch.Generator` (``Generator.get_state()``; Langevin only).
    objective : float
        Energy at the points the last step started from (``nan`` before the first step).
    grad_norm : float
        Root mean square over particles of the (Riemannian, first-variation) gradient at those points:
        :math:`(\\frac1N\\sum_i \\lVert N\\,\\mathrm{proj}_{x_i}\\nabla_{x_i}E\\rVert^2)^{1/2}`.
    """

    points: Tensor
    step: int = 0
    opt: dict = field(default_factory=dict)
    rng: Tensor | None = None
    objective: float = math.nan
    grad_norm: float = math.nan


def _manifold(manifold: str) -> str:
    if manifold not in ("sphere", "euclidean"):
        raise ValueError(f"manifold must be 'sphere' or 'euclidean'; got {manifold!r}")
    return manifold


def _as_energy(energy) -> Energy:
    if isinstance(energy, Energy):
        return energy
    if callable(energy):
        return Energy(energy)
    raise TypeError(f"energy must be a simulate.energies.Energy or a callable; got {type(energy).__name__}")


def _first_variation(energy: Energy, x: Tensor, manifold: str) -> tuple[float, Tensor, float]:
    """Energy value, per-particle (Riemannian on the sphere) first-variation gradient, and its RMS."""
    value, g = energy.value_and_grad(x)
    g = g * x.shape[0]
    if manifold == "sphere":
        g = tangent(x, g)
    gn = float(torch.sqrt((g * g).sum(dim=1).mean()))
    return float(value), g, gn


def _check_x0(x0, manifold: str) -> Tensor:
    if manifold == "sphere":
        return check_points(x0, "x0").detach().clone()
    if not isinstance(x0, Tensor) or not x0.is_floating_point() or x0.ndim != 2:
        raise TypeError("x0 must be a floating tensor of shape (N, d)")
    if not bool(torch.isfinite(x0).all()):
        raise ValueError("x0 has NaN or inf values")
    return x0.detach().clone()


def gradient_flow(energy, *, lr: float, manifold: str = "sphere"):
    """Riemannian gradient descent on :math:`(S^{d-1})^N` (or plain gradient descent in :math:`\\mathbb R^d`).

    .. math::
        x_i \\leftarrow R_{x_i}\\big(-\\eta\\, \\mathrm{proj}_{x_i} N \\nabla_{x_i} E\\big),
        \\qquad R_x(v) = \\frac{x + v}{\\lVert x + v\\rVert}.

    Parameters
    ----------
    energy : Energy or callable
        The energy (:class:`simulate.energies.Energy`; a plain callable is differentiated by autograd).
    lr : float
        Step size :math:`\\eta > 0`.
    manifold : {"sphere", "euclidean"}

    Returns
    -------
    init, step : callables
        ``init(x0, *, generator=None) -> FlowState``, ``step(state) -> FlowState``.
    """
    energy = _as_energy(energy)
    lr = check_real(lr, "lr", low=0.0, low_open=True)
    manifold = _manifold(manifold)

    def init(x0, *, generator=None) -> FlowState:
        return FlowState(points=_check_x0(x0, manifold))

    def step(state: FlowState) -> FlowState:
        x = state.points
        value, g, gn = _first_variation(energy, x, manifold)
        x_new = retract(x, -lr * g) if manifold == "sphere" else x - lr * g
        return replace(state, points=x_new, step=state.step + 1, objective=value, grad_norm=gn)

    return init, step


def adam_flow(energy, *, lr: float, betas=(0.9, 0.999), eps: float = 1e-8, manifold: str = "sphere"):
    """Riemannian Adam on :math:`(S^{d-1})^N` (Becigneul & Ganea 2019), or Adam in :math:`\\mathbb R^d`.

    .. math::
        m_i \\leftarrow \\beta_1 m_i + (1-\\beta_1) g_i, \\quad
        v_i \\leftarrow \\beta_2 v_i + (1-\\beta_2) \\lVert g_i \\rVert^2, \\quad
        x_i \\leftarrow R_{x_i}\\Big(-\\eta \\frac{\\hat m_i}{\\sqrt{\\hat v_i} + \\epsilon}\\Big), \\quad
        m_i \\leftarrow \\mathrm{proj}_{x_i} m_i,

    with :math:`g_i` the Riemannian first-variation gradient, bias corrections :math:`\\hat m, \\hat v`,
    one second-moment scalar per particle (so the flow commutes with rotations of the sphere), and the
    momentum transported by projection onto the new tangent space. In :math:`\\mathbb R^d` it is
    per-coordinate Adam.

    Parameters
    ----------
    energy : Energy or callable
    lr : float
    betas : (float, float)
    eps : float
    manifold : {"sphere", "euclidean"}

    Returns
    -------
    init, step : callables
    """
    energy = _as_energy(energy)
    lr = check_real(lr, "lr", low=0.0, low_open=True)
    b1 = check_real(betas[0], "betas[0]", low=0.0, high=1.0, high_open=True)
    b2 = check_real(betas[1], "betas[1]", low=0.0, high=1.0, high_open=True)
    eps = check_real(eps, "eps", low=0.0)
    manifold = _manifold(manifold)

    def init(x0, *, generator=None) -> FlowState:
        x = _check_x0(x0, manifold)
        v_shape = (x.shape[0], 1) if manifold == "sphere" else x.shape
        opt = {"m": torch.zeros_like(x), "v": torch.zeros(v_shape, dtype=x.dtype, device=x.device)}
        return FlowState(points=x, opt=opt)

    def step(state: FlowState) -> FlowState:
        x = state.points
        value, g, gn = _first_variation(energy, x, manifold)
        t = state.step + 1
        m = b1 * state.opt["m"] + (1.0 - b1) * g
        g2 = (g * g).sum(dim=1, keepdim=True) if manifold == "sphere" else g * g
        v = b2 * state.opt["v"] + (1.0 - b2) * g2
        mhat = m / (1.0 - b1**t)
        vhat = v / (1.0 - b2**t)
        direction = -lr * mhat / (torch.sqrt(vhat) + eps)
        if manifold == "sphere":
            x_new = retract(x, direction)
            m = tangent(x_new, m)
        else:
            x_new = x + direction
        return replace(state, points=x_new, step=t, opt={"m": m, "v": v}, objective=value, grad_norm=gn)

    return init, step


def langevin_flow(energy, *, dt: float, beta: float, manifold: str = "sphere", generator=None):
    """Mean-field Langevin dynamics (Euler-Maruyama) at temperature ``beta``.

    .. math::
        x_i \\leftarrow x_i - N\\nabla_{x_i}E\\, \\Delta t + \\sqrt{2\\beta\\Delta t}\\, \\xi_i
        \\quad (\\mathbb R^d), \\qquad
        x_i \\leftarrow R_{x_i}\\big(-\\mathrm{proj}_{x_i}N\\nabla_{x_i}E\\,\\Delta t
        + \\sqrt{2\\beta\\Delta t}\\,\\mathrm{proj}_{x_i}\\xi_i\\big) \\quad (S^{d-1}),

    :math:`\\xi_i \\sim \\mathcal N(0, I_d)`. As :math:`\\Delta t \\to 0` the empirical law of the
    particles tends to the minimiser of :math:`E(\\mu) - \\beta H(\\mu)` (for ``E`` the
    :func:`simulate.energies.free_energy` with ``alpha = q = 0``, the Gaussian
    :math:`\\mathcal N(0, (2\\lambda)^{-1} I_d)`; Euler-Maruyama's stationary variance there is
    :math:`(2\\lambda)^{-1} / (1 - \\beta\\lambda\\Delta t)`).

    Parameters
    ----------
    energy : Energy or callable
    dt : float
        Time step ``> 0``.
    beta : float
        Temperature ``>= 0`` (0 is the gradient flow).
    manifold : {"sphere", "euclidean"}
    generator : None, int or torch.Generator
        Default source of the noise for :func:`init` (its state is copied into the
        :class:`FlowState`, so the flow never advances the caller's generator).

    Returns
    -------
    init, step : callables
    """
    energy = _as_energy(energy)
    dt = check_real(dt, "dt", low=0.0, low_open=True)
    beta = check_real(beta, "beta", low=0.0)
    manifold = _manifold(manifold)
    default_gen = generator
    scale = math.sqrt(2.0 * beta * dt)

    def init(x0, *, generator=None) -> FlowState:
        x = _check_x0(x0, manifold)
        src = generator if generator is not None else default_gen
        if isinstance(src, torch.Generator) and src.device != x.device:
            # a generator on another device seeds one on the particles' device
            src = int(torch.randint(0, 2**62, (1,), generator=src, device=src.device))
        g = as_generator(src, x.device)
        return FlowState(points=x, rng=g.get_state())

    def step(state: FlowState) -> FlowState:
        x = state.points
        value, grad, gn = _first_variation(energy, x, manifold)
        gen = torch.Generator(device=x.device)
        gen.set_state(state.rng)
        xi = torch.randn(x.shape, generator=gen, device=x.device, dtype=x.dtype)
        if manifold == "sphere":
            x_new = retract(x, -dt * grad + scale * tangent(x, xi))
        else:
            x_new = x - dt * grad + scale * xi
        return replace(
            state, points=x_new, step=state.step + 1, rng=gen.get_state(), objective=value, grad_norm=gn
        )

    return init, step


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


def _save_checkpoint(path: Path, state: FlowState, records: dict, elapsed: float) -> None:
    payload = {
        "points": state.points,
        "step": state.step,
        "opt": state.opt,
        "rng": state.rng,
        "objective": state.objective,
        "grad_norm": state.grad_norm,
        "records": records,
        "elapsed": elapsed,
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


def _load_checkpoint(path: Path):
    payload = torch.load(path, weights_only=False)
    state = FlowState(
        points=payload["points"],
        step=int(payload["step"]),
        opt=payload["opt"],
        rng=payload["rng"],
        objective=payload["objective"],
        grad_norm=payload["grad_norm"],
    )
    return state, payload["records"], float(payload["elapsed"])


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
        Initial particles (ignored when resuming from a checkpoint).
    n_steps : int
        Total number of steps (counted from the start, including resumed parts).
    record_every : int
    observables : mapping of str to callable, optional
        ``name -> f(directions) -> float``; columns of the trajectory.
    tol : float, optional
        Stop when the RMS Riemannian first-variation gradient norm is ``<= tol``.
    checkpoint : path, optional
        File written (atomically) every ``checkpoint_every`` steps and at the end.
    resume : bool
        Continue from ``checkpoint`` if it exists (bit-identical to an uninterrupted run).
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
    """
    n_steps = check_int(n_steps, "n_steps", low=0)
    record_every = check_int(record_every, "record_every", low=1)
    checkpoint_every = (
        record_every if checkpoint_every is None else check_int(checkpoint_every, "checkpoint_every", low=1)
    )
    if tol is not None:
        tol = check_real(tol, "tol", low=0.0)
    if energy is None:
        energy = _closure_energy(step)
    if energy is not None:
        energy = _as_energy(energy)
    if manifold is None:
        manifold = energy.manifold if energy is not None else "sphere"
    manifold = _manifold(manifold)
    if alpha is None and energy is not None:
        alpha = energy.alpha
    obs = dict(observables or {})
    for name, fn in obs.items():
        if not callable(fn):
            raise TypeError(f"observable {name!r} must be callable")
        if name in _BASE_COLUMNS:
            raise ValueError(f"observable name {name!r} clashes with a base column")
    ckpt = Path(checkpoint) if checkpoint is not None else None

    records = {name: [] for name in _BASE_COLUMNS}
    records.update({name: [] for name in obs})
    elapsed0 = 0.0
    if resume and ckpt is not None and ckpt.exists():
        state, records, elapsed0 = _load_checkpoint(ckpt)
        if set(records) != set(_BASE_COLUMNS) | set(obs):
            raise ValueError(
                f"checkpoint {ckpt} records columns {sorted(records)}; this run records "
                f"{sorted(set(_BASE_COLUMNS) | set(obs))}"
            )
        # a run that ended off the record grid recorded its last step; an uninterrupted run does not
        while records["step"] and records["step"][-1] % record_every != 0:
            for col in records.values():
                col.pop()
    else:
        state = init(x0, generator=generator)
    t0 = time.perf_counter()

    def record(st: FlowState):
        x = st.points
        u = _directions(x, manifold)
        if energy is not None:
            value, _, gn = _first_variation(energy, x, manifold)
        else:
            value, gn = st.objective, st.grad_norm
        records["step"].append(st.step)
        records["objective"].append(value)
        records["phi_gap"].append(phi_gap(u, alpha) if alpha is not None and alpha > 0 else math.nan)
        records["mean_sq_norm"].append(mean_sq_norm(u))
        records["grad_norm"].append(gn)
        records["wall_s"].append(elapsed0 + time.perf_counter() - t0)
        for name, fn in obs.items():
            records[name].append(float(fn(u)))
        return gn

    converged = False
    if state.step % record_every == 0 and (not records["step"] or records["step"][-1] != state.step):
        gn = record(state)
    elif not records["step"]:
        gn = record(state)
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
                gn = record(state)
                converged = tol is not None and gn <= tol
            if ckpt is not None and (state.step % checkpoint_every == 0 or last or converged):
                _save_checkpoint(ckpt, state, records, elapsed0 + time.perf_counter() - t0)
    finally:
        if bar is not None:
            bar.close()
    if ckpt is not None and not ckpt.exists():
        _save_checkpoint(ckpt, state, records, elapsed0 + time.perf_counter() - t0)
    arr = {k: np.asarray(v, dtype=np.int64 if k == "step" else np.float64) for k, v in records.items()}
    return Trajectory(
        step=arr["step"],
        objective=arr["objective"],
        phi_gap=arr["phi_gap"],
        mean_sq_norm=arr["mean_sq_norm"],
        grad_norm=arr["grad_norm"],
        wall_s=arr["wall_s"],
        observables={k: arr[k] for k in obs},
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
