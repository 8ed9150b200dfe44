"""``python -m theory regularised-route``: JSON table and figure."""

import json

import numpy as np
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


# ------------------------------------------------------------------ theory.studies.route (library side)


@pytest.mark.claim("L1", "T2", "D")
def test_route_study_rows_against_closed_forms():
    from theory.regularized import qc_local
    from theory.studies.route import RouteRow, RouteStudy, route_study

    kap = np.logspace(-2, 3, 26)
    study = route_study([3, 16], 10.0, 0.36, kappas=kap)
    assert isinstance(study, RouteStudy)
    assert (study.alpha, study.eta2) == (10.0, 0.36)
    for r, d in zip(study.rows, [3, 16], strict=True):
        assert isinstance(r, RouteRow)
        assert r.d == d
        assert r.C == pytest.approx(d / (2 * (d - 1)), rel=1e-6)  # Lemma 1's small-kappa limit
        assert r.beta0 == pytest.approx(10.0 * 0.64 / (r.C * (d - 1)), rel=1e-12)
        assert r.q == pytest.approx(10.0 * 0.64, rel=1e-15)
        assert 0 <= r.beta_star <= r.beta0
        assert r.qc_global <= r.qc_local == pytest.approx(qc_local(d, 10.0), rel=1e-15)
    # the JSON has the same keys as the table the command wrote before RouteStudy existed
    keys = {"d", "C", "beta0", "beta_star", "kappa_star", "q", "qc_local", "qc_global", "kappa_global"}
    assert keys | {"first_order"} == set(study.to_dict()["rows"][0])


def test_plot_route_builds_a_figure_without_pyplot_state():
    import matplotlib
    from matplotlib.figure import Figure

    from theory.studies.route import plot_route, route_study

    backend = matplotlib.get_backend()
    study = route_study([3, 8], 5.0, 0.3, kappas=np.logspace(-2, 2, 9))
    fig = plot_route(study)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert matplotlib.get_backend() == backend
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # not registered with pyplot
    with pytest.raises(TypeError, match="study"):
        plot_route([{"d": 3}])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"ds": [1]}, "ds"),
        ({"ds": [0]}, "ds"),
        ({"ds": [2**60]}, "ds"),
        ({"ds": []}, "ds"),
        ({"ds": 3}, "ds"),
        ({"ds": [3.5]}, "ds"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"eta2": 1.5}, "eta2"),
        ({"eta2": float("nan")}, "eta2"),
        ({"eta2": -0.1}, "eta2"),
        ({"kappas": [-1.0, 1.0]}, "kappas"),
        ({"kappas": []}, "kappas"),
    ],
)
def test_route_study_bad_input_is_a_clean_error_naming_the_argument(kwargs, name):
    from theory.studies.route import route_study

    args = {"ds": [3], "alpha": 5.0, "eta2": 0.3, **kwargs}
    with pytest.raises((ValueError, TypeError), match=name):
        route_study(**args)
