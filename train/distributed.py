"""Data-parallel InfoNCE with ``torch.distributed``: negatives gathered across ranks, gradients summed.

Launch with ``torchrun`` (which sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``,
``MASTER_PORT``); :func:`init_from_env` joins the process group (gloo on CPU, NCCL on GPUs) and is a
no-op when ``WORLD_SIZE`` is unset or 1, so the same code runs on one process. See ``docs/SLURM.md``.
It waits at most :data:`RENDEZVOUS_TIMEOUT_S` seconds (``TRAIN_RENDEZVOUS_TIMEOUT``) for every rank to
join, then stops with one line saying how long it waited and for whom (a ``WORLD_SIZE=2`` run started
without its second process never hangs).

The global batch of ``N`` pairs is split into contiguous shards, one per rank (:func:`shard`). Each rank
embeds its shard, ``u_r = f^(x_r)``, ``v_r = f^(y_r)``, and :func:`gather_with_grad` assembles the
global ``V`` (ranks in order, so the global batch is the one a single process would see). The InfoNCE
loss of Eq. 2 over the global batch,

.. math::
    L = \\frac1N \\sum_{i=1}^{N} \\Big( -\\alpha u_i^\\top v_i
        + \\log \\sum_{j=1}^{N} e^{\\alpha u_i^\\top v_j} \\Big),

splits into per-rank row sums. Its gradient with respect to ``v_k`` has a *column* term from every row
``i`` (on every rank), so the backward of the gather must add the incoming gradients of all ranks
(``all_reduce``) before handing each rank its own slice. A gather that only keeps its own slice's
gradient (what ``all_gather`` with the local tensor put back in place gives) loses the other ranks'
column terms: one- and two-process runs then disagree (the test ``tests/train/test_distributed.py``
shows both).

Scaling: :func:`infonce_global` returns this rank's share ``(1 / N) * sum_{i in rank} loss_i``, so
that the *sum* over ranks is ``L``; summing the parameter gradients over ranks (:func:`sum_gradients`,
an ``all_reduce``) then gives exactly ``grad L``, and :func:`global_sum` of the shares gives ``L``.
(``DistributedDataParallel`` *averages* gradients: with DDP, multiply the share by the world size.)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from theory._io import ResultMixin

__all__ = [
    "RENDEZVOUS_TIMEOUT_S",
    "DistInfo",
    "agree_on_error",
    "barrier",
    "cleanup",
    "gather_with_grad",
    "global_sum",
    "infonce_global",
    "init_from_env",
    "is_distributed",
    "shard",
    "shard_bounds",
    "sum_gradients",
    "world_size_from_env",
]

#: Seconds :func:`init_from_env` waits for every rank to join (environment ``TRAIN_RENDEZVOUS_TIMEOUT``
#: overrides it); collectives afterwards keep torch's own timeout.
RENDEZVOUS_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class DistInfo(ResultMixin):
    """Where this process stands in the process group.

    Attributes
    ----------
    rank : int
        Global rank (0 when not distributed).
    world_size : int
        Number of processes (1 when not distributed).
    local_rank : int
        Rank on this node (selects the GPU).
    device : str
        ``"cuda:<local_rank>"`` with NCCL, ``"cpu"`` with gloo or without a process group.
    backend : str or None
        ``"nccl"``, ``"gloo"``, or ``None`` when not distributed.
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: str = "cpu"
    backend: str | None = None

    @property
    def is_main(self) -> bool:
        """Whether this is rank 0 (the one that writes files and shows progress bars)."""
        return self.rank == 0


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer; got {raw!r}") from None


def is_distributed() -> bool:
    """Whether a process group with more than one rank is initialised."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def init_from_env(backend: str | None = None, *, device: str | None = None) -> DistInfo:
    """Join the process group described by torchrun's environment variables.

    Parameters
    ----------
    backend : {"gloo", "nccl"}, optional
        Default: NCCL when CUDA is available (and ``device`` is not ``"cpu"``), gloo otherwise.
    device : str, optional
        Force ``"cpu"`` (gloo) on a GPU machine.

    Returns
    -------
    DistInfo
        ``DistInfo()`` (rank 0 of 1, CPU or ``cuda:0``) when ``WORLD_SIZE`` is unset or 1.
    """
    if backend not in (None, "gloo", "nccl"):
        raise ValueError(f"backend must be 'gloo' or 'nccl'; got {backend!r}")
    if device not in (None, "cpu") and not (isinstance(device, str) and device.startswith("cuda")):
        raise ValueError(f"device must be 'cpu' or 'cuda[:k]'; got {device!r}")
    world_size = world_size_from_env()
    use_cuda = torch.cuda.is_available() and device != "cpu"
    if world_size == 1:
        return DistInfo(device="cuda:0" if use_cuda and device is None else (device or "cpu"))
    rank = _env_int("RANK", -1)
    local_rank = _env_int("LOCAL_RANK", 0)
    if not 0 <= rank < world_size:
        raise ValueError(f"RANK must be in [0, WORLD_SIZE = {world_size}); got {os.environ.get('RANK')!r}")
    for var in ("MASTER_ADDR", "MASTER_PORT"):
        if not os.environ.get(var):
            raise ValueError(f"{var} is not set: launch with torchrun (see docs/SLURM.md)")
    if backend is None:
        backend = "nccl" if use_cuda else "gloo"
    if backend not in ("gloo", "nccl"):
        raise ValueError(f"backend must be 'gloo' or 'nccl'; got {backend!r}")
    dev = f"cuda:{local_rank}" if backend == "nccl" else "cpu"
    if backend == "nccl":
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        store = _rendezvous(rank, world_size)
        dist.init_process_group(backend=backend, store=store, rank=rank, world_size=world_size)
    return DistInfo(rank=rank, world_size=world_size, local_rank=local_rank, device=dev, backend=backend)


def _rendezvous(rank: int, world_size: int):
    """The ``env://`` store, waiting at most the rendezvous timeout for every rank (one-line error)."""
    import datetime

    from torch.distributed.constants import default_pg_timeout
    from torch.distributed.rendezvous import rendezvous

    raw = os.environ.get("TRAIN_RENDEZVOUS_TIMEOUT", "")
    try:
        wait = float(raw) if raw else RENDEZVOUS_TIMEOUT_S
    except ValueError:
        raise ValueError(f"TRAIN_RENDEZVOUS_TIMEOUT must be a number of seconds; got {raw!r}") from None
    if not (math.isfinite(wait) and wait > 0):
        raise ValueError(f"TRAIN_RENDEZVOUS_TIMEOUT must be a positive number of seconds; got {raw!r}")
    where = f"{os.environ.get('MASTER_ADDR')}:{os.environ.get('MASTER_PORT')}"
    try:
        store, _, _ = next(
            rendezvous("env://", rank=rank, world_size=world_size, timeout=datetime.timedelta(seconds=wait))
        )
    except (RuntimeError, OSError) as exc:
        what = (
            f"the other {world_size - 1} of WORLD_SIZE = {world_size} processes to join rank 0"
            if rank == 0
            else f"rank 0 of WORLD_SIZE = {world_size} to accept rank {rank}"
        )
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RuntimeError(
            f"waited {wait:g} s for {what} at {where} ({detail}); start every rank, e.g. torchrun "
            f"--nproc_per_node={world_size} (TRAIN_RENDEZVOUS_TIMEOUT sets the wait)"
        ) from None
    store.set_timeout(default_pg_timeout)
    return store


def world_size_from_env() -> int:
    """``WORLD_SIZE`` of torchrun's environment (1 when unset), validated."""
    world_size = _env_int("WORLD_SIZE", 1)
    if world_size < 1:
        raise ValueError(f"WORLD_SIZE must be >= 1; got {world_size}")
    return world_size


def agree_on_error(error: BaseException | None) -> BaseException | None:
    """Rank 0's error (or ``None``) on every rank, so that all ranks stop together when rank 0 refuses.

    Without a process group it returns ``error``. Other ranks get a ``ValueError`` (or
    ``FileExistsError``) with rank 0's message.
    """
    if not is_distributed():
        return error
    msg = [None if error is None else (type(error).__name__, str(error))]
    dist.broadcast_object_list(msg, src=0)
    if dist.get_rank() == 0 or msg[0] is None:
        return error if dist.get_rank() == 0 else None
    name, text = msg[0]
    return (FileExistsError if name == "FileExistsError" else ValueError)(f"rank 0: {text}")


def barrier() -> None:
    """Synchronise all ranks (no-op without a process group)."""
    if is_distributed():
        dist.barrier()


def cleanup() -> None:
    """Leave the process group (no-op without one)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def _rank_world() -> tuple[int, int]:
    if is_distributed():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def shard_bounds(n: int, rank: int | None = None, world_size: int | None = None) -> tuple[int, int]:
    """The contiguous rows ``[start, stop)`` of a global batch of ``n`` that ``rank`` owns.

    Shards differ in size by at most one (the first ``n % world_size`` ranks take one more), as
    ``numpy.array_split``; concatenating the shards in rank order gives the global batch back.
    """
    from theory._validation import check_int

    r, w = _rank_world()
    world_size = w if world_size is None else check_int(world_size, "world_size", low=1)
    rank = r if rank is None else check_int(rank, "rank", low=0, high=world_size - 1)
    n = check_int(n, "n")
    if n < world_size:
        raise ValueError(f"a global batch of n = {n} cannot be split over {world_size} ranks")
    base, extra = divmod(int(n), world_size)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def shard(x: torch.Tensor, rank: int | None = None, world_size: int | None = None) -> torch.Tensor:
    """This rank's contiguous shard of the global batch ``x`` (rows; :func:`shard_bounds`)."""
    start, stop = shard_bounds(int(x.shape[0]), rank, world_size)
    return x[start:stop]


def _all_gather_rows(x: torch.Tensor) -> tuple[torch.Tensor, list[int]]:
    """All ranks' ``x`` concatenated along dim 0 (shards may differ in length), and the lengths."""
    world = dist.get_world_size()
    n_local = torch.tensor([x.shape[0]], device=x.device, dtype=torch.int64)
    sizes = [torch.zeros_like(n_local) for _ in range(world)]
    dist.all_gather(sizes, n_local)
    sizes_int = [int(s.item()) for s in sizes]
    n_max = max(sizes_int)
    if x.shape[0] < n_max:
        pad = x.new_zeros((n_max - x.shape[0], *x.shape[1:]))
        x_pad = torch.cat([x, pad], dim=0)
    else:
        x_pad = x
    parts = [torch.empty_like(x_pad) for _ in range(world)]
    dist.all_gather(parts, x_pad.contiguous())
    return torch.cat([p[:s] for p, s in zip(parts, sizes_int, strict=True)], dim=0), sizes_int


class _GatherWithGrad(torch.autograd.Function):
    """``all_gather`` whose backward sums the incoming gradients of all ranks and returns this rank's rows."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        out, sizes = _all_gather_rows(x.detach())
        rank = dist.get_rank()
        ctx.start = sum(sizes[:rank])
        ctx.stop = ctx.start + sizes[rank]
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.contiguous().clone()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        return grad[ctx.start : ctx.stop]


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """All ranks' rows of ``x`` concatenated in rank order, differentiable with summed gradients.

    Forward: ``all_gather`` along dim 0 (shards may differ in length by any amount). Backward: the
    gradient with respect to the gathered tensor is ``all_reduce``-summed over ranks, then this rank's
    rows are returned, so that

    .. math::
        \\frac{\\partial}{\\partial x_r} \\sum_{s} L_s(\\mathrm{gather}(x)) =
        \\Big[ \\sum_s \\frac{\\partial L_s}{\\partial X} \\Big]_{\\text{rows of } r}.

    Without a process group (or with one rank) it returns ``x`` itself.

    Parameters
    ----------
    x : Tensor, shape (n_local, ...)

    Returns
    -------
    Tensor, shape (n_global, ...)
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor; got {type(x).__name__}")
    if x.ndim < 1:
        raise ValueError("x must have at least one dimension (rows)")
    if not is_distributed():
        return x
    return _GatherWithGrad.apply(x)


def infonce_global(z1: torch.Tensor, z2: torch.Tensor, alpha: float) -> torch.Tensor:
    """This rank's share of the InfoNCE loss of Eq. 2 over the *global* batch.

    With ``u = z1 / ||z1||``, ``v = z2 / ||z2||`` this rank's rows, ``V`` the gathered ``v`` of all
    ranks (:func:`gather_with_grad`), ``o`` this rank's row offset and ``N`` the global batch, it returns

    .. math::
        \\ell_r = \\frac{1}{N} \\sum_{i} \\Big( -\\alpha\\, u_i^\\top V_{o+i}
            + \\log \\sum_{j=1}^{N} e^{\\alpha\\, u_i^\\top V_j} \\Big),

    whose sum over ranks is the global loss :math:`L` (and whose rank-summed parameter gradients,
    :func:`sum_gradients`, are :math:`\\nabla L`). With one process this is the ordinary mean InfoNCE
    of Eq. 2 (``train.objectives.infonce``).

    Parameters
    ----------
    z1, z2 : Tensor, shape (n_local, d)
        This rank's embeddings of the two views (normalised here, as ``train.objectives.infonce``).
    alpha : float
        Inverse temperature ``1 / tau``.

    Returns
    -------
    Tensor, shape ()
    """
    from train.objectives import _check_alpha, _check_pair, _finite, _unit_rows

    _check_pair(z1, z2)
    alpha = _check_alpha(alpha, z1.dtype)
    rank, world = _rank_world()
    (u, n1), (v, n2) = _unit_rows(z1), _unit_rows(z2)
    V = gather_with_grad(v)
    n_local = u.shape[0]
    if world > 1:
        n_all = torch.tensor([n_local], device=u.device, dtype=torch.int64)
        sizes = [torch.zeros_like(n_all) for _ in range(world)]
        dist.all_gather(sizes, n_all)
        sizes_int = [int(s.item()) for s in sizes]
        offset, n_global = sum(sizes_int[:rank]), sum(sizes_int)
    else:
        offset, n_global = 0, n_local
    logits = alpha * (u @ V.T)
    idx = torch.arange(n_local, device=u.device) + offset
    positive = logits.gather(1, idx.view(-1, 1)).squeeze(1)
    per_row = torch.logsumexp(logits, dim=1) - positive
    return _finite(per_row.sum() / n_global, "the InfoNCE loss", z1_norms=n1, z2_norms=n2)


def global_sum(value: torch.Tensor | float) -> float:
    """Sum a scalar over ranks (the global loss from the shares of :func:`infonce_global`; no gradient)."""
    if isinstance(value, bool) or not isinstance(value, torch.Tensor | int | float):
        raise TypeError(f"value must be a number or a one-element tensor; got {type(value).__name__}")
    t = torch.as_tensor(value).detach().to(torch.float64).clone()
    if t.numel() != 1 or not bool(torch.isfinite(t).all()):
        raise ValueError(f"value must be one finite number; got {value!r}")
    if is_distributed():
        if dist.get_backend() == "nccl":
            t = t.cuda()
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return float(t)


def sum_gradients(module: torch.nn.Module) -> None:
    """Replace every parameter gradient by its sum over ranks (``all_reduce``; no-op on one process).

    With the shares of :func:`infonce_global` this gives the gradient of the global loss on every rank.
    """
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}")
    if not is_distributed():
        return
    for p in module.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
