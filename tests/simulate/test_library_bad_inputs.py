"""Bad input to every public function of simulate: a ValueError or TypeError that names the argument
(never an AttributeError, NotImplementedError, OverflowError, a hang, or a silent NaN/inf), checked
before any work. Extreme but valid values give finite results.

Classes of bad input: types, NaN/inf, sizes, shapes, dtypes, devices, paths (files where folders belong),
unknown configuration keys. Each case is cheap: the error comes before the computation.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch

from simulate import energies, experiments, flows, observables, rates, sphere, sweep
from simulate.energies import Energy

NAN, INF = float("nan"), float("inf")
V, T = ValueError, TypeError
X = sphere.sample_uniform(6, 3, generator=0)  # unit rows, float64
E3 = torch.eye(3, dtype=torch.float64)

BAD_COUNT = [(0, V), (-1, V), (2.5, T), ("3", T), (True, T), (None, T)]
BAD_DIM = [(1, V), (0, V), (3.0, T), ("3", T), (True, T), (None, T)]
BAD_REAL = [(NAN, V), (INF, V), (-INF, V), ("1", T), (True, T), (None, T), (1j, T)]
BAD_ALPHA = [(-1.0, V), (1e13, V), (1e20, V), *BAD_REAL]
BAD_POS = [(0.0, V), (-1.0, V), *BAD_REAL]
BAD_NONNEG = [(-1.0, V), *BAD_REAL]
BAD_SEED = [(-1, V), (2**70, V), ("x", T), (1.5, T), (True, T)]
BAD_GENERATOR = [(-1, V), (2**70, V), ("x", T), (1.5, T), (True, T)]
BAD_DTYPE = [(torch.int64, T), (torch.complex64, T), (torch.float16, T), ("float", T), (np.float64, T)]
BAD_DEVICE = [("foo", V), ("meta", V), ("cuda:7", V), ("gpu", V), (3, T)]
if not torch.cuda.is_available():
    BAD_DEVICE += [("cuda", V)]
if not torch.backends.mps.is_available():
    BAD_DEVICE += [("mps", V)]
BAD_POINTS = [
    (np.eye(3), T),
    (torch.eye(3, dtype=torch.int64), T),
    (torch.eye(3, dtype=torch.complex128), T),
    (torch.ones(3, dtype=torch.float64), V),
    (torch.ones(2, 2, 2, dtype=torch.float64), V),
    (torch.empty(0, 3, dtype=torch.float64), V),
    (torch.full((3, 3), NAN, dtype=torch.float64), V),
    (torch.where(E3 > 0, INF, 0.0), V),
    (2.0 * X, V),  # off the sphere
    ("abc", T),
    (None, T),
]
BAD_VECTORS = [
    (np.eye(3), T),
    (torch.ones(3, dtype=torch.float64), V),
    (torch.ones(6, 4, dtype=torch.float64), V),  # another shape than x
    (torch.full((6, 3), NAN, dtype=torch.float64), V),
    (None, T),
]
BAD_PATH_DIR = [(".", V)]  # a folder where a file belongs (relative to the test's tmp folder)


def _flow():
    return flows.gradient_flow(Energy.phi(1.0), lr=0.1)


# function, valid keyword arguments, {argument: bad values}
TABLE = [
    # ---- simulate.sphere
    (sphere.as_device, {"device": "cpu"}, {"device": BAD_DEVICE}),
    (sphere.as_dtype, {"dtype": torch.float64}, {"dtype": BAD_DTYPE}),
    (sphere.as_generator, {"generator": 0}, {"generator": BAD_GENERATOR}),
    (sphere.check_points, {"x": X, "name": "x"}, {"x": BAD_POINTS}),
    (sphere.check_size, {"N": 10, "d": 3, "dtype": torch.float64, "device": "cpu"}, {"N": [(2**40, V)]}),
    (sphere.project, {"x": X}, {"x": [*BAD_POINTS[:8], ("abc", T), (torch.zeros(2, 3), V)]}),
    (sphere.tangent, {"x": X, "g": X}, {"x": BAD_POINTS, "g": BAD_VECTORS}),
    (sphere.retract, {"x": X, "v": X}, {"x": BAD_POINTS, "v": BAD_VECTORS}),
    (
        sphere.sample_uniform,
        {"N": 4, "d": 3, "generator": 0},
        {
            "N": [*BAD_COUNT, (2**40, V)],
            "d": [*BAD_DIM, (2**40, V)],
            "generator": BAD_GENERATOR,
            "device": BAD_DEVICE,
            "dtype": BAD_DTYPE,
        },
    ),
    (
        sphere.sample_vmf,
        {"N": 4, "mean": [1.0, 0.0, 0.0], "kappa": 1.0, "generator": 0},
        {
            "N": [*BAD_COUNT, (2**40, V)],
            "mean": [([NAN, 0.0, 0.0], V), ([2.0, 0.0, 0.0], V), ([1.0], V), ("abc", T), ([[[1.0]]], V)],
            "kappa": [(-1.0, V), *BAD_REAL, (torch.tensor([1.0, 2.0]), V)],
            "generator": BAD_GENERATOR,
            "device": BAD_DEVICE,
            "dtype": BAD_DTYPE,
        },
    ),
    (
        sphere.sample_mixture,
        {"N": 4, "means": E3[:2], "kappas": [1.0, 2.0], "weights": [0.5, 0.5], "generator": 0},
        {
            "N": BAD_COUNT,
            "means": [(torch.ones(2, 3), V), ("abc", T)],
            "kappas": [([-1.0, 1.0], V), ([NAN, 1.0], V), ([1.0], V)],
            "weights": [([NAN, 1.0], V), ([-1.0, 2.0], V), ([1.0], V), ([0.0, 0.0], V)],
            "dtype": BAD_DTYPE,
            "device": BAD_DEVICE,
        },
    ),
    # ---- simulate.energies
    (
        energies.phi_and_grad,
        {"points": X, "alpha": 1.0},
        {
            "points": BAD_POINTS,
            "alpha": BAD_ALPHA,
            "weights": [(torch.ones(2), V), (-torch.ones(6), V), (torch.full((6,), NAN), V), ("w", T)],
            "block_size": [(0, V), (2.5, T)],
            "method": [("fast", V)],
        },
    ),
    (energies.phi, {"points": X, "alpha": 1.0}, {"points": BAD_POINTS, "alpha": BAD_ALPHA}),
    (
        energies.infonce_energy,
        {"u": X, "v": X, "alpha": 1.0},
        {"u": BAD_POINTS, "v": [*BAD_POINTS, (X[:2], V)], "alpha": BAD_ALPHA},
    ),
    (
        energies.surrogate_jq,
        {"points": X, "alpha": 1.0, "q": 1.0},
        {"points": BAD_POINTS, "alpha": BAD_ALPHA, "q": BAD_NONNEG},
    ),
    (
        energies.free_energy,
        {"z": X, "alpha": 1.0, "q": 1.0, "beta": 1.0, "lam": 1.0},
        {
            "z": [(np.eye(3), T), (torch.zeros(2, 3, dtype=torch.float64), V), (torch.full((2, 3), NAN), V)],
            "alpha": BAD_ALPHA,
            "q": BAD_NONNEG,
            "beta": BAD_POS,
            "lam": BAD_POS,
        },
    ),
    (Energy.phi, {"alpha": 1.0}, {"alpha": BAD_ALPHA}),
    (Energy.surrogate_jq, {"alpha": 1.0, "q": 1.0}, {"alpha": BAD_ALPHA, "q": BAD_NONNEG}),
    (
        Energy.free_energy,
        {"alpha": 1.0, "q": 1.0, "beta": 1.0, "lam": 1.0},
        {"alpha": BAD_ALPHA, "q": BAD_NONNEG, "beta": BAD_POS, "lam": BAD_POS},
    ),
    # ---- simulate.flows
    (
        flows.gradient_flow,
        {"energy": Energy.phi(1.0), "lr": 0.1},
        {"energy": [(3, T), (None, T)], "lr": BAD_POS, "manifold": [("torus", V)]},
    ),
    (
        flows.adam_flow,
        {"energy": Energy.phi(1.0), "lr": 0.1},
        {
            "energy": [(3, T)],
            "lr": BAD_POS,
            "betas": [((0.9,), T), (0.9, T), ((1.0, 0.9), V), ((0.9, NAN), V)],
            "eps": BAD_NONNEG,
            "manifold": [("torus", V)],
        },
    ),
    (
        flows.langevin_flow,
        {"energy": Energy.phi(1.0), "dt": 0.01, "beta": 0.1},
        {"energy": [(3, T)], "dt": BAD_POS, "beta": BAD_NONNEG, "manifold": [("torus", V)]},
    ),
    (
        flows.run,
        {"init": _flow()[0], "step": _flow()[1], "x0": X, "n_steps": 1, "progress": False},
        {
            "x0": BAD_POINTS,
            "n_steps": [(-1, V), (2.5, T), ("1", T), (None, T)],
            "record_every": [(0, V), (1.5, T)],
            "checkpoint_every": [(0, V), (1.5, T)],
            "tol": [(-1.0, V), (NAN, V), ("x", T)],
            "observables": [({"mmd": 3}, T), ({"step": len}, V), ([len], T)],
            "manifold": [("torus", V)],
            "checkpoint": BAD_PATH_DIR,
        },
    ),
    # ---- simulate.observables
    (observables.phi_gap, {"points": X, "alpha": 1.0}, {"points": BAD_POINTS, "alpha": BAD_ALPHA}),
    (observables.mean_sq_norm, {"points": X}, {"points": BAD_POINTS}),
    (
        observables.mmd_uniform,
        {"points": X, "alpha": 1.0},
        {"points": BAD_POINTS, "alpha": [*BAD_ALPHA, (800.0, V)]},
    ),
    (
        observables.sliced_w2_uniform,
        {"points": X, "n_projections": 3, "seed": 0},
        {"points": BAD_POINTS, "n_projections": BAD_COUNT, "seed": [(-1, V), ("x", T), (1.5, T)]},
    ),
    (
        observables.gaussianity,
        {"points": sphere.sample_uniform(40, 3, generator=1), "k": 2},
        {"points": BAD_POINTS, "k": [(0, V), (4, V), (1.5, T)], "seed": [(-1, V), ("x", T)]},
    ),
    (
        observables.default_observables,
        {"alpha": 1.0},
        {"alpha": BAD_ALPHA, "n_projections": BAD_COUNT, "k": [(0, V), (1.5, T)]},
    ),
    # ---- simulate.rates
    (
        rates.fit_power_law,
        {"x": [1.0, 2.0, 4.0], "y": [1.0, 0.5, 0.25]},
        {
            "x": [([0.0, 1.0, 2.0], V), ([1.0, 1.0, 1.0], V), ([NAN, 1.0, 2.0], V), (["a", "b", "c"], T)],
            "y": [([1.0, 2.0], V), ([1.0, NAN, 1.0], V), ([1.0, -1.0, 1.0], V)],
            "statistic": [("median", V)],
            "level": [(0.0, V), (1.0, V), (NAN, V)],
            "n_boot": [(1, V), (2.5, T)],
        },
    ),
    (
        rates.minimize_phi_particles,
        {"x0": X, "alpha": 1.0, "max_steps": 1},
        {
            "x0": BAD_POINTS,
            "alpha": [(0.0, V), *BAD_ALPHA],
            "tol": BAD_NONNEG,
            "max_steps": [(-1, V), (1.5, T)],
        },
    ),
    (rates.sw_floor, {"N": 4}, {"N": BAD_COUNT}),
    (
        rates.rn_point,
        {
            "point": {
                "kind": "iid",
                "N": 4,
                "d": 3,
                "alpha": 1.0,
                "seed": 0,
                "kappa_pair": 1.0,
                "n_projections": 1,
                "n_batches": 1,
            }
        },
        {"point": [(3, T), ({"kind": "iid"}, V), ({"kind": "grid", "N": 4}, V)]},
    ),
    (
        rates.rd_point,
        {"point": {"kind": "iid", "d": 3, "k": 1, "N": 10, "seed": 0}},
        {
            "point": [
                ([1], T),
                ({"kind": "iid", "d": 3, "k": 3, "N": 10, "seed": 0}, V),
                ({"kind": "iid", "d": 3, "k": 1, "N": 0, "seed": 0}, V),
                ({"kind": "flow", "d": 3, "k": 1, "N": 10, "seed": 0}, V),  # flow without alpha, tol
                ({"kind": "iid", "d": 3, "k": 1, "N": 10, "seed": -1}, V),
            ]
        },
    ),
    (
        rates.rn_points,
        {"cfg": {}},
        {"cfg": [({"seeds": 1}, V), ({"rd": {}}, V), ({"Ns": [16]}, V), ({"alpha": "x"}, T), (3, T)]},
    ),
    (rates.rd_points, {"cfg": {}}, {"cfg": [({"ks": [8]}, V), ({"seeds": 1}, V), ({"Ns": [4]}, V)]}),
    (
        rates.check_config,
        {"part": "rn", "overrides": {}},
        {"part": [("rx", V)], "overrides": [({"bogus": 1}, V), ({"seeds": 1}, V), ({"d": 2.5}, T), (3, T)]},
    ),
    (
        rates.study_config,
        {},
        {"rd": [({"ds": [8]}, V), ({"seeds": 0}, V)], "rn": [({"alpha": 0.0}, V), ({"alpha": NAN}, V)]},
    ),
    (
        rates.classify_slope,
        {"fit": {"slope": -0.5, "ci_low": -0.6, "ci_high": -0.4}},
        {"fit": [({"slope": -0.5}, V), (3, T), ({"slope": -0.5, "ci_low": NAN, "ci_high": 0.0}, V)]},
    ),
    (
        rates.slope_verdict,
        {"fit": {"slope": -0.5, "ci_low": -0.6, "ci_high": -0.4}},
        {"fit": [({"slope": -0.5}, V), ("fit", T)], "margin": [(-0.1, V), (NAN, V)]},
    ),
    (rates.plot_rates, {"study": {}}, {"study": [(3, T), ({"rd": {}}, T)]}),
    *[
        (
            fn,
            {"points": [{"kind": "iid"}], "results": [{}], "cfg": {}},
            {
                "points": [(3, T), ([], V), ([{"kind": "iid"}, {"kind": "iid"}], V), ([3], T)],
                "results": [(None, T)],
                "cfg": [({"bogus": 1}, V), ({"seeds": 1}, V)],
            },
        )
        for fn in (rates.summarize_rd, rates.summarize_rn)
    ],
    (
        rates.rates_study,
        {"rd_cfg": {}, "rn_cfg": {}},
        {"rd_cfg": [({"bogus": 1}, V), ({"seeds": 1}, V)], "rn_cfg": [({"seeds": 1}, V), ({"d": 1}, V)]},
    ),
    # ---- simulate.experiments
    (
        experiments.start_points,
        {"kind": "uniform", "N": 4, "d": 3},
        {
            "kind": [("spiral", V)],
            "N": [*BAD_COUNT, (2**40, V)],
            "d": BAD_DIM,
            "seed": BAD_SEED,
            "kappa": [(-1.0, V), *BAD_REAL],
            "device": BAD_DEVICE,
            "dtype": BAD_DTYPE,
        },
    ),
    (
        experiments.flow_phi,
        {"x0": X, "alpha": 1.0, "n_steps": 1},
        {
            "x0": BAD_POINTS,
            "alpha": BAD_ALPHA,
            "q": BAD_NONNEG,
            "optimizer": [("sgd", V)],
            "lr": BAD_POS,
            "n_steps": [(-1, V), (1.5, T)],
        },
    ),
    *[
        (
            fn,
            {"quick": True},
            {"quick": [("yes", T), (1, T)], "seed": BAD_SEED, "device": BAD_DEVICE, "dtype": BAD_DTYPE},
        )
        for fn in (
            experiments.t1_starts,
            experiments.c1_plateau,
            experiments.beyond_vmf,
            experiments.beyond_zonal,
            experiments.langevin_route,
            experiments.langevin_finite_n,
        )
    ],
    (
        experiments.experiment_config,
        {"name": "t1"},
        {"name": [("t2", V)], "seed": [(-1, V), ("0", T)], "dtype": [("float16", V)], "threads": [(0, V)]},
    ),
    (
        experiments.run_experiment,
        {"name": "t1", "quick": True},
        {
            "name": [("t2", V)],
            "seed": BAD_SEED,
            "device": BAD_DEVICE,
            "dtype": [("float16", T), (torch.int64, T)],
            "threads": [(0, V), (1.5, T)],
            "json_path": BAD_PATH_DIR,
            "png_path": BAD_PATH_DIR,
            "publish": [(True, V)],  # with quick
        },
    ),
    # ---- simulate.sweep
    (sweep.check_executor, {"executor": "debug"}, {"executor": [("pbs", V), (None, V)]}),
    (sweep.executor_parameters, {"executor": "debug"}, {"executor": [("pbs", V)]}),
    (sweep.point_key, {"point": {"a": 1}}, {"point": [(3, T), ({"a": NAN}, T), ({"a": object()}, T)]}),
    (sweep.result_path, {"out_dir": ".", "point": {"a": 1}}, {"point": [(3, T)]}),
    (
        sweep.load_result,
        {"path": "p.json", "point": {"a": 1}},
        {"path": [(3, T), (None, T)], "point": [(3, T)]},
    ),
    (
        sweep.run_sweep,
        {"fn": len, "points": [{"a": 1}], "out_dir": "sweep", "executor": "debug", "progress": False},
        {
            "fn": [(3, T)],
            "points": [(3, T), ({"a": 1}, T), ([3], T)],
            "executor": [("pbs", V)],
            "max_parallel": [(0, V), (1.5, T)],
            "out_dir": [("file.txt", V)],
        },
    ),
]


def _cases():
    out = []
    for fn, good, bad in TABLE:
        for arg, values in bad.items():
            for i, (value, exc) in enumerate(values):
                name = getattr(fn, "__qualname__", fn.__name__)
                out.append(pytest.param(fn, good, arg, value, exc, id=f"{name}-{arg}-{i}"))
    return out


def test_every_public_function_is_in_the_table():
    covered = {fn for fn, _, _ in TABLE}
    modules = (sphere, energies, flows, observables, rates, experiments, sweep)
    for mod in modules:
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, type):
                assert obj in covered, f"{mod.__name__}.{name} has no bad-input cases"
    assert {Energy.phi, Energy.surrogate_jq, Energy.free_energy} <= covered


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder holding ``file.txt`` (a file where a folder belongs); paths in the table are relative."""
    folder = tmp_path_factory.mktemp("doors")
    (folder / "file.txt").write_text("a file, not a folder")
    return folder


@pytest.mark.parametrize(("fn", "good", "arg", "value", "exc"), _cases())
def test_bad_input_raises_naming_the_argument(fn, good, arg, value, exc, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    kwargs = {**good, arg: value}
    with pytest.raises(exc, match=rf"\b{re.escape(arg)}\b"):
        fn(**kwargs)


# ---- extreme but valid values: finite results, no hang -----------------------------------------------


def test_alpha_at_the_cap_is_finite_in_float64_and_refused_in_float32():
    x = sphere.sample_uniform(10, 3, generator=0)
    value, grad = energies.phi_and_grad(x, 1e12)
    # distinct points at alpha = 1e12: only the self-pairs count, Phi = alpha - log N, grad = 2 alpha / N x
    assert float(value) - 1e12 == pytest.approx(-math.log(10), abs=1e-3)
    assert torch.allclose(grad, 2e12 / 10 * x, rtol=1e-9)
    with pytest.raises(ValueError, match=r"alpha = 1e\+12 is too large for these points.*float32"):
        energies.phi_and_grad(x.float(), 1e12)
    v32, g32 = energies.phi_and_grad(x.float(), 1e4)
    assert math.isfinite(float(v32)) and bool(torch.isfinite(g32).all())


def test_retract_of_minus_x_stays_on_the_sphere_and_tangent_refuses_points_off_it():
    x = sphere.sample_uniform(8, 4, generator=2)
    y = sphere.retract(x, -x)  # the normal step moves nothing
    assert bool(torch.isfinite(y).all()) and torch.allclose(y, x, atol=1e-15)
    with pytest.raises(ValueError, match=r"x must have unit-norm rows"):
        sphere.tangent(2 * x, x)


def test_mmd_below_the_float_range_is_finite():
    x = sphere.sample_uniform(10, 3, generator=0)
    assert math.isfinite(observables.mmd_uniform(x, 700.0))
