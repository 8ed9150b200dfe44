"""Text rendering of a :class:`~theory.gaussianity.Diagnosis`: only what was computed is shown."""

from __future__ import annotations

import math


def fmt_sig(x: float | None, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits (``1.1e-16``, not ``0.0000``); ``n/a`` for None/NaN."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}g}"


def fmt_p(p: float) -> str:
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


def fmt_log10(x: float) -> str:
    return f"{10.0**x:.2g}" if x > -300 else f"1e{x:.0f}"


def render_diagnosis(r) -> str:
    """The multi-line summary printed by ``python -m theory diagnose`` (``Diagnosis.table()``).

    The calibration columns (null pass rate, z, binomial p, P(all pass)) appear only when a
    calibration was computed (not with ``extras=False`` / ``--paper-only``); numbers are printed
    with significant digits, so a CV of 1e-16 (unit-norm rows) does not read ``0.0000``.
    """
    from theory.gaussianity._diagnose import Diagnosis

    if not isinstance(r, Diagnosis):
        raise TypeError(f"r must be a Diagnosis (the result of diagnose); got {type(r).__name__}")
    calibrated = r.ad_calibration is not None
    lines = [
        f"Gaussianity diagnostics: n = {r.n} samples, d = {r.d} coordinates"
        + (" (rows normalised to the unit sphere)" if r.normalized else " (unnormalised)"),
        f"  CV of row norms (ddof=0): {fmt_sig(r.cv)}",
        "",
    ]
    head = f"  {'test':<28}{'mean':>9}{'pass':>9}"
    if calibrated:
        head += f"{'null pass':>11}{'z':>8}{'binom p':>10}{'P(all pass)':>13}"
    lines.append(head)

    def row(label, mean, rate, cal):
        s = f"  {label:<28}{fmt_sig(mean):>9}{100 * rate:>8.1f}%"
        if cal is not None:
            s += (
                f"{100 * cal.null_pass:>10.1f}%{cal.z:>8.2f}{fmt_p(cal.binom_pvalue):>10}"
                f"{fmt_log10(cal.log10_p_all_pass):>13}"
            )
        return s

    lines.append(row("AD coordinates (<0.752)", r.ad_mean, r.ad_pass, r.ad_calibration))
    lines.append(row("DP coordinates (p>0.05)", r.dp_mean, r.dp_pass, r.dp_calibration))
    if r.projections is not None:
        pr = r.projections
        k = pr.ad.size
        lines.append(row(f"AD {k} random directions", pr.ad_mean, pr.ad_pass, pr.ad_calibration))
        lines.append(row(f"DP {k} random directions", pr.dp_mean, pr.dp_pass, pr.dp_calibration))
    lines.append("")
    verdict = "Gaussian" if r.gaussian else "not Gaussian"
    lines.append(f"  Paper's verdict (AD mean < 0.752 and DP mean > 0.05): {verdict}")
    if r.dp_uniformity is not None:
        u = r.dp_uniformity
        lines.append(f"  DP p-values uniform? KS D = {fmt_sig(u.statistic)}, p = {fmt_p(u.pvalue)}")
    if r.projections is not None and r.projections.dp_uniformity is not None:
        u = r.projections.dp_uniformity
        lines.append(
            f"  DP p-values on directions uniform? KS D = {fmt_sig(u.statistic)}, p = {fmt_p(u.pvalue)}"
        )
    if r.multivariate is not None:
        m = r.multivariate
        lines.append(f"  Henze-Zirkler: HZ - 1 = {m.hz_minus_1:.4g}, p = {fmt_p(m.hz_pvalue)}")
        lines.append(
            f"  Mardia: skewness b1 = {m.mardia_skewness:.4g} (p = {fmt_p(m.mardia_skewness_pvalue)}), "
            f"kurtosis b2 = {m.mardia_kurtosis:.4g} (z = {m.mardia_kurtosis_z:.2f}, "
            f"p = {fmt_p(m.mardia_kurtosis_pvalue)})"
        )
    if r.sliced_wasserstein is not None:
        w = r.sliced_wasserstein
        z = "n/a" if w.excess_z is None else f"{w.excess_z:.1f}"
        lines.append(
            f"  Sliced W2 to fitted isotropic Gaussian (exact per slice): {fmt_sig(w.sw2)} "
            f"(exactly Gaussian data: {fmt_sig(w.null_mean)} +- {fmt_sig(w.null_sd, 2)}, excess z = {z}; "
            f"scale s = {fmt_sig(w.scale)})"
        )
    for note in r.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
