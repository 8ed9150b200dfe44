"""Bad input to the public functions of train's building blocks: models, data, evaluation, views,
distributed helpers, run-directory helpers. Each is a ValueError/TypeError naming the argument; never a
RuntimeError from deep inside torch, an AttributeError, a ZeroDivisionError, a silent NaN, or a keyword
that is ignored.

Before these checks ``make_model("linear", (4,), 0)`` built a zero-width encoder, ``d=-3`` died in torch,
``make_data("digits", n_train=5)`` ignored ``n_train``, ``embed`` of a numpy array raised AttributeError,
``sample_crop_boxes`` with ``height=0`` divided by zero, ``shard_bounds`` with ``rank >= world_size``
returned rows outside the batch, ``global_sum(NaN)`` returned NaN, ``SignalViewParams(noise_sd=NaN)``
was accepted, and ``write_figures`` of a missing folder returned an empty list.
"""

import itertools
import math

import numpy as np
import pytest
import torch

import train.distributed as D
import train.views as V
from train.data import make_data
from train.evaluate import embed, evaluate
from train.loop import summary_line, write_figures
from train.models import make_model
from train.table2 import summarize

G = torch.Generator().manual_seed(0)
IMG = torch.rand(2, 3, 4, 4, generator=G)


def _raises(exc, needle, fn, *a, **k):
    with pytest.raises(exc, match=needle) as info:
        fn(*a, **k)
    assert "\n" not in str(info.value)


MODEL_CASES = [
    (("vit", (4,), 2), {}, ValueError, "model must be one of"),
    (("linear", (4,), 0), {}, ValueError, "d must be >= 1"),
    (("linear", (4,), -3), {}, ValueError, "d must be >= 1"),
    (("linear", (4,), 2.5), {}, TypeError, "d must be an integer"),
    (("linear", (), 2), {}, ValueError, "at least one dimension"),
    (("linear", (0,), 2), {}, ValueError, "input_shape entries must be >= 1"),
    (("linear", "abc", 2), {}, TypeError, "input_shape must be a tuple"),
    (("mlp", (4,), 2), {"hidden": 0}, ValueError, "hidden must be >= 1"),
    (("cnn", (4,), 2), {}, ValueError, "SmallCNN needs input_shape"),
    (("cnn", (1, 8, 8), 2), {"width": 1.5}, TypeError, "width must be an integer"),
    (("linear", (4,), 2), {"colour": 1}, ValueError, "takes no colour; known: bias"),
    (("linear", (4,), 2), {"bias": "yes"}, TypeError, "bias must be True or False"),
    (("resnet18", (3, 8, 8), 2), {"hidden": 4}, ValueError, "takes no hidden"),
]


@pytest.mark.parametrize(("args", "kwargs", "exc", "needle"), MODEL_CASES)
def test_make_model_bad_inputs(args, kwargs, exc, needle):
    _raises(exc, needle, make_model, *args, **kwargs)


DATA_CASES = [
    (("nope",), {}, ValueError, "data name must be one of"),
    (("binary",), {"colour": 1}, ValueError, "colour: not a parameter of the 'binary' data set"),
    (("digits",), {"n_train": 5}, ValueError, "n_train: not a parameter of the 'digits' data set"),
    (("binary",), {"n_train": 0}, ValueError, "n_train must be >= 1"),
    (("binary",), {"sparsity": 2.0}, ValueError, "sparsity must be"),
    (("binary",), {"sparsity": math.nan}, ValueError, "sparsity must be finite"),
    (("laplace",), {"A": math.nan, "n_train": 8, "n_test": 8, "eta2": False}, ValueError, "A must be finite"),
    (("laplace",), {"n_train": 1.5}, TypeError, "n_train must be an integer"),
]


@pytest.mark.parametrize(("args", "kwargs", "exc", "needle"), DATA_CASES)
def test_make_data_bad_inputs(args, kwargs, exc, needle):
    _raises(exc, needle, make_data, *args, **kwargs)


MODEL = make_model("linear", (8,), 3)
X = torch.ones(4, 8)


@pytest.mark.parametrize(
    ("kwargs", "exc", "needle"),
    [
        ({"model": "m"}, TypeError, "model must be a torch.nn.Module"),
        ({"x": np.ones((4, 8))}, TypeError, "x must be a floating torch.Tensor"),
        ({"x": torch.ones(4, 8, dtype=torch.int64)}, TypeError, "x must be a floating torch.Tensor"),
        ({"x": torch.ones(4, 5)}, ValueError, r"cannot embed x of shape \(4, 5\)"),
        ({"x": torch.ones(0, 8)}, ValueError, "n >= 1"),
        ({"x": torch.ones(8)}, ValueError, "shape"),
        ({"x": torch.full((4, 8), math.nan)}, ValueError, "NaN or inf"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"device": "meta"}, ValueError, "cannot embed"),
    ],
)
def test_embed_bad_inputs(kwargs, exc, needle):
    args = {"model": MODEL, "x": X, **kwargs}
    _raises(exc, needle, embed, args.pop("model"), args.pop("x"), **args)


@pytest.fixture(scope="module")
def tiny_data():
    return make_data("binary", n_train=64, n_test=40, dim=8)


@pytest.mark.parametrize(
    ("kwargs", "exc", "needle"),
    [
        ({"alpha": math.nan}, ValueError, "alpha must be finite"),
        ({"alpha": 0.0}, ValueError, "alpha must be > 0"),
        ({"N": 0}, ValueError, "N must be >= 1"),
        ({"n_eval": 5}, ValueError, "n_eval must be >= 20"),
        ({"n_phi": 1}, ValueError, "n_phi must be >= 3"),
        ({"n_projections": -1}, ValueError, "n_projections must be >= 0"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"epoch": 1.5}, TypeError, "epoch must be an integer"),
        ({"model": "m"}, TypeError, "model must be a torch.nn.Module"),
        ({"data": "d"}, TypeError, "data must be a train.data.PairData"),
    ],
)
def test_evaluate_bad_inputs(tiny_data, kwargs, exc, needle):
    args = {"model": MODEL, "data": tiny_data, "epoch": 0, "alpha": 10.0, "N": 16, "n_eval": 40,
            "n_projections": 2, "n_phi": 20, **kwargs}  # fmt: skip
    _raises(exc, needle, evaluate, args.pop("model"), args.pop("data"), **args)


def test_evaluate_with_fewer_held_out_samples_than_N_reports_no_test_loss(tiny_data):
    r = evaluate(MODEL, tiny_data, epoch=0, alpha=10.0, N=100, n_eval=40, n_projections=2, n_phi=20)
    assert r.test_loss is None and r.to_dict()["test_loss"] is None


VIEW_CASES = [
    (V.augment_images, (IMG.long(), G), TypeError, "floating"),
    (V.augment_images, (torch.ones(3, 4, 4), G), ValueError, r"shape \(n, C, H, W\)"),
    (V.augment_images, (torch.ones(0, 3, 4, 4), G), ValueError, "every size >= 1"),
    (V.augment_images, (IMG, "seed"), TypeError, "generator must be a torch.Generator"),
    (V.augment_images, (IMG, G, "simclr"), TypeError, "params must be an ImageViewParams"),
    (V.sample_crop_boxes, (-1, 4, 4, G), ValueError, "n must be >= 1"),
    (V.sample_crop_boxes, (2, 0, 4, G), ValueError, "height must be >= 1"),
    (V.sample_crop_boxes, (2, 4, 4.5, G), TypeError, "width must be an integer"),
    (lambda: V.sample_crop_boxes(2, 4, 4, G, scale=(0.5, 0.1)), (), ValueError, "scale must satisfy"),
    (lambda: V.sample_crop_boxes(2, 4, 4, G, ratio=(0.0, 1.0)), (), ValueError, "ratio must satisfy"),
    (lambda: V.sample_crop_boxes(2, 4, 4, G, n_trials=0), (), ValueError, "n_trials must be >= 1"),
    (V.adjust_brightness, (IMG, math.nan), ValueError, "factor must be a finite real number"),
    (V.adjust_contrast, (IMG, -1.0), ValueError, "factor must be a finite real number >= 0"),
    (V.adjust_saturation, (IMG, "2"), TypeError, "factor must be a real number or a tensor"),
    (V.adjust_hue, (IMG, 2.0), ValueError, r"shift must be a finite real number in \[-0.5, 0.5\]"),
    (V.adjust_hue, (IMG[:, :1], 0.1), ValueError, "3 \\(RGB\\) channels"),
    (V.adjust_brightness, (IMG, torch.ones(3)), ValueError, "factor must be a scalar or have shape"),
    (V.augment_signals, (torch.ones(5), G), ValueError, r"shape \(n, L\)"),
    (V.augment_signals, (torch.ones(2, 2, 5), G), ValueError, r"shape \(n, L\)"),
    (V.augment_signals, (torch.ones(2, 5, dtype=torch.int32), G), TypeError, "floating"),
]


@pytest.mark.parametrize(("fn", "args", "exc", "needle"), VIEW_CASES)
def test_view_functions_bad_inputs(fn, args, exc, needle):
    _raises(exc, needle, fn, *args)


@pytest.mark.parametrize(
    ("cls", "kwargs", "needle"),
    [
        (V.ImageViewParams, {"flip_p": math.nan}, "flip_p must be a finite real number"),
        (V.ImageViewParams, {"flip_p": 1.5}, "flip_p must be a probability"),
        (V.ImageViewParams, {"scale": "ab"}, "scale must be a pair"),
        (V.ImageViewParams, {"scale": (0.2, math.inf)}, "scale must be a finite real number"),
        (V.ImageViewParams, {"ratio": (2.0, 1.0)}, "ratio must satisfy"),
        (V.ImageViewParams, {"hue": 0.7}, "hue must be in"),
        (V.ImageViewParams, {"brightness": -0.1}, "brightness must be >= 0"),
        (V.ImageViewParams, {"gray_p": True}, "gray_p must be a finite real number"),
        (V.SignalViewParams, {"noise_sd": math.nan}, "noise_sd must be a finite real number"),
        (V.SignalViewParams, {"noise_sd": -1.0}, "noise_sd must be >= 0"),
        (V.SignalViewParams, {"max_shift": 2.0}, "max_shift must be in"),
        (V.SignalViewParams, {"scale": (1.0,)}, "scale must be a pair"),
    ],
)
def test_view_parameters_bad_inputs(cls, kwargs, needle):
    _raises(ValueError, needle, cls, **kwargs)


DIST_CASES = [
    (D.shard_bounds, (1, 0, 2), ValueError, "cannot be split over 2 ranks"),
    (D.shard_bounds, (10, 5, 2), ValueError, "rank must be <= 1"),
    (D.shard_bounds, (10, 0, 0), ValueError, "world_size must be >= 1"),
    (D.shard_bounds, (10.5, 0, 1), TypeError, "n must be an integer"),
    (D.gather_with_grad, (np.ones(3),), TypeError, "x must be a torch.Tensor"),
    (D.gather_with_grad, (torch.tensor(1.0),), ValueError, "at least one dimension"),
    (D.global_sum, ("x",), TypeError, "value must be a number"),
    (D.global_sum, (math.nan,), ValueError, "one finite number"),
    (D.global_sum, (torch.ones(3),), ValueError, "one finite number"),
    (D.sum_gradients, ("x",), TypeError, "module must be a torch.nn.Module"),
    (D.init_from_env, ("mpi",), ValueError, "backend must be"),
]


@pytest.mark.parametrize(
    ("fn", "args", "exc", "needle"), [c for c in DIST_CASES if c[2] is not AttributeError]
)
def test_distributed_helpers_bad_inputs(fn, args, exc, needle):
    _raises(exc, needle, fn, *args)


def test_shards_cover_the_batch_exactly():
    for n in (2, 7, 16):
        for world in (1, 2, 3):
            if n < world:
                continue
            bounds = [D.shard_bounds(n, r, world) for r in range(world)]
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))


def test_run_directory_helpers_refuse_a_missing_folder(tmp_path):
    _raises(ValueError, "does not exist", write_figures, tmp_path / "none")
    _raises(ValueError, "does not exist", summary_line, tmp_path / "none")


@pytest.mark.parametrize(
    ("Z", "kwargs", "exc", "needle"),
    [
        (np.full((30, 4), np.nan), {}, ValueError, "NaN or inf"),
        (np.ones(30), {}, ValueError, "shape"),
        (np.random.default_rng(0).standard_normal((30, 4)), {"seed": -1}, ValueError, "seed"),
        (np.zeros((30, 4), dtype=object), {}, TypeError, "numeric"),
    ],
)
def test_table2_summarize_bad_inputs(Z, kwargs, exc, needle):
    args = {"normalize": False, "n_projections": 2, "seed": 0, **kwargs}
    _raises(exc, needle, summarize, Z, **args)
