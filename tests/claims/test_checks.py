"""The quick checks of claims/checks: what they measure and the verdict they give."""

import math

import pytest

from claims.checks.alignment import check_P1
from claims.checks.diagnostics import check_DIAG
from claims.registry import Verdict


@pytest.mark.slow
def test_check_p1_confirms():
    res = check_P1()
    assert res.verdict.value == "confirmed", res.measured


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
