"""Two printed numbers of claims.checks.uniformity / claims.checks.regularized, pinned."""

import re

import pytest

from claims.checks.regularized import check_T2
from theory.regularized import beta_threshold_vmf, theorem1_vmf


@pytest.mark.claim("T2")
def test_T2_prints_the_kappa_where_margin_below_beta_star_is_attained():
    import numpy as np

    res = check_T2()
    kap = np.logspace(-2, 4, 61)
    shown = re.findall(
        r"d=(\d+) a=([\d.]+) eta2=([\d.]+):[^;]*margin\(0\.9beta\*\)=\S+ at kappa=([\d.e+-]+)", res.measured
    )
    assert shown, res.measured
    for d, a, e, k in shown:
        d, a, e = int(d), float(a), float(e)
        bstar = beta_threshold_vmf(d, a, e, kappas=kap).beta_star
        t1 = theorem1_vmf(d, a, e, 0.9 * bstar, kappas=kap)
        assert float(k) == pytest.approx(t1.kappa_argmin, rel=5e-3)  # printed to 3 digits
        # the printed kappa is where the margin sits: the gap there is the margin
        assert t1.gaps[np.argmin(t1.gaps)] == pytest.approx(t1.margin)
    assert any(
        r["kappa_star"] != r["kappa_argmin_0.9beta_star"] for r in res.data["rows"] if r["beta_star"] > 0
    )


def test_C1_note_measures_the_limit_without_a_misattributed_sign_slip():
    import inspect

    import claims.checks.uniformity as cu

    src = inspect.getsource(cu.check_C1) + inspect.getsource(cu._check_C1_population)
    assert "sign slip" not in src and "paper writes L + log N" not in src
    assert "L_N - log N" in src
