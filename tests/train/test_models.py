"""Encoders: shapes, the CIFAR ResNet-18 layout and size, the one-ReLU MLP."""

import pytest
import torch
from torch import nn

from train import models
from train.models import ResNet18, SmallCNN, make_model


def test_linear_and_mlp_shapes():
    x = torch.randn(5, 2, 8)
    lin = make_model("linear", (2, 8), 7)
    assert lin(x).shape == (5, 7)
    assert sum(p.numel() for p in lin.parameters()) == 16 * 7 + 7
    mlp = make_model("mlp", (2, 8), 7, hidden=11)
    assert mlp(x).shape == (5, 7)
    assert sum(isinstance(m, nn.ReLU) for m in mlp.modules()) == 1
    assert sum(p.numel() for p in mlp.parameters()) == 16 * 11 + 11 + 11 * 7 + 7


def test_small_cnn_1d_and_2d():
    assert SmallCNN((3, 16, 16), 5, width=4)(torch.randn(2, 3, 16, 16)).shape == (2, 5)
    assert SmallCNN((1, 40), 6, width=4)(torch.randn(3, 1, 40)).shape == (3, 6)
    with pytest.raises(ValueError, match="input_shape"):
        SmallCNN((10,), 3)


def test_resnet18_cifar_variant():
    net = ResNet18((3, 32, 32), 10)
    # the CIFAR variant (3x3 stride-1 stem, no max-pool, 10 outputs) has 11,173,962 parameters, the count of
    # the widely used pytorch-cifar ResNet18 (kuangliu), an independent reference
    assert sum(p.numel() for p in net.parameters()) == 11_173_962
    assert not any(isinstance(m, nn.MaxPool2d) for m in net.modules())
    stem = net.stem[0]
    assert stem.kernel_size == (3, 3) and stem.stride == (1, 1)
    net.eval()
    with torch.no_grad():
        assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_unknown_model():
    with pytest.raises(ValueError, match="model must be one of"):
        make_model("vit", (3,), 2)


@pytest.mark.parametrize(
    "name, shape, kwargs, count",
    [
        ("linear", (40, 25), {}, 1000 * 300 + 300),  # W (d, D) and b
        ("linear", (1000,), {"bias": False}, 1000 * 300),
        ("mlp", (1000,), {"hidden": 50}, 1000 * 50 + 50 + 50 * 300 + 300),  # two layers with biases
    ],
)
def test_a_model_larger_than_memory_is_refused_before_any_allocation(name, shape, kwargs, count, monkeypatch):
    # a machine with 4 bytes less than the float32 weights need: refused, naming the exact count
    monkeypatch.setattr(models, "_physical_memory_bytes", lambda: 4 * count - 4)
    allocated = []
    real = models.MODELS[name]
    monkeypatch.setitem(
        models.MODELS, name, lambda *a, **k: allocated.append(torch.get_default_device()) or real(*a, **k)
    )
    with pytest.raises(MemoryError, match=f"{count:,} parameters"):
        models.make_model(name, shape, 300, **kwargs)
    assert all(dev.type == "meta" for dev in allocated), allocated  # only the meta count was built
    monkeypatch.setattr(models, "_physical_memory_bytes", lambda: 4 * count)  # exactly enough: built
    assert sum(p.numel() for p in models.make_model(name, shape, 300, **kwargs).parameters()) == count
