"""The training rows' new pieces: the bias/init options, both rules, zero views, the exact-law
prediction of a linear encoder, the Binary study's plan and the prose corpus."""

import math

import numpy as np
import pytest
import torch

from train.config import RunConfig, get_config
from train.tables import BINARY_STUDY_POINTS, binary_base, binary_study_config, both_rules, paper_rule


def test_gaussian_init_has_the_default_variance_and_a_gaussian_shape():
    # default: U(-a, a), a = 1/sqrt(D): variance a^2/3, kurtosis 9/5; gaussian: N(0, a^2/3), kurtosis 3
    from train.models import make_model

    D, d = 1024, 256
    torch.manual_seed(0)
    wd = make_model("linear", (D,), d)[1].weight.detach().double().numpy().ravel()
    torch.manual_seed(0)
    wg = make_model("linear", (D,), d, init="gaussian")[1].weight.detach().double().numpy().ravel()
    m = wd.size
    var = 1 / (3 * D)
    for w, kurt in ((wd, 9 / 5), (wg, 3.0)):
        assert abs(w.var() - var) < 5 * var * math.sqrt((kurt - 1) / m)
        k = (w**4).mean() / w.var() ** 2
        assert abs(k - kurt) < 0.05  # SE of the sample kurtosis at m = 262144 is below 0.01
    assert make_model("linear", (D,), d, bias=False)[1].bias is None


def test_bias_and_init_stay_out_of_the_key_at_their_defaults():
    base = get_config("binary")
    assert "bias" not in base.identity() and "init" not in base.identity()
    assert base.key == base.replace(bias=True, init="default").key
    nb = base.replace(bias=False)
    assert nb.identity()["bias"] is False and nb.key != base.key
    with pytest.raises(ValueError, match="linear"):
        get_config("digits", ["init=gaussian"])
    with pytest.raises(ValueError, match="init"):
        base.replace(init="xavier")


def test_both_rules_differ_when_the_means_pass_and_a_fifth_of_coordinates_fail():
    m = {"ad_mean": 0.6, "dp_mean": 0.2, "ad_pass": 0.75, "dp_pass": 0.9}
    assert paper_rule(m) and both_rules(m) == {"paper": True, "ours": False, "differ": True}
    assert both_rules({**m, "ad_mean": 0.8}) == {"paper": False, "ours": False, "differ": False}


def test_binary_study_varies_one_factor_at_a_time():
    cfg = binary_study_config()
    base = cfg["points"]["calibrated"]["runs"][0]
    assert base["data_params"]["sparsity"] == 0.00292 and base["bias"] is False
    assert len(cfg["points"]["calibrated"]["runs"]) == 3
    for name, (over, seeds, _) in BINARY_STUDY_POINTS.items():
        run = cfg["points"][name]["runs"][0]
        flat = lambda r: {**{k: v for k, v in r.items() if k != "data_params"},  # noqa: E731
                          **{f"data.{k}": v for k, v in r["data_params"].items()}}  # fmt: skip
        diff = {k for k in set(flat(base)) | set(flat(run)) if flat(base).get(k) != flat(run).get(k)}
        assert diff == set(over) - {"bias"} | ({"bias"} if "bias" in over else set()), name
        assert [r["seed"] for r in cfg["points"][name]["runs"]] == list(seeds)


def test_linear_prediction_is_the_exact_kurtosis_of_each_row():
    # gamma_2 = (1 - 6pq)/(pq) sum w^4/(sum w^2)^2 row by row (written out here), through
    # dp_pass_asymptotic, against the function's mean
    from theory.encoders import dp_pass_asymptotic
    from train.data import make_data
    from train.loop import build
    from train.tables._analysis import linear_prediction

    cfg = binary_base("/tmp/unused", quick=True)
    data = make_data(cfg.data, **cfg.data_params)
    _, model, _, _ = build(cfg, data)
    W = model[1].weight.detach().double().numpy()
    p = cfg.data_params["sparsity"]
    q = 1 - p
    g1 = (1 - 2 * p) / math.sqrt(p * q) * (W**3).sum(1) / (W**2).sum(1) ** 1.5
    g2 = (1 - 6 * p * q) / (p * q) * (W**4).sum(1) / (W**2).sum(1) ** 2
    want = np.mean([dp_pass_asymptotic(a, b, 200) for a, b in zip(g1, g2, strict=True)])
    got = linear_prediction(model, cfg, data, 200)
    assert got["dp_pass_predicted"] == pytest.approx(want, rel=1e-10)
    assert got["abs_excess_kurtosis_max"] == pytest.approx(np.abs(g2).max(), rel=1e-10)


def test_zero_embeddings_are_counted_and_left_out():
    # a bias-free linear encoder maps the all-zero Binary input to 0: Phi and the alignment skip it
    from train.data import make_data
    from train.evaluate import evaluate
    from train.loop import build

    cfg = binary_base("/tmp/unused", quick=True)
    data = make_data(cfg.data, **cfg.data_params)
    _, model, _, _ = build(cfg, data)
    zero = int((data.x_test[:200].sum(1) == 0).sum())
    assert zero > 0  # (1 - 0.00292)^1024 = 5% of inputs
    r = evaluate(model, data, epoch=0, alpha=10.0, N=64, n_eval=200, n_projections=0, n_phi=50)
    assert r.n_zero_embeddings == zero and r.n_zero_views >= 1
    assert r.train_ad_pass is not None and r.n_train_evaluated == 200


def test_prose_sentences_drop_attributions_and_short_lines():
    from train.data.prose import prose_sentences

    text = "The end of labor is to gain leisure.\n\t\t-- Aristotle\nToo short.\n"
    assert prose_sentences(text) == ["The end of labor is to gain leisure."]
    got = prose_sentences("A very long line that is fine? Yes it is, says the test here.")
    assert got == ["A very long line that is fine?", "Yes it is, says the test here."]


def test_runconfig_from_an_old_record_without_the_new_fields():
    rec = get_config("binary").to_dict()
    rec.pop("bias")
    rec.pop("init")
    assert RunConfig.from_dict(rec).key == get_config("binary").key
