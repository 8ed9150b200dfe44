"""The flows: Riemannian gradient descent, Riemannian Adam, mean-field Langevin (``init, step`` pairs)."""

from __future__ import annotations

import math
from dataclasses import replace

import torch

from simulate.flows._state import FlowState, _as_energy, _check_x0, _first_variation, _manifold
from simulate.sphere import as_generator, retract, tangent
from theory._validation import check_real


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
        ``init(x0, *, generator=None) -> FlowState``, ``step(state) -> FlowState``; ``step.config`` holds
        the flow's parameters (what a checkpointed :func:`simulate.flows.run` compares on resume).
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

    step.config = {"flow": "gradient", "lr": lr, "manifold": manifold}
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
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2) of numbers in [0, 1); got {betas!r}")
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

    step.config = {"flow": "adam", "lr": lr, "betas": [b1, b2], "eps": eps, "manifold": manifold}
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

    step.config = {"flow": "langevin", "dt": dt, "beta": beta, "manifold": manifold}
    return init, step
