"""A small data-parallel InfoNCE training run in float64 (run by ``test_train_slurm.py``; not collected).

Usage: ``python ddp_train_worker.py OUT_DIR`` with torchrun's environment (``RANK``, ``WORLD_SIZE``,
``MASTER_ADDR``, ``MASTER_PORT``), or without it for the one-process run. Every rank draws the same global
batch and views (one generator, one seed), embeds its shard with a linear encoder, takes its share of the
global InfoNCE loss (:func:`train.distributed.infonce_global`: negatives gathered across ranks), sums the
gradients over ranks and takes a plain gradient step; it writes ``OUT_DIR/rank<r>.json`` with the global
loss at every step and the final parameters.

.. math::
    L = \\frac1N \\sum_{i=1}^{N} \\Big( -\\alpha u_i^\\top v_i
        + \\log \\sum_{j=1}^{N} e^{\\alpha u_i^\\top v_j} \\Big)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from train import distributed as D

ALPHA = 5.0
N = 15  # global batch: shards of 8 and 7 rows on two ranks
STEPS = 12
LR = 0.5


def train_run() -> dict:
    """Train on this process's share; the record of rank 0's view (identical on every rank)."""
    info = D.init_from_env(device="cpu")
    g = torch.Generator().manual_seed(2024)
    enc = torch.nn.Linear(12, 5, dtype=torch.float64)
    with torch.no_grad():
        enc.weight.copy_(torch.randn(5, 12, generator=g, dtype=torch.float64))
        enc.bias.copy_(torch.randn(5, generator=g, dtype=torch.float64))
    data = torch.randn(64, 12, generator=g, dtype=torch.float64)
    losses = []
    for _ in range(STEPS):
        idx = torch.randperm(data.shape[0], generator=g)[:N]
        x = data[idx]
        y = x + 0.5 * torch.randn(N, 12, generator=g, dtype=torch.float64)
        loss = D.infonce_global(enc(D.shard(x)), enc(D.shard(y)), ALPHA)
        enc.zero_grad()
        loss.backward()
        D.sum_gradients(enc)
        with torch.no_grad():
            for p in enc.parameters():
                p -= LR * p.grad
        losses.append(D.global_sum(loss))
    return {
        "rank": info.rank,
        "world_size": info.world_size,
        "backend": info.backend,
        "losses": losses,
        "weight": enc.weight.detach().tolist(),
        "bias": enc.bias.detach().tolist(),
    }


def main() -> None:
    out = Path(sys.argv[1])
    rec = train_run()
    (out / f"rank{rec['rank']}.json").write_text(json.dumps(rec))
    D.barrier()
    D.cleanup()


if __name__ == "__main__":
    main()
