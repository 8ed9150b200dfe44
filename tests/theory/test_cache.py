"""theory._cache: a value is computed once per key, and any change of its parameters, of the package
version, of a library version or of the source that computes it gives a new key (never a stale value)."""

import importlib
import os
import sys

import pytest

import theory
from theory import _cache
from theory._cache import CACHE_ENV, cache_dir, cache_key, cached, source_digest


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counter(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_computed_once_then_read_back_exactly(folder):
    import numpy as np

    value = {"x": np.float64(0.1) + np.float64(0.2), "a": np.arange(3.0) / 3, "t": (1, "two")}
    compute, calls = _counter(value)
    first = cached("demo", {"n": 3}, compute)
    second = cached("demo", {"n": 3}, compute)
    assert len(calls) == 1
    assert type(second["x"]) is np.float64 and second["x"] == 0.30000000000000004
    assert second["a"].tobytes() == value["a"].tobytes() and second["t"] == (1, "two")
    assert first is value and second is not value  # the cache returns a copy a caller may mutate
    assert len(list(folder.rglob("*.pkl"))) == 1


def test_params_and_name_change_the_key(folder):
    compute, calls = _counter(1.0)
    cached("demo", {"n": 3}, compute)
    cached("demo", {"n": 4}, compute)
    cached("demo", {"n": 3.0}, compute)  # 3 and 3.0 are different parameters
    cached("other", {"n": 3}, compute)
    assert len(calls) == 4


def test_package_and_library_versions_change_the_key(folder, monkeypatch):
    compute, calls = _counter(1.0)
    key = cache_key("demo", {})
    cached("demo", {}, compute)
    monkeypatch.setattr(theory, "__version__", theory.__version__ + ".post1")
    assert cache_key("demo", {}) != key
    cached("demo", {}, compute)
    assert len(calls) == 2
    assert cache_key("demo", {}, libs=("numpy",)) != cache_key("demo", {}, libs=("numpy", "scipy"))


def test_a_source_change_is_never_served_a_stale_value(tmp_path, folder, monkeypatch):
    """A package whose function changes between two 'processes' (the digest is recomputed, the module
    reloaded): the second call computes the new value instead of reading the old one."""
    pkg = tmp_path / "src" / "cachedemo_pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "value.py").write_text("def value():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    import cachedemo_pkg.value as mod

    def run():
        return cached("cachedemo", {}, mod.value, sources=("cachedemo_pkg",))

    try:
        assert run() == 1
        old = source_digest(("cachedemo_pkg",))
        (pkg / "value.py").write_text("def value():\n    return 2\n")
        source_digest.cache_clear()  # a new process digests the source it imports
        mod = importlib.reload(mod)
        assert source_digest(("cachedemo_pkg",)) != old
        assert run() == 2
        (pkg / "helper.py").write_text("X = 1\n")  # a new file in the package changes the digest too
        source_digest.cache_clear()
        assert source_digest(("cachedemo_pkg",)) != old
    finally:
        source_digest.cache_clear()
        sys.modules.pop("cachedemo_pkg.value", None)
        sys.modules.pop("cachedemo_pkg", None)


def test_digest_covers_every_source_file_of_theory():
    d1 = source_digest(("theory",))
    assert len(d1) == 64 and d1 == source_digest(("theory",))
    assert source_digest(("theory", "simulate")) != d1
    assert source_digest(("theory._cache",)) != d1  # a module: its own file
    with pytest.raises(ValueError, match="sources: 'no_such_package_xyz' is neither an importable package"):
        source_digest(("no_such_package_xyz",))


def test_corrupt_or_foreign_file_is_recomputed(folder):
    compute, calls = _counter([1, 2])
    cached("demo", {}, compute)
    (path,) = folder.rglob("*.pkl")
    path.write_bytes(b"not a pickle")
    assert cached("demo", {}, compute) == [1, 2]
    assert len(calls) == 2
    assert cached("demo", {}, compute) == [1, 2] and len(calls) == 2  # rewritten


def test_unwritable_folder_costs_only_the_recomputation(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # a folder below a file: cannot be created
    compute, calls = _counter(5)
    assert cached("demo", {}, compute) == 5 and cached("demo", {}, compute) == 5
    assert len(calls) == 2


@pytest.mark.parametrize("off", ["off", "0", ""])
def test_off_computes_every_time_and_writes_nothing(tmp_path, monkeypatch, off):
    monkeypatch.setenv(CACHE_ENV, off)
    monkeypatch.chdir(tmp_path)
    assert cache_dir() is None
    compute, calls = _counter(5)
    cached("demo", {}, compute)
    cached("demo", {}, compute)
    assert len(calls) == 2 and not any(tmp_path.iterdir())


def test_default_folder_is_the_checkouts_results(monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    root = os.path.dirname(os.path.dirname(os.path.abspath(_cache.__file__)))
    assert cache_dir() == type(cache_dir())(root) / "results" / "cache"


def test_bad_arguments_are_named(folder):
    with pytest.raises(TypeError, match="compute must be callable; got int"):
        cached("demo", {}, 3)
    with pytest.raises(TypeError, match="params must be a mapping"):
        cached("demo", [1], lambda: 1)
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        cached("", {}, lambda: 1)
    with pytest.raises(TypeError, match="not JSON-able"):
        cached("demo", {"f": object()}, lambda: 1)


def test_laplace_eta2_is_computed_once_per_machine(folder, monkeypatch):
    """train's Laplace eta2 (the grid operator: seconds) goes through the disk cache: a second call
    with the in-memory cache cleared (a new process) reads the value instead of computing it."""
    import theory.hgr
    from train.data.synthetic import laplace_eta2

    calls = []

    class Fake:
        eta2, eta2_low, method = 0.5, 0.4, "fake"

    def fake(A, **kw):
        calls.append((A, kw))
        return Fake()

    monkeypatch.setattr(theory.hgr, "eta2_laplace_channel", fake)
    laplace_eta2.cache_clear()
    try:
        assert laplace_eta2(0.6, 0.2, 0.1, 0.1) == (0.5, 0.4, "fake")
        laplace_eta2.cache_clear()
        assert laplace_eta2(0.6, 0.2, 0.1, 0.1) == (0.5, 0.4, "fake")
        assert calls == [(0.6, {"jitter_sd": 0.2, "dropout": 0.1, "scale_sd": 0.1})]
        assert laplace_eta2(0.5, 0.2, 0.1, 0.1) == (0.5, 0.4, "fake") and len(calls) == 2
    finally:
        laplace_eta2.cache_clear()  # the fake values stay in this test's folder only
