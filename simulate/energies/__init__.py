"""Energies of particle measures on the sphere, each a plain function of a ``(N, d)`` tensor.

The central one is the uniformity potential of the (weighted) empirical measure
:math:`\\mu = \\sum_i w_i \\delta_{u_i}` (Sec. 2 of the paper; T1, Lemma 2), self-pairs included,

.. math::
    \\Phi(\\mu) = \\sum_i w_i L_i, \\qquad L_i = \\log \\sum_j w_j e^{\\alpha u_i^\\top u_j},

computed without the :math:`N \\times N` matrix (:func:`phi_and_grad`, :func:`phi`). With
:math:`P_{ij} = w_j e^{\\alpha u_i^\\top u_j - L_i}` (row-stochastic) and :math:`Q = \\mathrm{diag}(w) P`,
its Euclidean gradient with respect to the points is

.. math::
    \\nabla_{u_k} \\Phi = \\alpha \\Big( w_k \\sum_j P_{kj} u_j + \\sum_i w_i P_{ik} u_i \\Big)
    = \\alpha \\big[(Q + Q^\\top) U\\big]_k ,

(the query and key halves of an attention layer; :math:`\\frac{\\alpha}{N}(PU + P^\\top U)` for equal
weights). The others (:func:`infonce_energy`, :func:`surrogate_jq`, :func:`free_energy`) add closed-form
terms to it; :class:`Energy` gives value and gradient of any of them.

Streaming kernels (memory :math:`O(N(d + B))` for row blocks of size ``B``):

``"symmetric"`` (default)
    :math:`G = UU^\\top` is symmetric, and every entry is at most its diagonal:
    :math:`\\alpha u_i^\\top u_j \\le \\alpha`. A first pass over the blocks :math:`(I, J)`, :math:`I \\le J`,
    accumulates :math:`r_i = \\sum_j w_j E_{ij}`, :math:`E = e^{\\alpha(G - 1)} \\in (0, 1]` along rows
    *and* columns (so :math:`L = \\alpha + \\log r`, a fixed shift that cannot overflow: the self-pair term
    :math:`w_i E_{ii} = w_i` keeps :math:`r_i \\ge w_i`); a second pass forms
    :math:`M_{IJ} = E_{IJ} \\odot (a_I w_J^\\top + w_I a_J^\\top)`, :math:`a = w / r`, which is the block of
    :math:`Q + Q^\\top`, and adds :math:`M_{IJ} U_J` to rows ``I`` and :math:`M_{IJ}^\\top U_I` to rows
    ``J``. Matmul work: :math:`N^2 d` (first pass) :math:`+ 3 N^2 d` (second), i.e. :math:`4 N^2 d`
    flops, two thirds of the :math:`6 N^2 d` of an unsymmetric two-pass scheme. On CPU the block pairs
    are shared out round-robin to one worker thread per intra-op thread, each running its GEMMs and
    elementwise passes on one core into a private accumulator (summed in a fixed order, so results are
    deterministic); no barrier per operation, so a machine shared with other jobs costs its share only.
``"rowblock"`` (the portable reference)
    Row blocks :math:`S_I = \\alpha U_I U^\\top + \\log w`, exact max-shifted log-sum-exp, then
    :math:`Q_I = w_I \\odot e^{S_I - L_I}`, :math:`\\nabla \\mathrel{+}= Q_I U` (rows ``I``) and
    :math:`Q_I^\\top U_I` (all rows): :math:`8 N^2 d` flops.
``"flash"``
    torch's fused CPU attention kernel (``aten._scaled_dot_product_flash_attention_for_cpu``, which
    returns the row log-sum-exp beside the output): pass 1 gives :math:`L` and :math:`PU` with queries
    :math:`[\\alpha u, 1]`, keys :math:`[u, \\log w]`; pass 2 gives :math:`P^\\top`-weighted sums with
    keys :math:`[u, \\log w - L]` (the bias in one extra coordinate), rescaled by its own log-sum-exp.
    CPU only; tested equal to the reference.
Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_common``: :class:`PhiAndGrad`, argument checks, ``SMALL_WORK`` (the one-thread cut-off);
- ``_kernels``: the symmetric, row-block and flash kernels;
- ``_phi``: :func:`phi_and_grad`, :func:`phi`;
- ``_others``: :func:`infonce_energy`, :func:`surrogate_jq`, :func:`free_energy`;
- ``_energy``: :class:`Energy`.
"""

from __future__ import annotations

from simulate.energies._common import DEFAULT_BLOCK as DEFAULT_BLOCK
from simulate.energies._common import METHODS as METHODS
from simulate.energies._common import SMALL_WORK as SMALL_WORK
from simulate.energies._common import PhiAndGrad
from simulate.energies._common import _check_alpha as _check_alpha
from simulate.energies._common import _check_alpha_for as _check_alpha_for
from simulate.energies._common import _threads_for as _threads_for
from simulate.energies._energy import Energy
from simulate.energies._kernels import WORKER_MEMORY as WORKER_MEMORY
from simulate.energies._kernels import _n_workers as _n_workers
from simulate.energies._kernels import _sym_rowsums as _sym_rowsums
from simulate.energies._others import free_energy, infonce_energy, surrogate_jq
from simulate.energies._phi import _PhiFunction as _PhiFunction
from simulate.energies._phi import phi, phi_and_grad

__all__ = [
    "Energy",
    "PhiAndGrad",
    "free_energy",
    "infonce_energy",
    "phi",
    "phi_and_grad",
    "surrogate_jq",
]
