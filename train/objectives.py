"""Training objectives: InfoNCE (Eq. 2 and symmetric), the supervised twin, VICReg, Barlow Twins.

Every loss takes the *unnormalised* embeddings ``z1 = f(x)``, ``z2 = f(y)`` of the two views of a batch of
``N`` base samples (shape ``(N, d)``) and returns a scalar tensor.

- InfoNCE (Eq. 2 of the paper; one direction, the positive ``j = i`` inside the denominator, on the
  normalised embeddings :math:`u_i = z_{1,i}/\\lVert z_{1,i}\\rVert`,
  :math:`v_i = z_{2,i}/\\lVert z_{2,i}\\rVert`):

  .. math::
      L = -\\frac1N \\sum_{i=1}^N
      \\log \\frac{e^{\\alpha u_i\\cdot v_i}}{\\sum_{j=1}^N e^{\\alpha u_i\\cdot v_j}}.

- Symmetric InfoNCE (as in CLIP / SimCLR's two directions): the mean of Eq. 2 with the roles of u and v
  swapped.
- VICReg (Bardes, Ponce, LeCun, ICLR 2022), standard coefficients :math:`\\lambda = \\mu = 25`,
  :math:`\\nu = 1`, :math:`\\gamma = 1`, :math:`\\epsilon = 10^{-4}`.
- Barlow Twins (Zbontar, Jing, Misra, LeCun, Deny, ICML 2021), standard :math:`\\lambda = 5 \\cdot 10^{-3}`.

Both non-contrastive losses act here on the encoder output directly (no projector head), so that the
evaluated embedding is the one the loss shaped, as for InfoNCE.

Bad input is refused with a ``ValueError`` / ``TypeError`` naming the argument: ``z1`` and ``z2`` must be
floating tensors of one shape ``(N, d)`` on one device (``N >= 2`` for VICReg and Barlow Twins, whose
batch variances need two rows), ``alpha`` a finite real ``>= 0`` small enough that the logits stay finite
in the embeddings' dtype, the coefficients finite. A loss that comes out non-finite names the input that
made it so (NaN or inf entries, or rows whose norm overflows the dtype); it is never returned.
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F

__all__ = [
    "OBJECTIVES",
    "barlow_twins",
    "infonce",
    "infonce_symmetric",
    "supervised_ce",
    "vicreg",
]


def _check_pair(z1, z2, *, min_rows: int = 1) -> None:
    for name, z in (("z1", z1), ("z2", z2)):
        if not isinstance(z, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor of shape (N, d); got {type(z).__name__}")
        if not z.is_floating_point():
            raise TypeError(f"{name} must be a floating tensor of shape (N, d); got dtype {z.dtype}")
        if z.ndim != 2 or z.shape[1] < 1:
            raise ValueError(f"{name} must have shape (N, d) with d >= 1; got shape {tuple(z.shape)}")
    if z1.shape != z2.shape:
        raise ValueError(
            f"z1 and z2 must have the same shape (N, d), one row per positive pair; got {tuple(z1.shape)} "
            f"and {tuple(z2.shape)}"
        )
    if z1.device != z2.device:
        raise ValueError(f"z1 and z2 must be on one device; got {z1.device} and {z2.device}")
    if z1.shape[0] < min_rows:
        raise ValueError(
            f"z1 and z2 must have at least {min_rows} rows (the batch variances need them); got N = "
            f"{z1.shape[0]}"
        )


def _check_coeff(value, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be a finite real number {'>' if positive else '>='} 0; got {value!r}")
    return value


def _check_alpha(alpha, dtype: torch.dtype) -> float:
    alpha = _check_coeff(alpha, "alpha")
    limit = torch.finfo(dtype).max / 4  # |logits| <= alpha and the loss <= 2 alpha + log N stay finite
    if alpha > limit:
        raise ValueError(
            f"alpha must be <= {limit:.3g} for {dtype} embeddings (finite logits); got {alpha!r}"
        )
    return alpha


def _unit_rows(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``z / max(||z||, 1e-12)`` row by row (as ``F.normalize``) and the row norms."""
    norms = z.norm(dim=1, keepdim=True)
    return z / norms.clamp_min(1e-12).expand_as(z), norms


def _finite(loss: torch.Tensor, what: str, **inputs: torch.Tensor) -> torch.Tensor:
    """``loss`` if it and every input (a tensor, or the row norms of ``<name>`` as ``<name>_norms``) are
    finite, else a ``ValueError`` naming the culprit. One synchronisation, however many inputs."""
    checks = [torch.isfinite(loss).reshape(1)] + [torch.isfinite(v).all().reshape(1) for v in inputs.values()]
    if bool(torch.cat(checks).all()):
        return loss
    for name, v in inputs.items():
        if not bool(torch.isfinite(v).all()):
            arg = name.removesuffix("_norms")
            if arg != name:
                raise ValueError(
                    f"{arg} has rows whose norm is not finite in {v.dtype} (NaN or inf entries, or entries "
                    f"too large to square); {what} is not defined"
                )
            raise ValueError(f"{name} holds NaN or inf values; {what} is not defined")
    raise ValueError(f"{what} is not finite for these inputs (value {float(loss)!r})")


def infonce(z1: torch.Tensor, z2: torch.Tensor, alpha: float) -> torch.Tensor:
    """InfoNCE of Eq. 2 (one direction, positive inside the denominator) on normalised embeddings.

    .. math::
        L = -\\frac1N \\sum_i \\log \\frac{e^{\\alpha u_i\\cdot v_i}}{\\sum_j e^{\\alpha u_i\\cdot v_j}}
          = \\frac1N \\sum_i \\Big( \\operatorname{logsumexp}_j (\\alpha u_i\\cdot v_j)
            - \\alpha u_i\\cdot v_i \\Big).

    Parameters
    ----------
    z1, z2 : torch.Tensor, shape (N, d)
        Unnormalised embeddings of the two views (normalised here).
    alpha : float
        Inverse temperature ``1/tau``.

    Returns
    -------
    torch.Tensor, shape ()
    """
    _check_pair(z1, z2)
    alpha = _check_alpha(alpha, z1.dtype)
    (u, n1), (v, n2) = _unit_rows(z1), _unit_rows(z2)
    logits = alpha * u @ v.T
    # logsumexp minus the diagonal, not F.cross_entropy(logits, arange(N)): the same number but other
    # roundings, which Adam amplifies (its first steps move a near-zero gradient entry by up to lr), so the
    # trained metrics of the published runs moved by up to 2e-2 (MNIST-1D's DP mean) under cross-entropy;
    # this arithmetic trains them bit for bit
    loss = (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()
    return _finite(loss, "the InfoNCE loss", z1_norms=n1, z2_norms=n2)


def infonce_symmetric(z1: torch.Tensor, z2: torch.Tensor, alpha: float) -> torch.Tensor:
    """Symmetric InfoNCE: :math:`\\tfrac12\\,(L(u, v) + L(v, u))` with :math:`L` of :func:`infonce`."""
    return 0.5 * (infonce(z1, z2, alpha) + infonce(z2, z1, alpha))


def _off_diagonal(m: torch.Tensor) -> torch.Tensor:
    n = m.shape[0]
    return m.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


def vicreg(
    z1: torch.Tensor,
    z2: torch.Tensor,
    *,
    sim_coeff: float = 25.0,
    std_coeff: float = 25.0,
    cov_coeff: float = 1.0,
    gamma: float = 1.0,
    eps: float = 1e-4,
) -> torch.Tensor:
    """VICReg loss (Bardes et al. 2022, Eq. 6 with their standard coefficients).

    .. math::
        \\lambda\\,\\frac{1}{Nd}\\lVert Z_1 - Z_2\\rVert_F^2
        + \\mu\\,[v(Z_1) + v(Z_2)] + \\nu\\,[c(Z_1) + c(Z_2)], \\quad
        v(Z) = \\frac1d\\sum_k \\max\\big(0, \\gamma
               - \\sqrt{\\operatorname{Var} Z_{\\cdot k} + \\epsilon}\\big), \\quad
        c(Z) = \\frac1d \\sum_{k \\ne l} C(Z)_{kl}^2,

    with the unbiased batch variance and covariance :math:`C(Z)` (divisor ``N - 1``).
    """
    _check_pair(z1, z2, min_rows=2)
    sim_coeff, std_coeff, cov_coeff, gamma = (
        _check_coeff(v, n)
        for v, n in (
            (sim_coeff, "sim_coeff"),
            (std_coeff, "std_coeff"),
            (cov_coeff, "cov_coeff"),
            (gamma, "gamma"),
        )
    )
    eps = _check_coeff(eps, "eps", positive=True)
    n, d = z1.shape
    repr_loss = F.mse_loss(z1, z2)
    a = z1 - z1.mean(dim=0)
    b = z2 - z2.mean(dim=0)
    std_a = torch.sqrt(a.var(dim=0) + eps)
    std_b = torch.sqrt(b.var(dim=0) + eps)
    std_loss = F.relu(gamma - std_a).mean() + F.relu(gamma - std_b).mean()
    cov_a = (a.T @ a) / (n - 1)
    cov_b = (b.T @ b) / (n - 1)
    cov_loss = _off_diagonal(cov_a).pow(2).sum() / d + _off_diagonal(cov_b).pow(2).sum() / d
    loss = sim_coeff * repr_loss + std_coeff * std_loss + cov_coeff * cov_loss
    return _finite(loss, "the VICReg loss", z1=z1, z2=z2)


def barlow_twins(
    z1: torch.Tensor, z2: torch.Tensor, *, lambd: float = 5e-3, eps: float = 1e-12
) -> torch.Tensor:
    """Barlow Twins loss (Zbontar et al. 2021, Eq. 1).

    .. math::
        \\sum_k (1 - C_{kk})^2 + \\lambda \\sum_{k \\ne l} C_{kl}^2, \\qquad
        C = \\frac1N \\tilde Z_1^\\top \\tilde Z_2,

    where :math:`\\tilde Z` is :math:`Z` standardised per coordinate over the batch (biased std, as in the
    reference implementation's BatchNorm without affine parameters).
    """
    _check_pair(z1, z2, min_rows=2)
    lambd = _check_coeff(lambd, "lambd")
    eps = _check_coeff(eps, "eps", positive=True)
    n = z1.shape[0]
    a = (z1 - z1.mean(0)) / torch.sqrt(z1.var(0, unbiased=False) + eps)
    b = (z2 - z2.mean(0)) / torch.sqrt(z2.var(0, unbiased=False) + eps)
    c = a.T @ b / n
    on_diag = (torch.diagonal(c) - 1).pow(2).sum()
    off_diag = _off_diagonal(c).pow(2).sum()
    return _finite(on_diag + lambd * off_diag, "the Barlow Twins loss", z1=z1, z2=z2)


def supervised_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of a linear head on the encoder output (the supervised twin).

    .. math:: L = -\\frac1N \\sum_i \\log \\operatorname{softmax}(W z_i + b)_{y_i}.

    Parameters
    ----------
    logits : torch.Tensor, shape (N, C), floating
    labels : torch.Tensor, shape (N,), integer classes in ``[0, C)``
    """
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point() or logits.ndim != 2:
        raise TypeError(f"logits must be a floating torch.Tensor of shape (N, C); got {_describe(logits)}")
    if (
        not isinstance(labels, torch.Tensor)
        or labels.dtype not in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)
        or labels.shape != logits.shape[:1]
    ):
        raise TypeError(
            f"labels must be an integer torch.Tensor of shape ({logits.shape[0]},); got {_describe(labels)}"
        )
    if logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError(f"logits must have N >= 1 rows and C >= 1 classes; got shape {tuple(logits.shape)}")
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= logits.shape[1]):
        raise ValueError(
            f"labels must lie in [0, {logits.shape[1]}) (C = {logits.shape[1]} classes); got values in "
            f"[{int(labels.min())}, {int(labels.max())}]"
        )
    return _finite(F.cross_entropy(logits, labels.long()), "the cross-entropy", logits=logits)


def _describe(x) -> str:
    if isinstance(x, torch.Tensor):
        return f"a {x.dtype} tensor of shape {tuple(x.shape)}"
    return type(x).__name__


#: Names accepted by ``RunConfig.objective``.
OBJECTIVES = ("infonce", "infonce_sym", "supervised", "vicreg", "barlow")
