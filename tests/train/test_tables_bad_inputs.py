"""The studies' doors: grid points keyed by their full configuration (stale and corrupt points computed
again, never reported), outputs checked before training, and the library functions' bad arguments.

Before these checks grid points were ``point-0000.json`` by index: rerunning with other ``--epochs`` in
the same ``--runs`` folder reported the old points as the new study, and a corrupt point file was read
back with a bare JSON error and never recomputed.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from train.tables import fit_rates, grid, grid_config, table1, table1_config

TINY_GRID = {"ds": (4, 8), "Ns": (4, 8), "n_train": 32, "n_test": 20, "seed": 0}


def _grid(tmp_path, **over):
    opts = {**TINY_GRID, "epochs": 1, "executor": "debug", **over}
    return grid(tmp_path / "g.json", figure=False, runs=tmp_path / "runs", progress=False, run_figures=False,
                **opts)  # fmt: skip


def test_grid_points_are_keyed_by_configuration_stale_and_corrupt_ones_recomputed(tmp_path):
    first = _grid(tmp_path)
    points = sorted((tmp_path / "runs" / "points").glob("*.json"))
    assert len(points) == 4 and all(len(p.stem) == 16 for p in points)
    assert [p["epochs"] for p in first["points"]] == [1] * 4
    assert first["config"] == grid_config(**TINY_GRID, epochs=1) and first["quick"] is False
    # another study in the same --runs folder: its own points, never the old ones
    second = _grid(tmp_path, epochs=2)
    assert [p["epochs"] for p in second["points"]] == [2] * 4
    assert all(p["trained"]["epoch"] == 2 for p in second["points"])
    assert len(list((tmp_path / "runs" / "points").glob("*.json"))) == 8
    # a corrupt point file is computed again (from its finished run), not reported or fatal
    victim = next(p for p in points)
    victim.write_text('{"key": "trunc')
    third = _grid(tmp_path)
    json.loads(victim.read_text())
    assert [p["trained"] for p in third["points"]] == [p["trained"] for p in first["points"]]
    # a point file of another point under this point's name is not reported either
    other = json.loads(points[1].read_text())
    victim.write_text(json.dumps(other))
    fourth = _grid(tmp_path)
    assert [(p["d"], p["N"]) for p in fourth["points"]] == [(p["d"], p["N"]) for p in first["points"]]


def test_grid_refuses_bad_options_before_any_work(tmp_path):
    cases = [
        ({"ds": (4,)}, ValueError, "at least 2 distinct"),
        ({"Ns": (4, 4)}, ValueError, "at least 2 distinct"),
        ({"ds": "4,8"}, TypeError, "sequence of integers"),
        ({"ds": (4, 8.5)}, TypeError, "ds must be an integer"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"Ns": (4, 64)}, ValueError, "<= n_train"),
        ({"colour": 1}, ValueError, "unknown grid option"),
        ({"executor": "cloud"}, ValueError, "executor must be one of"),
        ({"workers": 0}, ValueError, "workers must be >= 1"),
        ({"workers": 1.5}, TypeError, "workers must be an integer"),
    ]
    for over, exc, needle in cases:
        with pytest.raises(exc, match=needle):
            _grid(tmp_path, **over)
    with pytest.raises(ValueError, match="same file"):
        grid(tmp_path / "x.json", figure=tmp_path / "x.json", runs=tmp_path / "r", **TINY_GRID)
    assert not (tmp_path / "r").exists() and not (tmp_path / "runs").exists()


def test_table1_refuses_bad_outputs_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="refuses --quick"):
        table1(quick=True, publish=True, runs=tmp_path / "r")
    with pytest.raises(ValueError, match="--publish writes to docs/data"):
        table1(tmp_path / "t.json", publish=True, runs=tmp_path / "r")
    with pytest.raises(ValueError, match="is a directory"):
        table1(tmp_path, runs=tmp_path / "r")
    with pytest.raises(TypeError, match="figure must be"):
        table1(tmp_path / "t.json", figure=1.5, runs=tmp_path / "r")
    with pytest.raises(ValueError, match="workers must be >= 1"):
        table1(tmp_path / "t.json", runs=tmp_path / "r", workers=0)
    with pytest.raises(TypeError, match="workers must be an integer"):
        table1(tmp_path / "t.json", runs=tmp_path / "r", workers=1.5)
    assert not (tmp_path / "r").exists()


def test_table1_config_quick_and_full_differ_only_in_sizes():
    full, quick = table1_config(), table1_config(quick=True)
    assert set(full["rows"]) == set(quick["rows"]) == {
        "Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100"}  # fmt: skip
    assert (
        full["rows"]["Tab1-Laplace"]["run"]["epochs"] == 150
        and quick["rows"]["Tab1-Laplace"]["run"]["epochs"] == 2
    )
    assert full["rows"]["Tab1-Bin50"]["epoch"] == 50 and full["rows"]["Tab1-Bin100"]["epoch"] == 100
    assert all("out_dir" not in r["run"] and "progress" not in r["run"] for r in full["rows"].values())
    with pytest.raises(TypeError):
        table1_config(True)  # keyword only


@pytest.mark.parametrize(
    ("x", "y", "z", "exc", "needle"),
    [
        ([1, 2, 3], [1, 2, 3], [1, 2, 3], ValueError, "at least 4"),
        ([1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 5, 6], ValueError, "same length"),
        ([0, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], ValueError, "> 0"),
        ([2, 2, 2, 2], [1, 2, 3, 4], [1, 2, 3, 4], ValueError, "2 distinct"),
        ([1, 2, 3, 4], [1, 2, 3, 4], [1, math.nan, 3, 4], ValueError, "NaN or inf"),
        ([1, 2, 3, 4], [1, 2, 3, 4], ["a", "b", "c", "d"], TypeError, "numeric"),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], [1, 2, 3, 4], ValueError, "shape"),
    ],
)
def test_fit_rates_bad_inputs(x, y, z, exc, needle):
    with pytest.raises(exc, match=needle):
        fit_rates(np.asarray(x), np.asarray(y), np.asarray(z))


def test_published_results_carry_their_config_and_repo_relative_paths():
    root = Path(__file__).resolve().parents[2]
    from theory._results import load_published
    from train.table2 import table2_config

    expected = {"table1": table1_config(), "grid": grid_config(), "table2": table2_config()}
    for name, config in expected.items():
        path = root / "docs" / "data" / f"{name}.json"
        rec = load_published(path, config=config)  # refuses quick, corrupt or mismatched files
        assert rec["quick"] is False and rec["config"] == config, name
        text = path.read_text()
        assert '"/' not in text and str(root) not in text, f"{name}.json holds an absolute path"
