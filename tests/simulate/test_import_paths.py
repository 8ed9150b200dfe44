"""Every import path of simulate's modules before they became packages of private parts still resolves.

The lists are every public (and upper-case) top-level name of ``simulate/{energies,flows,rates,
experiments,cli,sphere}.py`` before the split, plus every private name that another module, a test, a
benchmark or ``claims`` imports from those paths, plus the dotted paths ``claims/registry.py`` cites.
"""

from __future__ import annotations

import importlib
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BEFORE = {
    "simulate.energies": [
        "DEFAULT_BLOCK",
        "METHODS",
        "SMALL_WORK",
        "WORKER_MEMORY",
        "Energy",
        "PhiAndGrad",
        "free_energy",
        "infonce_energy",
        "phi",
        "phi_and_grad",
        "surrogate_jq",
        # private names used by simulate.observables and the tests
        "_PhiFunction",
        "_check_alpha",
        "_n_workers",
        "_sym_rowsums",
        "_threads_for",
    ],
    "simulate.flows": ["FlowState", "Trajectory", "adam_flow", "gradient_flow", "langevin_flow", "run"],
    "simulate.rates": [
        "KS_FLOOR",
        "RD_DEFAULTS",
        "RN_DEFAULTS",
        "SLOPE_MARGIN",
        "MinimizeResult",
        "PowerLawFit",
        "RateStudy",
        "classify_slope",
        "fit_power_law",
        "minimize_phi_particles",
        "plot_rates",
        "rates_study",
        "rd_point",
        "rd_points",
        "rn_point",
        "rn_points",
        "summarize_rd",
        "summarize_rn",
        "sw_floor",
        "_torch_dtype",
    ],
    "simulate.experiments": [
        "EXPERIMENTS",
        "STARTS",
        "beyond_vmf",
        "c1_plateau",
        "flow_phi",
        "langevin_finite_n",
        "langevin_route",
        "run_experiment",
        "start_points",
        "t1_starts",
    ],
    "simulate.cli": ["COMMANDS", "QUICK", "build_parser", "main"],
    "simulate.sphere": [
        "as_generator",
        "check_points",
        "project",
        "retract",
        "sample_mixture",
        "sample_uniform",
        "sample_vmf",
        "tangent",
    ],
}
PATHS = [f"{m}.{n}" for m, names in BEFORE.items() for n in names]


def _resolve(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path", PATHS)
def test_import_path_resolves_without_warning(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _resolve(path) is not None


def test_every_name_of_every_all_resolves_and_the_top_level_names_are_the_same_objects():
    import simulate

    for mod in [*BEFORE, "simulate.observables", "simulate.sweep"]:
        m = importlib.import_module(mod)
        for name in m.__all__:
            assert getattr(m, name) is not None, f"{mod}.{name}"
    for name in simulate.__all__:
        obj = getattr(simulate, name)
        homes = [importlib.import_module(m) for m in [*BEFORE, "simulate.observables"]]
        assert any(getattr(h, name, None) is obj for h in homes), name
    for lazy in ("rates", "sweep", "experiments", "cli"):
        assert getattr(simulate, lazy).__name__ == f"simulate.{lazy}"


def test_the_paths_claims_cite_resolve():
    text = (ROOT / "claims" / "registry.py").read_text(encoding="utf-8")
    cited = sorted(set(re.findall(r'"(simulate(?:\.\w+)+)"', text)))
    assert cited, "claims/registry.py cites no simulate path"
    for path in cited:
        assert _resolve(path) is not None, path


def test_the_parts_are_private_and_under_400_lines():
    for folder in ("energies", "flows", "rates", "experiments", "cli", "sphere"):
        pkg = ROOT / "simulate" / folder
        assert (pkg / "__init__.py").is_file(), folder
        for f in pkg.glob("*.py"):
            assert f.name == "__init__.py" or f.name.startswith("_"), f
            n = len(f.read_text(encoding="utf-8").splitlines())
            assert n <= 400, f"{f.relative_to(ROOT)} has {n} lines"
