"""Bad input to every public function of theory.hgr and theory.alignment: a clean error naming the argument.

Each case feeds one bad argument (NaN, inf, empty, wrong rank, wrong dtype, strings, booleans,
non-stochastic channels, probabilities not summing to 1, eta2 outside [0, 1], values beyond their
range) to a call that succeeds with the good arguments, and asserts a ``ValueError`` or ``TypeError``
whose message names the argument. Property-based (hypothesis) where the bad set is a continuum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.alignment import (
    alignment_bound,
    alignment_exact,
    estimate_alignment,
    estimate_mean_sq_norm,
    hgr_encoder,
    max_alignment,
)
from theory.hgr import (
    eta2_binary_pairing,
    eta2_gaussian_channel,
    eta2_gmm_pairing,
    eta2_laplace_channel,
    hgr_ace,
    hgr_density,
    hgr_discrete,
    hgr_gaussian,
    hgr_label_posterior,
    hgr_tensorize,
    markov_joint,
    rho_channel_grid,
)

BAD = (ValueError, TypeError)

_RNG = np.random.default_rng(0)
P0 = np.array([0.2, 0.3, 0.5])
K = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.6, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]])
JOINT = np.array([[0.3, 0.1], [0.1, 0.5]])
POST = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
ENC = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
U = np.eye(3)
X_ACE = _RNG.standard_normal(60)
Y_ACE = X_ACE + _RNG.standard_normal(60)
COV = np.array([[1.0, 0.5], [0.5, 1.0]])
EDGES = np.linspace(-3.0, 3.0, 7)


def _pdf(x, y):
    return np.exp(-0.5 * (x * x + y * y))


# the good call of every public function (bad cases replace one argument)
GOOD = {
    "hgr_discrete": (hgr_discrete, {"joint": JOINT, "n_singular": 2}),
    "markov_joint": (markov_joint, {"p0": P0, "channel_x": K, "channel_y": K}),
    "hgr_gaussian": (hgr_gaussian, {"cov": COV, "dim_x": 1}),
    "hgr_density": (hgr_density, {"pdf": _pdf, "x_edges": EDGES, "y_edges": EDGES, "n_quad": 2}),
    "hgr_label_posterior": (
        hgr_label_posterior,
        {"posteriors": POST, "prior": np.array([0.5, 0.5]), "weights": np.array([0.2, 0.3, 0.5])},
    ),
    "hgr_tensorize": (hgr_tensorize, {"rhos": np.array([0.1, 0.5])}),
    "hgr_ace": (
        hgr_ace,
        {
            "x": X_ACE,
            "y": Y_ACE,
            "seed": 0,
            "max_categories": 32,
            "span": 0.5,
            "n_components": 2,
            "max_iter": 5,
            "tol": 1e-6,
            "n_splits": 1,
            "n_boot": 2,
            "level": 0.95,
            "progress": False,
        },
    ),
    "eta2_gaussian_channel": (eta2_gaussian_channel, {"A": 0.6}),
    "eta2_laplace_channel": (
        eta2_laplace_channel,
        {
            "A": 0.6,
            "jitter_sd": 0.2,
            "dropout": 0.1,
            "scale_sd": 0.0,
            "base_scale": 1.0,
            "n_grid": 16,
            "n_quad": 2,
        },
    ),
    "eta2_gmm_pairing": (
        eta2_gmm_pairing,
        {"means": np.array([[0.0, 0.0], [1.0, 0.0]]), "sigma": 1.0, "n_samples": 200, "seed": 0},
    ),
    "eta2_binary_pairing": (eta2_binary_pairing, {"sparsity": 0.1, "flip": 0.001}),
    "rho_channel_grid": (
        rho_channel_grid,
        {
            "A": 0.6,
            "noise_sd": 0.8,
            "base": "gaussian",
            "n_grid": 16,
            "scale_sd": 0.0,
            "n_quad": 2,
            "base_scale": 1.0,
        },
    ),
    "alignment_bound": (alignment_bound, {"eta2": 0.36, "mean_sq_norm": 0.1}),
    "estimate_alignment": (estimate_alignment, {"u": U, "v": U, "eta2": 0.3}),
    "estimate_mean_sq_norm": (estimate_mean_sq_norm, {"u": U, "v": U}),
    "alignment_exact": (alignment_exact, {"p0": P0, "channel": K, "encoder": ENC}),
    "hgr_encoder": (hgr_encoder, {"p0": P0, "channel": K, "d": 2, "n_scales": 3}),
    "max_alignment": (
        max_alignment,
        {"p0": P0, "channel": K, "d": 2, "objective": "bound", "n_restarts": 1, "seed": 0},
    ),
}


def _with(arr: np.ndarray, index, value) -> np.ndarray:
    out = np.array(arr, dtype=np.float64)
    out[index] = value
    return out


def _array_cases(good, *, allow_bool: bool = False) -> list:
    """NaN, inf, empty, wrong rank (up and down), strings, object, complex, a plain string, a bool array."""
    g = np.asarray(good, dtype=np.float64)
    empty = np.zeros((0, *g.shape[1:])) if g.ndim > 1 else np.zeros(0)
    cases = [
        ("nan", _with(g, (0,) * g.ndim, np.nan)),
        ("inf", _with(g, (-1,) * g.ndim, np.inf)),
        ("-inf", _with(g, (0,) * g.ndim, -np.inf)),
        ("empty", empty),
        ("rank+1", g[None, ...][None, ...] if g.ndim == 1 else g[None, ...]),
        ("scalar", np.float64(g.flat[0])),
        ("str-array", g.astype(str)),
        ("object-array", np.array(g, dtype=object)),
        ("complex", g.astype(complex)),
        ("string", "abc"),
        ("None", None),
    ]
    if not allow_bool:
        cases.append(("bool-array", g > g.mean()))
    return cases


def _scalar_cases(kind: str) -> list:
    common = [("nan", math.nan), ("inf", math.inf), ("string", "0.3"), ("bool", True), ("list", [0.3])]
    if kind == "int":
        return [*common, ("float", 2.5), ("string-int", "2"), ("None", None)]
    return common


CASES: list = []


def _add(fn_name: str, arg: str, label: str, value) -> None:
    CASES.append(pytest.param(fn_name, arg, value, id=f"{fn_name}-{arg}-{label}"))


def _add_array(fn_name, arg, *, allow_bool=False, skip=()):
    good = GOOD[fn_name][1][arg]
    for label, value in _array_cases(good, allow_bool=allow_bool):
        if label not in skip:
            _add(fn_name, arg, label, value)


def _add_scalar(fn_name, arg, kind, extra=(), *, optional=False, arrays_ok=False):
    for label, value in _scalar_cases(kind):
        if not ((optional and value is None) or (arrays_ok and label == "list")):
            _add(fn_name, arg, label, value)
    for i, value in enumerate(extra):
        _add(fn_name, arg, f"range{i}", value)


# ---- theory.hgr -------------------------------------------------------------------------------------
_add_array("hgr_discrete", "joint", skip=("rank+1",))
_add("hgr_discrete", "joint", "rank3", JOINT[None])
_add("hgr_discrete", "joint", "negative", [[0.5, -0.1], [0.3, 0.3]])
_add("hgr_discrete", "joint", "zero-mass", np.zeros((2, 2)))
_add_scalar("hgr_discrete", "n_singular", "int", extra=(1, 0, -3), optional=True)

for a in ("p0",):
    _add_array("markov_joint", a)
_add("markov_joint", "p0", "sum-not-1", [0.2, 0.3, 0.6])
_add("markov_joint", "p0", "counts", [2.0, 3.0, 5.0])
_add("markov_joint", "p0", "negative", [-0.2, 0.7, 0.5])
_add("markov_joint", "p0", "wrong-length", [0.5, 0.5])  # the message names channel_x and p0
for a in ("channel_x", "channel_y"):
    _add_array("markov_joint", a, skip=("rank+1",) if a == "channel_x" else ("rank+1", "None"))
    _add("markov_joint", a, "not-stochastic", _with(K, (1, 0), 0.3))
    _add("markov_joint", a, "negative", _with(_with(K, (0, 0), 0.9), (0, 3), -0.2))
    _add("markov_joint", a, "wrong-rows", K[:2])

_add_array("hgr_gaussian", "cov", skip=("rank+1",))
_add("hgr_gaussian", "cov", "not-symmetric", [[1.0, 0.5], [0.2, 1.0]])
_add("hgr_gaussian", "cov", "not-square", np.ones((2, 3)))
_add("hgr_gaussian", "cov", "1x1", [[1.0]])
_add("hgr_gaussian", "cov", "singular", [[0.0, 0.0], [0.0, 1.0]])
_add_scalar("hgr_gaussian", "dim_x", "int", extra=(0, 2, -1))

_add("hgr_density", "pdf", "not-callable", 3.0)
_add("hgr_density", "pdf", "negative", lambda x, y: -_pdf(x, y))
_add("hgr_density", "pdf", "nan", lambda x, y: np.full(np.broadcast(x, y).shape, np.nan))
_add("hgr_density", "pdf", "wrong-shape", lambda x, y: np.ones(5))
_add("hgr_density", "pdf", "zero", lambda x, y: np.zeros(np.broadcast(x, y).shape))
for a in ("x_edges", "y_edges"):
    _add_array("hgr_density", a, allow_bool=True)
    _add("hgr_density", a, "decreasing", EDGES[::-1])
    _add("hgr_density", a, "too-short", [0.0, 1.0])
_add_scalar("hgr_density", "n_quad", "int", extra=(0, 65))

_add_array("hgr_label_posterior", "posteriors", skip=("rank+1",))
_add("hgr_label_posterior", "posteriors", "not-stochastic", [[0.9, 0.2], [0.2, 0.8]])
_add("hgr_label_posterior", "posteriors", "one-label", [[1.0], [1.0]])
for a in ("prior", "weights"):
    _add_array("hgr_label_posterior", a, skip=("None",))
    _add("hgr_label_posterior", a, "sum-not-1", GOOD["hgr_label_posterior"][1][a] * 1.1)
_add("hgr_label_posterior", "prior", "wrong-length", [0.2, 0.3, 0.5])
_add("hgr_label_posterior", "weights", "wrong-length", [0.5, 0.5])

_add_array("hgr_tensorize", "rhos")
_add("hgr_tensorize", "rhos", "above-1", [0.5, 1.2])
_add("hgr_tensorize", "rhos", "negative", [-0.1, 0.5])

for a in ("x", "y"):
    _add_array("hgr_ace", a, allow_bool=True)
    _add("hgr_ace", a, "too-few", GOOD["hgr_ace"][1][a][:20])
_add("hgr_ace", "y", "mismatched-rows", Y_ACE[:50])
_add("hgr_ace", "seed", "string", "a")
_add("hgr_ace", "seed", "negative", -1)
_add("hgr_ace", "seed", "float", 1.5)
_add("hgr_ace", "cat_x", "wrong-length", [True, False])
_add("hgr_ace", "cat_y", "not-bools", [1])
_add_scalar("hgr_ace", "max_categories", "int", extra=(0,))
_add_scalar("hgr_ace", "span", "real", extra=(0.0, 1.5, -0.2, "auto"))
_add_scalar("hgr_ace", "n_components", "int", extra=(0, 11))
_add_scalar("hgr_ace", "max_iter", "int", extra=(0,))
_add_scalar("hgr_ace", "tol", "real", extra=(0.0, -1.0))
_add_scalar("hgr_ace", "n_splits", "int", extra=(-1,))
_add_scalar("hgr_ace", "n_boot", "int", extra=(-1, 1))
_add_scalar("hgr_ace", "level", "real", extra=(0.0, 1.0, 95.0))
_add("hgr_ace", "progress", "string", "yes")

_add_scalar("eta2_gaussian_channel", "A", "real", extra=(1.5, -1.01))
_add_scalar("eta2_laplace_channel", "A", "real", extra=(1.5,))
_add_scalar("eta2_laplace_channel", "jitter_sd", "real", extra=(-0.1,))
_add_scalar("eta2_laplace_channel", "dropout", "real", extra=(1.0, -0.1))
_add_scalar("eta2_laplace_channel", "scale_sd", "real", extra=(-0.1,))
_add_scalar("eta2_laplace_channel", "base_scale", "real", extra=(0.0, -1.0))
_add_scalar("eta2_laplace_channel", "n_grid", "int", extra=(2, 0))
_add_scalar("eta2_laplace_channel", "n_quad", "int", extra=(0, 65))

_add_array("eta2_gmm_pairing", "means", allow_bool=True, skip=("rank+1",))
_add("eta2_gmm_pairing", "means", "one-component", [[0.0, 1.0]])
_add_scalar("eta2_gmm_pairing", "sigma", "real", extra=(0.0, -1.0))
_add_scalar("eta2_gmm_pairing", "n_samples", "int", extra=(50, 0))
_add("eta2_gmm_pairing", "seed", "string", "a")

_add_scalar("eta2_binary_pairing", "sparsity", "real", extra=(0.0, 1.0, -0.5))
_add_scalar("eta2_binary_pairing", "flip", "real", extra=(1.0, -0.1))

_add_scalar("rho_channel_grid", "A", "real", extra=(1.5,))
_add_scalar("rho_channel_grid", "noise_sd", "real", extra=(0.0, -1.0))
_add("rho_channel_grid", "base", "unknown", "cauchy")
_add("rho_channel_grid", "base", "not-a-string", 3)
_add_scalar("rho_channel_grid", "n_grid", "int", extra=(4, 0))
_add_scalar("rho_channel_grid", "scale_sd", "real", extra=(-0.1,))
_add_scalar("rho_channel_grid", "n_quad", "int", extra=(0, 65))
_add_scalar("rho_channel_grid", "base_scale", "real", extra=(0.0,))

# ---- theory.alignment -------------------------------------------------------------------------------
for a in ("eta2", "mean_sq_norm"):
    _add_scalar(
        "alignment_bound", a, "real", extra=(1.5, -0.1, np.array([0.1, 1.2]), [0.1, "a"]), arrays_ok=True
    )
    _add("alignment_bound", a, "None", None)
    _add("alignment_bound", a, "complex", 0.3 + 0j)

for fn in ("estimate_alignment", "estimate_mean_sq_norm"):
    for a in ("u", "v"):
        _add_array(
            fn,
            a,
            allow_bool=True,
            skip=("rank+1", "None") if (fn, a) == ("estimate_mean_sq_norm", "v") else ("rank+1",),
        )
        _add(fn, a, "rank3", U[None])
        _add(fn, a, "not-unit", 2 * U)
        _add(fn, a, "off-by-2e-5", U * (1 + 2e-5))
        _add(fn, a, "two-rows", U[:2])
    _add(fn, "v", "other-shape", np.eye(4)[:3])
_add_scalar("estimate_alignment", "eta2", "real", extra=(1.5, -0.1))

for fn in ("alignment_exact", "hgr_encoder", "max_alignment"):
    _add_array(fn, "p0")
    _add(fn, "p0", "sum-not-1", [0.2, 0.3, 0.6])
    _add(fn, "p0", "counts", [2.0, 3.0, 5.0])
    _add(fn, "p0", "negative", [-0.2, 0.7, 0.5])
    _add(fn, "channel", "wrong-rows", K[:2])
    _add_array(fn, "channel", skip=("rank+1",))
    _add(fn, "channel", "not-stochastic", _with(K, (1, 0), 0.3))
    _add(fn, "channel", "negative", _with(_with(K, (0, 0), 0.9), (0, 3), -0.2))
_add_array("alignment_exact", "encoder", allow_bool=True, skip=("rank+1",))
_add("alignment_exact", "encoder", "not-unit", 2 * ENC)
_add("alignment_exact", "encoder", "wrong-rows", ENC[:3])
_add_scalar("hgr_encoder", "d", "int", extra=(1, 0))
_add_scalar("hgr_encoder", "n_scales", "int", extra=(0,))
_add_scalar("max_alignment", "d", "int", extra=(0,))
_add_scalar("max_alignment", "n_restarts", "int", extra=(0,))
_add("max_alignment", "objective", "unknown", "slack")
_add("max_alignment", "objective", "not-a-string", 1)
_add("max_alignment", "seed", "string", "a")


@pytest.mark.parametrize("fn_name", sorted(GOOD))
def test_good_call_succeeds(fn_name):
    """The base call of each case is valid: every failure below comes from the one bad argument."""
    fn, kwargs = GOOD[fn_name]
    fn(**kwargs)


@pytest.mark.parametrize(("fn_name", "arg", "value"), CASES)
def test_bad_argument_is_refused_by_name(fn_name, arg, value):
    fn, kwargs = GOOD[fn_name]
    with pytest.raises(BAD) as info:
        fn(**{**kwargs, arg: value})
    msg = str(info.value)
    assert arg in msg, f"{fn_name}({arg}=...): message does not name the argument: {msg!r}"


def test_every_public_function_has_cases():
    import theory.alignment
    import theory.hgr

    public = {
        n
        for mod in (theory.hgr, theory.alignment)
        for n in mod.__all__
        if callable(getattr(mod, n)) and not isinstance(getattr(mod, n), type)
    }
    covered = {p.values[0] for p in CASES}
    assert public <= covered, sorted(public - covered)


def test_alignment_bound_refuses_a_string():
    """alignment_bound('0.3') used to return 0.3."""
    with pytest.raises(TypeError, match="eta2"):
        alignment_bound("0.3")
    with pytest.raises(TypeError, match="mean_sq_norm"):
        alignment_bound(0.3, "0.1")
    with pytest.raises(ValueError, match="eta2 and mean_sq_norm must broadcast"):
        alignment_bound([0.1, 0.2], [0.1, 0.2, 0.3])
    assert alignment_bound(np.float32(0.5), [0.0, 1.0]).tolist() == [0.5, 1.0]


def test_ace_transforms_refuse_wrong_columns():
    res = hgr_ace(X_ACE, Y_ACE, seed=0, n_boot=0, max_iter=5)
    with pytest.raises(ValueError, match="x must have 1 column"):
        res.transform_x(np.ones((5, 2)))
    with pytest.raises(ValueError, match="y"):
        res.transform_y(np.array([np.nan]))


# ---- property-based: continua of bad values ---------------------------------------------------------
_off_one = st.floats(1e-4, 0.5) | st.floats(-0.5, -1e-4)


@settings(max_examples=40)
@given(st.integers(0, 2**31 - 1), st.integers(2, 6), _off_one)
def test_probabilities_not_summing_to_one_are_refused(seed, n0, off):
    rng = np.random.default_rng(seed)
    p0 = rng.dirichlet(np.ones(n0)) * (1.0 + off)
    Kc = rng.dirichlet(np.ones(3), size=n0)
    for call in (lambda: markov_joint(p0, Kc), lambda: alignment_exact(p0, Kc, np.eye(3))):
        with pytest.raises(ValueError, match="p0 must be a probability vector"):
            call()


@settings(max_examples=40)
@given(st.integers(0, 2**31 - 1), st.integers(2, 5), st.integers(2, 5), _off_one)
def test_non_stochastic_channels_are_refused(seed, n0, nx, off):
    rng = np.random.default_rng(seed)
    p0 = rng.dirichlet(np.ones(n0))
    Kc = rng.dirichlet(np.ones(nx), size=n0)
    row = int(rng.integers(n0))
    Kc[row] *= 1.0 + off
    with pytest.raises(ValueError, match=f"channel must be row-stochastic.*row {row} sums"):
        alignment_exact(p0, Kc, np.eye(nx))
    with pytest.raises(ValueError, match="channel_x must be row-stochastic"):
        markov_joint(p0, Kc)


@settings(max_examples=60)
@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda t: not 0.0 <= t <= 1.0))
def test_eta2_outside_unit_interval_is_refused(eta2):
    with pytest.raises(ValueError, match="eta2"):
        alignment_bound(eta2)
    with pytest.raises(ValueError, match="eta2"):
        estimate_alignment(U, U, eta2=eta2)
    with pytest.raises(ValueError, match="mean_sq_norm"):
        alignment_bound(0.5, eta2)


@settings(max_examples=40)
@given(
    st.integers(0, 2**31 - 1),
    st.integers(2, 6),
    st.integers(2, 6),
    st.sampled_from([np.nan, np.inf, -np.inf]),
)
def test_non_finite_entries_are_refused_wherever_they_sit(seed, nx, ny, bad):
    rng = np.random.default_rng(seed)
    P = rng.random((nx, ny))
    i, j = int(rng.integers(nx)), int(rng.integers(ny))
    P[i, j] = bad
    with pytest.raises(ValueError, match="joint"):
        hgr_discrete(P)
    Pi = rng.dirichlet(np.ones(ny), size=nx)
    Pi[i, j] = bad
    with pytest.raises(ValueError, match="posteriors"):
        hgr_label_posterior(Pi)


@settings(max_examples=30)
@given(st.integers(0, 2**31 - 1), st.integers(2, 5), st.integers(2, 5))
def test_float32_laws_within_tolerance_are_accepted(seed, n0, nx):
    """float32 rounding (sums off 1 by ~1e-7, norms by ~1e-7) is not an error; values match float64."""
    rng = np.random.default_rng(seed)
    p0 = rng.dirichlet(np.ones(n0))
    Kc = rng.dirichlet(np.ones(nx), size=n0)
    F = rng.standard_normal((nx, 2))
    F /= np.linalg.norm(F, axis=1, keepdims=True)
    ex32 = alignment_exact(p0.astype(np.float32), Kc.astype(np.float32), F.astype(np.float32))
    ex64 = alignment_exact(p0, Kc, F)
    assert ex32.alignment == pytest.approx(ex64.alignment, abs=1e-5)
    assert ex32.eta2 == pytest.approx(ex64.eta2, abs=1e-5)
