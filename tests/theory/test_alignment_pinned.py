"""Pinned values of :mod:`theory.alignment` that mutation testing showed unchecked.

The U-statistic of ||m||^2, its jackknife and both sides of Proposition 1 are held against the same
quantities written out by brute force (explicit double sums over i != j, explicit leave-one-out
recomputation), on small samples with non-square shapes (N != d).
"""

import itertools
import re
import types

import numpy as np
import pytest
from scipy import optimize

from theory.alignment import (
    alignment_bound,
    alignment_exact,
    estimate_alignment,
    estimate_mean_sq_norm,
    hgr_encoder,
    max_alignment,
)
from theory.sphere import sample_uniform


def _u_stat(W: np.ndarray) -> float:
    n = W.shape[0]
    return sum(float(W[i] @ W[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))


def _jackknife(W: np.ndarray) -> tuple[float, float, np.ndarray]:
    n = W.shape[0]
    loo = np.array([_u_stat(np.delete(W, k, axis=0)) for k in range(n)])
    return _u_stat(W), float(np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2))), loo


def _pairs(n=7, d=4, seed=3):
    u = sample_uniform(n, d, seed=seed)
    v = u + 0.4 * sample_uniform(n, d, seed=seed + 1) + np.array([0.5, 0, 0, 0])
    return u, v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.claim("P1")
def test_mean_sq_norm_is_the_u_statistic_and_its_jackknife():
    u, v = _pairs()
    for est, W in ((estimate_mean_sq_norm(u), u), (estimate_mean_sq_norm(u, v), 0.5 * (u + v))):
        value, se, _ = _jackknife(W)
        assert est.n_samples == 7
        assert est.value == pytest.approx(value, rel=1e-12, abs=1e-14)
        assert est.se == pytest.approx(se, rel=1e-10)


@pytest.mark.claim("P1")
@pytest.mark.parametrize("eta2", [None, 0.3])
def test_alignment_estimate_fields(eta2):
    u, v = _pairs()
    n = u.shape[0]
    a_i = np.sum(u * v, axis=1)
    m2, m2_se, loo_m = _jackknife(0.5 * (u + v))
    res = estimate_alignment(u, v, eta2=eta2)
    assert res.n_samples == n
    assert res.alignment == pytest.approx(a_i.mean(), rel=1e-13)
    assert res.alignment_se == pytest.approx(a_i.std(ddof=1) / np.sqrt(n), rel=1e-12)
    assert res.mean_sq_norm == pytest.approx(m2, rel=1e-12, abs=1e-14)
    assert res.mean_sq_norm_se == pytest.approx(m2_se, rel=1e-10)
    if eta2 is None:
        assert (res.eta2, res.bound, res.slack, res.slack_se) == (None, None, None, None)
        assert res.note == "no eta2 given: no bound, no slack"
        return
    assert res.eta2 == eta2
    loo_a = np.array([np.delete(a_i, k).mean() for k in range(n)])
    loo_s = eta2 + (1 - eta2) * loo_m - loo_a
    assert res.bound == pytest.approx(eta2 + (1 - eta2) * min(max(m2, 0.0), 1.0), rel=1e-12)
    assert res.slack == pytest.approx(eta2 + (1 - eta2) * m2 - a_i.mean(), rel=1e-12)
    s_se = np.sqrt((n - 1) / n * np.sum((loo_s - loo_s.mean()) ** 2))
    assert res.slack_se == pytest.approx(s_se, rel=1e-10)


def test_bad_inputs_name_the_argument():
    u, v = _pairs()
    with pytest.raises(ValueError, match=r"^eta2 must be >= 0"):
        estimate_alignment(u, v, eta2=-0.1)
    with pytest.raises(ValueError, match=r"^eta2 must be <= 1"):
        estimate_alignment(u, v, eta2=1.5)
    estimate_alignment(u, v, eta2=1.0)
    estimate_alignment(u, v, eta2=0.0)
    with pytest.raises(ValueError, match=r"\bv\b"):
        estimate_alignment(u, v[:2])
    with pytest.raises(ValueError, match=r"\bu\b"):
        estimate_alignment(u[:2], v[:2])
    with pytest.raises(ValueError, match=r"\bu\b"):
        estimate_mean_sq_norm(u[:2])
    with pytest.raises(ValueError, match=r"^eta2 "):
        alignment_bound(1.5, 0.5)
    with pytest.raises(ValueError, match=r"^mean_sq_norm "):
        alignment_bound(0.5, 1.5)
    assert isinstance(alignment_bound(0.36, 0.25), float)
    assert alignment_bound(0.36, 0.25) == pytest.approx(0.36 + 0.64 * 0.25, rel=1e-15)


def test_encoder_alignment_unpacking_is_deprecated():
    res = hgr_encoder(np.array([0.5, 0.5]), np.array([[0.8, 0.2], [0.2, 0.8]]), d=2)
    with pytest.warns(DeprecationWarning) as rec:
        enc, exact = res
    msg = "unpacking (encoder, exact) is deprecated; use the attributes .encoder and .exact"
    assert str(rec[0].message) == msg
    assert enc is res.encoder and exact == res.exact


P0, CHANNEL = np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.2, 0.8]])


def test_max_alignment_names_d_when_it_is_not_positive():
    with pytest.raises(ValueError, match=r"^d must be >= 1; got 0$"):
        max_alignment(P0, CHANNEL, d=0)


def test_alignment_exact_names_the_encoder_when_a_row_is_not_unit():
    with pytest.raises(ValueError, match=r"^encoder must have unit-norm rows"):
        alignment_exact(P0, CHANNEL, np.array([[1.0, 0.0], [0.0, 0.0]]))


# ---- finite laws: references written out independently of theory.alignment and theory.hgr ----------


def _law(seed: int, n0: int, nx: int, conc: float = 1.0):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n0)), rng.dirichlet(np.full(nx, conc), size=n0)


def _joint(p0, K) -> np.ndarray:
    """P(x, y) = sum_x0 p0(x0) K(x | x0) K(y | x0), by explicit loops."""
    n0, nx = K.shape
    P = np.zeros((nx, nx))
    for i in range(n0):
        for x in range(nx):
            for y in range(nx):
                P[x, y] += p0[i] * K[i, x] * K[i, y]
    return P


def _svd_hgr(p0, K) -> tuple[float, np.ndarray]:
    """eta^2 and the top transform f1 of X (mean 0, variance 1 under p_X), from the SVD of
    p(x0, x) / sqrt(p(x0) p(x)): singular values 1 >= rho_m >= ..., right vectors sqrt(p(x)) f(x)."""
    T = p0[:, None] * K
    px = T.sum(axis=0)
    _, s, vt = np.linalg.svd(T / np.sqrt(p0)[:, None] / np.sqrt(px)[None, :])
    return float(s[1] ** 2), vt[1] / np.sqrt(px)


def _sides(p0, K, F) -> dict:
    """Both sides of Prop. 1 for the encoder F, as documented (eta2 from the SVD)."""
    P = _joint(p0, K)
    px = P.sum(axis=1)
    eta2, _ = _svd_hgr(p0, K)
    a = sum(P[x, y] * float(F[x] @ F[y]) for x in range(len(px)) for y in range(len(px)))
    m = sum(px[x] * F[x] for x in range(len(px)))
    q = float(m @ m)
    den = eta2 * (1 - q)
    eff = (a - q) / den if den > 1e-12 else None
    bound = eta2 + (1 - eta2) * q
    return {
        "alignment": a,
        "mean": m,
        "mean_sq_norm": q,
        "eta2": eta2,
        "bound": bound,
        "slack": bound - a,
        "efficiency": eff,
    }


def _unit(Z) -> np.ndarray:
    Z = np.asarray(Z, dtype=float)
    return Z / np.linalg.norm(Z, axis=1, keepdims=True)


def _assert_sides(ex, ref, tol=1e-12):
    for k in ("alignment", "mean_sq_norm", "eta2", "bound", "slack"):
        assert getattr(ex, k) == pytest.approx(ref[k], rel=tol, abs=tol), k
    np.testing.assert_allclose(ex.mean, ref["mean"], rtol=tol, atol=tol)
    if ref["efficiency"] is None:
        assert ex.efficiency is None
    else:
        assert ex.efficiency == pytest.approx(ref["efficiency"], rel=1e-10)


@pytest.mark.claim("P1")
@pytest.mark.parametrize(("seed", "n0", "nx", "d"), [(1, 3, 4, 3), (2, 2, 3, 5), (3, 4, 2, 1)])
def test_alignment_exact_fields_against_enumeration_and_the_svd(seed, n0, nx, d):
    """Every field of alignment_exact against loops over (x0, x, y) and eta2 from numpy's SVD."""
    p0, K = _law(seed, n0, nx, 0.7)
    F = _unit(np.random.default_rng(seed + 10).standard_normal((nx, d)))
    ex = alignment_exact(p0, K, F)
    ref = _sides(p0, K, F)
    _assert_sides(ex, ref)
    assert ex.efficiency is not None and ex.note == ""
    assert ex.slack == pytest.approx(ex.bound - ex.alignment, abs=1e-15)


def test_alignment_exact_efficiency_is_undefined_only_when_documented():
    """None for independent views (eta2 = 0) and for a collapsed encoder; defined when
    eta2 (1 - ||m||^2) is small but above 1e-12."""
    p0 = np.array([0.3, 0.7])
    indep = np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])
    F = _unit([[1.0, 0.0], [0.0, 1.0], [-1.0, 1.0]])
    ex = alignment_exact(p0, indep, F)
    assert ex.eta2 == pytest.approx(0.0, abs=1e-14)
    assert ex.efficiency is None and "undefined" in ex.note
    assert ex.bound == pytest.approx(ex.mean_sq_norm, abs=1e-14)
    # nearly collapsed: 1 - ||m||^2 ~ 1e-8, eta2 ~ 0.2: den ~ 2e-9 > 1e-12, the efficiency exists
    K = np.array([[0.9, 0.1], [0.2, 0.8]])
    p0 = np.array([0.5, 0.5])
    t = 1e-4
    F = np.array([[np.sin(t), np.cos(t)], [-np.sin(t), np.cos(t)]])
    ex = alignment_exact(p0, K, F)
    ref = _sides(p0, K, F)
    assert ref["efficiency"] is not None
    assert ex.efficiency == pytest.approx(ref["efficiency"], rel=1e-6) and ex.note == ""


@pytest.mark.parametrize("t", [1e-3, 1e-4, 1e-5])
def test_efficiency_of_a_nearly_collapsed_encoder_against_mpmath(t):
    """(E[u.v] - ||m||^2) / (eta2 (1 - ||m||^2)) of the encoder's exact floats, evaluated in 50 digits
    (eta2 taken as returned: the formula's evaluation is what is checked). With 1 - ||m||^2 ~ t^2 the
    uncentred difference a - ||m||^2 in floats loses about eps / t^2 relative (1e-6 at t = 1e-5); the
    result stays <= 1 (Prop. 1)."""
    import mpmath as mp

    p0 = np.array([0.2, 0.5, 0.3])
    K = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.25, 0.25, 0.5]])
    F = _unit([[np.sin(t), np.cos(t)], [-np.sin(2 * t), np.cos(2 * t)], [np.sin(0.5 * t), np.cos(0.5 * t)]])
    ex = alignment_exact(p0, K, F)
    with mp.workdps(50):
        # the law of the inputs as floats, normalised exactly (their float sums are 1 only to an ulp, and
        # an ulp of total mass moves a - ||m||^2 by about as much as a collapsed encoder's whole value)
        q = [mp.mpf(v) for v in p0]
        q = [v / sum(q) for v in q]
        Kr = [[mp.mpf(v) for v in row] for row in K]
        Kr = [[v / sum(row) for v in row] for row in Kr]
        P = [[sum(q[z] * Kr[z][x] * Kr[z][y] for z in range(3)) for y in range(3)] for x in range(3)]
        px = [sum(row) for row in P]
        f = [[mp.mpf(v) for v in row] for row in F]
        a = sum(P[x][y] * (f[x][0] * f[y][0] + f[x][1] * f[y][1]) for x in range(3) for y in range(3))
        m = [sum(px[x] * f[x][k] for x in range(3)) for k in range(2)]
        m2 = m[0] ** 2 + m[1] ** 2
        # 1 = E||f||^2 for unit rows; the float rows are unit only to an ulp, which is a relative eps/t^2
        # of 1 - ||m||^2, so the rows' own norms stand in for 1
        norm2 = sum(px[x] * (f[x][0] ** 2 + f[x][1] ** 2) for x in range(3))
        eff = (a - m2) / (mp.mpf(ex.eta2) * (norm2 - m2))
    assert ex.efficiency == pytest.approx(float(eff), rel=1e-9, abs=0)
    assert ex.efficiency <= 1.0


@pytest.mark.parametrize("fn", ["alignment_exact", "hgr_encoder", "max_alignment"])
def test_the_law_is_validated_by_name(fn):
    """p0 and channel errors name their argument; a channel with the wrong number of rows says it
    needs one row per entry of p0."""
    from theory import alignment

    call = getattr(alignment, fn)
    K = np.array([[0.9, 0.1], [0.2, 0.8]])
    extra = (np.eye(2),) if fn == "alignment_exact" else ()
    with pytest.raises(ValueError, match=r"^p0 must be a probability vector"):
        call(np.array([0.5, 0.6]), K, *extra)
    with pytest.raises(ValueError, match=r"^channel must be row-stochastic"):
        call(np.array([0.5, 0.5]), np.array([[0.9, 0.2], [0.2, 0.8]]), *extra)
    with pytest.raises(ValueError, match=r"^channel must have shape \(3, n\) \(one row per entry of p0\); "):
        call(np.array([0.2, 0.3, 0.5]), K, *extra)


def test_encoder_shape_is_validated_by_name():
    p0, K = _law(4, 3, 4)
    with pytest.raises(
        ValueError, match=r"^encoder must have one row per value of X \(4\); got shape \(3, 2\)$"
    ):
        alignment_exact(p0, K, np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"^encoder must have unit-norm rows"):
        alignment_exact(p0, K, np.ones((4, 2)))


# ---- hgr_encoder: the documented candidates, built here from the SVD ----------------------------------


def _hgr_candidates(f1, d, n_scales):
    """The candidates of hgr_encoder's docstring: sign(f1) e1, (s f1, sqrt(1 - s^2 f1^2)) and
    (cos(pi s f1), sin(pi s f1)) for s = (k / n_scales) / max|f1|, k = 1..n_scales, padded to d."""

    def pad(*cols):
        F = np.zeros((f1.size, d))
        for i, c in enumerate(cols):
            F[:, i] = c
        return F

    out = [("sign", None, pad(np.where(f1 >= 0, 1.0, -1.0)))]
    fmax = np.abs(f1).max()
    for k in range(1, n_scales + 1):
        s = k / n_scales / fmax
        out.append(("sqrt", s, pad(s * f1, np.sqrt(np.maximum(1 - (s * f1) ** 2, 0.0)))))
        out.append(("cos", s, pad(np.cos(np.pi * s * f1), np.sin(np.pi * s * f1))))
    return out


def _hgr_best(p0, K, d, n_scales):
    """The candidate of largest efficiency (collapsed ones, with no efficiency, excluded)."""
    _, f1 = _svd_hgr(p0, K)
    scored = []
    for how, s, F in _hgr_candidates(f1, d, n_scales):
        eff = _sides(p0, K, F)["efficiency"]
        if eff is not None:
            scored.append((eff, how, s, F))
    return max(scored, key=lambda t: t[0]), f1


_METHOD = re.compile(
    r"^HGR singular function: (?:(?P<sign>sign\(f1\) e1)|\(s f1, sqrt\(1 - s\^2 f1\^2\)\), s=(?P<sqrt>\S+)"
    r"|\(cos\(pi s f1\), sin\(pi s f1\)\), s=(?P<cos>\S+))$"
)


def _sparse_law(seed: int):
    """A random law with 2-3 values of X0, 3-4 of X and a peaked channel."""
    rng = np.random.default_rng(seed)
    n0, nx = int(rng.integers(2, 4)), int(rng.integers(3, 5))
    return rng.dirichlet(np.ones(n0)), rng.dirichlet(np.full(nx, 0.3), size=n0)


@pytest.mark.claim("P1")
@pytest.mark.parametrize(("seed", "n_scales"), [(1, 1), (13, 1), (2, 2), (3, 5), (4, 3)])
def test_hgr_encoder_is_the_best_documented_candidate(seed, n_scales):
    """The encoder returned is the candidate of largest efficiency among those the docstring lists
    (built here from an independent SVD), with its exact sides, and ``method`` says which one it is."""
    p0, K = _sparse_law(seed)
    nx, d = K.shape[1], 3
    res = hgr_encoder(p0, K, d=d, n_scales=n_scales)
    (eff, how, s, F), _ = _hgr_best(p0, K, d, n_scales)
    assert res.exact.efficiency == pytest.approx(eff, rel=1e-12)
    _assert_sides(res.exact, _sides(p0, K, res.encoder))
    assert res.encoder.shape == (nx, d) and np.all(res.encoder[:, 2:] == 0.0)  # padded with zeros
    # f1 is defined up to sign: the candidates of -f1 mirror those of f1
    flipped = {"sign": -F, "sqrt": F * [-1, 1, 1], "cos": F * [1, -1, 1]}[how]
    assert np.allclose(res.encoder, F, atol=1e-9) or np.allclose(res.encoder, flipped, atol=1e-9)
    got = _METHOD.match(res.method)
    assert got is not None, res.method
    assert got.group(how) is not None
    if s is not None:
        assert float(got.group(how)) == pytest.approx(s, rel=1e-5)


@pytest.mark.parametrize("seed", [1, 9, 13])
def test_hgr_encoder_picks_the_sign_encoder_when_it_is_best(seed):
    """In these laws sign(f1) e1 beats every scaled candidate of a one-point grid (checked here from
    the SVD): the encoder returned is +-sign(f1) e1, the efficiency that of the reference."""
    p0, K = _sparse_law(seed)
    (eff, how, _, F), _ = _hgr_best(p0, K, 2, 1)
    assert how == "sign"
    res = hgr_encoder(p0, K, d=2, n_scales=1)
    assert res.method == "HGR singular function: sign(f1) e1"
    assert np.array_equal(np.abs(res.encoder), np.abs(F))
    assert res.exact.efficiency == pytest.approx(eff, rel=1e-12)


@pytest.mark.filterwarnings("error")
def test_hgr_encoder_of_a_constant_x_is_the_collapsed_sign_encoder():
    """X with one value: f1 = 0, no scale s exists, the only candidate is +-e1; it is collapsed
    (E[u.v] = ||m||^2 = 1 = bound), so it has no efficiency, and no warning arises."""
    res = hgr_encoder(np.array([0.3, 0.7]), np.array([[1.0], [1.0]]), d=2)
    assert res.method == "HGR singular function: sign(f1) e1"
    assert np.array_equal(np.abs(res.encoder), [[1.0, 0.0]])
    ex = res.exact
    assert (ex.alignment, ex.mean_sq_norm, ex.bound, ex.slack) == pytest.approx(
        (1.0, 1.0, 1.0, 0.0), abs=1e-15
    )
    assert ex.efficiency is None


def test_hgr_encoder_ranks_only_the_candidates_with_an_efficiency():
    """Binary X, eta2 = 4e-12: candidates near collapse have eta2 (1 - ||m||^2) <= 1e-12, hence no
    efficiency; the encoder returned is one with an efficiency, ~1 (every non-collapsed encoder of a
    binary X meets the bound; a - ||m||^2 ~ 4e-12 carries a rounding error ~1e-16, so 1e-3)."""
    eps = 1e-6
    p0, K = np.array([0.5, 0.5]), np.array([[0.5 + eps, 0.5 - eps], [0.5 - eps, 0.5 + eps]])
    _, f1 = _svd_hgr(p0, K)
    effs = [_sides(p0, K, F)["efficiency"] for *_, F in _hgr_candidates(f1, 2, 33)]
    assert any(e is None for e in effs) and any(e is not None for e in effs)
    res = hgr_encoder(p0, K)
    assert res.exact.eta2 == pytest.approx(4 * eps**2, rel=1e-6)
    assert res.exact.efficiency == pytest.approx(1.0, abs=1e-3)


def test_hgr_encoder_defaults_and_bounds():
    """d = 2 and n_scales = 33 by default; d >= 2 and n_scales >= 1 are accepted, below refused by name."""
    p0, K = _law(5, 3, 4, 0.5)
    res = hgr_encoder(p0, K)
    assert res.encoder.shape == (4, 2)
    (eff, *_), _ = _hgr_best(p0, K, 2, 33)
    assert res.exact.efficiency == pytest.approx(eff, rel=1e-12)
    (eff34, *_), _ = _hgr_best(p0, K, 2, 34)
    assert abs(eff34 - eff) > 1e-9  # the grid size is visible in the efficiency
    hgr_encoder(p0, K, d=2, n_scales=1)
    with pytest.raises(ValueError, match=r"^d must be >= 2; got 1$"):
        hgr_encoder(p0, K, d=1)
    with pytest.raises(ValueError, match=r"^n_scales must be >= 1; got 0$"):
        hgr_encoder(p0, K, n_scales=0)


# ---- max_alignment: its objective and gradient, its choice among restarts, its optima ----------------

_J = {
    "bound": lambda a, q, eta2: a - (1 - eta2) * q,
    "efficiency": lambda a, q, eta2: (a - q) / (1 - q),
    "alignment": lambda a, q, eta2: a - 100 * q,
}
"""The objectives of max_alignment's docstring, as functions of E[u.v], ||m||^2 and eta^2."""


def _objective(p0, K, objective, Z) -> float:
    ref = _sides(p0, K, _unit(Z))
    return _J[objective](ref["alignment"], ref["mean_sq_norm"], ref["eta2"])


class _Stop(Exception):
    pass


def _spy(monkeypatch, *, stop: bool):
    """Replace the optimizer max_alignment calls by a recorder of its arguments that either stops the
    search (``stop``) or returns the start point unchanged (a search that does not move)."""
    from theory.alignment import _exact

    calls = []

    def minimize(fun, x0, **kwargs):
        calls.append((fun, np.array(x0, dtype=float), kwargs))
        if stop:
            raise _Stop
        return types.SimpleNamespace(x=np.array(x0, dtype=float))

    monkeypatch.setattr(_exact, "optimize", types.SimpleNamespace(minimize=minimize))
    return calls


@pytest.mark.claim("P1")
@pytest.mark.parametrize("objective", ["bound", "efficiency", "alignment"])
@pytest.mark.parametrize(("n0", "nx", "d"), [(3, 3, 2), (2, 4, 3)])
def test_max_alignment_objective_and_gradient(monkeypatch, objective, n0, nx, d):
    """The function handed to the optimizer is minus the documented objective of f = z/||z|| (rows of
    z of norms 0.3 to 2.5) and its gradient in z matches central differences of that objective (step
    1e-6: truncation and rounding ~1e-9); the search is L-BFGS with the exact gradient, as documented."""
    p0, K = _law(20 + nx, n0, nx, 0.8)
    calls = _spy(monkeypatch, stop=True)
    with pytest.raises(_Stop):
        max_alignment(p0, K, d, objective=objective, n_restarts=1, seed=0)
    (fun, x0, kwargs) = calls[0]
    assert x0.shape == (nx * d,)
    assert kwargs["jac"] is True and kwargs["method"].upper() == "L-BFGS-B"
    rng = np.random.default_rng(nx)
    for scales in ([0.3, 2.5, 1.0, 0.7][:nx], [1.7, 0.5, 0.9, 1.2][:nx]):
        Z = _unit(rng.standard_normal((nx, d))) * np.array(scales)[:, None]
        val, grad = fun(Z.ravel())
        assert val == pytest.approx(-_objective(p0, K, objective, Z), rel=1e-12, abs=1e-14)
        h = 1e-6
        fd = np.array(
            [
                (_objective(p0, K, objective, Z + h * E) - _objective(p0, K, objective, Z - h * E)) / (2 * h)
                for E in np.eye(nx * d).reshape(nx * d, nx, d)
            ]
        )
        np.testing.assert_allclose(-np.asarray(grad), fd, atol=1e-7 * max(1.0, np.abs(fd).max()))


def _score(objective, ex):
    return {
        "bound": -ex["slack"],
        "efficiency": -np.inf if ex["efficiency"] is None else ex["efficiency"],
        "alignment": ex["alignment"] - 100 * ex["mean_sq_norm"],
    }[objective]


@pytest.mark.parametrize("objective", ["bound", "efficiency", "alignment"])
@pytest.mark.parametrize("d", [1, 2])
def test_max_alignment_keeps_the_best_restart(monkeypatch, objective, d):
    """With a search that returns its start, the result is a normalized start of best documented score
    (smallest slack, largest efficiency, largest alignment - 100 ||m||^2; which one among exact ties is
    not documented), with its exact sides; d = 1 starts include collapsed encoders (no efficiency),
    which never win the efficiency."""
    p0, K = _law(7, 3, 4, 0.5)
    calls = _spy(monkeypatch, stop=False)
    for seed in (3, 7):
        calls.clear()
        res = max_alignment(p0, K, d, objective=objective, n_restarts=12, seed=seed)
        assert len(calls) == 12
        starts = [_unit(c[1].reshape(4, d)) for c in calls]
        scores = np.array([_score(objective, _sides(p0, K, F)) for F in starts])
        assert len(set(scores.round(12))) > 3
        top = np.flatnonzero(scores >= scores.max() - 1e-12)
        assert any(np.allclose(res.encoder, starts[i], rtol=1e-13, atol=1e-15) for i in top)
        _assert_sides(res.exact, _sides(p0, K, res.encoder))
    assert res.method == f"L-BFGS, objective {objective!r}, 12 restart(s)"


def test_max_alignment_defaults_seed_and_bounds(monkeypatch):
    """Documented defaults: d = 2, objective 'bound', 8 restarts; a seed fixes the starts; d >= 1 and
    n_restarts >= 1 are accepted, below refused by name; a bad objective is named with what was given."""
    p0, K = _law(8, 3, 3)
    calls = _spy(monkeypatch, stop=False)
    res = max_alignment(p0, K, seed=5)
    assert len(calls) == 8 and all(c[1].shape == (3 * 2,) for c in calls)
    assert res.encoder.shape == (3, 2) and "'bound'" in res.method
    Z = np.array([[1.0, 0.2], [0.3, -2.0], [-0.5, 0.5]])
    val, _ = calls[0][0](Z.ravel())
    assert val == pytest.approx(-_objective(p0, K, "bound", Z), rel=1e-12)
    starts = [c[1] for c in calls]
    calls.clear()
    max_alignment(p0, K, seed=5)
    assert all(np.array_equal(a, c[1]) for a, c in zip(starts, calls, strict=True))
    calls.clear()
    max_alignment(p0, K, seed=6)
    assert not np.array_equal(starts[0], calls[0][1])
    max_alignment(p0, K, d=1, n_restarts=1, seed=0)
    with pytest.raises(ValueError, match=r"^n_restarts must be >= 1; got 0$"):
        max_alignment(p0, K, n_restarts=0)
    with pytest.raises(
        TypeError, match=r"^objective must be one of \('bound', 'efficiency', 'alignment'\); got int 1$"
    ):
        max_alignment(p0, K, objective=1)
    with pytest.raises(
        ValueError, match=r"^objective must be 'bound', 'efficiency' or 'alignment'; got 'slack'$"
    ):
        max_alignment(p0, K, objective="slack")


@pytest.mark.claim("P1")
@pytest.mark.parametrize("objective", ["bound", "efficiency", "alignment"])
@pytest.mark.filterwarnings("error")  # a valid search runs clean (an unknown solver option warns)
def test_max_alignment_in_one_dimension_is_the_best_sign_pattern(objective):
    """d = 1: encoders are sign patterns (the search cannot move them); with 24 restarts every pattern
    of 3 values is drawn, so the result is the best of the 8 enumerated here."""
    p0, K = _law(5, 3, 3)
    best = max(
        _score(objective, _sides(p0, K, np.array(s)[:, None]))
        for s in itertools.product([-1.0, 1.0], repeat=3)
    )
    res = max_alignment(p0, K, 1, objective=objective, n_restarts=24, seed=0)
    assert _score(objective, _sides(p0, K, res.encoder)) == pytest.approx(best, rel=1e-12, abs=1e-15)


def _centred_optimum(p0, K) -> float:
    """max over 3 points of the circle of E[u.v] - 100 ||m||^2: a grid over two angles (the first point
    fixed by rotation invariance), refined by Nelder-Mead."""
    P = _joint(p0, K)
    px = P.sum(axis=1)

    def neg(th):
        ang = np.concatenate([[0.0], th])
        F = np.stack([np.cos(ang), np.sin(ang)], axis=1)
        m = px @ F
        return -(float(np.sum(P * (F @ F.T))) - 100 * float(m @ m))

    grid = np.linspace(0, 2 * np.pi, 37)
    start = min((neg(np.array([s, t])), s, t) for s in grid for t in grid)[1:]
    res = optimize.minimize(neg, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-16})
    return -res.fun


@pytest.mark.claim("P1")
@pytest.mark.filterwarnings("error")  # a valid search runs clean (an unknown solver option warns)
def test_max_alignment_centred_optimum_matches_an_angle_search():
    """objective='alignment' with d = 2 and 3 values of X: the optimum of E[u.v] - 100 ||m||^2 found by
    L-BFGS agrees with a grid + Nelder-Mead search over angles (both converge to ~1e-14)."""
    p0 = np.array([0.3, 0.3, 0.4])
    K = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.15, 0.6]])
    ref = _centred_optimum(p0, K)
    res = max_alignment(p0, K, 2, objective="alignment", n_restarts=1, seed=0)
    assert res.exact.alignment - 100 * res.exact.mean_sq_norm == pytest.approx(ref, abs=1e-10)


@pytest.mark.claim("P1")
@pytest.mark.filterwarnings("error")  # a valid search runs clean (an unknown solver option warns)
def test_max_alignment_bound_objective_reaches_the_bound():
    """sup of E[u.v] - (1 - eta2) ||m||^2 is eta2 (Prop. 1; attained by collapsed encoders): a search
    with the exact gradient, converged (the docstring's 'comes closest to the bound'), ends with
    slack ~1e-15; 1e-10 leaves room for rounding (a search stopped at scipy's default tolerances
    would end ~1e-8 away)."""
    p0, K = _law(9, 3, 3)
    res = max_alignment(p0, K, 2, objective="bound", n_restarts=1, seed=0)
    assert abs(res.exact.slack) < 1e-10
