"""Shared pytest set-up: hypothesis profiles and validation of ``@pytest.mark.claim`` IDs.

Hypothesis profiles (select with ``HYPOTHESIS_PROFILE``):

- ``ci`` (default): derandomized, so CI neither flakes nor varies between runs;
- ``dev``: random, default example counts;
- ``hunt``: many examples, for hunting counterexamples locally.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile(
    "hunt",
    max_examples=20_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    from claims.registry import CLAIMS

    known = {c.id for c in CLAIMS}
    for item in items:
        for mark in item.iter_markers("claim"):
            unknown = [a for a in mark.args if a not in known]
            if not mark.args or unknown:
                raise pytest.UsageError(
                    f"{item.nodeid}: pytest.mark.claim needs known claim IDs; got {mark.args}"
                )
