"""The quick checks of claims/checks: what they measure and the verdict they give."""

import math

import pytest

from claims.checks.alignment import check_P1
from claims.checks.diagnostics import check_DIAG
from claims.registry import Verdict


@pytest.mark.slow
def test_check_p1_confirms():
    res = check_P1()
    assert res.verdict is Verdict.CONFIRMED_IN_FAMILY, res.measured


@pytest.mark.slow
def test_check_diag_finding():
    res = check_DIAG()
    a5 = res.data["n5000"]
    # the measured null pass rate is ~95%, within 5 SE of the independent Stephens approximation
    assert abs(a5["null_pass_ad"] - a5["null_pass_ad_stephens"]) <= 5 * a5["null_pass_ad_se"] + 1e-3
    assert a5["null_pass_ad"] < 0.97 and a5["null_pass_dp"] < 0.97
    # P(all 256 pass | independent) = p0^256, computed in log10
    assert a5["log10_p_all_ad_pass_indep"] == pytest.approx(256 * math.log10(a5["null_pass_ad"]))
    if a5["log10_p_all_ad_pass_indep"] < -3 and a5["replicates_all_ad_pass"] == 0:
        assert res.verdict is Verdict.IMPROBABLE
    else:
        assert res.verdict is Verdict.INCONCLUSIVE


@pytest.mark.claim("D")
@pytest.mark.parametrize(("alpha", "t0"), [(2.0, 0.85), (5.0, 0.3), (10.0, 0.81)])
def test_ring_phi_closed_form_against_equally_spaced_atoms(alpha, t0):
    """Phi of the uniform law on the circle of latitude t0 (closed form used by check_D) against Phi of
    256 equally spaced atoms on it (trapezoidal rule of a periodic analytic integrand: exponentially
    accurate), computed by theory.uniformity.phi."""
    import numpy as np
    from scipy import special

    from theory.uniformity import phi

    theta = 2 * np.pi * np.arange(256) / 256
    s = math.sqrt(1 - t0 * t0)
    pts = np.column_stack([np.full(256, t0), s * np.cos(theta), s * np.sin(theta)])
    closed = alpha * t0 * t0 + math.log(special.iv(0, alpha * (1 - t0 * t0)))
    assert phi(pts, alpha) == pytest.approx(closed, abs=1e-10)


@pytest.mark.claim("D")
def test_ring_beats_vmf_at_small_alpha_only():
    from claims.checks.zonal import ring_against_vmf
    from theory.regularized import qc_local

    q = 1.25 * float(qc_local(3, 2.0))
    r = ring_against_vmf(3, 2.0, q)
    assert r["ring_gap"] < r["vmf_gap"] < 0
    q = 1.25 * float(qc_local(3, 10.0))
    r = ring_against_vmf(3, 10.0, q)
    assert r["vmf_gap"] < 0 < r["ring_gap"]
    with pytest.raises(ValueError, match="d must be 3"):
        ring_against_vmf(4, 2.0, q)
