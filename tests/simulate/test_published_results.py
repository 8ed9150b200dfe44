"""The published simulate results record the configuration that produced them, and it is the one today's
code writes at full size: what ``python -m claims`` compares (through theory._results.load_published)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulate.experiments import EXPERIMENTS, experiment_config
from simulate.rates import study_config
from theory._results import config_key, load_published

DATA = Path(__file__).resolve().parents[2] / "docs" / "data"
PUBLISHED = {"rates": study_config, **{name: (lambda n=name: experiment_config(n)) for name in EXPERIMENTS}}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_config_is_the_full_size_config_of_todays_code(name):
    path = DATA / f"{name}.json"
    want = PUBLISHED[name]()
    rec = load_published(path, config=want)  # refuses quick, missing or mismatched configurations
    assert rec["quick"] is False
    assert rec["config"] == want  # every field, not only those a row names
    assert rec["config_key"] == config_key(want)


def _strings(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)
    elif isinstance(obj, str):
        yield obj


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_results_carry_repository_relative_paths_only(name):
    rec = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    absolute = re.compile(r"(^|\s)(/[A-Za-z0-9_.-]+/|[A-Za-z]:\\)")
    bad = [s for s in _strings(rec) if absolute.search(s)]
    assert not bad, bad[:3]


def test_quick_configs_differ_from_the_published_ones():
    assert study_config(quick=True) != study_config()
    for name in EXPERIMENTS:
        assert experiment_config(name, quick=True) != experiment_config(name)
