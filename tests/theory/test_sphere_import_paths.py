"""Every public import path of theory.sphere and theory.symbolic before the split still resolves.

The list is the ``__all__`` of both modules before ``theory/sphere.py`` became a package, plus every name
used from them anywhere in tests/, claims/, theory/ and benchmarks/ (the module symbols of
theory.symbolic). The two names that moved to :mod:`theory.studies.tv` resolve with a
``DeprecationWarning``, and ``import theory.sphere`` must not import matplotlib (or tqdm) for them.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tests._env import checkout_env

ROOT = Path(__file__).resolve().parents[2]

SPHERE_BEFORE = [
    "KSDistance",
    "MCEstimate",
    "ProjectionDistances",
    "ShellDistance",
    "chi_shell",
    "crossing_radii",
    "diaconis_freedman_bound",
    "ks_distance",
    "log_density_ratio",
    "lognormal_shell",
    "mc_projection_kl",
    "mc_projection_tv",
    "mc_shell_tv",
    "project",
    "projection_cdf_1d",
    "projection_distances",
    "projection_hellinger",
    "projection_kl",
    "projection_ks",
    "projection_logpdf",
    "projection_pdf",
    "projection_radius_law",
    "projection_tv",
    "sample_projection",
    "sample_shell",
    "sample_uniform",
    "shell_projection_tv",
    "shell_tv_leading",
    "tv_constant",
]
SPHERE_MOVED = ["plot_tv_vs_d", "tv_vs_d_table"]
SYMBOLIC_BEFORE = [
    "RatioExpansion",
    "chi2_density",
    "hellinger_leading_expr",
    "kl_leading_expr",
    "kurtosis_expr",
    "moment_expr",
    "projected_density_expr",
    "projected_density_limit",
    "ratio_expansion",
    "shell_mixture_expansion",
    "tv_constant_closed_form",
    "tv_constant_expr",
    # module symbols used by tests
    "s",
    "k",
    "d",
    "eps",
    "y",
]
PATHS = [f"theory.sphere.{n}" for n in SPHERE_BEFORE] + [f"theory.symbolic.{n}" for n in SYMBOLIC_BEFORE]


def _resolve(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path", PATHS)
def test_import_path_resolves_without_warning(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obj = _resolve(path)
    assert obj is not None


@pytest.mark.parametrize("name", SPHERE_MOVED)
def test_moved_names_resolve_with_a_deprecation_warning(name):
    with pytest.warns(DeprecationWarning, match=f"theory.studies.tv.{name}"):
        obj = _resolve(f"theory.sphere.{name}")
    assert callable(obj)
    assert callable(getattr(importlib.import_module("theory.studies.tv"), name))


def test_every_name_of_the_new_all_resolves():
    for mod in ("theory.sphere", "theory.symbolic", "theory.studies.tv"):
        m = importlib.import_module(mod)
        for name in m.__all__:
            assert getattr(m, name) is not None, f"{mod}.{name}"


@pytest.mark.slow  # a fresh interpreter
def test_importing_theory_sphere_does_not_import_matplotlib():
    code = (
        "import sys, theory.sphere, theory.symbolic; "
        "bad = [m for m in ('matplotlib', 'tqdm', 'torch') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    env = checkout_env()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_old_and_new_table_paths_give_the_same_numbers():
    from theory.studies.tv import tv_vs_d_table

    with pytest.warns(DeprecationWarning):
        from theory.sphere import tv_vs_d_table as old
    kwargs = {"d_values": [8, 100], "k_values": (1, 2), "mc_d": (16,), "seed": 3, "progress": False}
    new = tv_vs_d_table(n_samples=500, **kwargs)
    legacy = old(N=500, **kwargs)  # the old keyword of the old path
    assert legacy == new.to_legacy()
    assert legacy["exact"][0] == {
        "k": 1,
        "d": 8,
        "tv": new.exact[0].tv,
        "df_bound": new.exact[0].df_bound,
        "c_k_over_d": new.exact[0].c_k_over_d,
    }
    assert [r["N"] for r in legacy["mc"]] == [500, 500]
