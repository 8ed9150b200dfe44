"""What a Table-1 row says beside the paper's numbers: both rules, the basis-free reading, the rotation
spread, training-set numbers, the exact-law prediction and ceiling, and the mechanism in a sentence.

Read only from the published ``docs/data/table1.json`` (each row's ``analysis`` and ``ceiling``, written
by ``python -m train table1``) and ``docs/data/binary-study.json`` (seeds; ``python -m train
binary-study``).
"""

from __future__ import annotations

__all__ = ["basis_free_text", "mechanism", "rules_text", "seeds_text", "train_set_text"]

#: What a coordinate-wise pass rate can and cannot show (said once per row).
COORDINATE_CAVEAT = (
    "A coordinate pass rate tests d marginals in one basis, which InfoNCE cannot see (its loss is the same "
    "after any rotation); it cannot show a joint Gaussian law, and random mixing alone pushes marginals "
    "towards Gaussian (Diaconis-Freedman), so the basis-free reading comes first"
)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def rules_text(verdict: dict) -> str:
    """Both rules for the trained, untrained and control encoders."""
    r = verdict.get("rules", {})
    parts = [
        f"{k}: paper's {'yes' if v['paper'] else 'no'}, ours {'yes' if v['ours'] else 'no'}"
        for k, v in r.items()
    ]
    txt = "Gaussian by rule (" + "; ".join(parts) + ")"
    if verdict.get("rules_differ"):
        txt += f"; the rules differ for {', '.join(verdict['rules_differ'])}"
    return txt


def basis_free_text(analysis: dict | None, which: str = "trained") -> str:
    """Random projections, Henze-Zirkler / Mardia, sliced W2 and the rotation spread of one encoder."""
    if not analysis:
        return "basis-free diagnostics not computed"
    a = analysis[which]
    b, q = a["basis_free"], a["rotations"]["quantiles"]
    hz = "n/a" if b["hz_pvalue"] is None else f"{b['hz_pvalue']:.2g}"
    sw = "n/a" if b["sw2_excess_z"] is None else f"{b['sw2_excess_z']:+.1f}"
    return (
        f"{b['n_projections']} random projections AD {_pct(b['proj_ad_pass'])} "
        f"/ DP {_pct(b['proj_dp_pass'])} "
        f"pass, Henze-Zirkler p {hz}, Mardia kurtosis z {b['mardia_kurtosis_z']:+.1f}, "
        f"sliced-W2 excess z {sw}; "
        f"over {analysis['n_rotations']} rotations AD pass {_pct(q['ad_pass']['median'])} "
        f"[{_pct(q['ad_pass']['min'])}, {_pct(q['ad_pass']['max'])}], DP pass {_pct(q['dp_pass']['median'])} "
        f"[{_pct(q['dp_pass']['min'])}, {_pct(q['dp_pass']['max'])}], paper's rule in "
        f"{_pct(a['rotations']['paper_rule'])} and ours in {_pct(a['rotations']['our_rule'])} of them; loss "
        f"unchanged by rotation (largest difference {a['loss']['max_abs_difference']:.1e})"
    )


def train_set_text(tr: dict, e0: dict) -> str:
    """Held-out beside training-set pass rates, with the memorisation reading."""
    if tr.get("train_ad_pass") is None:
        return "training-set numbers not recorded"
    gains = {
        k: (tr[f"train_{k}"] - e0.get(f"train_{k}", tr[f"train_{k}"])) - (tr[k] - e0[k])
        for k in ("ad_pass", "dp_pass")
    }
    txt = (
        f"training set: AD {_pct(tr['train_ad_pass'])}, DP {_pct(tr['train_dp_pass'])} (held out AD "
        f"{_pct(tr['ad_pass'])}, DP {_pct(tr['dp_pass'])})"
    )
    if max(gains.values()) > 0.1:
        txt += "; the training set gained more than the held-out set: memorisation"
    return txt


def seeds_text(study: dict | None, name: str = "calibrated") -> str:
    """The Binary study's spread over seeds of one point (mean ± sd of the final AD / DP pass)."""
    if not study or name not in study.get("summary", {}):
        return "one seed"
    s = study["summary"][name]
    t = s["trained"]
    sd = lambda k: "" if t.get(f"{k}_sd") is None else f" ± {100 * t[f'{k}_sd']:.0f}"  # noqa: E731
    return (
        f"{s['n_seeds']} seeds (binary-study): trained AD pass {100 * t['ad_pass']:.0f}{sd('ad_pass')}%, "
        f"DP pass {100 * t['dp_pass']:.0f}{sd('dp_pass')}%, paper's rule {t['paper_rule']}, "
        f"ours {t['our_rule']}"
    )


def _joint(row: dict) -> str:
    """What the basis-free tests and the Phi gap add where the coordinates pass."""
    a = row.get("analysis") or {}
    if not a:
        return ""
    z0, z1 = (a[w]["basis_free"]["sw2_excess_z"] for w in ("epoch0", "trained"))
    g0, g1 = row["epoch0"]["phi_gap"], row["trained"]["phi_gap"]
    txt = (
        f" Training moved the Phi gap {g0:.3f} -> {g1:.3f} and the sliced-W2 excess z {z0:+.1f} -> {z1:+.1f}"
    )
    if g1 > 2 * g0 and z1 is not None and z1 > 5:
        txt += (
            ": the law became less uniform and jointly non-Gaussian (positives from one mixture component "
            "pull each component together), which the coordinate tests do not see."
        )
    elif g1 < g0:
        txt += ": InfoNCE made the law more uniform, which is what it changes here."
    else:
        txt += "."
    return txt


def mechanism(row: dict) -> str:
    """The row's mechanism in one or two sentences, from its exact-law prediction and ceiling."""
    cfg, a, c = row["config"], row.get("analysis") or {}, row.get("ceiling") or {}
    pt = (a.get("trained") or {}).get("prediction")
    p0 = (a.get("epoch0") or {}).get("prediction")
    tr, e0 = row["trained"], row["epoch0"]
    if cfg["data"] == "binary" and pt and p0:
        p = cfg["data_params"]["sparsity"]
        return (
            f"Mechanism: a coordinate of a linear encoder is a weighted count of about "
            f"lam = pD = {1024 * p:.1f} "
            "active inputs, so its excess kurtosis is (1-6pq)/(pq) sum w^4/(sum w^2)^2 whatever the "
            "training; "
            f"training moved the mean row ratio sum w^4/(sum w^2)^2 from {p0['row_ratio_mean']:.2e} to "
            f"{pt['row_ratio_mean']:.2e}, which predicts a DP pass of {_pct(p0['dp_pass_predicted'])} -> "
            f"{_pct(pt['dp_pass_predicted'])} (measured {_pct(e0['dp_pass'])} -> "
            f"{_pct(tr['dp_pass'])}), under "
            f"the ceiling {_pct(c.get('dp_ceiling'))} that no linear encoder of these inputs passes at n = "
            f"{c.get('n_samples')}; the all-zero input (probability "
            f"(1-p)^D = {(1 - p) ** 1024:.3f}) is an atom "
            "every coordinate shares."
        )
    if cfg["data"] in ("laplace", "gmm") and pt and p0:
        what = "i.i.d. Laplace inputs" if cfg["data"] == "laplace" else "a 25-component Gaussian mixture"
        return (
            f"Mechanism: a linear coordinate of {what} in dimension 1024 is a sum of many independent terms, "
            f"already near-Gaussian at initialisation (mean |excess kurtosis| "
            f"{p0['abs_excess_kurtosis_mean']:.3f}, "
            f"predicted DP pass {_pct(p0['dp_pass_predicted'])}) and still after training "
            f"({pt['abs_excess_kurtosis_mean']:.3f}, {_pct(pt['dp_pass_predicted'])}): the "
            "Gaussianity belongs "
            "to the encoder and the inputs (a central-limit effect), not to InfoNCE."
        ) + _joint(row)
    return (
        "Mechanism: an MLP encoder's law is not given by the theory here; the row rests on the measured "
        "numbers, the untrained encoder and the supervised twin beside them."
    )
