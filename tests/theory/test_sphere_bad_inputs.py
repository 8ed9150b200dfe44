"""A battery of bad inputs for every public function of theory.sphere, theory.symbolic and theory.studies.tv.

Each bad value must give a clean ``ValueError`` or ``TypeError`` whose message names the argument (never
a numpy/scipy traceback from inside, never a silent number). Property-based (hypothesis) for the integer
and real scalars.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theory import sphere, symbolic
from theory.studies import tv as tv_study

GOOD_MATRIX_2 = np.zeros((3, 2))
RNG = np.random.default_rng(0)
GOOD_SAMPLES_1 = RNG.standard_normal((50, 1))

# function -> good keyword arguments (every argument named, so that each can be replaced by a bad one)
GOOD = {
    sphere.sample_uniform: {"N": 5, "d": 3, "seed": 0},
    sphere.project: {"z": np.ones((2, 3)), "c0": np.array([1.0, 0.0, 0.0])},
    sphere.sample_projection: {"n_samples": 5, "d": 10, "k": 2, "seed": 0},
    sphere.projection_radius_law: {"d": 10, "k": 2},
    sphere.projection_logpdf: {"x": GOOD_MATRIX_2, "d": 10, "k": 2, "scaled": True},
    sphere.projection_pdf: {"x": GOOD_MATRIX_2, "d": 10, "k": 2, "scaled": False},
    sphere.projection_cdf_1d: {"y": np.zeros(3), "d": 10},
    sphere.log_density_ratio: {"s": np.ones(3), "d": 10, "k": 2},
    sphere.crossing_radii: {"d": 10, "k": 2},
    sphere.projection_tv: {"d": 10, "k": 2},
    sphere.projection_ks: {"d": 10, "k": 2},
    sphere.projection_kl: {"d": 10, "k": 2, "reverse": False},
    sphere.projection_hellinger: {"d": 10, "k": 2},
    sphere.projection_distances: {"d": 10, "k": 2},
    sphere.projection_tv_expansion: {"d": 10, "k": 2},
    sphere.diaconis_freedman_bound: {"d": 10, "k": 2},
    sphere.tv_constant: {"k": 2},
    sphere.mc_projection_tv: {"d": 10, "k": 1, "n_samples": 100, "seed": 0, "samples": None},
    sphere.mc_projection_kl: {"d": 10, "k": 1, "n_samples": 100, "seed": 0, "samples": GOOD_SAMPLES_1 * 0.5},
    sphere.ks_distance: {"samples": GOOD_SAMPLES_1, "d": 10, "scale": 1.0, "level": 0.01},
    sphere.chi_shell: {"d": 10},
    sphere.shell_projection_tv: {"d": 10, "k": 2, "radial": stats.lognorm(0.1), "n_nodes": 16},
    sphere.shell_tv_leading: {"d": 10, "k": 2, "var_rho2": 0.1},
    sphere.lognormal_shell: {"sigma": 0.1},
    sphere.sample_shell: {"n_samples": 5, "d": 10, "k": 2, "radial": None, "seed": 0},
    sphere.mc_shell_tv: {
        "d": 10,
        "k": 1,
        "radial": stats.lognorm(0.1),
        "n_samples": 100,
        "seed": 0,
        "n_nodes": 16,
    },
    symbolic.chi2_density: {"kk": 3},
    symbolic.tv_constant_expr: {"kk": 2},
    symbolic.moment_expr: {"m": 2},
    symbolic.projected_density_expr: {"kk": 2},
    symbolic.projected_density_limit: {"kk": 1},
    tv_study.tv_vs_d_table: {
        "d_values": [8, 16],
        "k_values": (1,),
        "mc_d": (16,),
        "n_samples": 100,
        "seed": 0,
        "progress": False,
    },
}
NO_ARGUMENT = [
    symbolic.ratio_expansion,
    symbolic.tv_constant_closed_form,
    symbolic.kl_leading_expr,
    symbolic.hellinger_leading_expr,
    symbolic.kurtosis_expr,
    symbolic.shell_mixture_expansion,
]

NOT_INTEGERS = [
    math.nan,
    math.inf,
    -math.inf,
    2.5,
    3.0,
    "10",
    b"1",
    True,
    False,
    1 + 2j,
    [3],
    np.float64(4.0),
]
NOT_REALS = [math.nan, math.inf, -math.inf, "0.1", True, 1 + 2j, [0.1], None]
NOT_BOOLS = ["yes", 1, 0, None, 1.0]

# the range of every integer argument: (low, high) inclusive; None = unbounded
INT_RANGE = {
    "d": (2, 10**100),
    "k": (1, None),
    "N": (1, None),
    "n_samples": (1, None),
    "n_nodes": (8, 10_000),
}
INT_RANGE_BY_FUNC = {
    (sphere.sample_uniform, "d"): (1, None),
    (sphere.chi_shell, "d"): (1, None),
    (sphere.diaconis_freedman_bound, "d"): (5, None),
    (sphere.tv_constant, "k"): (1, 10**100),
    (sphere.mc_projection_tv, "n_samples"): (2, None),
    (sphere.mc_projection_kl, "n_samples"): (2, None),
    (sphere.mc_shell_tv, "n_samples"): (2, None),
    (tv_study.tv_vs_d_table, "n_samples"): (2, None),
    (symbolic.chi2_density, "kk"): (1, symbolic.K_MAX),
    (symbolic.tv_constant_expr, "kk"): (1, symbolic.K_MAX),
    (symbolic.projected_density_expr, "kk"): (1, symbolic.K_MAX),
    (symbolic.projected_density_limit, "kk"): (1, symbolic.K_MAX),
    (symbolic.moment_expr, "m"): (0, symbolic.M_MAX),
    (tv_study.tv_vs_d_table, "seed"): (0, None),
}
REAL_ARGS = {"scale", "level", "var_rho2", "sigma"}
BOOL_ARGS = {"reverse", "scaled"}
MATRIX_ARGS = {"z", "x", "samples"}
VECTOR_ARGS = {"y", "s", "c0"}


def _id(fn) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def _call_bad(fn, name, value):
    kwargs = dict(GOOD[fn])
    kwargs[name] = value
    with pytest.raises((ValueError, TypeError)) as info:
        fn(**kwargs)
    msg = str(info.value)
    assert re.search(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])", msg), (fn.__name__, name, value, msg)
    assert "\n" not in msg.strip() or "Traceback" not in msg
    return msg


def test_every_public_function_is_in_the_battery():
    names = {f.__name__ for f in GOOD} | {f.__name__ for f in NO_ARGUMENT}
    public = set(sphere.__all__) | set(symbolic.__all__)
    classes = {n for n in public if n[0].isupper()} | {"SYMBOLS"}
    missing = public - classes - names
    assert not missing, f"public functions without a bad-input test: {sorted(missing)}"


@pytest.mark.parametrize("fn", list(GOOD), ids=_id)
def test_good_arguments_work(fn):
    fn(**GOOD[fn])


@pytest.mark.parametrize("fn", NO_ARGUMENT, ids=_id)
def test_functions_without_arguments_refuse_one(fn):
    with pytest.raises(TypeError):
        fn(3)


def _int_cases():
    for fn, good in GOOD.items():
        for name in good:
            rng = INT_RANGE_BY_FUNC.get((fn, name), INT_RANGE.get(name))
            if name in ("kk", "m") and rng is None:
                continue
            if rng is None:
                continue
            lo, hi = rng
            bad = [*NOT_INTEGERS, lo - 1, lo - 10]
            if hi is not None:
                bad += [hi + 1, hi * 10]
            for v in bad:
                if v is None:
                    continue
                yield pytest.param(fn, name, v, id=f"{_id(fn)}-{name}={v!r}"[:90])


@pytest.mark.parametrize(("fn", "name", "value"), list(_int_cases()))
def test_bad_integer_arguments(fn, name, value):
    _call_bad(fn, name, value)


def _real_cases():
    for fn, good in GOOD.items():
        for name in good:
            if name in REAL_ARGS:
                extra = {
                    "scale": [0.0, -1.0],
                    "level": [0.0, 1.0, 1.5],
                    "var_rho2": [-0.1],
                    "sigma": [0.0, -1],
                }
                for v in [*NOT_REALS, *extra[name]]:
                    yield pytest.param(fn, name, v, id=f"{_id(fn)}-{name}={v!r}")
            if name in BOOL_ARGS:
                for v in NOT_BOOLS:
                    yield pytest.param(fn, name, v, id=f"{_id(fn)}-{name}={v!r}")


@pytest.mark.parametrize(("fn", "name", "value"), list(_real_cases()))
def test_bad_real_and_bool_arguments(fn, name, value):
    _call_bad(fn, name, value)


def _bad_arrays(rank: int, cols: int):
    good = np.ones((4, cols)) * 0.1 if rank == 2 else np.ones(4) * 0.1
    nan, inf = good.copy(), good.copy()
    nan.flat[1] = np.nan
    inf.flat[-1] = np.inf
    return {
        "nan": nan,
        "inf": inf,
        "-inf": -inf,
        "empty": np.zeros((0, cols)) if rank == 2 else np.zeros(0),
        "rank0": np.float64(0.1),
        "rank_low": good.ravel() if rank == 2 else None,
        "rank_high": good[None, ...],
        "strings": good.astype(str),
        "bools": good > 0,
        "complex": good + 1j,
        "object": np.array([object()] * 4, dtype=object),
        "ragged": [[0.1, 0.2], [0.3]],
        "none": None,
        "text": "abc",
    }


def _array_cases():
    for fn, good in GOOD.items():
        for name in good:
            if name not in MATRIX_ARGS | VECTOR_ARGS:
                continue
            value = good[name]
            if value is None:  # an optional array (mc_projection_tv's samples): use the matrix battery
                rank, cols = 2, 1
            else:
                rank, cols = np.ndim(value), (np.shape(value)[1] if np.ndim(value) == 2 else 1)
            for label, bad in _bad_arrays(rank, cols).items():
                if bad is None:
                    continue
                if label == "none" and (name in ("c0", "samples")):
                    continue  # None is the documented default
                yield pytest.param(fn, name, bad, id=f"{_id(fn)}-{name}-{label}")


@pytest.mark.parametrize(("fn", "name", "value"), list(_array_cases()))
def test_bad_array_arguments(fn, name, value):
    _call_bad(fn, name, value)


@pytest.mark.parametrize(
    ("fn", "name", "value"),
    [
        (sphere.project, "c0", np.array([1.0, 1.0, 0.0])),  # not unit norm
        (sphere.project, "c0", np.array([1.0, 0.0])),  # wrong length
        (sphere.projection_logpdf, "x", np.zeros((3, 3))),  # k = 2 columns expected
        (sphere.log_density_ratio, "s", np.array([-1.0, 1.0])),  # squared radii are >= 0
        (sphere.mc_projection_tv, "samples", np.array([[4.0], [0.1]])),  # outside the ball of radius sqrt(10)
        (sphere.mc_projection_kl, "samples", np.zeros((5, 2))),  # k = 1 column expected
        (sphere.shell_projection_tv, "radial", 0.5),
        (sphere.shell_projection_tv, "radial", "lognorm"),
        (sphere.shell_projection_tv, "radial", stats.norm()),  # support not in [0, inf)
        (sphere.sample_shell, "radial", stats.norm()),
        (sphere.mc_shell_tv, "radial", [1.0]),
        (sphere.ks_distance, "d", 10.5),
        (sphere.ks_distance, "d", 1),
        (sphere.sample_uniform, "seed", -1),
        (sphere.sample_uniform, "seed", "0"),
        (sphere.sample_projection, "seed", 1.5),
        (sphere.projection_tv, "k", 10),  # k <= d - 1
        (sphere.diaconis_freedman_bound, "k", 7),  # k <= d - 4
        (tv_study.tv_vs_d_table, "k_values", (0,)),
        (tv_study.tv_vs_d_table, "d_values", [8.5]),
        (tv_study.tv_vs_d_table, "mc_d", [1]),
        (symbolic.chi2_density, "kk", -1.5),
    ],
    ids=lambda v: repr(v)[:30] if not callable(v) else _id(v),
)
def test_specific_bad_values(fn, name, value):
    _call_bad(fn, name, value)


def test_plot_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match="table"):
        tv_study.plot_tv_vs_d("table")


@pytest.mark.parametrize(
    "fn", [sphere.projection_tv, sphere.projection_kl, sphere.projection_hellinger, sphere.crossing_radii]
)
def test_huge_d_is_refused_beyond_the_limit_and_served_at_it(fn):
    with pytest.raises(ValueError, match=r"\bd must be <="):
        fn(10**100 + 1, 1)
    value = fn(10**100, 1)
    values = [value.s_lo, value.s_hi] if isinstance(value, sphere.CrossingRadii) else [value]
    assert all(math.isfinite(v) for v in values)


def test_samplers_refuse_huge_allocations_naming_the_arguments():
    with pytest.raises(ValueError, match=r"N \* d"):
        sphere.sample_uniform(10**6, 10**5)
    with pytest.raises(ValueError, match=r"n_samples \* k"):
        sphere.sample_projection(10**8, 10**6, 100)
    with pytest.raises(ValueError, match=r"n_samples \* n_nodes"):
        sphere.mc_shell_tv(10, 1, stats.lognorm(0.1), n_samples=10**7, n_nodes=1000)


_non_int = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.booleans(),
    st.complex_numbers(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=150)
@given(
    fn=st.sampled_from(
        [sphere.projection_tv, sphere.projection_ks, sphere.projection_kl, sphere.projection_hellinger]
    ),
    which=st.sampled_from(["d", "k"]),
    bad=st.one_of(_non_int, st.integers(max_value=0)),
)
def test_property_distances_refuse_non_integer_or_non_positive_d_k(fn, which, bad):
    _call_bad(fn, which, bad)


@settings(max_examples=150)
@given(d=st.integers(min_value=2, max_value=10**100), extra=st.integers(min_value=0, max_value=10**6))
def test_property_k_at_least_d_is_refused(d, extra):
    with pytest.raises(ValueError, match=r"\bk must satisfy"):
        sphere.projection_tv(d, d + extra)


@settings(max_examples=100)
@given(level=st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0), st.just(math.nan)))
def test_property_level_outside_the_open_unit_interval(level):
    _call_bad(sphere.ks_distance, "level", level)


@settings(max_examples=60)
@given(
    pos=st.integers(min_value=0, max_value=5),
    value=st.sampled_from([math.nan, math.inf, -math.inf]),
)
def test_property_one_non_finite_entry_anywhere_is_named(pos, value):
    x = np.full((3, 2), 0.2)
    x.flat[pos] = value
    msg = _call_bad(sphere.projection_logpdf, "x", x)
    assert f"{pos // 2}" in msg  # the row is named
