"""Bad input to every training objective: a ValueError/TypeError naming the argument, never a number.

Before these checks ``infonce`` took batches of 4 and 6 rows and returned a number, ``alpha = NaN`` and
``vicreg`` with one row returned NaN, and rows too large for float32 were normalised to zero without a
word. Valid input gives a finite loss, equal to an independent float64 evaluation.
"""

import math

import numpy as np
import pytest
import torch

from train.distributed import infonce_global
from train.objectives import barlow_twins, infonce, infonce_symmetric, supervised_ce, vicreg

G = torch.Generator().manual_seed(0)
Z = torch.randn(8, 5, generator=G)
W = torch.randn(8, 5, generator=G)

PAIR_LOSSES = {
    "infonce": lambda a, b: infonce(a, b, 10.0),
    "infonce_symmetric": lambda a, b: infonce_symmetric(a, b, 10.0),
    "infonce_global": lambda a, b: infonce_global(a, b, 10.0),
    "vicreg": vicreg,
    "barlow_twins": barlow_twins,
}

BAD_PAIRS = [
    ("rows 4 and 6", lambda: (torch.randn(4, 3), torch.randn(6, 3)), ValueError, "same shape"),
    ("columns differ", lambda: (torch.randn(4, 3), torch.randn(4, 2)), ValueError, "same shape"),
    ("1-D", lambda: (torch.randn(4), torch.randn(4)), ValueError, "shape"),
    ("3-D", lambda: (torch.randn(2, 2, 2), torch.randn(2, 2, 2)), ValueError, "shape"),
    ("d = 0", lambda: (torch.randn(4, 0), torch.randn(4, 0)), ValueError, "shape"),
    ("integer dtype", lambda: (torch.ones(4, 3, dtype=torch.int64),) * 2, TypeError, "floating"),
    ("bool dtype", lambda: (torch.ones(4, 3, dtype=torch.bool),) * 2, TypeError, "floating"),
    ("numpy arrays", lambda: (np.ones((4, 3)), np.ones((4, 3))), TypeError, "torch.Tensor"),
    ("lists", lambda: ([[1.0, 2.0]], [[1.0, 2.0]]), TypeError, "torch.Tensor"),
    ("NaN entry", lambda: (torch.tensor([[math.nan, 1.0], [1.0, 0.0]]), torch.ones(2, 2)), ValueError, "z1"),
    ("inf entry", lambda: (torch.ones(2, 2), torch.tensor([[math.inf, 1.0], [1.0, 0.0]])), ValueError, "z2"),
]  # fmt: skip


@pytest.mark.parametrize("loss", PAIR_LOSSES)
@pytest.mark.parametrize(("case", "make", "exc", "needle"), BAD_PAIRS, ids=[c[0] for c in BAD_PAIRS])
def test_bad_pairs_are_refused_naming_the_argument(loss, case, make, exc, needle):
    z1, z2 = make()
    with pytest.raises(exc, match=needle) as info:
        PAIR_LOSSES[loss](z1, z2)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("loss", ["vicreg", "barlow_twins"])
def test_one_row_is_refused_by_the_variance_losses(loss):
    with pytest.raises(ValueError, match="at least 2 rows"):
        PAIR_LOSSES[loss](torch.randn(1, 3), torch.randn(1, 3))


@pytest.mark.parametrize("fn", [infonce, infonce_symmetric, infonce_global])
@pytest.mark.parametrize(
    ("alpha", "exc"),
    [(math.nan, ValueError), (math.inf, ValueError), (-1.0, ValueError), ("10", TypeError), (None, TypeError),
     (True, TypeError), (1e38, ValueError)],
)  # fmt: skip
def test_bad_alpha_is_refused(fn, alpha, exc):
    with pytest.raises(exc, match="alpha"):
        fn(Z, W, alpha)


def test_rows_whose_norm_overflows_are_refused_not_zeroed():
    big = torch.full((4, 3), 1e20)  # finite in float32, but the squared norm is not
    with pytest.raises(ValueError, match="z1 has rows whose norm"):
        infonce(big, torch.randn(4, 3), 10.0)
    assert torch.isfinite(infonce(big.double(), torch.randn(4, 3, dtype=torch.float64), 10.0))


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"sim_coeff": math.nan}, "sim_coeff"), ({"std_coeff": -1.0}, "std_coeff"), ({"cov_coeff": math.inf},
     "cov_coeff"), ({"gamma": "1"}, "gamma"), ({"eps": 0.0}, "eps")],
)  # fmt: skip
def test_bad_vicreg_coefficients(kwargs, needle):
    with pytest.raises((ValueError, TypeError), match=needle):
        vicreg(Z, W, **kwargs)


@pytest.mark.parametrize(("kwargs", "needle"), [({"lambd": math.nan}, "lambd"), ({"eps": -1e-3}, "eps")])
def test_bad_barlow_coefficients(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        barlow_twins(Z, W, **kwargs)


@pytest.mark.parametrize(
    ("logits", "labels", "needle"),
    [
        (torch.randn(4, 3), torch.tensor([0, 1, 2, 3]), r"\[0, 3\)"),
        (torch.randn(4, 3), torch.tensor([0, 1, -1, 2]), r"\[0, 3\)"),
        (torch.randn(4, 3), torch.tensor([0.0, 1.0, 2.0, 0.0]), "integer"),
        (torch.randn(4, 3), torch.tensor([0, 1]), "shape"),
        (torch.randn(4), torch.tensor([0, 1, 2, 0]), "logits"),
        (torch.full((2, 3), math.nan), torch.tensor([0, 1]), "logits holds NaN"),
        (np.zeros((2, 3)), torch.tensor([0, 1]), "logits"),
    ],
)
def test_bad_supervised_inputs(logits, labels, needle):
    with pytest.raises((ValueError, TypeError), match=needle):
        supervised_ce(logits, labels)


def _infonce64(z1, z2, alpha):
    u = z1.double().numpy()
    v = z2.double().numpy()
    u = u / np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    s = alpha * u @ v.T
    m = s.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(s - m).sum(axis=1, keepdims=True))).ravel()
    return float(np.mean(lse - np.diag(s)))


@pytest.mark.parametrize("N", [1, 2, 4, 6])
@pytest.mark.parametrize("alpha", [0.0, 1e-3, 10.0, 1e4])
def test_valid_input_gives_a_finite_loss_equal_to_float64(N, alpha):
    g = torch.Generator().manual_seed(N)
    z1, z2 = torch.randn(N, 3, generator=g), torch.randn(N, 3, generator=g)
    z1[0] = 0.0  # a zero row is valid (normalised to zero, as F.normalize)
    got = float(infonce(z1, z2, alpha))
    assert math.isfinite(got)
    assert got == pytest.approx(_infonce64(z1, z2, alpha), rel=1e-5, abs=1e-5 * max(1.0, alpha))
    if N >= 2:
        for fn in (vicreg, barlow_twins):
            assert math.isfinite(float(fn(z1, z2)))
        const = torch.ones(N, 3)  # zero batch variance: finite (eps), not NaN
        assert math.isfinite(float(vicreg(const, const))) and math.isfinite(float(barlow_twins(const, const)))
