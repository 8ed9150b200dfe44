"""Pinned messages and fields of :mod:`theory.hgr` (exact, discrete) that mutation testing showed
unchecked: every error names the argument and the expected form, exactly."""

import math

import numpy as np
import pytest

from theory.hgr import hgr_discrete, hgr_label_posterior, markov_joint

P0 = np.array([0.5, 0.5])
K = np.array([[0.9, 0.1], [0.2, 0.8]])
BAD = np.ones((3, 2)) / 2


def test_markov_joint_messages():
    with pytest.raises(ValueError, match=r"^channel_x must have shape \(2, n\) \(one row per entry of p0\)"):
        markov_joint(P0, BAD)
    with pytest.raises(ValueError, match=r"^channel_y must have shape \(2, n\) \(one row per entry of p0\)"):
        markov_joint(P0, K, BAD)


def test_label_posterior_messages():
    with pytest.raises(ValueError, match=r"^posteriors must have at least 2 columns; got d = 1"):
        hgr_label_posterior(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"^weights must have one entry per row of posteriors \(3\); got 2"):
        hgr_label_posterior(np.full((3, 2), 0.5), weights=[0.5, 0.5])
    with pytest.raises(ValueError, match=r"^weights must be a probability vector"):
        hgr_label_posterior(np.full((3, 2), 0.5), weights=[0.5, 0.6, -0.1])
    with pytest.raises(ValueError, match=r"^prior must be a probability vector"):
        hgr_label_posterior(np.full((3, 2), 0.5), prior=[0.5, 0.6])


def test_with_centers_keeps_both_axes():
    r = hgr_discrete(markov_joint(P0, K)).with_centers([1.0, 2.0], [3.0, 4.0])
    assert list(r.x) == [1.0, 2.0] and list(r.y) == [3.0, 4.0]


def test_label_posterior_binary_closed_form_and_a_label_of_zero_probability():
    # binary Y: rho^2 = Var(pi(X)) / (p (1 - p)) with pi(x) = P(Y = 1 | x), p = E pi(X) (uniform weights)
    pi = np.array([0.1, 0.8, 0.5])
    p = pi.mean()
    rho = np.sqrt((np.mean(pi**2) - p**2) / (p * (1 - p)))
    P = np.column_stack([1 - pi, pi])
    assert hgr_label_posterior(P) == pytest.approx(rho, rel=1e-12)
    # a label that never occurs changes nothing (it is dropped, not divided by)
    assert hgr_label_posterior(np.column_stack([P, np.zeros(3)])) == pytest.approx(rho, rel=1e-12)


def test_tensorize_is_the_largest_and_takes_the_ends():
    from theory.hgr import hgr_tensorize

    assert hgr_tensorize([0.0, 1.0]) == 1.0
    assert hgr_tensorize([0.2, 0.3]) == 0.3
    assert hgr_tensorize([0.0]) == 0.0
    with pytest.raises(TypeError, match=r"^rhos must be real numbers in \[0, 1\]; got a boolean array$"):
        hgr_tensorize(np.array([True, False]))
    with pytest.raises(ValueError, match=r"^rhos "):
        hgr_tensorize([1.1])
    with pytest.raises(TypeError, match=r"^rhos must be a numeric array"):
        hgr_tensorize(["a"])


@pytest.mark.parametrize("shape", [(3, 3), (3, 5)])
def test_n_singular_gives_the_top_singular_values_of_q(shape):
    """The top min(n_singular, r) singular values of Q = D_X^{-1/2} P D_Y^{-1/2} (r = the smaller side), as
    numpy's dense SVD of Q built here from the table."""
    P = np.arange(1.0, shape[0] * shape[1] + 1).reshape(shape) ** 1.5
    P /= P.sum()
    Q = P / np.sqrt(P.sum(axis=1))[:, None] / np.sqrt(P.sum(axis=0))[None, :]
    expected = np.linalg.svd(Q, compute_uv=False)
    r = min(shape)
    for n in range(2, r + 2):
        got = hgr_discrete(P, n_singular=n).singular_values
        assert got == pytest.approx(expected[: min(n, r)], abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# hgr_discrete: the table's validation, named as "joint"


def test_joint_errors_name_the_argument():
    with pytest.raises(
        TypeError, match=r"^joint must be a table of real non-negative numbers; got a boolean array$"
    ):
        hgr_discrete(np.eye(2, dtype=bool))
    with pytest.raises(ValueError, match=r"^joint must have shape \(n, d\); got an array with shape \(3,\)$"):
        hgr_discrete(np.ones(3))
    with pytest.raises(
        ValueError,
        match=r"^joint must be a table of non-negative probabilities; found a negative entry -0\.1$",
    ):
        hgr_discrete([[0.5, -0.1], [0.3, 0.3]])
    with pytest.raises(ValueError, match=r"^joint must have a positive total mass; got 0\.0$"):
        hgr_discrete(np.zeros((2, 2)))


def test_a_count_table_with_a_zero_cell_is_normalized():
    """Counts [[3, 0], [1, 4]]: marginals (3, 5)/8 and (4, 4)/8; a 2 x 2 table's rho_m is its |phi|,
    |ad - bc| / sqrt((a + b)(c + d)(a + c)(b + d)) = 12 / sqrt(240)."""
    r = hgr_discrete([[3, 0], [1, 4]])
    assert r.px == pytest.approx([3 / 8, 5 / 8], abs=1e-15)
    assert r.py == pytest.approx([4 / 8, 4 / 8], abs=1e-15)
    assert r.rho == pytest.approx(12 / math.sqrt(240), abs=1e-14)
    assert r.singular_values == pytest.approx([1.0, 12 / math.sqrt(240)], abs=1e-14)


def test_n_singular_is_validated_by_name_with_its_lower_bound_two():
    P = markov_joint(P0, K)
    with pytest.raises(ValueError, match=r"^n_singular must be >= 2; got 1$"):
        hgr_discrete(P, n_singular=1)
    with pytest.raises(TypeError, match=r"^n_singular must be an integer; got float 2\.0$"):
        hgr_discrete(P, n_singular=2.0)
    # the smallest accepted value: the 1 of the constants and rho = |phi| (here 0.7 / sqrt(0.55 * 0.45 ... ))
    got = hgr_discrete(P, n_singular=2)
    assert got.singular_values == pytest.approx([1.0, _phi(P)], abs=1e-14)


def _phi(P):
    (a, b), (c, d) = np.asarray(P, dtype=float) / np.sum(P)
    return abs(a * d - b * c) / math.sqrt((a + b) * (c + d) * (a + c) * (b + d))


# ---------------------------------------------------------------------------------------------------
# hgr_discrete: a constant variable


@pytest.mark.parametrize(
    "table",
    [[[0.2, 0.3, 0.5]], [[0.0, 0.0], [0.4, 0.6], [0.0, 0.0]], [[0.0, 0.7, 0.0], [0.0, 0.3, 0.0]]],
)
def test_a_constant_variable_has_rho_zero_zero_transforms_and_the_spectrum_one(table):
    """Q on the support is 1 x m or n x 1, with one singular value, 1; f = g = 0 (no centered unit
    transform exists); the marginals are the table's row and column sums."""
    P = np.asarray(table, dtype=float)
    r = hgr_discrete(P)
    assert r.rho == 0.0
    assert r.singular_values.tolist() == [1.0]
    assert r.f.tolist() == [0.0] * P.shape[0] and r.g.tolist() == [0.0] * P.shape[1]
    assert r.px.tolist() == pytest.approx(P.sum(axis=1).tolist(), abs=1e-15)
    assert r.py.tolist() == pytest.approx(P.sum(axis=0).tolist(), abs=1e-15)


# ---------------------------------------------------------------------------------------------------
# hgr_discrete: rho, spectrum and transforms against numpy's dense SVD of Q built here


def _q(P):
    P = np.asarray(P, dtype=float) / np.sum(P)
    px, py = P.sum(axis=1), P.sum(axis=0)
    sx, sy = px > 0, py > 0
    Ps = P[np.ix_(sx, sy)]
    return Ps / np.sqrt(px[sx])[:, None] / np.sqrt(py[sy])[None, :], px, py, sx, sy


def _tables():
    rng = np.random.default_rng(7)
    out = [rng.random((3, 5)), rng.random((6, 4)) ** 3, rng.random((2, 7))]
    P = rng.random((5, 6))
    P[1] = 0.0
    P[:, [0, 4]] = 0.0
    out.append(P)
    return out


@pytest.mark.parametrize("P", _tables())
def test_discrete_against_numpy_svd_of_q(P):
    """rho = s_2(Q), the spectrum is that of Q, and (f, g) = (u_2 / sqrt(p_X), v_2 / sqrt(p_Y)) up to a
    common sign (the tables have a gap below s_2), 0 off the support, with E f g = +rho."""
    Q, px, py, sx, sy = _q(P)
    U, s, Vt = np.linalg.svd(Q)
    r = hgr_discrete(P)
    assert r.px == pytest.approx(px, abs=1e-15) and r.py == pytest.approx(py, abs=1e-15)
    assert r.rho == pytest.approx(s[1], abs=1e-13)
    assert r.singular_values == pytest.approx(s, abs=1e-13)
    f = np.zeros(P.shape[0])
    g = np.zeros(P.shape[1])
    f[sx] = U[:, 1] / np.sqrt(px[sx])
    g[sy] = Vt[1] / np.sqrt(py[sy])
    sign = np.sign(f @ r.f)
    assert sign * r.f == pytest.approx(f, abs=1e-10)
    assert sign * r.g == pytest.approx(g, abs=1e-10)
    Pn = np.asarray(P) / np.sum(P)
    assert float(r.f @ Pn @ r.g) == pytest.approx(s[1], abs=1e-13)
    assert r.eta2 == pytest.approx(s[1] ** 2, abs=1e-13)


def test_transforms_are_centered_and_normalized_on_a_skewed_table():
    """p(x) all but 1e-18 on the first value (sqrt p(x) is the first axis to rounding): rho is
    numpy's s_2(Q), and f, g keep mean 0 and variance 1 to rounding (their means are sums of terms
    p(x) f(x) of size 1e-9 that cancel)."""
    P = np.array([[1.0, 1e-18], [1e-18, 2e-18], [3e-19, 7e-19]])
    Q, px, py, _, _ = _q(P)
    s = np.linalg.svd(Q, compute_uv=False)
    r = hgr_discrete(P)
    assert r.rho == pytest.approx(s[1], rel=1e-12)
    assert float(px @ r.f) == pytest.approx(0.0, abs=1e-12)
    assert float(px @ r.f**2) == pytest.approx(1.0, abs=1e-12)
    assert float(py @ r.g) == pytest.approx(0.0, abs=1e-12)
    assert float(py @ r.g**2) == pytest.approx(1.0, abs=1e-12)


def _independent_tables(n):
    rng = np.random.default_rng(3)
    return [np.outer(rng.random(rng.integers(2, 5)), rng.random(rng.integers(2, 5))) for _ in range(n)]


def test_independence_gives_rho_zero_and_centered_unit_transforms():
    """At independence every centered transform is optimal: rho is 0 (to rounding) and the returned
    pair is still centered with unit variance, and E f g = rho >= 0 (the sign convention), E f g being
    computed as sum P(x, y) f(x) g(y) on the table normalized as the function does."""
    for P in _independent_tables(40):
        r = hgr_discrete(P)
        Pn = P / P.sum()
        assert r.rho < 1e-14
        assert abs(float(r.px @ r.f)) < 1e-13 and float(r.px @ r.f**2) == pytest.approx(1.0, abs=1e-13)
        assert abs(float(r.py @ r.g)) < 1e-13 and float(r.py @ r.g**2) == pytest.approx(1.0, abs=1e-13)
        efg = float(r.f @ Pn @ r.g)
        assert efg >= 0.0
        assert efg == pytest.approx(r.rho, abs=1e-14)


def _block_tables(n):
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        a, b = rng.integers(2, 4, size=2)
        P = np.zeros((a + b, a + b))
        P[:a, :b] = rng.random((a, b))
        P[a:, b:] = rng.random((b, a))
        out.append(P)
    return out


def test_a_block_table_has_rho_exactly_at_most_one_and_a_centered_pair():
    """Two blocks: X and Y share the block label, rho_m = 1 (the tie s_1 = s_2 = 1). rho lies in
    [0, 1] as documented, also when the computed singular value rounds above 1; f and g are centered,
    of unit variance, with E f g = 1."""
    for P in _block_tables(30):
        r = hgr_discrete(P)
        assert 0.0 <= r.rho <= 1.0
        assert r.rho == pytest.approx(1.0, abs=1e-13)
        assert abs(float(r.px @ r.f)) < 1e-12 and float(r.px @ r.f**2) == pytest.approx(1.0, abs=1e-12)
        assert abs(float(r.py @ r.g)) < 1e-12 and float(r.py @ r.g**2) == pytest.approx(1.0, abs=1e-12)
        assert float(r.f @ (P / P.sum()) @ r.g) == pytest.approx(1.0, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# hgr_discrete: the partial SVD (ARPACK) on large tables, and its dense fallback


def _large(nx, ny):
    rng = np.random.default_rng(11)
    return rng.random((nx, ny)) ** 4


@pytest.mark.parametrize(
    ("nx", "n_singular", "partial"),
    [
        (127, 3, False),  # smaller side 127: dense
        (128, 3, True),  # smaller side 128: ARPACK
        (128, 127, True),  # 126 values of the compressed operator asked, fewer than its 127
        (128, 128, False),  # all of them: dense
        (128, 129, False),  # more than there are: dense, all of them
    ],
)
def test_partial_svd_is_used_on_large_tables_only_and_agrees_with_numpy(monkeypatch, nx, n_singular, partial):
    """The documented route: ARPACK (scipy.sparse.linalg.svds) when the table's smaller side is at least
    128 and fewer singular values are asked than Q has; else the dense SVD. Either way the top
    min(n_singular, r) singular values of Q and the transforms agree with numpy's SVD of Q."""
    import scipy.sparse.linalg as spla

    calls = []
    real = spla.svds

    def spy(*args, **kwargs):
        calls.append(kwargs.get("k"))
        return real(*args, **kwargs)

    monkeypatch.setattr(spla, "svds", spy)
    P = _large(nx, 130)
    Q, px, py, _, _ = _q(P)
    U, s, Vt = np.linalg.svd(Q)
    r = hgr_discrete(P, n_singular=n_singular)
    assert calls == ([n_singular - 1] if partial else [])
    assert r.singular_values == pytest.approx(s[: min(n_singular, nx)], abs=1e-12)
    sign = np.sign(r.f @ U[:, 1])
    assert sign * r.f == pytest.approx(U[:, 1] / np.sqrt(px), abs=1e-8)
    assert sign * r.g == pytest.approx(Vt[1] / np.sqrt(py), abs=1e-8)


def test_arpack_failure_falls_back_to_the_dense_svd(monkeypatch):
    """If ARPACK does not converge the dense SVD gives the same result: the top n_singular singular
    values of Q and the transforms, as numpy's SVD of Q."""
    import scipy.sparse.linalg as spla

    def fail(*args, **kwargs):
        raise spla.ArpackNoConvergence("no convergence", np.empty(0), np.empty((0, 0)))

    monkeypatch.setattr(spla, "svds", fail)
    P = _large(128, 130)
    Q, px, py, _, _ = _q(P)
    U, s, Vt = np.linalg.svd(Q)
    r = hgr_discrete(P, n_singular=4)
    assert r.singular_values == pytest.approx(s[:4], abs=1e-12)
    sign = np.sign(r.f @ U[:, 1])
    assert sign * r.f == pytest.approx(U[:, 1] / np.sqrt(px), abs=1e-8)
    assert sign * r.g == pytest.approx(Vt[1] / np.sqrt(py), abs=1e-8)


# ---------------------------------------------------------------------------------------------------
# markov_joint


def test_markov_joint_against_the_sum_over_x0_and_its_errors():
    p0 = np.array([0.2, 0.3, 0.5])
    Kx = np.array([[0.7, 0.3], [0.1, 0.9], [0.5, 0.5]])
    Ky = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0], [0.1, 0.1, 0.8]])
    want = np.zeros((2, 3))
    for a in range(3):
        for x in range(2):
            for y in range(3):
                want[x, y] += p0[a] * Kx[a, x] * Ky[a, y]
    assert markov_joint(p0, Kx, Ky) == pytest.approx(want, abs=1e-15)
    same = np.zeros((2, 2))
    for a in range(3):
        same += p0[a] * np.outer(Kx[a], Kx[a])
    assert markov_joint(p0, Kx) == pytest.approx(same, abs=1e-15)  # channel_y defaults to channel_x
    with pytest.raises(ValueError, match=r"^p0 must be a probability vector"):
        markov_joint([0.2, 0.3, 0.6], Kx, Ky)
    with pytest.raises(ValueError, match=r"^channel_x must be row-stochastic"):
        markov_joint(p0, Kx + 0.1, Ky)
    with pytest.raises(ValueError, match=r"^channel_y must be row-stochastic"):
        markov_joint(p0, Kx, Ky + 0.1)
    with pytest.raises(ValueError, match=r"^channel_y must have shape \(3, n\) \(one row per entry of p0\)"):
        markov_joint(p0, Kx, Ky[:2])


# ---------------------------------------------------------------------------------------------------
# hgr_label_posterior


def test_label_posterior_against_the_table_of_x_and_k():
    """K = 3 labels, 5 rows with weights p(x): rho_m(X, K) is the maximal correlation of the table
    P(x, k) = p(x) pi_k(x), by the SVD of its Q built here; uniform rows by default."""
    rng = np.random.default_rng(5)
    Pi = rng.random((5, 3)) ** 2
    Pi /= Pi.sum(axis=1, keepdims=True)
    w = rng.random(5)
    w /= w.sum()
    for weights, wx in ((w, w), (None, np.full(5, 0.2))):
        Q, *_ = _q(wx[:, None] * Pi)
        s = np.linalg.svd(Q, compute_uv=False)
        assert hgr_label_posterior(Pi, weights=weights) == pytest.approx(s[1], abs=1e-13)
        # the prior given explicitly as the mean posterior changes nothing
        assert hgr_label_posterior(Pi, prior=wx @ Pi, weights=weights) == pytest.approx(s[1], abs=1e-13)


def test_label_posterior_uses_the_given_prior_by_the_two_by_two_closed_form():
    """K = 2: with D = diag(p) and r = sqrt(p), the top eigenvalue of the symmetric 2 x 2 matrix
    D^{-1/2} G D^{-1/2} - r r^T is (a + d)/2 + sqrt(((a - d)/2)^2 + b^2), by hand."""
    Pi = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5], [0.2, 0.8]])
    p = np.array([0.3, 0.7])
    G = np.zeros((2, 2))
    for row in Pi:
        G += np.outer(row, row) / 4
    a = G[0, 0] / p[0] - p[0]
    d = G[1, 1] / p[1] - p[1]
    b = G[0, 1] / math.sqrt(p[0] * p[1]) - math.sqrt(p[0] * p[1])
    lam = (a + d) / 2 + math.sqrt(((a - d) / 2) ** 2 + b**2)
    assert hgr_label_posterior(Pi, prior=p) == pytest.approx(math.sqrt(lam), abs=1e-14)
    with pytest.raises(ValueError, match=r"^prior must have 2 entries \(one per label\); got 3$"):
        hgr_label_posterior(Pi, prior=[0.2, 0.3, 0.5])


def test_label_posterior_two_columns_are_enough_and_a_deterministic_label_gives_at_most_one():
    """X determines K (one-hot posteriors): rho_m = 1, within [0, 1] even when the computed
    eigenvalue rounds above 1."""
    assert hgr_label_posterior([[1.0, 0.0], [0.0, 1.0]]) == pytest.approx(1.0, abs=1e-14)
    rng = np.random.default_rng(2)
    for _ in range(30):
        k = int(rng.integers(2, 5))
        labels = np.concatenate([np.arange(k), rng.integers(0, k, int(rng.integers(1, 5)))])
        w = rng.random(labels.size)
        rho = hgr_label_posterior(np.eye(k)[labels], weights=w / w.sum())
        assert 0.0 <= rho <= 1.0
        assert rho == pytest.approx(1.0, abs=1e-13)


def test_label_posterior_names_its_arguments():
    with pytest.raises(ValueError, match=r"^posteriors must be row-stochastic"):
        hgr_label_posterior([[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^weights must be a probability vector"):
        hgr_label_posterior(np.full((2, 2), 0.5), weights=[0.5, 0.6])


# ---------------------------------------------------------------------------------------------------
# hgr_tensorize


def test_tensorize_refuses_values_outside_the_unit_interval_by_name():
    from theory.hgr import hgr_tensorize

    with pytest.raises(ValueError, match=r"^rhos must lie in \[0, 1\]; got values in \[-0\.1, 0\.5\]$"):
        hgr_tensorize([-0.1, 0.5])
    with pytest.raises(ValueError, match=r"^rhos must lie in \[0, 1\]; got values in \[0\.5, 1\.5\]$"):
        hgr_tensorize([0.5, 1.5])
    with pytest.raises(ValueError, match=r"^rhos must have shape \(n,\)"):
        hgr_tensorize([[0.5]])
    assert hgr_tensorize([1.0, 0.0, 0.4]) == 1.0
