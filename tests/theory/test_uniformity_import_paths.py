"""Every public import path of theory.uniformity, theory.regularized and theory.special from before the split
by topic still resolves (deprecated names warn when used, never at import), and the new homes hold them."""

import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests._env import checkout_env

ROOT = Path(__file__).resolve().parents[2]

# the public names of each module before the split (their __all__ at commit d69d8cb)
OLD_PATHS = {
    "theory.uniformity": [
        "DiscreteSearch",
        "InfoNCEConvergence",
        "PhiEstimate",
        "infonce_bias_first_order",
        "infonce_convergence",
        "infonce_loss",
        "kl_vmf_uniform",
        "log_inner_vmf_mixture",
        "mean_resultant_length",
        "minimise_phi_discrete",
        "phi",
        "phi_estimate",
        "phi_uniform",
        "phi_uniform_sympy_d3",
        "phi_vmf",
        "phi_vmf_mixture",
        "population_loss",
        "population_loss_vmf_coupling",
        "sample_vmf",
    ],
    "theory.regularized": [
        "DEFAULT_KAPPAS",
        "Lemma1Result",
        "SurrogateThreshold",
        "Theorem1Result",
        "align_bound",
        "beta0",
        "beta_threshold_local",
        "beta_threshold_vmf",
        "gaussian_kl",
        "gaussian_polar_sample",
        "kl_polar_vmf_chi",
        "kl_scaled_chi",
        "lemma1_constant",
        "log_partition_gaussian",
        "plot_route",
        "qc_local",
        "qc_symbolic",
        "reduced_objective_vmf",
        "regularised_penalty",
        "route_study",
        "surrogate_threshold",
        "surrogate_vmf",
        "theorem1_vmf",
    ],
    "theory.special": [
        "DEBYE_U",
        "log_iv",
        "log_iv_normalized",
        "log_iv_scaled",
        "log_sphere_area",
        "log_vmf_norm",
    ],
}

# names reached through a deprecated module attribute (the warning comes on access)
DEPRECATED_ATTRIBUTES = {("theory.regularized", "route_study"), ("theory.regularized", "plot_route")}

# the new homes
NEW_PATHS = {
    "theory.vmf": [
        "kl_vmf_uniform",
        "log_inner_vmf_mixture",
        "log_vmf_norm",
        "mean_resultant_length",
        "sample_vmf",
        "sample_vmf_mixture",
    ],
    "theory.uniformity": ["minimize_phi_discrete", "PhiUniformD3"],
    "theory.infonce": [
        "InfoNCEConvergence",
        "infonce_bias_first_order",
        "infonce_convergence",
        "infonce_loss",
        "population_loss",
        "population_loss_vmf_coupling",
    ],
    "theory.regularized": ["BetaThreshold", "PolarSample", "QcSymbolic", "regularized_penalty"],
    "theory.studies.route": ["RouteRow", "RouteStudy", "plot_route", "route_study"],
    "theory.special": ["D_MAX"],
}


def _pairs(table):
    return [(m, n) for m, names in table.items() for n in names]


@pytest.mark.parametrize(("module", "name"), _pairs(OLD_PATHS))
def test_old_import_path_resolves(module, name):
    mod = importlib.import_module(module)
    if (module, name) in DEPRECATED_ATTRIBUTES:
        with pytest.warns(DeprecationWarning, match=name):
            obj = getattr(mod, name)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            obj = getattr(mod, name)
    assert obj is not None
    assert name in mod.__all__ or (module, name) in DEPRECATED_ATTRIBUTES


@pytest.mark.parametrize(("module", "name"), _pairs(NEW_PATHS))
def test_new_import_path_resolves(module, name):
    mod = importlib.import_module(module)
    assert getattr(mod, name) is not None
    assert name in mod.__all__


@pytest.mark.parametrize(
    "module", ["theory.uniformity", "theory.vmf", "theory.infonce", "theory.regularized"]
)
def test_every_name_in_all_resolves_and_star_import_works(module):
    mod = importlib.import_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in mod.__all__:
            assert getattr(mod, name) is not None, name
        ns = {}
        exec(f"from {module} import *", ns)
    assert set(mod.__all__) <= set(ns)


def test_reexports_are_the_same_objects():
    import theory.infonce as infonce
    import theory.uniformity as uniformity
    import theory.vmf as vmf

    for name in NEW_PATHS["theory.infonce"]:
        assert getattr(uniformity, name) is getattr(infonce, name)
    for name in ["kl_vmf_uniform", "log_inner_vmf_mixture", "mean_resultant_length", "sample_vmf"]:
        assert getattr(uniformity, name) is getattr(vmf, name)


@pytest.mark.slow  # a fresh interpreter
def test_old_modules_do_not_import_matplotlib():
    code = (
        "import sys, warnings\n"
        "import theory.uniformity, theory.regularized, theory.special, theory.vmf, theory.infonce\n"
        "import theory.studies.route\n"
        "from theory.regularized import beta0, lemma1_constant\n"
        "assert 'matplotlib' not in sys.modules, 'imported at import time'\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    f = theory.regularized.route_study\n"
        "assert any(issubclass(x.category, DeprecationWarning) for x in w)\n"
        "assert 'matplotlib' not in sys.modules, 'imported by the deprecated alias'\n"
        "print('ok')\n"
    )
    env = checkout_env()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ------------------------------------------------------------------ deprecated names and keywords


def test_deprecated_function_names_warn_and_agree_with_the_new_ones():
    from theory.alignment import alignment_bound
    from theory.regularized import align_bound, regularised_penalty, regularized_penalty
    from theory.uniformity import minimise_phi_discrete, minimize_phi_discrete

    with pytest.warns(DeprecationWarning, match="regularized_penalty"):
        old = regularised_penalty(-1.0, 2.0, 3, 0.5)
    assert old == regularized_penalty(-1.0, 2.0, 3, 0.5)
    # align_bound(m_norm, eta2) is Prop. 1's bound eta2 + (1 - eta2) m_norm^2 through alignment_bound
    with pytest.warns(DeprecationWarning, match="alignment_bound"):
        assert align_bound(0.5, 0.36) == pytest.approx(0.36 + 0.64 * 0.25, rel=1e-15)
    with pytest.warns(DeprecationWarning):
        assert align_bound(np.array([0.0, 1.0]), 0.2) == pytest.approx(alignment_bound(0.2, [0.0, 1.0]))
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="eta2"):
        align_bound(0.5, 1.5)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="m_norm"):
        align_bound(1.5, 0.5)
    with pytest.warns(DeprecationWarning, match="minimize_phi_discrete"):
        old = minimise_phi_discrete(4, 3, 2.0, n_starts=1, seed=0)
    new = minimize_phi_discrete(4, 3, 2.0, n_starts=1, seed=0)
    assert old.gap == new.gap


def test_deprecated_keywords_warn_and_give_the_same_numbers():
    from theory.regularized import gaussian_polar_sample
    from theory.uniformity import minimize_phi_discrete, phi_vmf_mixture
    from theory.vmf import sample_vmf

    w = np.array([1.0, 0.0, 0.0])
    with pytest.warns(DeprecationWarning, match="'N'"):
        a = sample_vmf(N=5, mean=w, kappa=2.0, seed=1)
    np.testing.assert_array_equal(a, sample_vmf(n_samples=5, mean=w, kappa=2.0, seed=1))
    with pytest.warns(DeprecationWarning, match="'N'"):
        a = gaussian_polar_sample(N=5, d=3, lam=0.5, seed=1)
    np.testing.assert_array_equal(a.radius, gaussian_polar_sample(5, 3, 0.5, seed=1).radius)
    with pytest.warns(DeprecationWarning, match="'n'"):
        a = phi_vmf_mixture([1.0], w[None, :], [2.0], 1.0, n=50, seed=0)
    assert a.value == phi_vmf_mixture([1.0], w[None, :], [2.0], 1.0, n_samples=50, seed=0).value
    with pytest.warns(DeprecationWarning, match="'optimise_weights'"):
        a = minimize_phi_discrete(3, 3, 1.0, n_starts=1, seed=0, optimise_weights=True)
    assert a.gap == minimize_phi_discrete(3, 3, 1.0, n_starts=1, seed=0, optimize_weights=True).gap
    with pytest.raises(TypeError, match="both"):
        sample_vmf(n_samples=3, mean=w, kappa=1.0, N=3)
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="n_samples"):
        sample_vmf(3, w, 1.0, N=3)


def test_former_tuple_and_dict_results_still_unpack_with_a_warning():
    from theory.regularized import beta_threshold_vmf, gaussian_polar_sample, qc_symbolic
    from theory.uniformity import phi_estimate, phi_uniform_sympy_d3
    from theory.vmf import sample_vmf

    res = beta_threshold_vmf(3, 5.0, 0.3, kappas=[0.1, 1.0])
    with pytest.warns(DeprecationWarning, match="BetaThreshold"):
        b, k = res
    assert (b, k) == (res.beta_star, res.kappa_star)
    sample = gaussian_polar_sample(4, 3, 0.5, seed=0)
    with pytest.warns(DeprecationWarning):
        r, u = sample
    assert r is sample.radius and u is sample.direction
    np.testing.assert_allclose(sample.points, r[:, None] * u)
    d3 = phi_uniform_sympy_d3()
    with pytest.warns(DeprecationWarning):
        a, expr = d3
    assert a == d3.alpha
    assert expr == d3.expr
    sym = qc_symbolic()
    with pytest.warns(DeprecationWarning):
        assert sym["symbols"] == (sym.a, sym.d, sym.alpha, sym.kappa)
    with pytest.warns(DeprecationWarning):
        assert sym["qc"] == sym.qc
    est = phi_estimate(sample_vmf(10, [1.0, 0.0, 0.0], 1.0, seed=0), 2.0)
    with pytest.warns(DeprecationWarning, match="n_samples"):
        assert est.n == est.n_samples == 10


def test_results_are_frozen_with_strict_json_to_dict():
    import dataclasses
    import json

    from theory.infonce import infonce_convergence
    from theory.regularized import (
        beta_threshold_vmf,
        gaussian_polar_sample,
        lemma1_constant,
        qc_symbolic,
        surrogate_threshold,
        theorem1_vmf,
    )
    from theory.studies.route import route_study
    from theory.uniformity import minimize_phi_discrete, phi_estimate, phi_uniform_sympy_d3
    from theory.vmf import sample_vmf

    kap = [0.5, 5.0]
    results = [
        beta_threshold_vmf(3, 5.0, 0.3, kappas=kap),
        gaussian_polar_sample(3, 3, 0.5, seed=0),
        lemma1_constant(3, kappas=kap),
        qc_symbolic(),
        surrogate_threshold(3, 5.0, kappas=kap),
        theorem1_vmf(3, 5.0, 0.3, 1.0, kappas=kap),
        route_study([3], 5.0, 0.3, kappas=kap),
        minimize_phi_discrete(3, 3, 1.0, n_starts=1, seed=0),
        phi_estimate(sample_vmf(10, [1.0, 0.0, 0.0], 1.0, seed=0), 2.0),
        phi_uniform_sympy_d3(),
        infonce_convergence(3, 2.0, 1.0, Ns=(4, 8), n_rep=2, seed=0),
    ]
    for res in results:
        assert dataclasses.is_dataclass(res), type(res)
        assert type(res).__dataclass_params__.frozen, type(res)
        assert "Attributes" in type(res).__doc__, type(res)
        for f in dataclasses.fields(res):
            assert f.name in type(res).__doc__, (type(res), f.name)
        json.dumps(res.to_dict(), allow_nan=False)
    import sympy as sy

    sym = qc_symbolic()
    text = sym.to_dict()["qc"]
    assert (
        sy.simplify(sy.sympify(text, locals={"a": sym.a, "d": sym.d}) - sym.d * sym.a * (2 - sym.a) / 2) == 0
    )
