"""Encoders f: X -> R^d: linear, two-layer MLP (one ReLU), a small CNN, ResNet-18 (CIFAR variant).

All return the *unnormalised* embedding :math:`z = f(x)` of shape ``(n, d)``; objectives normalise where
their definition does (:math:`u = z / \\lVert z \\rVert`, Eq. 2). Written here (no torchvision, which does
not import beside the CPU torch wheel). ResNet-18 follows He et al. (2016) with the CIFAR stem used by
SimCLR's CIFAR experiments (3x3 convolution, stride 1, no max-pool).
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["MODELS", "ResNet18", "SmallCNN", "make_model"]


class _Flatten(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], -1)


def linear(
    input_shape: tuple[int, ...], d: int, *, bias: bool = True, init: str = "default", **_
) -> nn.Module:
    """:math:`f(x) = W \\operatorname{vec}(x) + b`, ``W`` of shape ``(d, D)``, ``D = prod(input_shape)``.

    ``init = "default"``: PyTorch's (every entry of ``W`` and ``b`` uniform on
    :math:`[-1/\\sqrt D, 1/\\sqrt D]`); ``"gaussian"``: every entry :math:`N(0, 1/(3D))`, the same
    variance with a Gaussian shape (drawn after the default, from the same torch generator state).
    """
    D = math.prod(input_shape)
    layer = nn.Linear(D, d, bias=bias)
    if init == "gaussian":
        sd = 1.0 / math.sqrt(3.0 * D)
        with torch.no_grad():
            layer.weight.normal_(0.0, sd)
            if layer.bias is not None:
                layer.bias.normal_(0.0, sd)
    elif init != "default":
        raise ValueError(f"init must be 'default' or 'gaussian'; got {init!r}")
    return nn.Sequential(_Flatten(), layer)


def mlp(input_shape: tuple[int, ...], d: int, *, hidden: int = 512, **_) -> nn.Module:
    """Two-layer MLP with one ReLU.

    .. math:: f(x) = W_2\\,\\mathrm{ReLU}(W_1 \\operatorname{vec}(x) + b_1) + b_2
    """
    return nn.Sequential(
        _Flatten(), nn.Linear(math.prod(input_shape), hidden), nn.ReLU(), nn.Linear(hidden, d)
    )


class SmallCNN(nn.Module):
    """Three conv-BN-ReLU blocks (32, 64, 128 channels; stride 2 after the first), global average pool,
    linear to ``d``. 2-D for inputs ``(C, H, W)``, 1-D for ``(C, L)`` (e.g. MNIST-1D)."""

    def __init__(self, input_shape: tuple[int, ...], d: int, *, width: int = 32, **_):
        super().__init__()
        if len(input_shape) == 3:
            conv, bn, pool = nn.Conv2d, nn.BatchNorm2d, nn.AdaptiveAvgPool2d
        elif len(input_shape) == 2:
            conv, bn, pool = nn.Conv1d, nn.BatchNorm1d, nn.AdaptiveAvgPool1d
        else:
            raise ValueError(f"SmallCNN needs input_shape (C, H, W) or (C, L); got {input_shape}")
        c = input_shape[0]
        w = int(width)
        layers: list[nn.Module] = []
        for i, out in enumerate((w, 2 * w, 4 * w)):
            layers += [conv(c, out, 3, stride=1 if i == 0 else 2, padding=1, bias=False), bn(out), nn.ReLU()]
            c = out
        self.features = nn.Sequential(*layers, pool(1), _Flatten())
        self.fc = nn.Linear(c, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embeddings, shape (n, d)."""
        return self.fc(self.features(x))


class _BasicBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Sequential()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    """ResNet-18, CIFAR variant: 3x3 stem (stride 1, no max-pool), stages of 2 basic blocks with 64,
    128, 256, 512 channels, global average pool, linear 512 -> ``d``."""

    def __init__(self, input_shape: tuple[int, ...], d: int, **_):
        super().__init__()
        if len(input_shape) != 3:
            raise ValueError(f"ResNet18 needs input_shape (C, H, W); got {input_shape}")
        self.stem = nn.Sequential(
            nn.Conv2d(input_shape[0], 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()
        )
        blocks, c = [], 64
        for i, out in enumerate((64, 128, 256, 512)):
            for j in range(2):
                blocks.append(_BasicBlock(c, out, 2 if (i > 0 and j == 0) else 1))
                c = out
        self.layers = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embeddings, shape (n, d)."""
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


MODELS = {"linear": linear, "mlp": mlp, "cnn": SmallCNN, "resnet18": ResNet18}


def make_model(name: str, input_shape: tuple[int, ...], d: int, **kwargs) -> nn.Module:
    """Build the encoder ``name`` (one of :data:`MODELS`) mapping ``input_shape`` to ``R^d``.

    Parameters
    ----------
    name : str
        ``"linear"``, ``"mlp"``, ``"cnn"`` or ``"resnet18"``.
    input_shape : tuple of int
        Shape of one input sample.
    d : int
        Embedding dimension.
    **kwargs
        ``hidden`` (MLP width), ``width`` (CNN), ``bias`` and ``init`` (linear); others are refused.

    Raises
    ------
    ValueError, TypeError
        An unknown model or keyword, a shape or ``d`` that is not positive integers.
    """
    from theory._validation import check_int

    if not isinstance(name, str) or name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}; got {name!r}")
    if isinstance(input_shape, str | bytes) or not hasattr(input_shape, "__iter__"):
        raise TypeError(f"input_shape must be a tuple of positive integers; got {type(input_shape).__name__}")
    shape = tuple(check_int(s, "input_shape entries", low=1) for s in input_shape)
    if not shape:
        raise ValueError("input_shape must have at least one dimension; got ()")
    d = check_int(d, "d", low=1)
    known = _KWARGS[name]
    unknown = sorted(set(kwargs) - set(known))
    if unknown:
        raise ValueError(f"model {name!r} takes no {', '.join(unknown)}; known: {', '.join(known) or 'none'}")
    for key in ("hidden", "width"):
        if key in kwargs:
            kwargs[key] = check_int(kwargs[key], key, low=1)
    if "bias" in kwargs and not isinstance(kwargs["bias"], bool):
        raise TypeError(f"bias must be True or False; got {kwargs['bias']!r}")
    # count the parameters on the meta device (nothing allocated, no random draws) before building
    with torch.device("meta"):
        n_params = sum(p.numel() for p in MODELS[name](shape, d, **kwargs).parameters())
    _check_fits_in_memory(n_params, name)
    return MODELS[name](shape, d, **kwargs)


def _physical_memory_bytes() -> int | None:
    import os

    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _check_fits_in_memory(n_params: int, name: str) -> None:
    """Refuse, before any allocation, a model whose float32 weights alone exceed this machine's memory.

    Where the operating system over-commits, such an allocation can succeed and the process is killed
    when the weights are first written; the check turns that into a :class:`MemoryError` naming the size.
    """
    need = 4 * n_params
    have = _physical_memory_bytes()
    if have is not None and need > have:
        raise MemoryError(
            f"out of memory: model {name!r} has {n_params:,} parameters "
            f"({need / 2**30:,.1f} GiB in float32), more than this machine's {have / 2**30:,.1f} GiB "
            "(reduce d, hidden or width)"
        )


_KWARGS = {"linear": ("bias", "init"), "mlp": ("hidden",), "cnn": ("width",), "resnet18": ()}
