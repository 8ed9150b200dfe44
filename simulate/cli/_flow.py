"""``python -m simulate flow``."""

from __future__ import annotations

from pathlib import Path

from simulate.cli._common import (
    _check_device,
    _command_line,
    _UsageError,
)

# --------------------------------------------------------------------------------------------------
# flow
# --------------------------------------------------------------------------------------------------


def _add_flow(sub) -> None:
    p = sub.add_parser(
        "flow",
        help="one particle flow of Phi (or J_q) from a chosen start; trajectory as JSON/CSV",
        description="Riemannian gradient descent or Adam on N particles of S^{d-1} for Phi (q = 0) or the "
        "App. D surrogate J_q = Phi - q ||m||^2, recording Phi - Phi(sigma), ||m||^2, the MMD and sliced W2 "
        "to sigma (simulate.flows.run).",
    )
    p.add_argument("--N", type=int, default=256, help="particles")
    p.add_argument("--d", type=int, default=3, help="dimension")
    p.add_argument("--alpha", type=float, default=4.0, help="alpha = 1/tau")
    p.add_argument("--q", type=float, default=0.0, help="J_q coefficient (0: Phi)")
    p.add_argument(
        "--start", choices=("uniform", "vmf", "clustered", "antipodal"), default="uniform", help="initial law"
    )
    p.add_argument("--kappa", type=float, default=20.0, help="concentration of the vmf / clustered starts")
    p.add_argument("--optimizer", choices=("gd", "adam"), default="adam")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--record-every", type=int, default=10)
    p.add_argument("--tol", type=float, help="stop at this RMS Riemannian gradient norm")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--json", type=Path, metavar="OUT", help="trajectory JSON")
    p.add_argument("--csv", type=Path, metavar="OUT", help="trajectory CSV")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_run_flow)


def _run_flow(args) -> int:
    import torch

    from simulate.experiments import flow_phi, start_points
    from theory._io import atomic_write_json

    for name, low in (("N", 1), ("d", 2), ("steps", 0), ("record_every", 1), ("seed", 0)):
        if getattr(args, name) < low:
            raise _UsageError(f"--{name.replace('_', '-')} must be >= {low}; got {getattr(args, name)}")
    for name in ("alpha", "lr"):
        if not getattr(args, name) > 0:
            raise _UsageError(f"--{name} must be > 0; got {getattr(args, name)}")
    if args.q < 0:
        raise _UsageError(f"--q must be >= 0; got {args.q}")
    dev = _check_device(args.device)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    x0 = start_points(args.start, args.N, args.d, seed=args.seed, kappa=args.kappa, device=dev, dtype=dtype)
    traj = flow_phi(
        x0,
        args.alpha,
        q=args.q,
        optimizer=args.optimizer,
        lr=args.lr,
        n_steps=args.steps,
        record_every=args.record_every,
        tol=args.tol,
        progress=not args.no_progress,
    )
    last = {k: v[-1] for k, v in traj.columns.items()}
    print(
        f"step {int(last['step'])}: objective {last['objective']:.6g}, "
        f"Phi - Phi(sigma) {last['phi_gap']:.3g}, "
        f"||m||^2 {last['mean_sq_norm']:.3g}"
    )
    if args.json is not None:
        out = traj.to_dict()
        out["command"] = _command_line()
        atomic_write_json(args.json, out)
        print(f"wrote {args.json}")
    if args.csv is not None:
        traj.to_csv(args.csv)
        print(f"wrote {args.csv}")
    return 0
