"""``python -m simulate flow``."""

from __future__ import annotations

import time
from pathlib import Path

from simulate.cli._common import _as_device, _command_line, _UsageError, finite_float, nonnegative_int
from theory._cli import positive_int

SLICED_PROJECTIONS = 50
"""Great circles of the recorded sliced W2 (:func:`simulate.observables.default_observables`)."""


def _add_flow(sub, formatter) -> None:
    from simulate.experiments import STARTS

    p = sub.add_parser(
        "flow",
        formatter_class=formatter,
        help="one particle flow of Phi (or J_q) from a chosen start; trajectory as JSON (and CSV)",
        description="Riemannian gradient descent or Adam on N particles of S^{d-1} for Phi (q = 0) or the "
        "App. D surrogate J_q = Phi - q ||m||^2, recording at every --record-every steps the objective, "
        "Phi - Phi(sigma), ||m||^2, the gradient norm, and the MMD (kernel exp(alpha u.v)) and the "
        f"spherical sliced W2 ({SLICED_PROJECTIONS} great circles) to sigma (simulate.flows.run, "
        "simulate.observables). The trajectory goes to --json (default results/flow.json) with the "
        "flow's configuration and provenance, and to --csv if given.",
    )
    p.add_argument("--N", type=positive_int, default=256, help="particles")
    p.add_argument("--d", type=positive_int, default=3, help="dimension (>= 2)")
    p.add_argument("--alpha", type=finite_float, default=4.0, help="alpha = 1/tau (> 0)")
    p.add_argument("--q", type=finite_float, default=0.0, help="J_q coefficient (>= 0; 0: Phi)")
    p.add_argument("--start", choices=STARTS, default="uniform", help="initial law")
    p.add_argument(
        "--kappa", type=finite_float, default=20.0, help="concentration of the vmf / clustered / caps starts"
    )
    p.add_argument("--optimizer", choices=("gd", "adam"), default="adam", help="Riemannian GD or Adam")
    p.add_argument("--lr", type=finite_float, default=0.05, help="step size (> 0)")
    p.add_argument("--steps", type=nonnegative_int, default=500, help="steps")
    p.add_argument("--record-every", type=positive_int, default=10, help="steps between records")
    p.add_argument("--tol", type=finite_float, help="stop at this RMS Riemannian gradient norm (>= 0)")
    p.add_argument("--seed", type=nonnegative_int, default=0, help="seed of the start and the slices")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda, cuda:1, ...)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--json", type=Path, metavar="OUT", help="trajectory JSON (default results/flow.json)")
    p.add_argument("--csv", type=Path, metavar="OUT", help="trajectory CSV")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_flow)


def _check_args(args) -> None:
    if args.d < 2:
        raise _UsageError(f"--d must be >= 2; got {args.d}")
    for name in ("alpha", "lr"):
        if not getattr(args, name) > 0:
            raise _UsageError(f"--{name} must be > 0; got {getattr(args, name)}")
    for name in ("q", "kappa", "tol"):
        v = getattr(args, name)
        if v is not None and v < 0:
            raise _UsageError(f"--{name} must be >= 0; got {v}")


def _run_flow(args) -> int:
    import torch

    from simulate.experiments import flow_phi, start_points
    from simulate.observables import default_observables
    from simulate.sphere import check_size
    from theory._io import atomic_write_json
    from theory._results import check_outputs, output_path, provenance
    from theory.special import KAPPA_MAX
    from theory.uniformity import phi_uniform

    _check_args(args)
    out_json = output_path("flow", "data", given=args.json)
    check_outputs({"--json": out_json, "--csv": args.csv})
    dev = _as_device(args.device)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    if args.alpha > KAPPA_MAX:
        raise _UsageError(f"--alpha must be <= {KAPPA_MAX:g}; got {args.alpha:g}")
    if phi_uniform(args.d, args.alpha) >= 709.0:
        raise _UsageError(
            f"--alpha {args.alpha:g}: the MMD to sigma that flow records, of order exp(Phi(sigma)) = "
            f"exp({phi_uniform(args.d, args.alpha):.4g}), is beyond the float range at d = {args.d}"
        )
    check_size(args.N, args.d, dtype, dev, copies=12, name="--N x --d")
    config = {k: getattr(args, k) for k in ("N", "d", "alpha", "q", "start", "kappa", "optimizer", "lr")}
    config.update(
        steps=args.steps,
        record_every=args.record_every,
        tol=args.tol,
        seed=args.seed,
        dtype=args.dtype,
        sliced_projections=SLICED_PROJECTIONS,
    )
    t0 = time.perf_counter()
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
        observables=default_observables(args.alpha, n_projections=SLICED_PROJECTIONS, seed=args.seed),
        progress=not args.no_progress,
    )
    last = {k: v[-1] for k, v in traj.columns.items()}
    print(
        f"step {int(last['step'])}: objective {last['objective']:.6g}, "
        f"Phi - Phi(sigma) {last['phi_gap']:.3g}, ||m||^2 {last['mean_sq_norm']:.3g}, "
        f"MMD^2 {last['mmd']:.3g}, sliced W2 {last['sliced_w2']:.3g}"
    )
    record = {
        **traj.to_dict(),
        **provenance(
            config=config, seed=args.seed, wall_seconds=time.perf_counter() - t0, command=_command_line()
        ),
    }
    atomic_write_json(out_json, record)
    print(f"wrote {out_json}")
    if args.csv is not None:
        traj.to_csv(args.csv)
        print(f"wrote {args.csv}")
    return 0
