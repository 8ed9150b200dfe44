"""The data contract of :mod:`train`: a base sample set with its view channel.

Every data set the training loop consumes is a :class:`PairData`: held-out and training base samples
:math:`X_0`, optional class labels, and a *view channel* ``views(x0, generator) -> (x, y)`` that draws two
conditionally independent views of each base sample (the positive pairs of InfoNCE, Eq. 2 of the paper).
``eta2`` is the channel's squared Hirschfeld-Gebelein-Renyi maximal correlation where it is known
(:mod:`theory.hgr`); Proposition 1 bounds the alignment by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

__all__ = ["PairData", "ViewFn"]

ViewFn = Callable[[torch.Tensor, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class PairData:
    """A data set with its view channel.

    Attributes
    ----------
    name : str
        Registry name of the data set (``"laplace"``, ``"gmm"``, ``"binary"``, ``"digits"``, ...).
    x_train : torch.Tensor, shape (n_train, *input_shape)
        Base samples :math:`X_0` for training, float32.
    x_test : torch.Tensor, shape (n_test, *input_shape)
        Held-out base samples, float32.
    y_train : torch.Tensor or None, shape (n_train,)
        Integer class labels where they exist, else ``None``.
    y_test : torch.Tensor or None, shape (n_test,)
        Integer class labels of the held-out set, else ``None``.
    views : callable
        ``views(x0, generator) -> (x, y)``: two conditionally independent views of the batch ``x0``
        (same shape as ``x0``), drawn with the given ``torch.Generator`` only (so a run is reproducible
        and resumable from the generator's state).
    eta2 : float or None
        The channel's squared HGR maximal correlation :math:`\\eta^2` if known (``theory.hgr``), else
        ``None``.
    eta2_note : str
        How ``eta2`` was obtained (exact / bracket / ACE estimate / unknown).
    input_shape : tuple of int
        Shape of one sample (``(1024,)`` for the synthetic sets, ``(C, H, W)`` for images).
    meta : dict
        Generator parameters (seed, sizes, A, sparsity, ...), JSON-able.
    """

    name: str
    x_train: torch.Tensor
    x_test: torch.Tensor
    y_train: torch.Tensor | None
    y_test: torch.Tensor | None
    views: ViewFn
    eta2: float | None
    eta2_note: str
    input_shape: tuple[int, ...]
    meta: dict = field(default_factory=dict)

    @property
    def n_train(self) -> int:
        """Number of training base samples."""
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        """Number of held-out base samples."""
        return int(self.x_test.shape[0])

    @property
    def n_classes(self) -> int | None:
        """Number of classes (``max label + 1``) or ``None`` without labels."""
        if self.y_train is None:
            return None
        return int(max(int(self.y_train.max()), int(self.y_test.max()) if self.y_test is not None else 0)) + 1
