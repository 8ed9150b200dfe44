"""Bad configurations: every field and override validated with a ValueError naming the field; unknown keys
refused with the known ones; equal settings have equal keys.

Before these checks ``RunConfig(seed=2**70)`` was accepted (and overflowed in torch), ``data.colour=1``
was passed to the loader or silently ignored, ``N`` above ``data.n_train`` failed only inside the run,
``device=meta`` was accepted, and ``alpha=10`` and ``alpha=10.0`` named two different runs.
"""

import math

import pytest

from train.config import CONFIGS, RunConfig, get_config

BAD_FIELDS = [
    ("seed", 2**70), ("seed", -1), ("seed", 1.5), ("seed", True), ("seed", "0"),
    ("d", 1), ("d", 0), ("d", 2.0), ("d", None), ("N", 1), ("N", -8),
    ("hidden", 0), ("eval_every", 0), ("n_eval", 19), ("n_phi", 2), ("threads", 0), ("threads", 10**6),
    ("epochs", -1), ("n_projections", -1),
    ("alpha", math.nan), ("alpha", math.inf), ("alpha", 0.0), ("alpha", -10.0), ("alpha", "10"),
    ("lr", math.nan), ("lr", -1e-3), ("lr", 0.0), ("lr", math.inf), ("weight_decay", -1.0),
    ("weight_decay", math.nan), ("device", "mps"), ("device", "meta"), ("device", "cuda:x"), ("device", ""),
    ("device", 0), ("name", "../up"), ("name", ""), ("name", "a b"), ("name", ".hidden"), ("name", 3),
    ("data", "imagenet"), ("data", None), ("model", "vit"), ("objective", "mse"), ("objective", None),
    ("data_params", []), ("data_params", {"colour": 1}), ("data_params", {"n_train": 5e3}),
    ("data_params", {"n_train": 0}), ("data_params", {"A": math.nan}), ("data_params", {"A": "0.6"}),
    ("data_params", {"eta2": 1}), ("out_dir", ""), ("progress", "yes"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS, ids=[f"{f}={v!r}" for f, v in BAD_FIELDS])
def test_every_field_is_validated_naming_it(field, value):
    with pytest.raises(ValueError) as info:
        RunConfig(**{field: value})
    msg = str(info.value)
    assert "\n" not in msg
    named = field if field != "data_params" else "data"
    assert named in msg, msg


def test_batch_larger_than_the_training_set_is_refused_up_front():
    with pytest.raises(ValueError, match=r"N = 6000 exceeds data.n_train = 5000"):
        RunConfig(N=6000, data_params={"n_train": 5000})
    with pytest.raises(ValueError, match=r"exceeds data\.n_train"):
        get_config("binary", ["data.n_train=64", "N=128"])


BAD_OVERRIDES = [
    (["colour=red"], "unknown override 'colour'; known keys:"),
    (["data.colour=1"], "data.colour is not a parameter of the 'laplace' data set; known: data.n_train"),
    (["data.n_train=5e3"], "data.n_train must be an integer"),
    (["seed=1180591620717411303424"], "seed must be an integer in"),
    (["lr=nan"], "lr must be"),
    (["lr=-0.001"], "lr must be"),
    (["tau=nan"], "tau must be"),
    (["tau=inf"], "tau must be"),
    (["tau=-1"], "tau must be"),
    (["tau=0"], "tau must be"),
    (["alpha=inf"], "alpha must be"),
    (["N=6000"], "exceeds data.n_train"),
    (["d=1e3"], "d must be an integer"),
    (["=5"], "key=value"),
    (["d="], "key=value"),
    (["device=meta"], "device must be"),
    (["threads=-2"], "threads must be"),
    (["epochs=-1"], "epochs must be"),
    (["data_params={}"], "data.KEY"),
    (["data=digits", "data.n_train=10"], "data.n_train is not a parameter of the 'digits' data set"),
]


@pytest.mark.parametrize(("items", "needle"), BAD_OVERRIDES, ids=[" ".join(i) for i, _ in BAD_OVERRIDES])
def test_bad_overrides_name_the_key(items, needle):
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(".", r"\.")) as info:
        get_config("laplace", items)
    assert "\n" not in str(info.value)


def test_from_dict_refuses_unknown_fields_and_names_the_known_ones():
    rec = CONFIGS["laplace"].to_dict()
    assert RunConfig.from_dict(rec) == CONFIGS["laplace"]
    with pytest.raises(ValueError, match=r"unknown field.*colour.*known: name, data"):
        RunConfig.from_dict({**rec, "colour": "red"}, what="config.json")
    with pytest.raises(ValueError, match=r"config\.json must be a JSON object"):
        RunConfig.from_dict([1, 2], what="config.json")
    with pytest.raises(ValueError, match=r"config\.json: lr must be"):
        RunConfig.from_dict({**rec, "lr": -1.0}, what="config.json")
    with pytest.raises(ValueError, match="unknown RunConfig field"):
        CONFIGS["laplace"].replace(colour="red")


def test_equal_settings_have_equal_keys_and_presentation_fields_do_not_count():
    base = CONFIGS["laplace"]
    assert RunConfig(**{**base.to_dict(), "alpha": 10}).key == base.key
    assert get_config("laplace", ["data.A=1"]).key == get_config("laplace", ["data.A=1.0"]).key
    assert base.replace(out_dir="elsewhere", progress=False).key == base.key
    changed = {
        "lr": 1e-2, "seed": 1, "d": 32, "N": 64, "epochs": 3, "alpha": 5.0, "objective": "vicreg",
        "data_params": {**base.data_params, "A": 0.5}, "device": "cuda", "threads": 2, "n_eval": 100,
    }  # fmt: skip
    for field, value in changed.items():
        assert base.replace(**{field: value}).key != base.key, field
