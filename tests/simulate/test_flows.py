"""Flows: T1 (Phi flows reach Phi(sigma)), the J_q switch at q_c^loc (D), the Langevin stationary laws (R),
checkpoint + resume."""

from __future__ import annotations

import csv
import dataclasses
import json
import math

import numpy as np
import pytest
import torch
from scipy import stats

from simulate.energies import Energy, PhiAndGrad
from simulate.flows import FlowState, adam_flow, gradient_flow, langevin_flow, run
from simulate.observables import mmd_uniform, phi_gap
from simulate.sphere import sample_uniform, sample_vmf
from theory.regularized import qc_local
from theory.uniformity import minimize_phi_discrete, phi_uniform


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _zero_energy(manifold="sphere"):
    def vg(x):
        return PhiAndGrad(torch.zeros((), dtype=x.dtype), torch.zeros_like(x))

    return Energy(lambda x: (0.0 * x).sum(), vg, manifold=manifold, name="zero")


@pytest.mark.slow  # flows run to convergence (2 s each)
@pytest.mark.claim("T1")
@pytest.mark.parametrize("flow", ["gd", "adam"])
def test_phi_flow_reaches_phi_sigma(flow):
    """From a clustered start (vMF, kappa = 10: gap ~ 0.8) a Phi flow ends within a stated tolerance
    of Phi(sigma).

    Tolerances, derived:

    - lower: ``gap >= 0`` for every measure (T1, Lemma 2);
    - upper, for any configuration: ``log x <= log c + (x - c)/c`` applied to each row gives
      ``gap <= MMD^2_V(mu_N, sigma) / c``, ``c = exp(Phi(sigma))`` (checked on the final points);
    - upper, for the minimiser: ``min gap <= E_iid gap <= log(1 + (e^alpha / c - 1)/N) =: U_N`` (Jensen
      twice over i.i.d. uniform points, self-pairs included); the flow must reach below ``U_N``;
    - and at least the quality of an independent optimiser: ``gap <= `` the gap found by
      :func:`theory.uniformity.minimize_phi_discrete` (L-BFGS in numpy, 3 random starts).
    """
    N, d, alpha = 64, 3, 2.0
    c = math.exp(phi_uniform(d, alpha))
    U_N = math.log1p((math.exp(alpha) / c - 1.0) / N)
    x0 = sample_vmf(N, [1.0, 0.0, 0.0], 10.0, generator=0)
    E = Energy.phi(alpha)
    init, step = gradient_flow(E, lr=0.2) if flow == "gd" else adam_flow(E, lr=0.05)
    tr = run(init, step, x0, n_steps=3000, record_every=250, tol=1e-5, progress=False)
    gap = float(tr.phi_gap[-1])
    ref = minimize_phi_discrete(N, d, alpha, n_starts=3, seed=0).gap
    x = tr.final_state.points
    assert tr.phi_gap[0] > 0.5
    assert gap >= -1e-12
    assert gap <= mmd_uniform(x, alpha) / c + 1e-12
    assert gap <= U_N
    assert gap <= ref, (gap, ref)
    # the objective never increases along gradient descent with this step (monotone records)
    if flow == "gd":
        assert np.all(np.diff(tr.objective) <= 1e-12)


@pytest.mark.slow  # flows on both sides of the switch (1.4 s)
@pytest.mark.claim("D")
def test_jq_switch_at_qc_local_d3():
    """d = 3: J_q = Phi - q ||m||^2 flows from a slightly tilted law return to ||m|| ~ 0 below q_c^loc and
    move to a tilted measure above it (theory.regularized.qc_local; the transition is second order)."""
    d, alpha, N = 3, 2.0, 400
    qc = qc_local(d, alpha)
    x0 = sample_vmf(N, [0.0, 0.0, 1.0], 0.3, generator=5)
    m0 = float((x0.mean(dim=0) ** 2).sum())
    out = {}
    for f in (0.8, 1.25):
        init, step = gradient_flow(Energy.surrogate_jq(alpha, f * qc), lr=0.2)
        tr = run(init, step, x0, n_steps=300, record_every=100, progress=False)
        out[f] = float(tr.mean_sq_norm[-1])
    assert out[0.8] < 1e-3 * m0
    assert out[1.25] > 10 * m0 and out[1.25] > 0.1


@pytest.mark.slow  # a long Langevin run (1.5 s)
@pytest.mark.claim("R", "C2")
def test_langevin_stationary_radius_is_chi():
    """Mean-field Langevin in R^d for F = beta lam E||z||^2 (alpha = q = 0): stationary law
    N(0, (2 lam)^{-1} I_d), so sqrt(2 lam) ||z|| ~ chi_d. KS test (level 1e-6) and E||z||^2 = d/(2 lam)
    at 5 SE.

    Euler-Maruyama's own stationary variance is (2 lam)^{-1} / (1 - beta lam dt): with dt = 0.005 a relative
    bias of 0.25% in E||z||^2, a fifth of one standard error (sqrt(2/(d N)) = 1.3% at N = 4000, d = 3)."""
    N, d, lam, beta = 4000, 3, 0.5, 1.0
    E = Energy.free_energy(0.0, 0.0, beta, lam)
    init, step = langevin_flow(E, dt=0.005, beta=beta, manifold="euclidean", generator=11)
    z0 = torch.zeros(N, d, dtype=torch.float64)
    z0[:, 0] = 3.0
    tr = run(init, step, z0, n_steps=2000, record_every=1000, progress=False)
    z = tr.final_state.points.numpy()
    r = np.linalg.norm(z, axis=1) * math.sqrt(2 * lam)
    assert stats.kstest(r, stats.chi(d).cdf).pvalue > 1e-6
    r2 = (z**2).sum(axis=1)
    target = d / (2 * lam)
    se = math.sqrt(2 * d) / (2 * lam) / math.sqrt(N)
    assert abs(r2.mean() - target) < 5 * se
    # and the projections are N(0, 1/(2 lam)) coordinate by coordinate
    for k in range(d):
        assert stats.kstest(z[:, k] * math.sqrt(2 * lam), "norm").pvalue > 1e-6


def test_langevin_on_sphere_heat_kernel_mean():
    """Brownian motion on S^{d-1} (zero energy, temperature beta): E u(t).e1 = exp(-(d-1) beta t) from
    u(0) = e1 (degree-1 harmonics are eigenfunctions of the Laplacian with eigenvalue -(d-1)), at 5 SE."""
    N, d, beta, dt, n = 4000, 3, 1.0, 0.001, 300
    init, step = langevin_flow(_zero_energy(), dt=dt, beta=beta, generator=3)
    x0 = torch.zeros(N, d, dtype=torch.float64)
    x0[:, 0] = 1.0
    tr = run(init, step, x0, n_steps=n, record_every=n, progress=False)
    t1 = tr.final_state.points[:, 0].numpy()
    se = t1.std(ddof=1) / math.sqrt(N)
    assert abs(t1.mean() - math.exp(-(d - 1) * beta * dt * n)) < 5 * se


def _same_records(a, b):
    for name in ("step", "objective", "phi_gap", "mean_sq_norm", "grad_norm"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in a.observables:
        assert np.array_equal(a.observables[name], b.observables[name])


@pytest.mark.parametrize("flow", ["langevin", "adam"])
def test_checkpoint_resume_is_bit_identical(tmp_path, flow):
    x0 = sample_uniform(40, 3, generator=1)
    E = Energy.phi(2.0)

    def make():
        if flow == "langevin":
            return langevin_flow(E, dt=0.01, beta=0.05, generator=7)
        return adam_flow(E, lr=0.05)

    obs = {"m1": lambda u: float(u[:, 0].mean())}
    full = run(*make(), x0, n_steps=40, record_every=5, observables=obs, progress=False)
    ck = tmp_path / "flow.pt"
    part = run(*make(), x0, n_steps=17, record_every=5, observables=obs, checkpoint=ck, progress=False)
    assert part.n_steps == 17 and ck.exists() and (ck.stat().st_mode & 0o777) == 0o644
    resumed = run(
        *make(), x0, n_steps=40, record_every=5, observables=obs, checkpoint=ck, resume=True, progress=False
    )
    assert torch.equal(resumed.final_state.points, full.final_state.points)
    _same_records(resumed, full)
    assert resumed.step.tolist() == full.step.tolist() == [0, 5, 10, 15, 20, 25, 30, 35, 40]


def test_stop_on_gradient_norm_and_outputs(tmp_path):
    x0 = sample_vmf(30, [0.0, 1.0, 0.0], 3.0, generator=2)
    init, step = gradient_flow(Energy.phi(1.0), lr=0.3)
    tr = run(init, step, x0, n_steps=5000, record_every=50, tol=1e-4, progress=False)
    assert tr.converged and tr.n_steps < 5000 and tr.grad_norm[-1] <= 1e-4
    d = tr.to_dict()
    json.dumps(d, allow_nan=False)
    assert set(d) >= {"step", "objective", "phi_gap", "mean_sq_norm", "grad_norm", "converged", "n_steps"}
    p = tr.to_csv(tmp_path / "t.csv")
    rows = list(csv.reader(open(p)))
    assert rows[0][:5] == ["step", "objective", "phi_gap", "mean_sq_norm", "grad_norm"]
    assert len(rows) == len(tr.step) + 1
    assert abs(float(rows[-1][2]) - phi_gap(tr.final_state.points, 1.0)) < 1e-12
    with pytest.raises(dataclasses.FrozenInstanceError):
        tr.final_state.step = 3  # type: ignore[misc]
    assert isinstance(tr.final_state, FlowState)


def test_flow_argument_errors():
    E = Energy.phi(1.0)
    with pytest.raises(ValueError, match="lr"):
        gradient_flow(E, lr=0.0)
    with pytest.raises(ValueError, match="manifold"):
        langevin_flow(E, dt=0.1, beta=1.0, manifold="torus")
    init, step = gradient_flow(E, lr=0.1)
    with pytest.raises(ValueError, match="unit-norm"):
        run(init, step, 2 * torch.eye(3, dtype=torch.float64), n_steps=1, progress=False)
    with pytest.raises(ValueError, match="n_steps"):
        run(init, step, torch.eye(3, dtype=torch.float64), n_steps=-1, progress=False)


def _short_run(tmp_path, x0, energy, **kwargs):
    init, step = adam_flow(energy, lr=0.05)
    return run(init, step, x0, n_steps=3, checkpoint=tmp_path / "flow.pt", progress=False, **kwargs)


def test_resume_refuses_another_run_naming_the_fields(tmp_path):
    """A checkpoint of 16 points under Phi(alpha=2) is not continued with 32 points or another energy."""
    x16 = sample_uniform(16, 3, generator=1)
    first = _short_run(tmp_path, x16, Energy.phi(2.0))
    assert first.n_steps == 3
    with pytest.raises(ValueError, match=r"another run: .*N = 16 in the checkpoint, 32 here"):
        _short_run(tmp_path, sample_uniform(32, 3, generator=1), Energy.phi(2.0), resume=True)
    with pytest.raises(ValueError, match=r"energy = .*'alpha': 2\.0.*'alpha': 3\.0"):
        _short_run(tmp_path, x16, Energy.phi(3.0), resume=True)
    with pytest.raises(ValueError, match=r"x0 = "):
        _short_run(tmp_path, sample_uniform(16, 3, generator=2), Energy.phi(2.0), resume=True)
    with pytest.raises(ValueError, match=r"flow = .*'lr': 0\.05.*'lr': 0\.1"):
        init, step = adam_flow(Energy.phi(2.0), lr=0.1)
        run(init, step, x16, n_steps=3, checkpoint=tmp_path / "flow.pt", resume=True, progress=False)
    same = _short_run(tmp_path, x16, Energy.phi(2.0), resume=True)
    assert torch.equal(same.final_state.points, first.final_state.points)


def test_an_existing_checkpoint_is_never_replaced_without_resume(tmp_path):
    x = sample_uniform(16, 3, generator=1)
    _short_run(tmp_path, x, Energy.phi(2.0))
    before = (tmp_path / "flow.pt").read_bytes()
    with pytest.raises(ValueError, match="already exists; pass resume=True"):
        _short_run(tmp_path, x, Energy.phi(2.0))
    assert (tmp_path / "flow.pt").read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04 truncated zip"])
def test_a_corrupt_checkpoint_is_named(tmp_path, content):
    (tmp_path / "flow.pt").write_bytes(content)
    with pytest.raises(ValueError, match=r"checkpoint .*flow\.pt is not readable"):
        _short_run(tmp_path, sample_uniform(16, 3, generator=1), Energy.phi(2.0), resume=True)
