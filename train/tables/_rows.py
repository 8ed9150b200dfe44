"""The paper's Table 1, the Gaussianity rule of the verdicts, a row's verdict, and training one run
into a folder of runs (shared by :func:`~train.tables.table1` and :func:`~train.tables.grid`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from train.config import RunConfig

#: The paper's Table 1 (unnormalised; CV, AD mean, AD pass, DP mean, DP pass; pass rates as fractions).
PAPER_TABLE1 = {
    "Tab1-Laplace": {"cv": 0.08, "ad_mean": 0.38, "ad_pass": 1.00, "dp_mean": 0.49, "dp_pass": 1.00},
    "Tab1-GMM": {"cv": 0.08, "ad_mean": 0.39, "ad_pass": 1.00, "dp_mean": 0.46, "dp_pass": 1.00},
    "Tab1-Bin0": {"cv": 0.36, "ad_mean": 1.64, "ad_pass": 0.30, "dp_mean": 0.02, "dp_pass": 0.15},
    "Tab1-Bin50": {"cv": 0.12, "ad_mean": 0.41, "ad_pass": 0.93, "dp_mean": 0.44, "dp_pass": 0.89},
    "Tab1-Bin100": {"cv": 0.09, "ad_mean": 0.42, "ad_pass": 0.97, "dp_mean": 0.46, "dp_pass": 0.98},
    "Tab1-CIFAR-sup": {"cv": 0.50, "ad_mean": 3.30, "ad_pass": 0.062, "dp_mean": 0.041, "dp_pass": 0.039},
    "Tab1-CIFAR-con": {"cv": 0.09, "ad_mean": 0.43, "ad_pass": 0.961, "dp_mean": 0.39, "dp_pass": 0.945},
}

#: Fraction of coordinates that must pass each test (beside the paper's mean criterion) to call a
#: representation Gaussian in the verdicts (an exactly Gaussian one passes about 95%).
MIN_PASS = 0.8

_KEYS = (
    "epoch", "cv", "ad_mean", "ad_pass", "dp_mean", "dp_pass", "ad_pass_z", "dp_pass_z", "gaussian",
    "norm_ad_mean", "norm_ad_pass", "norm_dp_mean", "norm_dp_pass", "proj_ad_pass", "proj_dp_pass",
    "alignment", "alignment_se", "mean_sq_norm", "eta2", "bound", "slack", "slack_se", "bound_violated",
    "phi", "phi_se", "phi_uniform", "phi_gap", "test_loss", "train_loss",
    "class_ad_mean", "class_ad_pass", "class_dp_mean", "class_dp_pass",
    "proj_ad_mean", "proj_dp_mean", "train_cv", "train_ad_mean", "train_ad_pass", "train_dp_mean",
    "train_dp_pass", "n_zero_embeddings", "n_zero_views",
)  # fmt: skip


def _metrics(run: Path) -> list[dict]:
    from train.loop import read_metrics

    return read_metrics(run / "metrics.jsonl")


def _pick(rec: dict) -> dict:
    return {k: rec.get(k) for k in _KEYS}


def paper_rule(m: dict) -> bool:
    """The paper's rule (Sec. 5): AD mean < 0.752 and DP mean > 0.05 (means over coordinates)."""
    return bool(m["ad_mean"] < 0.752 and m["dp_mean"] > 0.05)


def is_gaussian(m: dict) -> bool:
    """Our rule: the paper's (:func:`paper_rule`) and at least :data:`MIN_PASS` of the coordinates
    passing each test (a mean can pass while a fifth of the coordinates fail)."""
    return bool(paper_rule(m) and m["ad_pass"] >= MIN_PASS and m["dp_pass"] >= MIN_PASS)


def both_rules(m: dict) -> dict:
    """``{"paper": paper_rule(m), "ours": is_gaussian(m), "differ": ...}``."""
    p, o = paper_rule(m), is_gaussian(m)
    return {"paper": p, "ours": o, "differ": p != o}


def row_verdict(epoch0: dict, trained: dict, controls: dict[str, dict]) -> dict[str, Any]:
    """What the training changed, from the epoch-0, trained and control-objective metrics.

    Returns
    -------
    dict
        ``code`` (``"attributable"``, ``"already_gaussian"``, ``"not_specific"``, ``"not_gaussian"``),
        ``trained_gaussian``, ``untrained_gaussian``, ``controls_gaussian`` (per control) and ``text``.
    """
    tg, ug = is_gaussian(trained), is_gaussian(epoch0)
    cg = {k: is_gaussian(v) for k, v in controls.items()}
    same = [k for k, g in cg.items() if g]
    if not tg:
        code = "not_gaussian"
        text = (
            "the trained InfoNCE encoder is not Gaussian by the paper's criterion: the row is not reproduced"
        )
    elif ug:
        code = "already_gaussian"
        text = (
            "the untrained encoder (epoch 0, same initialisation) is already Gaussian: the row's Gaussianity "
            "is not attributable to InfoNCE training"
        )
        if same:
            text += f"; the control objective(s) {', '.join(same)} give the same"
    elif same:
        code = "not_specific"
        text = (
            f"training made the encoder Gaussian, but so did the control objective(s) {', '.join(same)}: "
            "the Gaussianity is not specific to InfoNCE"
        )
    else:
        code = "attributable"
        text = (
            "the untrained encoder is not Gaussian and the control objective(s) do not make it Gaussian; "
            "InfoNCE training does: the row supports the paper's attribution"
        )
    rules = {"trained": both_rules(trained), "epoch0": both_rules(epoch0)}
    rules.update({f"control {k}": both_rules(v) for k, v in controls.items()})
    differ = [k for k, r in rules.items() if r["differ"]]
    if differ:
        text += (
            f"; the two rules differ for {', '.join(differ)} (the paper's mean rule passes, fewer than "
            f"{100 * MIN_PASS:.0f}% of coordinates pass a test)"
        )
    return {
        "code": code,
        "trained_gaussian": tg,
        "untrained_gaussian": ug,
        "controls_gaussian": cg,
        "rules": rules,
        "rules_differ": differ,
        "paper_rule_code": _code(
            paper_rule(trained), paper_rule(epoch0), [paper_rule(v) for v in controls.values()]
        ),
        "text": text,
    }


def _code(tg: bool, ug: bool, cg: list[bool]) -> str:
    """The verdict code under one rule."""
    if not tg:
        return "not_gaussian"
    if ug:
        return "already_gaussian"
    return "not_specific" if any(cg) else "attributable"


def _train(
    config: RunConfig, runs: Path, data=None, figures: bool | None = True
) -> tuple[list[dict], float, Path]:
    """Train (or resume) ``config`` in its directory under ``runs``; its metrics, seconds and directory.

    ``figures``: draw the run's figures (``True``), not (``False``), or only where the run has none yet
    (``None``: a finished run reopened is not drawn again).
    """
    from train.loop import fit

    run = _run_dir(config, runs)
    if figures is None:
        figures = not (run / "fig_metrics.png").exists()
    fit(config, run_dir=run, data=data, resume=True, figures=figures)
    return _read(config, runs)


def _run_dir(config: RunConfig, runs: Path) -> Path:
    from train.loop import run_dir_for

    return runs / run_dir_for(config).name


def _read(config: RunConfig, runs: Path) -> tuple[list[dict], float, Path]:
    """A trained run's metrics, seconds and directory, read without opening the run."""
    run = _run_dir(config, runs)
    return _metrics(run), _wall(run / "timing.jsonl"), run


def _wall(path: Path) -> float:
    """Seconds of training and evaluation recorded in a run's ``timing.jsonl`` (a corrupt line is named;
    a partial last line, left by a process killed while appending, is not counted)."""
    wall = 0.0
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines() if text.endswith("\n") or not text else text.splitlines()[:-1]
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            t = json.loads(line)
            wall += float(t.get("train_s", 0.0)) + float(t.get("eval_s", 0.0))
        except (ValueError, TypeError, AttributeError):
            raise ValueError(f"{path} line {i} is not a timing record (corrupt or truncated?)") from None
    return wall


def _at(recs: list[dict], epoch: int | None = None) -> dict:
    if epoch is None:
        return recs[-1]
    for r in recs:
        if r["epoch"] == epoch:
            return r
    raise KeyError(f"no evaluation at epoch {epoch}")


def _outputs(name: str, out, figure, *, quick: bool, publish: bool) -> tuple[Path, Path | None]:
    """The JSON and figure paths of a command (``results/`` by default, ``docs/`` with ``publish``),
    checked before any work (:func:`theory._results.check_outputs`).

    ``figure``: ``True`` for the default path, ``False``/``None`` for none (refused with ``publish``: a
    published result comes with its figure), or an explicit path (refused with ``publish``).
    """
    from theory._results import check_outputs, output_path

    if not isinstance(figure, str | os.PathLike | bool | None):
        raise TypeError(f"figure must be a path, True (default path) or False; got {type(figure).__name__}")
    out_p = output_path(name, "data", publish=publish, quick=quick, given=out, option="--out")
    if figure is None or figure is False:
        if publish:
            raise ValueError("--publish writes the figure beside the data; drop --no-figure")
        fig_p = None
    else:
        given = None if figure is True else figure
        fig_p = output_path(name, "figures", publish=publish, quick=quick, given=given, option="--figure")
    check_outputs({"--out": out_p, "--figure": fig_p}, publish=publish)
    return out_p, fig_p


def _check_runs_folder(runs: Path) -> None:
    """The folder of run directories: a folder (or creatable), writable."""
    probe = runs
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"--runs {runs}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"--runs {runs}: the folder {probe} is not writable")
