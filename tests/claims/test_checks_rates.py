"""check_R_N's verdict logic on synthetic studies (reading the JSON only, no recomputation)."""

from __future__ import annotations

import json

import pytest

from claims.checks.rates import check_R_N
from claims.registry import Scope, Verdict


def _study(slopes: dict[str, tuple[float, float, float]]) -> dict:
    def fit(s, lo, hi):
        return {"slope": s, "ci_low": lo, "ci_high": hi, "x": [16, 32], "y": [1.0, 0.5]}

    readings = {
        name: {
            "iid": fit(*slopes.get(f"{name}/iid", (-0.5, -0.6, -0.4))),
            "flow": fit(*slopes.get(f"{name}/flow", (-2.0, -2.2, -1.8))),
        }
        for name in ("i_phi_gap", "ii_mmd", "iii_sw", "iv_infonce_bias", "iv_infonce_spread")
    }
    cfg = {
        "d": 3,
        "alpha": 10.0,
        "Ns": [16, 32],
        "Ns_flow": [16, 32],
        "seeds": 8,
        "seeds_flow": 3,
        "n_batches": 4,
        "kappa_pair": 10.0,
        "n_projections": 10,
    }
    return {
        "rn": {"readings": readings},
        "config": {"rn": cfg},
        "quick": False,
        "commit": "x",
        "wall_seconds": 1.0,
    }


@pytest.mark.claim("R-N")
def test_upper_rate_confirmed_and_readings_sorted(tmp_path):
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(_study({"i_phi_gap/iid": (-1.0, -1.1, -0.9)})))
    res = check_R_N(path, reproduce=False)
    assert res.verdict is Verdict.CONFIRMED and res.scope is Scope.MONTE_CARLO
    assert "(i) Phi(mu_N)-Phi(sigma) i.i.d." in res.data["faster_than_half"]
    assert "(ii) MMD i.i.d." in res.data["fits_minus_half"]


@pytest.mark.claim("R-N")
def test_a_reading_slower_than_half_refutes(tmp_path):
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(_study({"iii_sw/flow": (-0.2, -0.3, -0.1)})))
    res = check_R_N(path, reproduce=False)
    assert res.verdict is Verdict.REFUTED
    assert res.data["slower_than_half"] == ["(iii) sliced W2 minimiser"]


def test_missing_study_is_inconclusive(tmp_path):
    res = check_R_N(tmp_path / "none.json")
    assert res.verdict is Verdict.INCONCLUSIVE and "python -m simulate rates" in res.note
