"""Shared pytest set-up: hypothesis profiles and validation of ``@pytest.mark.claim`` IDs.

Hypothesis profiles (select with ``HYPOTHESIS_PROFILE``):

- ``ci`` (default): derandomized, so CI neither flakes nor varies between runs;
- ``dev``: random, default example counts;
- ``hunt``: many examples, for hunting counterexamples locally;
- ``mutation``: ``ci`` without the shrink phase, for mutation runs (``scripts/mutation``): a failing
  example fails the test just the same, and a mutant that breaks a property is not then shrunk for
  minutes.

``pytest.approx(x, rel=r)`` compares relatively and nothing else here: pytest's default adds an absolute
tolerance of 1e-12 beside any ``rel``, which makes ``rel=1e-14`` on a number of order one a 1e-12 check
without saying so. Tests that compare with zero, or where an absolute error is the right measure, pass
``abs=`` explicitly.
"""

import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    # one thread per worker process: the workers already use every CPU (read before numpy or torch load)
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import signal

import _pytest.python_api
import pytest
from hypothesis import HealthCheck, Phase, settings

_pytest.python_api.ApproxScalar.DEFAULT_ABSOLUTE_TOLERANCE = 0.0

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutation",
    parent=settings.get_profile("ci"),
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
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


@pytest.fixture(scope="session", autouse=True)
def _disk_cache_outside_the_checkout(tmp_path_factory):
    """Values cached on disk (:mod:`theory._cache`) go to a folder of this test run, shared by the
    pytest-xdist workers and by the subprocesses the tests start, never to the checkout's results/."""
    from theory._cache import CACHE_ENV

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "disk-cache"
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture
def default_sigint():
    """Python's own SIGINT handler for the test, whatever the process inherited (a test process started
    in the background of a non-interactive shell has SIGINT ignored, and so would every subprocess it
    starts: an ignored signal stays ignored across exec, a Python handler becomes the default one); the
    inherited one restored after."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)
