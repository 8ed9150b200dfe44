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
"""

from __future__ import annotations

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
    u, v = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    logits = alpha * u @ v.T
    return (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()


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
    return sim_coeff * repr_loss + std_coeff * std_loss + cov_coeff * cov_loss


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
    n = z1.shape[0]
    a = (z1 - z1.mean(0)) / torch.sqrt(z1.var(0, unbiased=False) + eps)
    b = (z2 - z2.mean(0)) / torch.sqrt(z2.var(0, unbiased=False) + eps)
    c = a.T @ b / n
    on_diag = (torch.diagonal(c) - 1).pow(2).sum()
    off_diag = _off_diagonal(c).pow(2).sum()
    return on_diag + lambd * off_diag


def supervised_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of a linear head on the encoder output (the supervised twin).

    .. math:: L = -\\frac1N \\sum_i \\log \\operatorname{softmax}(W z_i + b)_{y_i}.
    """
    return F.cross_entropy(logits, labels)


#: Names accepted by ``RunConfig.objective``.
OBJECTIVES = ("infonce", "infonce_sym", "supervised", "vicreg", "barlow")
