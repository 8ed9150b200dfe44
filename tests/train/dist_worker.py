"""One rank of the two-process InfoNCE check in ``test_distributed.py`` (not collected by pytest).

Usage: ``python dist_worker.py OUT_DIR MODE:N [MODE:N ...]`` with torch.distributed's environment variables
set (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). MODE is ``sum`` (:func:`train.distributed.gather_with_grad`)
or ``naive`` (all_gather with only the local rows differentiable: the bug the sum-gather avoids); N is the
global batch. Writes ``<MODE>-<N>-rank<r>.pt`` with the global loss and the rank-summed gradients of a
linear encoder, one file per case, all in one process group.
"""

from __future__ import annotations

import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F

from train import distributed as D

ALPHA = 5.0


def naive_gather(x: torch.Tensor) -> torch.Tensor:
    """all_gather (no autograd) with this rank's rows put back: other ranks' column terms are lost."""
    parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, x.detach().contiguous())
    parts[dist.get_rank()] = x
    return torch.cat(parts, dim=0)


def make_problem(n: int):
    """The same encoder and global batch on every process (fixed seeds, float64)."""
    g = torch.Generator().manual_seed(1234)
    enc = torch.nn.Linear(12, 5, dtype=torch.float64)
    with torch.no_grad():
        enc.weight.copy_(torch.randn(5, 12, generator=g, dtype=torch.float64))
        enc.bias.copy_(torch.randn(5, generator=g, dtype=torch.float64))
    x = torch.randn(n, 12, generator=g, dtype=torch.float64)
    y = x + 0.5 * torch.randn(n, 12, generator=g, dtype=torch.float64)
    return enc, x, y


def run_case(info, out_dir: str, mode: str, n: int) -> None:
    enc, x, y = make_problem(n)
    xs, ys = D.shard(x), D.shard(y)
    z1, z2 = enc(xs), enc(ys)
    if mode == "sum":
        loss = D.infonce_global(z1, z2, ALPHA)
    else:
        u, v = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
        V = naive_gather(v)
        start, _ = D.shard_bounds(n)
        logits = ALPHA * u @ V.T
        idx = torch.arange(u.shape[0]) + start
        per_row = torch.logsumexp(logits, 1) - logits.gather(1, idx.view(-1, 1)).squeeze(1)
        loss = per_row.sum() / n
    loss.backward()
    D.sum_gradients(enc)
    torch.save(
        {
            "loss": D.global_sum(loss),
            "weight_grad": enc.weight.grad.clone(),
            "bias_grad": enc.bias.grad.clone(),
            "world_size": info.world_size,
            "backend": info.backend,
        },
        f"{out_dir}/{mode}-{n}-rank{info.rank}.pt",
    )


def main() -> None:
    out_dir = sys.argv[1]
    info = D.init_from_env(device="cpu")
    for case in sys.argv[2:]:
        mode, n = case.split(":")
        run_case(info, out_dir, mode, int(n))
    D.barrier()
    D.cleanup()


if __name__ == "__main__":
    main()
