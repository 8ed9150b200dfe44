"""RunConfig: named configurations, key=value overrides, one-line errors."""

import pytest

from train.config import CONFIGS, RunConfig, get_config, parse_overrides


def test_every_setting_has_cpu_and_paper_configs():
    for name in ("laplace", "gmm", "binary", "digits", "mnist1d", "cifar10", "text"):
        assert name in CONFIGS and f"{name}-paper" in CONFIGS
        assert CONFIGS[name].data == name
    lp = CONFIGS["laplace-paper"]
    assert (lp.d, lp.N, lp.alpha, lp.lr, lp.epochs) == (64, 128, 10.0, 1e-3, 150)
    assert lp.data_params["n_train"] == 20000 and lp.data_params["n_test"] == 5000
    cp = CONFIGS["cifar10-paper"]
    assert (cp.model, cp.N, cp.weight_decay, cp.epochs) == ("resnet18", 256, 1e-4, 100)


def test_overrides():
    c = get_config("laplace", ["d=128", "tau=0.2", "data.A=0.5", "objective=vicreg", "progress=false"])
    assert c.d == 128 and c.alpha == pytest.approx(5.0) and c.tau == pytest.approx(0.2)
    assert c.data_params == {"n_train": 5000, "n_test": 2000, "A": 0.5}
    assert c.objective == "vicreg" and c.progress is False
    assert CONFIGS["laplace"].data_params["A"] == 0.6  # the named config is untouched
    assert get_config("laplace", ["data=binary"]).data_params == {}


@pytest.mark.parametrize(
    ("items", "match"),
    [
        (["d"], "key=value"),
        (["depth=3"], "unknown override 'depth'"),
        (["d=abc"], "d must be an integer"),
        (["d=1"], "d must be an integer >= 2"),
        (["tau=0"], "tau must be a positive"),
        (["alpha=-1"], "alpha must be"),
        (["objective=mse"], "objective must be one of"),
        (["model=vit"], "model must be one of"),
        (["progress=maybe"], "progress must be true or false"),
        (["data_params=x"], "data.KEY"),
    ],
)
def test_bad_overrides_one_line(items, match):
    with pytest.raises(ValueError, match=match) as exc:
        get_config("laplace", items)
    assert "\n" not in str(exc.value)


def test_unknown_config_and_direct_validation():
    with pytest.raises(ValueError, match="unknown config"):
        get_config("imagenet")
    with pytest.raises(ValueError, match="N must be"):
        RunConfig(N=1)
    assert parse_overrides(["lr=0.01"]) == {"lr": 0.01}
