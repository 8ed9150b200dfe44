"""One style of result and one name per concept in theory.sphere / theory.symbolic / theory.studies.tv.

Results are frozen dataclasses with a numpydoc ``Attributes`` section documenting every field and
``to_dict()`` from :class:`theory._io.ResultMixin` (strict JSON); old keywords (``N`` for a sample count,
``alpha`` for a significance level) and the old tuple of ``crossing_radii`` still work with a
``DeprecationWarning``.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy import stats

from theory import sphere, symbolic
from theory._io import ResultMixin
from theory.studies import tv as tv_study

RESULT_CLASSES = [
    sphere.CrossingRadii,
    sphere.KSDistance,
    sphere.MCEstimate,
    sphere.ProjectionDistances,
    sphere.ShellDistance,
    sphere.TVExpansion,
    symbolic.RatioExpansion,
    symbolic.Symbols,
    tv_study.TVExactRow,
    tv_study.TVMonteCarloRow,
    tv_study.TVvsD,
]


def test_every_public_class_is_listed():
    public = {n for m in (sphere, symbolic, tv_study) for n in m.__all__ if n[0].isupper() and n != "SYMBOLS"}
    assert public == {c.__name__ for c in RESULT_CLASSES}


@pytest.mark.parametrize("cls", RESULT_CLASSES, ids=lambda c: c.__name__)
def test_result_classes_are_frozen_documented_and_use_the_shared_mixin(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    assert issubclass(cls, ResultMixin) and cls.to_dict is ResultMixin.to_dict
    doc = cls.__doc__
    assert "Attributes\n    ----------" in doc
    attrs = doc.split("Attributes\n    ----------", 1)[1]
    for f in dataclasses.fields(cls):
        assert f"\n    {f.name} :" in attrs or f"\n    {f.name}," in attrs or f", {f.name} :" in attrs, f.name


def _strict(obj) -> dict:
    d = obj.to_dict()
    json.dumps(d, allow_nan=False)
    return d


def test_to_dict_is_strict_json():
    r = sphere.projection_distances(64, 2)
    d = _strict(r)
    assert d["kl_reverse"] is None  # infinity is not JSON
    assert d["crossings"] == {"s_lo": r.crossings.s_lo, "s_hi": r.crossings.s_hi}
    assert d["route"] == "exact" and d["rel_error_bound"] is None
    big = _strict(sphere.projection_distances(10**12, 2))
    assert big["route"] == "asymptotic" and 0 < big["rel_error_bound"] < 1e-8
    assert _strict(sphere.projection_tv_expansion(10**7, 3))["c_k"] == pytest.approx(
        sphere.tv_constant(3), rel=1e-13
    )
    assert _strict(sphere.mc_projection_tv(16, 1, 200, seed=0))["n_samples"] == 200
    ks = _strict(sphere.ks_distance(np.random.default_rng(1).standard_normal((100, 1)), 10, level=0.05))
    assert ks["level"] == 0.05 and ks["n_samples"] == 100
    sh = _strict(sphere.shell_projection_tv(32, 1, sphere.lognormal_shell(0.1), n_nodes=32))
    assert len(sh["crossings"]) >= 2
    table = tv_study.tv_vs_d_table([8, 64], (1,), mc_d=(16,), n_samples=200, progress=False)
    t = _strict(table)
    assert t["c_k"] == {"1": sphere.tv_constant(1)} and t["mc"][0]["n_samples"] == 200
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.c_k = {}


def test_symbolic_results_to_dict_write_expressions_as_strings():
    d = symbolic.ratio_expansion().to_dict()
    assert d["h1"] == str(symbolic.ratio_expansion().h1)
    assert symbolic.SYMBOLS.to_dict() == {"s": "s", "k": "k", "d": "d", "eps": "epsilon", "y": "y"}


def test_symbols_by_name_are_the_module_symbols():
    assert symbolic.SYMBOLS.s is symbolic.s and symbolic.SYMBOLS.k is symbolic.k
    assert symbolic.SYMBOLS.eps is symbolic.eps and symbolic.SYMBOLS.y is symbolic.y


@pytest.mark.parametrize(
    ("fn", "args", "kwargs"),
    [
        (sphere.sample_projection, (), {"d": 20, "k": 2, "seed": 4}),
        (sphere.sample_shell, (), {"d": 20, "k": 2, "radial": stats.chi(3, scale=0.5), "seed": 4}),
        (sphere.mc_projection_tv, (20, 2), {"seed": 4}),
        (sphere.mc_projection_kl, (20, 2), {"seed": 4}),
        (sphere.mc_shell_tv, (20, 1, sphere.lognormal_shell(0.1)), {"seed": 4, "n_nodes": 16}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_old_sample_count_keyword_warns_and_gives_the_same_result(fn, args, kwargs):
    new = fn(*args, n_samples=300, **kwargs)
    with pytest.warns(DeprecationWarning, match=r"N=\.\.\.\) is deprecated; use n_samples"):
        old = fn(*args, N=300, **kwargs)
    if isinstance(new, np.ndarray):
        np.testing.assert_array_equal(old, new)
    else:
        assert old == new
    with pytest.raises(TypeError, match="both 'N'"):
        fn(*args, N=300, n_samples=300, **kwargs)


def test_significance_level_is_level_and_alpha_is_deprecated():
    x = np.random.default_rng(5).standard_normal((400, 2))
    new = sphere.ks_distance(x, 50, level=0.01)
    with pytest.warns(DeprecationWarning, match="use level"):
        old = sphere.ks_distance(x, 50, alpha=0.01)
    assert old == new
    assert new.dkw_halfwidth == pytest.approx(math.sqrt(math.log(2 / 0.01) / 800), rel=1e-15)
    with pytest.warns(DeprecationWarning, match="n_samples"):
        assert new.n == 400


def test_crossing_radii_named_fields_and_deprecated_tuple():
    cr = sphere.crossing_radii(50, 2)
    assert cr.s_lo < 4 < cr.s_hi  # around the mode k + 2
    with pytest.warns(DeprecationWarning, match="s_lo"):
        lo, hi = cr
    with pytest.warns(DeprecationWarning):
        assert cr[1] == hi
    assert (lo, hi) == (cr.s_lo, cr.s_hi)
    with pytest.warns(DeprecationWarning, match="MCEstimate.n is deprecated"):
        assert sphere.mc_projection_tv(16, 1, 50, seed=0).n == 50


def test_plot_builds_a_figure_without_pyplot_state():
    import matplotlib
    from matplotlib.figure import Figure

    backend = matplotlib.get_backend()
    table = tv_study.tv_vs_d_table([8, 64, 512], (1, 2), mc_d=(16,), n_samples=200, progress=False)
    fig = tv_study.plot_tv_vs_d(table)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert len(fig.axes[0].lines) >= 6  # exact, DF bound and c_k/d for each k
    assert matplotlib.get_backend() == backend
    with pytest.warns(DeprecationWarning):
        from theory.sphere import plot_tv_vs_d
    assert isinstance(plot_tv_vs_d(table.to_legacy()), Figure)
