"""Every public import path of theory.hgr and theory.alignment from before the split still resolves.

The lists are the modules' ``__all__`` of the single-file versions plus every name that tests/, claims/,
theory/ and benchmarks/ imported from them (the two private grid helpers included); the new names of
the split are listed separately.
"""

import ast
import importlib
from pathlib import Path

import pytest

OLD_HGR = [
    "ACEResult",
    "ACETransform",
    "ChannelEta2",
    "HGRResult",
    "eta2_binary_pairing",
    "eta2_gaussian_channel",
    "eta2_gmm_pairing",
    "eta2_laplace_channel",
    "hgr_ace",
    "hgr_density",
    "hgr_discrete",
    "hgr_gaussian",
    "hgr_label_posterior",
    "hgr_tensorize",
    "markov_joint",
    # private, imported by tests/theory/test_hgr.py and (before it had a public path) claims.checks.alignment
    "_rho_channel_grid",
    "_rho_channel_richardson",
    "_rho_laplace_exponential",
]
OLD_ALIGNMENT = [
    "AlignmentEstimate",
    "ExactAlignment",
    "MeanSqNormEstimate",
    "alignment_bound",
    "alignment_exact",
    "estimate_alignment",
    "estimate_mean_sq_norm",
    "hgr_encoder",
    "max_alignment",
]
NEW = {"theory.hgr": ["ChannelGridRho", "rho_channel_grid"], "theory.alignment": ["EncoderAlignment"]}

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "path", [f"theory.hgr.{n}" for n in OLD_HGR] + [f"theory.alignment.{n}" for n in OLD_ALIGNMENT]
)
def test_old_public_path_resolves(path):
    mod, name = path.rsplit(".", 1)
    module = importlib.import_module(mod)
    assert getattr(module, name) is not None
    exec(f"from {mod} import {name}", {})  # the `from ... import` form too


@pytest.mark.parametrize("mod", ["theory.hgr", "theory.alignment"])
def test_all_lists_every_public_name_and_they_resolve(mod):
    module = importlib.import_module(mod)
    old = OLD_HGR if mod == "theory.hgr" else OLD_ALIGNMENT
    public_old = {n for n in old if not n.startswith("_")}
    assert public_old | set(NEW[mod]) == set(module.__all__)
    for name in module.__all__:
        obj = getattr(module, name)
        assert obj.__module__.startswith(mod + "."), (name, obj.__module__)


def test_registry_code_paths_resolve():
    from claims.registry import CLAIMS

    paths = [
        p for c in CLAIMS for p in getattr(c, "code", ()) if p.startswith(("theory.hgr", "theory.alignment"))
    ]
    assert paths, "the registry names no code of theory.hgr / theory.alignment"
    for p in paths:
        mod, name = p.rsplit(".", 1)
        assert hasattr(importlib.import_module(mod), name), p


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name) for a in node.names]
    return out


def test_alignment_uses_no_private_helper_of_hgr():
    for f in sorted((ROOT / "theory" / "alignment").glob("*.py")):
        for module, name in _imports(f):
            if module.startswith("theory.hgr"):
                assert module == "theory.hgr" and not name.startswith("_"), (f.name, module, name)


@pytest.mark.parametrize("pkg", ["hgr", "alignment"])
def test_parts_stay_under_400_lines(pkg):
    for f in sorted((ROOT / "theory" / pkg).glob("*.py")):
        assert len(f.read_text().splitlines()) <= 400, f.name
