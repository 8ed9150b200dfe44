"""Rows D and T2 from the zonal evidence: the counterexample ring re-checked in a few lines by scipy's
Bessel functions, the map's counts re-counted from the raw file, beta* against beta0, and the verdict
words (confirmed / inconclusive for D as written; refuted for T2 only when a zonal density beats sigma
at beta0)."""

from __future__ import annotations

import json
import math
import re

import pytest
from scipy import special

from claims.checks import _zonal_evidence, regularized, zonal
from claims.checks._zonal_evidence import particles_beyond_zonal, zonal_map_evidence
from claims.registry import ClaimResult, Scope, Verdict
from theory._io import repo_root

DATA = repo_root() / "docs" / "data"


def _log_g(d: int, b: float) -> float:
    """log E exp(b c), c one coordinate of a uniform point of S^{d-2}: Gamma(nu+1)(2/b)^nu I_nu(b)."""
    nu = (d - 3) / 2
    return math.lgamma(nu + 1) + nu * math.log(2 / b) + math.log(special.ive(nu, b)) + b


def _phi_sigma(d: int, alpha: float) -> float:
    """The paper's closed form: log Gamma(d/2)(2/alpha)^{d/2-1} I_{d/2-1}(alpha)."""
    nu = d / 2 - 1
    return math.lgamma(d / 2) + nu * math.log(2 / alpha) + math.log(special.ive(nu, alpha)) + alpha


@pytest.mark.claim("D")
def test_the_written_out_ring_re_checks_in_a_few_lines():
    ev = zonal_map_evidence()
    d, alpha = zonal.COUNTEREXAMPLE
    t = float(re.search(r"rings at t = \[([\d.]+)\]", ev.counterexample).group(1))
    phi = alpha * t * t + _log_g(d, alpha * (1 - t * t))
    ratio = (phi - _phi_sigma(d, alpha)) / t**2
    assert ratio == pytest.approx(0.908462, abs=1e-6)  # the printed latitude (6 digits) is enough
    assert ev.data["counterexample_recheck"]["ratio"] == pytest.approx(
        ev.data["counterexample_recheck"]["published_ratio"], rel=1e-12
    )
    assert float(re.search(r", Phi = ([\d.]+)", ev.counterexample).group(1)) == pytest.approx(phi, abs=1e-6)
    vmf = float(re.search(r"q_c\^vMF = ([\d.]+)", ev.counterexample).group(1))
    assert ratio < vmf - 0.009  # below every vMF tilt by about 1%


@pytest.mark.claim("D")
def test_the_map_counts_are_recounted_from_the_raw_file():
    raw = json.loads((DATA / "zonal-map.json").read_text())
    thr = [p["threshold"] for p in raw["points"]]
    below = [t for t in thr if t["q_c"] < t["q_c_vmf"] * (1 - 1e-6)]
    tie = [t for t in thr if abs(t["q_c"] - t["q_c_vmf"]) <= 1e-6 * t["q_c_vmf"] and t["q_c"] <= t["q_c_loc"]]
    ev = zonal_map_evidence()
    assert f"zonal < vMF at {len(below)} " in ev.qc and f"= q_c^loc at {len(tie)} " in ev.qc
    assert len(below) + len(tie) == len(thr) == ev.data["n_points"]
    assert "a vMF tilt the infimum at 0" in ev.qc


@pytest.mark.claim("T2")
def test_beta_star_over_zonal_densities_stays_below_beta0():
    raw = json.loads((DATA / "zonal-map.json").read_text())
    worst = max(
        p["beta"]["beta_star"] / (2 * p["beta"]["alpha"] * (1 - p["beta"]["eta2"]) / p["beta"]["d"])
        for p in raw["points"]
    )  # beta0 with Lemma 1's C(d) = d/(2(d-1))
    ev = zonal_map_evidence()
    assert ev.beta_counterexample is None
    assert f"beta*_zonal / beta0 <= {worst:.3f} with C = C(d)" in ev.beta
    assert worst < 1


@pytest.mark.claim("T2")
def test_a_zonal_density_above_beta0_is_written_out_and_refutes_t2(tmp_path, monkeypatch):
    raw = json.loads((DATA / "zonal-map.json").read_text())
    b = raw["points"][0]["beta"]
    b["beta_star"] = 10.0 * b["alpha"]  # far above beta0 = 2 alpha (1 - eta2)/d
    (tmp_path / "zonal-map.json").write_text(json.dumps(raw))
    ev = zonal_map_evidence(tmp_path)
    assert ev.beta_counterexample is not None and "log-density coefficients" in ev.beta_counterexample
    assert f"d={b['d']}, alpha={b['alpha']:g}" in ev.beta_counterexample

    stub = ClaimResult("m", "e", Verdict.CONFIRMED_IN_FAMILY, Scope.FAMILY, "vMF", "n")
    monkeypatch.setattr(regularized, "_check_T2_vmf", lambda: stub)
    monkeypatch.setattr(_zonal_evidence, "zonal_map_evidence", lambda: ev)
    res = regularized.check_T2()
    assert res.verdict is Verdict.REFUTED and "COUNTEREXAMPLE over zonal densities" in res.note
    monkeypatch.setattr(_zonal_evidence, "zonal_map_evidence", zonal_map_evidence)
    res = regularized.check_T2()
    assert res.verdict is Verdict.CONFIRMED_IN_FAMILY and "beta0 stays sufficient" in res.note
    assert "docs/figures/zonal-map.png" in res.figures


def _stub_d_vmf():
    return ClaimResult("vmf rows", "symbolic", Verdict.CONFIRMED_IN_FAMILY, Scope.FAMILY, "vMF", "vmf note")


@pytest.mark.claim("D")
def test_d_as_written_is_confirmed_over_all_measures_and_inconclusive_if_sigma_moved(monkeypatch):
    monkeypatch.setattr(regularized, "_check_D_vmf", _stub_d_vmf)
    res = zonal.check_D()
    assert res.verdict is Verdict.CONFIRMED and res.scope is Scope.ALL_MEASURES
    assert "as written" in res.measured and "nothing below the zonal value" in res.measured
    assert "counterexample: d=8, alpha=1" in res.note and "minimiser" in res.note
    assert set(res.figures) >= {"docs/figures/zonal-map.png", "docs/figures/beyond-zonal.png"}
    monkeypatch.setattr(zonal, "sigma_stationarity", lambda: [{"d": 3, "alpha": 2.0, "spread": 1e-3}])
    assert zonal.check_D().verdict is Verdict.INCONCLUSIVE


@pytest.mark.claim("D")
def test_sigma_is_stationary_and_the_map_d3_ring_ties_sigma_by_the_circle_closed_form():
    assert all(s["spread"] < 1e-12 for s in zonal.sigma_stationarity())
    r = zonal._d3_recheck(zonal_map_evidence())
    assert abs(r["ring_gap"]) < 1e-9 and r["ring_t0"] == pytest.approx(r["map_t0"], abs=1e-5)


@pytest.mark.claim("D")
def test_particle_evidence_recomputed_from_the_raw_file_and_a_finding_is_named(tmp_path):
    raw = json.loads((DATA / "beyond-zonal.json").read_text())
    lowest = min(  # the best particles' J against the zonal value, from the raw numbers
        b["J_best"] - r["zonal"]["J"]
        for c in raw["result"]["cases"]
        for r in c["by_f"]
        for b in r["by_N"].values()
    )
    ev = particles_beyond_zonal()
    assert ev.data["min_excess"] == pytest.approx(lowest, abs=1e-15) and lowest >= 0
    assert "nothing below the zonal value" in ev.measured
    raw["result"]["findings"] = [
        {"d": 8, "alpha": 1.0, "f": 1.0, "N": 64, "J": 0.0, "phi": 0.0, "m_norm": 0.5}
    ]
    (tmp_path / "beyond-zonal.json").write_text(json.dumps(raw))
    assert "FINDING" in particles_beyond_zonal(tmp_path).measured
