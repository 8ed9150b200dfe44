"""Quick checks of the regularized route (Sec. 4.2: R, Prop. 3, Lemma 1, Theorem 1, Corollary 2) and App. D,
encoded in :mod:`theory.regularized`."""

from __future__ import annotations

import numpy as np

from claims.registry import ClaimResult, Scope, Verdict
from theory.regularized import (
    beta0,
    beta_threshold_local,
    beta_threshold_vmf,
    gaussian_kl,
    kl_polar_vmf_chi,
    kl_scaled_chi,
    lemma1_constant,
    log_partition_gaussian,
    qc_symbolic,
    regularized_penalty,
    surrogate_threshold,
    theorem1_vmf,
)
from theory.special import log_sphere_area, log_vmf_norm
from theory.uniformity import phi_uniform, phi_vmf
from theory.vmf import kl_vmf_uniform, mean_resultant_length, sample_vmf


def check_L1() -> ClaimResult:
    """Lemma 1: the best constant C(d) for d = 2 .. 1e4 (vMF family = all measures)."""
    ds = [2, 3, 4, 8, 16, 64, 256, 1024, 4096, 10000]
    res = [lemma1_constant(d) for d in ds]
    cs = np.array([r.C for r in res])
    lim = np.array([r.C_small_kappa for r in res])
    ok = bool(np.all(np.abs(cs - lim) <= 1e-6 * lim) and all(r.increasing for r in res) and cs.min() > 0.5)
    verdict = Verdict.CONFIRMED if ok else Verdict.INCONCLUSIVE
    scope = Scope.ALL_MEASURES
    detail = (
        "vMF attains the minimum of KL(mu||sigma) at a fixed mean, so the vMF constant is sharp over all "
        "measures"
    )
    note = (
        "The infimum over kappa is the kappa -> 0 limit d/(2(d-1)) (ratio increasing in kappa, "
        "~ log(kappa)/2 at large kappa); vMF tilts are the KL-minimisers at fixed mean, so C = 1/2 is "
        "universal (approached as d -> inf, never attained)."
    )
    certs = _certificates(lambda d: _certify("certify_lemma1", d, _L1_KAPPA_MAX), _L1_CERT_D)
    data = {}
    if certs is not None:
        data = {"certificates": [c.to_dict() for c in certs]}
        if all(c.holds for c in certs):
            scope = Scope.CERTIFIED
            detail = (
                f"d in {{{', '.join(map(str, _L1_CERT_D))}}}, kappa in (0, {_L1_KAPPA_MAX:g}] at "
                "C = d/(2(d-1)) (vMF = the KL-minimiser at fixed mean: over all measures with "
                "||m|| <= A_d(1e3))"
            )
            note += (
                " Certified (theory.certified, ball arithmetic): KL/((d-1)A^2) >= d/(2(d-1)) for every "
                f"kappa in (0, {_L1_KAPPA_MAX:g}] at d = {', '.join(map(str, _L1_CERT_D))}; the margin is "
                "c kappa^2 near 0 with c certified in ["
                + "; ".join(
                    f"{c.details['near_zero_c'][0]:.3g}, {c.details['near_zero_c'][1]:.3g}" for c in certs[:2]
                )
                + "; ...]. Beyond the box the same facts (h' = A'(kappa - d A), A' > 0, kappa - d A = "
                "kappa I_{d/2+1}/I_{d/2-1} > 0) prove it for every kappa, outside the computation."
            )
        else:
            verdict = Verdict.INCONCLUSIVE
            note += " Certificate failures: " + "; ".join(f for c in certs for f in c.failures[:3]) + "."
    return ClaimResult(
        measured="C(d) = " + ", ".join(f"{d}: {c:.6f}" for d, c in zip(ds, cs, strict=True)),
        expected="a universal C > 0; small-kappa limit d/(2(d-1)) -> 1/2",
        verdict=verdict,
        scope=scope,
        scope_detail=detail,
        note=note,
        data={"d": ds, "C": cs, "C_small_kappa": lim, "increasing": [r.increasing for r in res], **data},
    )


_L1_CERT_D = (2, 3, 4, 8, 16, 64, 256)
_L1_KAPPA_MAX = 1e3
_T2_KAPPA_MAX = {3: 1e4, 16: 1e4, 128: 1e4, 1024: 1e2}
"""The boxes the quick checks certify (about 2 s together; the slow tests take every kappa up to 1e4)."""


def _certify(name: str, *args, **kwargs):
    import theory.certified

    return getattr(theory.certified, name)(*args, **kwargs)


def _certificates(make, items):
    """Certificates for each item (``None`` where python-flint is missing)."""
    try:
        return [make(x) for x in items]
    except ImportError:  # pragma: no cover - python-flint is a dependency
        return None


def _check_T2_vmf() -> ClaimResult:
    """Theorem 1 on the vMF family: margins at beta0 and the true threshold beta* <= beta0."""
    kap = np.logspace(-2, 4, 61)
    rows = []
    ok = True
    for d, alpha, eta2 in [
        (3, 5.0, 0.3),
        (16, 10.0, 0.36),
        (128, 10.0, 0.36),
        (128, 30.0, 0.1),
        (1024, 200.0, 0.1),
    ]:
        b0 = beta0(alpha, eta2, d, C=lemma1_constant(d).C_small_kappa)
        m_at = theorem1_vmf(d, alpha, eta2, b0, kappas=kap).margin
        bt = beta_threshold_vmf(d, alpha, eta2, kappas=kap)
        bstar, kstar = bt.beta_star, bt.kappa_star
        bloc = beta_threshold_local(d, alpha, eta2)
        if bstar > 0:
            t1_below = theorem1_vmf(d, alpha, eta2, 0.9 * bstar, kappas=kap)
            below, k_below = t1_below.margin, t1_below.kappa_argmin
        else:
            below, k_below = np.nan, np.nan
        ok &= m_at >= -1e-10 and bstar <= b0 * (1 + 1e-9) and not (bstar > 0 and below >= 0)
        rows.append(
            {
                "d": d,
                "alpha": alpha,
                "eta2": eta2,
                "beta0": b0,
                "margin_beta0": m_at,
                "beta_star": bstar,
                "kappa_star": kstar,
                "margin_0.9beta_star": below,
                "kappa_argmin_0.9beta_star": k_below,
                "beta_local": bloc,
            }
        )
    meas = "; ".join(
        f"d={r['d']} a={r['alpha']:g} eta2={r['eta2']:g}: beta0={r['beta0']:.3g}, "
        f"margin(beta0)={r['margin_beta0']:.2g}, beta*={r['beta_star']:.3g} (local {r['beta_local']:.3g})"
        + (
            f", margin(0.9beta*)={r['margin_0.9beta_star']:.2g} at kappa={r['kappa_argmin_0.9beta_star']:.3g}"
            if r["beta_star"] > 0
            else ""
        )
        for r in rows
    )
    verdict = Verdict.CONFIRMED_IN_FAMILY if ok else Verdict.REFUTED
    scope, detail = Scope.FAMILY, "von Mises-Fisher family only (particle search over all measures: simulate)"
    params = [(r["d"], r["alpha"], r["eta2"]) for r in rows]
    certs = _certificates(lambda p: _certify("certify_theorem1", *p, _T2_KAPPA_MAX[p[0]]), params)
    cert_note = ""
    if certs is not None:
        if all(c.holds for c in certs):
            scope = Scope.CERTIFIED
            detail = (
                "the von Mises-Fisher family, kappa in (0, 1e4] (d = 3, 16, 128 rows) and (0, 100] "
                "(d = 1024), at beta0 with C = d/(2(d-1)) (particle search over all measures: simulate)"
            )
            cert_note = (
                " Certified (theory.certified, ball arithmetic): at beta0 = 2 alpha (1-eta2)/d, "
                "beta0 KL - alpha(1-eta2) A^2 >= 0 on every kappa of the box (c kappa^4 near 0), hence the "
                "margin >= 0 with Phi(kappa) >= Phi(sigma) from T1. The float rows use the grid infimum "
                "C(d)(1 + ~1e-8), a hair above d/(2(d-1)): at that beta0 the bound without Phi's gap is "
                "negative near kappa = 0 (certified too), and only Phi's gap keeps the margin >= 0."
            )
        elif ok:
            verdict = Verdict.INCONCLUSIVE
            cert_note = " Certificate failures: " + "; ".join(f for c in certs for f in c.failures[:3]) + "."
    return ClaimResult(
        measured=meas,
        expected="margin >= 0 (= -alpha delta with delta = 0) for beta >= beta0; fails below some beta*",
        verdict=verdict,
        scope=scope,
        scope_detail=detail,
        note="Align = Prop. 1 bound (delta = 0), C = C(d) of Lemma 1, vMF family. beta0 is sufficient, not "
        "sharp: sigma stays the minimiser down to beta* < beta0 (Theorem 1 drops "
        "Phi(kappa) - Phi(sigma) >= 0); "
        "a vMF tilt wins below beta*; beta* = 0 when q = alpha(1-eta2) < q_c^glob (no regulariser needed). "
        "Locally beta_loc = beta0 - A_d(alpha)(2 - A_d(alpha)); beta* > beta_loc when the transition is "
        "first order." + cert_note,
        data={"rows": rows, "certificates": [c.to_dict() for c in certs or []]},
    )


def _check_D_vmf() -> ClaimResult:
    """App. D surrogate: local (symbolic) and global (numerical) thresholds q_c(alpha, d)."""
    sym = qc_symbolic()
    rows = []
    kap = np.logspace(-3, 4, 141)
    for d, alpha in [(3, 5.0), (8, 1.0), (32, 5.0), (128, 10.0), (256, 10.0)]:
        st = surrogate_threshold(d, alpha, kappas=kap)
        sym_val = sym.qc_value(d, alpha)
        rows.append((d, alpha, st.qc_local, sym_val, st.qc_global, st.kappa_at_global, st.first_order))
    sym_ok = all(abs(r[2] - r[3]) <= 1e-12 * abs(r[2]) for r in rows)
    # numerical small-kappa ratio agrees with the symbolic local threshold
    num_ok = all(
        abs(st_r - q) <= 1e-3 * q
        for (d, alpha, q, *_rest) in rows
        for st_r in [(phi_vmf(d, 1e-2, alpha) - phi_uniform(d, alpha)) / mean_resultant_length(d, 1e-2) ** 2]
    )
    first = [r for r in rows if r[6]]
    meas = "; ".join(
        f"d={d} a={al_:g}: qc_loc={ql:.4f}, qc_glob={qg:.4f} (kappa={kg:.3g})"
        for d, al_, ql, _, qg, kg, _ in rows
    )
    return ClaimResult(
        measured=meas,
        expected=f"symbolic q_c = {sym.qc} with a = A_d(alpha)",
        verdict=Verdict.CONFIRMED_IN_FAMILY if (sym_ok and num_ok) else Verdict.REFUTED,
        scope=Scope.FAMILY,
        scope_detail="von Mises-Fisher family only (particle search over all measures: simulate)",
        note="Stationary points: uniform (stable iff q < qc_loc) and a vMF tilt. "
        + (
            f"First-order transition in {len(first)}/{len(rows)} cases: a finite vMF tilt beats uniform "
            "for q in (qc_glob, qc_loc), while uniform is still locally stable."
            if first
            else "Transition continuous in every case tested."
        ),
        data={"rows": rows, "qc_symbolic": str(sym.qc)},
    )


def check_R() -> ClaimResult:
    """R: -H(rho) + lam E||z||^2 + log Z_gamma equals the Gaussian KL formula (random Gaussians)."""
    rng = np.random.default_rng(0)
    errs = []
    for d in [2, 5, 16, 64]:
        for lam in [0.1, 0.5, 3.0]:
            m = rng.standard_normal(d)
            b = rng.standard_normal((d, d))
            s = b @ b.T / d + 0.1 * np.eye(d)
            neg_h = -0.5 * (d * (1 + np.log(2 * np.pi)) + np.linalg.slogdet(s)[1])
            second = float(np.trace(s) + m @ m)
            errs.append(abs(regularized_penalty(neg_h, second, d, lam) - gaussian_kl(m, s, lam)))
    worst = max(errs)
    return ClaimResult(
        measured=f"max |(-H + lam E|z|^2 + log Z) - KL_Gauss| = {worst:.2e} over 12 Gaussians",
        expected="0 (identity with constant log Z_gamma = (d/2) log(pi/lam))",
        verdict=Verdict.BY_DEFINITION if worst < 1e-9 else Verdict.INCONCLUSIVE,
        scope=Scope.DEFINITION,
        scope_detail="identity -H + lam E||z||^2 = KL(rho||gamma) - log Z_gamma, checked on 12 Gaussians",
        note="The penalty differs from KL(rho||gamma) by the constant -log Z_gamma, so J and "
        "Phi - alpha E[u.v] + beta KL have the same minimisers.",
        data={"errors": errs},
    )


def check_P3(n: int = 200_000, seed: int = 0) -> ClaimResult:
    """P3: KL(rho||gamma) for vMF direction x chi radius, by Monte Carlo in Cartesian coordinates."""
    rng = np.random.default_rng(seed)
    rows = []
    ok = True
    for d, kappa, lam, lam_rho in [(3, 4.0, 0.5, 0.5), (10, 6.0, 1.0, 1.0), (10, 6.0, 1.0, 2.0)]:
        w = np.zeros(d)
        w[0] = 1.0
        u = sample_vmf(n, w, kappa, seed=rng)
        r = np.sqrt(rng.chisquare(d, size=n) / (2.0 * lam_rho))
        z = r[:, None] * u
        # log densities in R^d: rho(z) = gamma_{lam_rho}(z) * vMF(u)/sigma(u), gamma ~ exp(-lam |z|^2)/Z
        sq = np.sum(z * z, axis=1)
        log_gauss_rho = -lam_rho * sq - log_partition_gaussian(d, lam_rho)
        log_gauss = -lam * sq - log_partition_gaussian(d, lam)
        log_ratio_dir = log_vmf_norm(d, kappa) + kappa * z[:, 0] / r + log_sphere_area(d)
        vals = log_gauss_rho + log_ratio_dir - log_gauss
        est, se = float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(n))
        exact = kl_polar_vmf_chi(d, kappa, lam, lam_rho)
        kl_dir = float(kl_vmf_uniform(d, kappa))
        ok &= abs(est - exact) <= 5 * se
        rows.append((d, kappa, lam, lam_rho, est, se, exact, kl_dir))
    meas = "; ".join(
        f"d={d} k={k:g} lam_rho/lam={lr / la:g}: MC {e:.4f}±{s:.4f} vs KL(mu||sigma)={kd:.4f}"
        for d, k, la, lr, e, s, _, kd in rows
    )
    return ClaimResult(
        measured=meas,
        expected="KL(rho||gamma) = KL(mu||sigma) when radial = gamma's; + (d/2)(x-1-log x) otherwise",
        verdict=Verdict.CONFIRMED if ok else Verdict.REFUTED,
        scope=Scope.MONTE_CARLO,
        scope_detail="n_samples = 200000 per (d, kappa, lam); vMF direction x chi radius",
        note="Monte Carlo in R^d with the Gaussian densities (5 SE); any other radial law adds a positive "
        "radial KL, so the optimum takes gamma's radius.",
        data={"rows": rows},
    )


def check_C2() -> ClaimResult:
    """C2: over (kappa, lam_rho), J = J~(vMF_kappa) + beta KL_radial is minimised at (0, lam)."""
    rows = []
    ok = True
    kap = np.logspace(-2, 3, 41)
    for d, alpha, eta2, lam in [(8, 5.0, 0.36, 0.5), (64, 10.0, 0.36, 1.0)]:
        b0 = beta0(alpha, eta2, d, C=lemma1_constant(d).C_small_kappa)
        lam_grid = lam * np.logspace(-1, 1, 21)
        radial = np.array([kl_scaled_chi(d, lr, lam) for lr in lam_grid])
        t1 = theorem1_vmf(d, alpha, eta2, b0, kappas=kap)
        best_dir = min(0.0, t1.margin)
        total_min = best_dir + b0 * radial.min()
        argmin_lam = lam_grid[int(np.argmin(radial))]
        ok &= total_min >= -1e-10 and np.isclose(argmin_lam, lam)
        rows.append((d, alpha, eta2, b0, t1.margin, float(argmin_lam / lam)))
    meas = "; ".join(
        f"d={d} a={a:g}: beta0={b:.4g}, min_kappa [J~-J~(sigma)]={m:.3g}, best lam_rho/lam={x:g}"
        for d, a, _, b, m, x in rows
    )
    return ClaimResult(
        measured=meas,
        expected="minimum at kappa = 0 (uniform direction) and lam_rho = lam: rho = N(0, (2 lam)^{-1} I_d)",
        verdict=Verdict.CONFIRMED_IN_FAMILY if ok else Verdict.REFUTED,
        scope=Scope.FAMILY,
        scope_detail="vMF directions x scaled-chi radii",
        note="On the product family vMF direction x scaled-chi radius with beta = beta0 and Align(sigma) = "
        "eta2; the chain rule KL(rho||gamma) = KL(mu||sigma) + KL_radial separates the two.",
        data={"rows": rows},
    )


def check_T2() -> ClaimResult:
    """T2 on the vMF family (exact, certified), over zonal densities (the published zonal map: beta* a lower
    bound found by search, against beta0), with mean-field Langevin particles around beta* beside it."""
    import dataclasses

    from claims.checks._zonal_evidence import zonal_map_evidence
    from claims.checks.particles import particles_T2

    res = _check_T2_vmf()
    ev = particles_T2()
    zm = zonal_map_evidence()
    verdict = res.verdict
    note = res.note
    if zm.beta_counterexample is not None:  # a zonal density beats sigma at beta0: Theorem 1 fails there
        verdict = Verdict.REFUTED
        note += f" COUNTEREXAMPLE over zonal densities: {zm.beta_counterexample}."
    elif zm.available:
        n_up = len(zm.data["beta_above_vmf"])
        note += (
            " Over zonal densities beta0 stays sufficient (beta*_zonal < beta0 at every point of the map); "
            f"a zonal density raises beta* above the vMF value at {n_up} of {zm.data['n_points']} points."
        )
    note += f" Mean-field Langevin particles (simulate): {ev.measured}."
    detail = res.scope_detail
    if zm.available:
        detail = detail.replace(" (particle search over all measures: simulate)", "") + (
            "; zonal densities at the 54 (d, alpha) of the zonal map, eta2 = 0.36 (log-density a degree-16 "
            "polynomial in t; beta*_zonal a lower bound found by search); Langevin particles (simulate)"
        )
    return dataclasses.replace(
        res,
        measured=f"{zm.beta}; vMF family: {res.measured}",
        verdict=verdict,
        scope_detail=detail,
        note=note,
        data={**res.data, "zonal_map": zm.to_dict(), "particles": ev.to_dict()},
        figures=(
            *res.figures,
            *(("docs/figures/zonal-map.png",) if zm.available else ()),
            *(("docs/figures/langevin-n.png",) if ev.available else ()),
        ),
    )
