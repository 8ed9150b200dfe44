"""The claims row of the linear-encoder ceiling: its verdict rule, its registration, and the
initialisation law it assumes against PyTorch's own."""

import importlib
import math

import numpy as np
import pytest

from claims.checks.encoders import Z_CUT, ceiling_verdict, check_Tab1_Bin_ceiling
from claims.registry import ALLOWED, Scope, Verdict, get_claim
from theory.encoders import EntryLaw


def test_verdict_rule():
    v, why = ceiling_verdict(0.98, {2000: (0.37, 0.015), 500: (0.76, 0.013)})
    assert v is Verdict.IMPROBABLE and "n = 500, 2000" in why
    # one evaluation size within 5 standard errors: no contradiction
    v, why = ceiling_verdict(0.98, {2000: (0.37, 0.015), 20: (0.95, 0.01)})
    assert v is Verdict.INCONCLUSIVE and "n = 20" in why
    assert ceiling_verdict(0.5, {2000: (0.37, 0.0261)})[0] is Verdict.INCONCLUSIVE  # 4.98 SE
    assert ceiling_verdict(0.5, {2000: (0.37, 0.0259)})[0] is Verdict.IMPROBABLE  # 5.02 SE
    assert Z_CUT == 5.0
    with pytest.raises(ValueError, match="ceilings"):
        ceiling_verdict(0.98, {})


def test_registered_with_the_functions_that_encode_it():
    c = get_claim("Tab1-Bin-ceiling")
    assert c.check_function() is check_Tab1_Bin_ceiling
    assert "theory.encoders.kurtosis_floor" in c.code
    for path in c.code:
        module, _, name = path.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name)), path


def test_torch_default_init_is_the_entry_law_assumed():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    lin = torch.nn.Linear(1024, 256)
    law = EntryLaw.torch_default(1024)
    for t in (lin.weight.detach().numpy().ravel(), lin.bias.detach().numpy()):
        x = t.astype(np.float64)
        assert np.abs(x).max() <= law.scale * (1 + 1e-6)
        assert np.abs(x).max() > law.scale * (1 - 20 / x.size)  # the bound is the support's edge
        se = math.sqrt((law.m4 - law.var**2) / x.size)
        assert abs((x**2).mean() - law.var) < 5 * se


@pytest.mark.slow
def test_the_check_runs_and_reads_as_stated():
    r = check_Tab1_Bin_ceiling()
    assert r.scope is Scope.STATISTICAL and r.verdict in ALLOWED[r.scope]
    cal = r.data["ceiling_calibrated"]
    assert 0.0028 < cal["p"] < 0.0030 and cal["n_samples"] == 2000
    assert cal["dp_ceiling"] < 0.6 and r.verdict is Verdict.IMPROBABLE
    assert r.data["calibration_default_bias"]["roots"] == []
    assert "floor" in r.measured and "paper epoch 100" in r.expected
