"""Quick check of the Binary study: the paper's Binary row under every choice it leaves open.

Reads ``docs/data/binary-study.json`` (``python -m train binary-study``; never retrains): the sparsity
calibrated to the paper's epoch-0 CV (p = 0.00292, no bias) beside p = 0.01 with bias and dense inputs
(3 seeds each), and around the base one factor at a time (Gaussian init, bias, tau 0.2, batch 256 and 512,
lr 1e-2, VICReg). Each point: held-out and training-set pass rates at epoch 0 and 100, both rules, the DP
pass rate the trained weight rows predict under the exact law, and the ceiling of any linear encoder.
"""

from __future__ import annotations

from claims.checks._published import read
from claims.registry import ClaimResult, Scope, Verdict

__all__ = ["check_Tab1_Bin_study"]

FIGURE = "docs/figures/binary-study.png"


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _line(name: str, s: dict, ceiling: dict) -> str:
    e0, t = s["epoch0"], s["trained"]
    return (
        f"{name} ({s['n_seeds']} seed{'s' if s['n_seeds'] > 1 else ''}): AD {_pct(e0['ad_pass'])} -> "
        f"{_pct(t['ad_pass'])}, DP {_pct(e0['dp_pass'])} -> {_pct(t['dp_pass'])} (predicted "
        f"{_pct(t['dp_pass_predicted'])}, ceiling {_pct(ceiling['dp_ceiling'])}), training set AD "
        f"{_pct(t.get('train_ad_pass'))} / DP {_pct(t.get('train_dp_pass'))}, CV {t['cv']:.2f}, "
        f"rules paper {sum(t['paper_rule'])}/"
        f"{len(t['paper_rule'])}, ours {sum(t['our_rule'])}/{len(t['our_rule'])}"
    )


def check_Tab1_Bin_study() -> ClaimResult:
    """The Binary row's open choices, one factor at a time around the calibrated sparsity."""
    from train.tables import PAPER_TABLE1

    p100 = PAPER_TABLE1["Tab1-Bin100"]
    expected = (
        f"paper epoch 100 (choices unstated): CV {p100['cv']}, AD {p100['ad_mean']} "
        f"({_pct(p100['ad_pass'])}), "
        f"DP {p100['dp_mean']} ({_pct(p100['dp_pass'])})"
    )
    res = read("binary-study")
    if res is None:
        return ClaimResult(
            "-", expected, Verdict.NOT_ENCODED, scope=Scope.NONE,
            note="docs/data/binary-study.json is missing: run `python -m train binary-study --publish`",
        )  # fmt: skip
    summ, pts, ceil = res["summary"], res["points"], res["ceilings"]
    lines = [_line(n, summ[n], ceil[f"{pts[n]['sparsity']:g}"]) for n in summ]
    calibrated = [n for n in summ if pts[n]["sparsity"] == pts["calibrated"]["sparsity"]]
    ours_any = [n for n in calibrated if any(summ[n]["trained"]["our_rule"])]
    paper_any = [n for n in calibrated if any(summ[n]["trained"]["paper_rule"])]
    c0 = ceil[f"{pts['calibrated']['sparsity']:g}"]
    above = [
        n for n in calibrated if summ[n]["trained"]["dp_pass"] > c0["dp_ceiling"] + 5 * c0["dp_ceiling_se"]
    ]
    if ours_any:
        verdict = Verdict.INCONCLUSIVE
        why = f"at the calibrated sparsity {', '.join(ours_any)} pass(es) our rule"
    else:
        verdict = Verdict.NOT_REPRODUCED
        why = "at the calibrated sparsity no choice tested makes the trained encoder Gaussian by our rule" + (
            f" (the paper's mean rule passes for {', '.join(paper_any)})" if paper_any else ""
        )
    note = (
        f"{why}; every trained DP pass rate at p = {pts['calibrated']['sparsity']:g} stays "
        f"{'under' if not above else 'above (' + ', '.join(above) + ')'} the ceiling "
        f"{_pct(c0['dp_ceiling'])} of any linear encoder (the paper reports {_pct(p100['dp_pass'])}). "
        "Mechanism: with lam = pD = 3 active inputs on average a coordinate's excess kurtosis is at least "
        f"{c0['kurtosis_floor']:.2f} whatever the weights, and training only moves the row shape "
        "sum w^4/(sum w^2)^2 that scales it (the predicted DP pass beside each measured one); at p = 0.01 "
        "and p = 0.5 the inputs already average many terms and the pass rates sit near the null. "
        f"Compute: {res['compute_s'] / 60:.0f} minutes of training over "
        f"{sum(len(p['runs']) for p in pts.values())} "
        "runs."
    )
    return ClaimResult(
        measured="; ".join(lines),
        expected=expected,
        verdict=verdict,
        scope=Scope.TRAINING,
        scope_detail=(
            "Binary, linear d = 256, 100 epochs on n_train = 5000, evaluated on 2000 held-out samples; base "
            "p = 0.00292, no bias, PyTorch default init, tau 0.1, N 128, lr 1e-3; one factor at a time; "
            "3 seeds for calibrated, p0.01+bias and dense, seed 0 otherwise; ceilings: Monte Carlo under the "
            f"exact law, {ceil[next(iter(ceil))]['n_columns']} columns"
        ),
        note=note,
        data={
            "summary": summ,
            "ceilings": ceil,
            "command": res["command"],
            "commit": res["commit"],
            "compute_s": res["compute_s"],
            "wall_s": res["wall_s"],
        },
        figures=(FIGURE,),
    )
