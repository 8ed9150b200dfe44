"""Experiments: the starting laws, a quick T1 run end to end (JSON, PNG), the particle evidence readers."""

from __future__ import annotations

import json

import pytest
import torch

from claims.checks.particles import particles_C1, particles_D, particles_T1, particles_T2
from simulate.experiments import STARTS, run_experiment, start_points
from theory._results import PublishedResultError


@pytest.mark.parametrize("kind", STARTS)
def test_start_points_lie_on_the_sphere(kind):
    x = start_points(kind, 50, 5, seed=1, kappa=30.0)
    assert x.shape == (50, 5) and x.dtype == torch.float64
    assert torch.allclose(torch.linalg.vector_norm(x, dim=1), torch.ones(50, dtype=torch.float64), atol=1e-12)


def test_start_shapes():
    ring = start_points("ring", 40, 4, seed=0)
    assert torch.allclose(ring[:, 0], torch.full((40,), 0.5, dtype=torch.float64), atol=1e-12)
    anti = start_points("antipodal", 40, 4, seed=0, kappa=200.0)
    assert float(anti[:20, 0].min()) > 0.8 and float(anti[20:, 0].max()) < -0.8
    with pytest.raises(ValueError, match="start kind"):
        start_points("spiral", 4, 3)


@pytest.mark.claim("T1")
def test_t1_quick_writes_json_and_png_and_stays_above_phi_sigma(tmp_path):
    js, png = tmp_path / "t1.json", tmp_path / "t1.png"
    run_experiment("t1", quick=True, json_path=js, png_path=png, command="test")
    rec = json.loads(js.read_text(), parse_constant=lambda c: pytest.fail(c))
    r = rec["result"]
    assert r["all_above"] and r["min_gap_over_all"] >= 0
    for run in r["runs"].values():  # the flows improve on their start and on i.i.d. points of the same N
        assert run["final_gap"] < run["phi_gap"][0]
        assert run["final_gap"] < run["iid_gap_mean"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(PublishedResultError, match="smoke"):  # the report never reads a quick run
        particles_T1(tmp_path)
    rec["quick"] = False  # the same numbers, read as the report reads a full run
    js.write_text(json.dumps(rec))
    ev = particles_T1(tmp_path)
    assert ev.available and "min gap" in ev.measured and ev.data["all_above"]


def test_particle_evidence_says_when_not_run(tmp_path):
    for fn in (particles_C1, particles_T1, particles_D, particles_T2):
        ev = fn(tmp_path)
        assert not ev.available and "not run" in ev.measured


def test_c1_evidence_reads_the_published_plateau_flow():
    """Row C1 quotes the published plateau flow's own numbers (re-read here from the raw file)."""
    from theory._io import repo_root

    raw = json.loads((repo_root() / "docs" / "data" / "c1.json").read_text())["result"]
    ev = particles_C1()
    assert ev.available
    assert f"alignment {raw['alignment']:.4f} held at {raw['plateau']:g}" in ev.measured
    assert f"AD mean {raw['diagnosis']['ad_mean']:.2f}" in ev.measured
    assert ev.data["phi_gap_marginal"] == raw["phi_gap_marginal"]
