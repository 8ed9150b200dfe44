"""Named configurations: CPU-sized settings for every data set and ``*-paper`` ones at App. E.1 sizes."""

from __future__ import annotations

from train.config._run import RunConfig

__all__ = ["CONFIGS"]

_LAPLACE = RunConfig(
    name="laplace",
    data="laplace",
    data_params={"n_train": 5000, "n_test": 2000, "A": 0.6},
    model="linear",
    d=64,
    N=128,
    alpha=10.0,
    epochs=150,
    eval_every=10,
)
_GMM = RunConfig(
    name="gmm",
    data="gmm",
    data_params={"n_train": 5000, "n_test": 2000},
    model="linear",
    d=256,
    N=128,
    epochs=50,
    eval_every=10,
)
_BINARY = RunConfig(
    name="binary",
    data="binary",
    data_params={"n_train": 5000, "n_test": 2000, "sparsity": 0.01},
    model="linear",
    d=256,
    N=128,
    epochs=100,
    eval_every=10,
)
_DIGITS = RunConfig(
    name="digits",
    data="digits",
    data_params={},
    model="mlp",
    hidden=256,
    d=64,
    N=128,
    epochs=50,
    eval_every=10,
    n_eval=360,
)
_MNIST1D = RunConfig(
    name="mnist1d",
    data="mnist1d",
    data_params={},
    model="mlp",
    hidden=256,
    d=64,
    N=128,
    epochs=30,
    eval_every=10,
)
_CIFAR = RunConfig(
    name="cifar10",
    data="cifar10",
    data_params={"root": "data/cifar-10-batches-py", "n_train": 5000, "n_test": 2000},
    model="cnn",
    hidden=32,
    d=128,
    N=256,
    weight_decay=1e-4,
    epochs=5,
    eval_every=1,
)
_TEXT = RunConfig(name="text", data="text", data_params={}, model="mlp", hidden=256, d=64, N=128, epochs=20)

#: Named configurations: CPU-sized, and ``*-paper`` at the sizes of App. E.1 (unstated sizes marked in
#: the data sets' docstrings: GMM/Binary batch size and tau, the Binary sparsity).
CONFIGS: dict[str, RunConfig] = {
    "laplace": _LAPLACE,
    "laplace-paper": _LAPLACE.replace(
        name="laplace-paper", data_params={"n_train": 20000, "n_test": 5000, "A": 0.6}, n_eval=5000
    ),
    "gmm": _GMM,
    "gmm-paper": _GMM.replace(
        name="gmm-paper", data_params={"n_train": 8000, "n_test": 2000}, epochs=100, n_eval=2000
    ),
    "binary": _BINARY,
    "binary-paper": _BINARY.replace(
        name="binary-paper", data_params={"n_train": 8000, "n_test": 2000, "sparsity": 0.01}, n_eval=2000
    ),
    "digits": _DIGITS,
    "digits-paper": _DIGITS.replace(name="digits-paper", epochs=100),
    "mnist1d": _MNIST1D,
    "mnist1d-paper": _MNIST1D.replace(name="mnist1d-paper", epochs=100),
    "cifar10": _CIFAR,
    "cifar10-paper": _CIFAR.replace(
        name="cifar10-paper",
        model="resnet18",
        d=128,
        N=256,
        epochs=100,
        eval_every=10,
        n_eval=10000,
        data_params={"root": "data/cifar-10-batches-py"},
    ),
    "text": _TEXT,
    "text-paper": _TEXT.replace(name="text-paper", epochs=100),
}
