"""Real images that need no download: scikit-learn's 8x8 digits, MNIST-1D (generated), CIFAR-10 (local).

Each loader returns a :class:`~train.data.base.PairData` whose view channel comes from
:mod:`train.views`:

- :func:`load_digits`: the 1797 8x8 grey digits shipped inside scikit-learn's wheel (UCI optical
  digits), scaled to [0, 1], shape ``(n, 1, 8, 8)``; views :data:`train.views.DIGITS` (crops of 60-100%
  of the area, no flip, no colour);
- :func:`load_mnist1d`: MNIST-1D (Greydanus 2020) generated offline by the ``mnist1d`` package's own
  generator ``mnist1d.data.make_dataset`` with its default arguments (seed 42, 4000 train / 1000 test,
  length 40); its ``get_dataset`` is never called (it downloads by default). Shape ``(n, 1, 40)``, the
  package's standardisation (mean 0, sd 1, not [0, 1]); views :data:`train.views.MNIST1D`;
- :func:`load_cifar10`: CIFAR-10 from a local directory in the standard python-pickle batch format
  (``data_batch_1`` ... ``data_batch_5``, ``test_batch``, ``batches.meta``), shape ``(n, 3, 32, 32)`` in
  [0, 1]; views :data:`train.views.SIMCLR` (the paper's).

**eta2 of image views.** The paper never estimates :math:`\\eta^2 = \\rho_m(X, X_0)^2` for a real
augmentation, and it cannot be computed exactly here: it is a supremum over *all* functions of an
image. :func:`estimate_view_eta2` estimates, by ACE (:func:`theory.hgr.hgr_ace`, cross-fitted, with a
bootstrap interval), the squared maximal correlation between low-dimensional summaries ``s(X)`` and
``s(X_0)`` (the top principal components of the base images). By the data-processing inequality of
maximal correlation this is a **lower bound** on :math:`\\eta^2` (up to estimation error), so the
Proposition 1 bound computed with it is *smaller* than the true bound: an alignment above it is not a
violation. Moreover, with the finite training set as the base law, :math:`\\eta^2 = 1` as soon as a
view determines its source image (take :math:`g = h \\circ` decoder), which random crops of 20-100% of
a natural image typically do; the bound is then vacuous. Hence ``PairData.eta2`` is ``None`` for image
views, with this explanation in ``eta2_note``, and the ACE lower bound is stored in
``meta["eta2_ace"]`` when asked for (``estimate_eta2=True``).
"""

from __future__ import annotations

import pickle
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from theory._io import ResultMixin
from theory._validation import check_int, make_rng
from train.data.base import PairData
from train.views import DIGITS, MNIST1D, SIMCLR, ImageViews, SignalViews

__all__ = [
    "CIFAR10_FILES",
    "ViewEta2",
    "estimate_view_eta2",
    "load_cifar10",
    "load_digits",
    "load_mnist1d",
]

#: The files :func:`load_cifar10` expects (the python version of CIFAR-10, ``cifar-10-python.tar.gz``).
CIFAR10_FILES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch", "batches.meta")

_ETA2_NOTE = (
    "unknown for image views: eta2 = rho_m(X, X0)^2 is a sup over all functions of an image; with the "
    "finite training set as base law it equals 1 whenever a view identifies its source (Prop. 1 then "
    "says nothing). meta['eta2_ace'] (when estimated) holds an ACE estimate of rho_m(s(X), s(X0))^2 for "
    "PCA summaries s, a LOWER bound on eta2 up to its bootstrap interval: a Prop. 1 bound built on it "
    "is smaller than the true bound; meta['eta2_ace']['identification_rate'] is how often a nearest-"
    "neighbour decoder names a view's source image"
)


@dataclass(frozen=True)
class ViewEta2(ResultMixin):
    """An ACE estimate of the squared maximal correlation between summaries of a view and its base.

    Attributes
    ----------
    eta2_low : float
        :math:`\\hat\\rho_m(s(X), s(X_0))^2`, cross-fitted ACE; a lower bound on
        :math:`\\eta^2 = \\rho_m(X, X_0)^2` up to estimation error (data processing).
    ci_low, ci_high : float or None
        Bootstrap interval of ``eta2_low`` (the squared ends of ACE's interval for rho).
    rho : float
        The estimated maximal correlation (not squared).
    se : float or None
        Bootstrap standard error of ``rho``.
    n_pairs : int
        Number of (view, base) pairs.
    n_components : int
        Principal components in the summary ``s`` (fitted on the base images).
    explained_variance : float
        Fraction of the base images' variance the summary keeps.
    identification_rate : float
        Fraction of the views whose nearest base image (Euclidean, pixel space, among all ``n`` base
        samples) is their own source; chance is ``1 / n``. A view that identifies its source makes
        :math:`\\eta^2 = 1` for the empirical base law; this crude decoder is a lower bound on how often
        that happens.
    n_base : int
        Number of base samples the decoder chooses among.
    what : str
        What was estimated, in words.
    """

    eta2_low: float
    ci_low: float | None
    ci_high: float | None
    rho: float
    se: float | None
    n_pairs: int
    n_components: int
    explained_variance: float
    identification_rate: float
    n_base: int
    what: str


def estimate_view_eta2(
    x0: torch.Tensor,
    views,
    *,
    n_pairs: int = 1500,
    n_components: int = 2,
    n_boot: int = 20,
    seed: int = 0,
) -> ViewEta2:
    """Lower estimate of :math:`\\eta^2` for a view channel: ACE between PCA summaries of view and base.

    .. math::
        \\hat\\eta^2_{\\rm low} = \\hat\\rho_m\\big(P X, P X_0\\big)^2 \\le \\rho_m(X, X_0)^2 = \\eta^2,

    :math:`P` the projection on the top ``n_components`` principal directions of the base images,
    :math:`\\hat\\rho_m` :func:`theory.hgr.hgr_ace` (additive transforms, cross-fitted, bootstrap
    interval). The inequality is the data-processing property of maximal correlation (functions of
    ``PX`` are functions of ``X``); additive transforms restrict the supremum further.

    Parameters
    ----------
    x0 : Tensor, shape (n, *input_shape)
        Base samples (the pairs use a random subset of ``n_pairs`` of them, one view each).
    views : callable
        ``views(x0, generator) -> (x, y)``; the first view is used.
    n_pairs : int
        Pairs used (``>= 40``).
    n_components : int
        Summary dimension (1 to 5).
    n_boot : int
        Bootstrap refits of ACE.
    seed : int

    Returns
    -------
    ViewEta2
    """
    from theory.hgr import hgr_ace

    n_pairs = check_int(n_pairs, "n_pairs", low=40)
    n_components = check_int(n_components, "n_components", low=1, high=5)
    n_boot = check_int(n_boot, "n_boot", low=0)
    seed = check_int(seed, "seed", low=0)
    n = int(x0.shape[0])
    rng = make_rng(seed)
    idx = rng.choice(n, size=min(n_pairs, n), replace=False)
    base = x0[torch.as_tensor(idx)]
    gen = torch.Generator().manual_seed(seed)
    view, _ = views(base, gen)
    B = x0.reshape(n, -1).to(torch.float64).numpy()
    mean = B.mean(axis=0)
    _, svals, vt = np.linalg.svd(B - mean, full_matrices=False)
    P = vt[:n_components].T
    explained = float((svals[:n_components] ** 2).sum() / (svals**2).sum())
    s_view = (view.reshape(len(idx), -1).to(torch.float64).numpy() - mean) @ P
    s_base = (base.reshape(len(idx), -1).to(torch.float64).numpy() - mean) @ P
    res = hgr_ace(s_view, s_base, seed=rng, n_boot=n_boot)
    flat_base = x0.reshape(n, -1).to(torch.float64)
    nearest = torch.cdist(view.reshape(len(idx), -1).to(torch.float64), flat_base).argmin(dim=1)
    ident = float((nearest == torch.as_tensor(idx)).double().mean())
    return ViewEta2(
        eta2_low=float(res.rho**2),
        ci_low=float(res.ci_low**2) if res.has_interval else None,
        ci_high=float(res.ci_high**2) if res.has_interval else None,
        rho=float(res.rho),
        se=float(res.se) if res.se is not None else None,
        n_pairs=len(idx),
        n_components=n_components,
        explained_variance=explained,
        identification_rate=ident,
        n_base=n,
        what=(
            f"ACE estimate of rho_m(s(X), s(X0))^2 with s the top {n_components} principal components of "
            "the base images: a lower bound on eta2 = rho_m(X, X0)^2 (data processing), up to its "
            "bootstrap interval"
        ),
    )


def _split(n: int, n_test: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def _subset(x: torch.Tensor, y: torch.Tensor, n: int | None, name: str, seed: int):
    if n is None or n >= x.shape[0]:
        if n is not None and n > x.shape[0]:
            raise ValueError(f"{name} must be <= {x.shape[0]} (the data set's size); got {n}")
        return x, y
    check_int(n, name, low=1)
    idx = np.sort(np.random.default_rng(seed).choice(x.shape[0], size=n, replace=False))
    t = torch.as_tensor(idx)
    return x[t], y[t]


def _finish(name, x_tr, x_te, y_tr, y_te, views, estimate_eta2, seed, meta) -> PairData:
    if estimate_eta2:
        meta["eta2_ace"] = estimate_view_eta2(x_tr, views, seed=seed).to_dict()
    return PairData(
        name=name,
        x_train=x_tr.contiguous(),
        x_test=x_te.contiguous(),
        y_train=y_tr,
        y_test=y_te,
        views=views,
        eta2=None,
        eta2_note=_ETA2_NOTE,
        input_shape=tuple(int(s) for s in x_tr.shape[1:]),
        meta=meta,
    )


def load_digits(*, n_test: int = 447, seed: int = 0, estimate_eta2: bool = False, **_ignored) -> PairData:
    """scikit-learn's 8x8 digits (shipped in its wheel), with small-crop views.

    Parameters
    ----------
    n_test : int
        Held-out images (a seeded random split of the 1797; default 447, one quarter).
    seed : int
        Split seed (and the eta2 estimate's).
    estimate_eta2 : bool
        Store :func:`estimate_view_eta2` in ``meta["eta2_ace"]`` (a few seconds).

    Returns
    -------
    PairData
        ``x`` of shape ``(n, 1, 8, 8)`` in [0, 1] (pixel / 16), labels 0-9.
    """
    from sklearn.datasets import load_digits as sk_digits

    seed = check_int(seed, "seed", low=0)
    d = sk_digits()
    x = torch.as_tensor(d.images / 16.0, dtype=torch.float32).unsqueeze(1)
    y = torch.as_tensor(d.target, dtype=torch.int64)
    n_test = check_int(n_test, "n_test", low=1, high=x.shape[0] - 1)
    tr, te = _split(x.shape[0], n_test, seed)
    meta = {
        "source": "sklearn.datasets.load_digits",
        "n_total": int(x.shape[0]),
        "seed": seed,
        "views": asdict(DIGITS) | {"kind": "image"},
    }
    return _finish("digits", x[tr], x[te], y[tr], y[te], ImageViews(DIGITS), estimate_eta2, seed, meta)


def load_mnist1d(
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    estimate_eta2: bool = False,
    **_ignored,
) -> PairData:
    """MNIST-1D generated offline by ``mnist1d.data.make_dataset`` with its default arguments.

    The package's generator seeds NumPy's and Python's *global* random state (``set_seed(42)``); both
    are saved and restored around the call. Nothing is downloaded (``get_dataset`` is not used).

    Parameters
    ----------
    n_train, n_test : int, optional
        Random subsets (seeded) of the 4000 training / 1000 test signals.
    seed : int
        Subset seed (the data themselves always use the package's seed 42).
    estimate_eta2 : bool
        Store :func:`estimate_view_eta2` in ``meta["eta2_ace"]``.

    Returns
    -------
    PairData
        ``x`` of shape ``(n, 1, 40)``, standardised by the package (mean 0, sd 1), labels 0-9.
    """
    from mnist1d.data import get_dataset_args, make_dataset

    seed = check_int(seed, "seed", low=0)
    args = get_dataset_args()
    np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002 (restored below)
    try:
        data = make_dataset(args)
    finally:
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)
    x_tr = torch.as_tensor(data["x"], dtype=torch.float32).unsqueeze(1)
    x_te = torch.as_tensor(data["x_test"], dtype=torch.float32).unsqueeze(1)
    y_tr = torch.as_tensor(data["y"], dtype=torch.int64)
    y_te = torch.as_tensor(data["y_test"], dtype=torch.int64)
    x_tr, y_tr = _subset(x_tr, y_tr, n_train, "n_train", seed)
    x_te, y_te = _subset(x_te, y_te, n_test, "n_test", seed + 1)
    gen_args = {k: v for k, v in args.__dict__.items() if k != "url"}
    meta = {
        "source": "mnist1d.data.make_dataset (default args, generated offline)",
        "generator_args": gen_args,
        "seed": seed,
        "views": asdict(MNIST1D) | {"kind": "signal"},
    }
    return _finish("mnist1d", x_tr, x_te, y_tr, y_te, SignalViews(MNIST1D), estimate_eta2, seed, meta)


def _find_cifar_dir(root: Path) -> Path:
    for cand in (root, root / "cifar-10-batches-py"):
        if all((cand / f).is_file() for f in CIFAR10_FILES):
            return cand
    missing = [f for f in CIFAR10_FILES if not (root / f).is_file()]
    raise FileNotFoundError(
        f"CIFAR-10 not found under {root}: expected the python-pickle batches {', '.join(CIFAR10_FILES)} "
        f"in that directory or in {root / 'cifar-10-batches-py'} (missing in {root}: {', '.join(missing)}). "
        "Unpack cifar-10-python.tar.gz there; nothing is downloaded."
    )


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with open(path, "rb") as fh:
        d = pickle.load(fh, encoding="bytes")  # the standard CIFAR-10 format is a pickle
    try:
        data = np.asarray(d[b"data"], dtype=np.uint8)
        labels = np.asarray(d[b"labels"], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(f"{path.name} is not a CIFAR-10 batch (no {exc.args[0]!r} entry)") from None
    if data.ndim != 2 or data.shape[1] != 3072 or data.shape[0] != labels.shape[0]:
        raise ValueError(f"{path.name}: expected data of shape (n, 3072) and n labels; got {data.shape}")
    return data, labels


def load_cifar10(
    root,
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    estimate_eta2: bool = False,
    **_ignored,
) -> PairData:
    """CIFAR-10 from a local copy in the standard python-pickle batch format, with the paper's views.

    Parameters
    ----------
    root : str or PathLike
        Directory holding ``data_batch_1`` ... ``data_batch_5``, ``test_batch``, ``batches.meta`` (or
        its subdirectory ``cifar-10-batches-py``). The files are unpickled: use a trusted copy.
    n_train, n_test : int, optional
        Random subsets (seeded) of the training / test images.
    seed : int
    estimate_eta2 : bool
        Store :func:`estimate_view_eta2` in ``meta["eta2_ace"]``.

    Returns
    -------
    PairData
        ``x`` of shape ``(n, 3, 32, 32)`` in [0, 1], labels 0-9, ``meta["label_names"]``.
    """
    if root is None:
        raise ValueError("load_cifar10 needs root=<directory with the CIFAR-10 python batches>")
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(
            f"CIFAR-10 root {root} is not a directory; expected files {', '.join(CIFAR10_FILES)}"
        )
    seed = check_int(seed, "seed", low=0)
    folder = _find_cifar_dir(root)
    parts = [_read_batch(folder / f"data_batch_{i}") for i in range(1, 6)]
    xtr = np.concatenate([p[0] for p in parts])
    ytr = np.concatenate([p[1] for p in parts])
    xte, yte = _read_batch(folder / "test_batch")
    with open(folder / "batches.meta", "rb") as fh:
        meta_raw = pickle.load(fh, encoding="bytes")
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in meta_raw.get(b"label_names", [])]

    def to_tensor(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a.reshape(-1, 3, 32, 32), dtype=torch.float32) / 255.0

    x_tr, y_tr = _subset(to_tensor(xtr), torch.as_tensor(ytr), n_train, "n_train", seed)
    x_te, y_te = _subset(to_tensor(xte), torch.as_tensor(yte), n_test, "n_test", seed + 1)
    meta = {
        "source": str(folder),
        "label_names": names,
        "seed": seed,
        "views": asdict(SIMCLR) | {"kind": "image"},
    }
    return _finish("cifar10", x_tr, x_te, y_tr, y_te, ImageViews(SIMCLR), estimate_eta2, seed, meta)
