"""``python -m theory regularised-route``: JSON table and figure."""

import json

import pytest

from theory.cli import main


@pytest.mark.claim("L1", "T2")
def test_route_command_writes_table_and_figure(tmp_path, capsys):
    out = tmp_path / "route.json"
    assert (
        main(
            [
                "regularised-route",
                "--d",
                "3",
                "8",
                "--alpha",
                "5",
                "--eta2",
                "0.3",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    rows = json.loads(out.read_text())["rows"]
    assert [r["d"] for r in rows] == [3, 8]
    for r in rows:
        d = r["d"]
        # Lemma 1's best constant on the vMF family is the small-kappa limit d / (2(d-1)) (KL ~ kappa^2/(2d),
        # A_d ~ kappa/d); Theorem 1's beta0 = alpha (1 - eta2) / (C (d-1)).
        assert r["C"] == pytest.approx(d / (2 * (d - 1)), rel=1e-6)
        assert r["beta0"] == pytest.approx(5 * 0.7 / (r["C"] * (d - 1)), rel=1e-12)
        assert 0 <= r["beta_star"] <= r["beta0"]
    png = out.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out
