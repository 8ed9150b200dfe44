"""``table1`` trains its runs first, several at once in worker processes, then reads the rows from them.

The runs are independent (each its own seed, generator and directory) and each holds one thread, so the
table must be the same numbers whether its runs were trained one after another in this process or two at
a time in workers; every run directory must hold its figures; and a rerun must read the finished runs
without training any of them again.
"""

import json

import pytest

from train.tables import table1

#: What may differ between two tables of the same runs: clocks, paths and the command line.
_NOT_NUMBERS = {"control_wall_s", "finished_utc", "argv", "command", "run_dir", "out_dir"}


def _numbers(result):
    if isinstance(result, dict):
        kept = (k for k in result if not k.startswith("wall") and k not in _NOT_NUMBERS)
        return {k: _numbers(result[k]) for k in kept}
    if isinstance(result, list):
        return [_numbers(v) for v in result]
    return result


def _quick(tmp_path, name: str, workers: int) -> dict:
    table1(tmp_path / f"{name}.json", figure=False, runs=tmp_path / name / "runs",
           binary_runs=tmp_path / name / "binary", quick=True, workers=workers)  # fmt: skip
    return json.loads((tmp_path / f"{name}.json").read_text())


def _timings(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("timing.jsonl"))}


@pytest.mark.slow
def test_workers_give_the_table_of_one_process_every_run_drawn_and_a_rerun_trains_nothing(tmp_path):
    one = _quick(tmp_path, "one", workers=1)
    two = _quick(tmp_path, "two", workers=2)
    assert _numbers(two) == _numbers(one)
    assert _numbers(two)["rows"][0]["trained"]["cv"] > 0  # a real number was compared, not an empty table
    runs = sorted(p for p in (tmp_path / "two").glob("*/*") if p.is_dir())
    assert len(runs) == 13  # 5 rows' mains and controls (Binary's shared by 3 rows), 2 sweep runs, 4 images
    for run in runs:
        assert all((run / f).is_file() for f in ("fig_metrics.png", "fig_norms.png", "fig_qq.png")), run
    before = _timings(tmp_path / "two")
    again = _quick(tmp_path, "two", workers=2)
    assert _timings(tmp_path / "two") == before  # no epoch trained or evaluated again
    assert _numbers(again) == _numbers(two)
