"""Every import path of theory.gaussianity used before the split into a subpackage still resolves.

The list: the module's ``__all__`` at commit 3ed2507, plus every name that tests/, claims/, theory/ and
benchmarks/ import from it (the private ``_column_stats`` is used by claims.checks.diagnostics).
"""

import importlib

import pytest

OLD_PATHS = [
    "AD_CRITICAL_5",
    "DP_ALPHA",
    "DagostinoPearson",
    "Diagnosis",
    "MultivariateNormality",
    "NullPassRates",
    "PassCalibration",
    "ProjectionNormality",
    "SlicedWasserstein",
    "UniformityTest",
    "ad_pvalue",
    "anderson_darling",
    "calibrate_passes",
    "coefficient_of_variation",
    "dagostino_pearson",
    "diagnose",
    "load_embeddings",
    "multivariate_normality",
    "null_pass_rates",
    "sliced_wasserstein_gaussian",
    # used outside the module's __all__
    "MIN_SAMPLES",
    "_column_stats",
]
NEW_PATHS = [
    "DP_LEVEL",
    "CONSTANT_ULPS",
    "constant_columns",
    "render_diagnosis",
    "sliced_wasserstein_null",
    "wasserstein_gaussian_1d",
]


@pytest.mark.parametrize("name", OLD_PATHS + NEW_PATHS)
def test_import_path_resolves(name):
    mod = importlib.import_module("theory.gaussianity")
    assert hasattr(mod, name), f"theory.gaussianity.{name} no longer resolves"
    exec(f"from theory.gaussianity import {name}", {})


def test_all_lists_every_public_name():
    mod = importlib.import_module("theory.gaussianity")
    public = [n for n in OLD_PATHS + NEW_PATHS if not n.startswith("_") and n != "MIN_SAMPLES"]
    assert set(public) <= set(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name)


def test_deprecated_alias_keeps_its_value():
    from theory.gaussianity import DP_ALPHA, DP_LEVEL

    assert DP_ALPHA == DP_LEVEL == 0.05


def test_parts_are_small():
    from pathlib import Path

    pkg = Path(importlib.import_module("theory.gaussianity").__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in pkg.glob("*.py")}
    assert all(v <= 420 for v in sizes.values()), sizes


def test_deprecated_keywords_warn_and_map():
    import numpy as np

    from theory.gaussianity import diagnose, null_pass_rates, sliced_wasserstein_gaussian

    with pytest.warns(DeprecationWarning, match="n_samples"):
        r = null_pass_rates(30, method="mc", n_rep=200, seed=1)
    assert r.n_samples == 200
    Z = np.random.default_rng(0).standard_normal((40, 3))
    with pytest.warns(DeprecationWarning, match="sw_null"):
        d = diagnose(Z, sw_floor=3)
    assert d.sliced_wasserstein.null_samples == 3
    with pytest.warns(DeprecationWarning, match="null_samples"):
        d = diagnose(Z, null="mc", null_reps=300)
    assert d.null.n_samples == 300
    with pytest.warns(DeprecationWarning, match="n_null"):
        s = sliced_wasserstein_gaussian(Z, n_floor=4)
    assert s.null_samples == 4
