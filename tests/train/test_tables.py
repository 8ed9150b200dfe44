"""Table-1 verdict logic, rate fits, the committed results and their checks."""

import json
from pathlib import Path

import numpy as np
import pytest

from claims.registry import ClaimResult, Scope, Verdict
from train.tables import fit_rates, is_gaussian, row_verdict

ROOT = Path(__file__).resolve().parents[2]

G = {"cv": 0.08, "ad_mean": 0.38, "ad_pass": 0.97, "dp_mean": 0.49, "dp_pass": 0.95}
NG = {"cv": 0.36, "ad_mean": 1.64, "ad_pass": 0.30, "dp_mean": 0.02, "dp_pass": 0.15}

TAB1 = pytest.mark.claim(
    "Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100", "Tab1-CIFAR-sup", "Tab1-CIFAR-con"
)


@pytest.mark.claim(
    "Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100", "Tab1-CIFAR-sup", "Tab1-CIFAR-con"
)
def test_verdict_logic():
    assert is_gaussian(G) and not is_gaussian(NG)
    assert not is_gaussian({**G, "ad_pass": 0.5})  # the mean criterion alone is not enough
    assert row_verdict(NG, G, {"vicreg": NG})["code"] == "attributable"
    assert row_verdict(G, G, {"vicreg": NG})["code"] == "already_gaussian"
    assert row_verdict(NG, G, {"vicreg": G})["code"] == "not_specific"
    assert row_verdict(G, NG, {})["code"] == "not_gaussian"


def test_fit_rates_recovers_known_slopes():
    d = np.repeat([32.0, 64, 128, 256], 7)
    N = np.tile([8.0, 16, 32, 48, 64, 96, 128], 4)
    rng = np.random.default_rng(0)
    z = 0.3 - 1.0 * np.log(d) - 0.5 * np.log(N) + 0.01 * rng.standard_normal(d.size)
    f = fit_rates(d, N, z)
    assert f["slope_d_ci"][0] < -1.0 < f["slope_d_ci"][1]
    assert f["slope_N_ci"][0] < -0.5 < f["slope_N_ci"][1]
    assert abs(f["slope_d"] + 1.0) < 5 * f["slope_d_se"] and f["r2"] > 0.99
    exact = fit_rates(d, N, 1.0 - 2.0 * np.log(d) + 0.25 * np.log(N))
    assert exact["slope_d"] == pytest.approx(-2.0, abs=1e-10)
    assert exact["slope_N"] == pytest.approx(0.25, abs=1e-10)


TABLE1 = ROOT / "docs" / "data" / "table1.json"


@pytest.mark.skipif(not TABLE1.exists(), reason="docs/data/table1.json not generated yet")
@pytest.mark.claim(
    "Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100", "Tab1-CIFAR-sup", "Tab1-CIFAR-con"
)
def test_committed_table1_and_its_checks():
    t = json.loads(TABLE1.read_text(), parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    ids = {r["id"] for r in t["rows"]}
    assert {"Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100"} <= ids
    for r in t["rows"]:
        assert r["epoch0"]["epoch"] == 0 and r["controls"], r["id"]
        assert r["verdict"] == row_verdict(r["epoch0"], r["trained"], r["controls"])
    assert t["command"] and t["wall_s"] > 0 and "seed" in t["rows"][0]
    from claims.checks import tables as checks

    for rid in ("Tab1-Laplace", "Tab1-GMM", "Tab1-Bin0", "Tab1-Bin50", "Tab1-Bin100", "Tab1-CIFAR-sup",
                "Tab1-CIFAR-con"):  # fmt: skip
        res = getattr(checks, "check_" + rid.replace("-", "_"))()
        assert isinstance(res, ClaimResult) and res.scope is Scope.TRAINING, rid
        assert "paper" in res.expected and res.scope_detail
    assert checks.check_Tab1_CIFAR_con().verdict is Verdict.INCONCLUSIVE


GRID = ROOT / "docs" / "data" / "grid.json"


@pytest.mark.skipif(not GRID.exists(), reason="docs/data/grid.json not generated yet")
@pytest.mark.claim("R-d", "R-N")
def test_committed_grid_and_its_check():
    g = json.loads(GRID.read_text())
    assert len(g["points"]) == len(g["sizes"]["ds"]) * len(g["sizes"]["Ns"])
    d = np.array([p["d"] for p in g["points"]], float)
    N = np.array([p["N"] for p in g["points"]], float)
    z = np.log([p["trained"]["cv"] for p in g["points"]])
    assert fit_rates(d, N, z)["slope_d"] == pytest.approx(
        g["fits"]["trained"]["log_cv"]["slope_d"], rel=1e-12
    )
    from claims.checks.tables import check_grid

    res = check_grid()
    assert set(res) == {"R-d", "R-N"} and all(r.scope is Scope.TRAINING for r in res.values())
