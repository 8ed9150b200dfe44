"""The train subpackages keep every import path of the modules they replaced, in parts under 400 lines."""

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Every public name of ``train/views.py`` and ``train/tables.py`` before they became subpackages, and
#: the names other packages import from them.
OLD_PATHS = {
    "train.views": [
        "DIGITS", "MNIST1D", "SIMCLR", "ImageViewParams", "ImageViews", "SampledViewParams",
        "SignalViewParams", "SignalViews", "adjust_brightness", "adjust_contrast", "adjust_hue",
        "adjust_saturation", "augment_images", "augment_signals", "hsv_to_rgb", "rgb_to_grayscale",
        "rgb_to_hsv", "sample_crop_boxes",
    ],
    "train.tables": ["PAPER_TABLE1", "MIN_PASS", "fit_rates", "grid", "is_gaussian", "row_verdict", "table1"],
}  # fmt: skip


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in OLD_PATHS.items() for n in names])
def test_every_old_import_path_resolves(module, name):
    mod = importlib.import_module(module)
    assert hasattr(mod, name), f"{module}.{name}"
    assert name in mod.__all__


def test_claims_code_paths_into_train_resolve():
    from claims.registry import CLAIMS

    paths = {p for c in CLAIMS for p in c.code if p.startswith("train.")}
    assert paths, "the registry names train code"
    for path in paths:
        module, _, attr = path.rpartition(".")
        assert hasattr(importlib.import_module(module), attr), path


@pytest.mark.parametrize("package", ["views", "tables"])
def test_parts_stay_under_400_lines(package):
    parts = sorted((ROOT / "train" / package).glob("*.py"))
    assert len(parts) >= 3
    sizes = {p.name: len(p.read_text().splitlines()) for p in parts}
    assert max(sizes.values()) < 400, sizes
