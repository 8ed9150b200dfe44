"""Where results go and how published results are read back (theory._results)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from theory._io import atomic_write_text, repo_root
from theory._results import (
    PublishedResultError,
    check_outputs,
    config_key,
    is_published_path,
    load_published,
    output_path,
    provenance,
    read_json,
    repo_relative,
)


def test_config_key_is_sha256_of_canonical_json():
    cfg = {"b": 1, "a": [1.5, "x"], "c": {"z": None, "y": True}}
    canonical = '{"a":[1.5,"x"],"b":1,"c":{"y":true,"z":null}}'
    assert config_key(cfg) == hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert config_key({"b": 1, "a": [1.5, "x"], "c": {"y": True, "z": None}}) == config_key(cfg)
    assert config_key({**cfg, "b": 2}) != config_key(cfg)
    assert config_key({**cfg, "b": 1.0}) != config_key(cfg)  # 1 and 1.0 are different configurations


@pytest.mark.parametrize("bad", [[1, 2], "a=1", None])
def test_config_key_refuses_non_mappings(bad):
    with pytest.raises(TypeError, match="config must be a mapping"):
        config_key(bad)


def test_config_key_refuses_nan():
    with pytest.raises(TypeError, match="not JSON-able"):
        config_key({"x": float("nan")})


def test_output_path_defaults_and_publish():
    root = repo_root()
    assert output_path("t1") == root / "results" / "t1.json"
    assert output_path("t1", "figures", quick=True) == root / "results" / "t1-quick.png"
    assert output_path("t1", publish=True) == root / "docs" / "data" / "t1.json"
    assert output_path("t1", "figures", publish=True) == root / "docs" / "figures" / "t1.png"
    assert output_path("t1", given="x/y.json") == root.__class__("x/y.json")
    with pytest.raises(ValueError, match="refuses --quick"):
        output_path("t1", publish=True, quick=True)
    with pytest.raises(ValueError, match="drop --json"):
        output_path("t1", publish=True, given="x.json")
    with pytest.raises(ValueError, match="kind must be"):
        output_path("t1", "csv")


def test_check_outputs_refuses_what_it_should(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.png"
    check_outputs({"--json": a, "--png": b, "--csv": None})
    with pytest.raises(ValueError, match="--json and --png are the same file"):
        check_outputs({"--png": a, "--json": a})
    with pytest.raises(ValueError, match="is a directory"):
        check_outputs({"--json": tmp_path})
    with pytest.raises(ValueError, match="must name a file"):
        check_outputs({"--json": f"{tmp_path}/"})
    a.write_text("{}")
    with pytest.raises(ValueError, match="is the input config"):
        check_outputs({"--json": a}, inputs={"config": a})
    link = tmp_path / "link.json"
    link.symlink_to(a)
    with pytest.raises(ValueError, match="is the input config"):
        check_outputs({"--json": link}, inputs={"config": a})
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(ValueError, match="is not a directory"):
        check_outputs({"--json": afile / "x.json"})
    published = repo_root() / "docs" / "data" / "table1.json"
    assert is_published_path(published)
    assert not is_published_path(repo_root() / "results" / "table1.json")
    with pytest.raises(ValueError, match="change only through --publish"):
        check_outputs({"--json": published})
    check_outputs({"--json": published}, publish=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_check_outputs_refuses_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(ValueError, match="not writable"):
            check_outputs({"--json": ro / "x.json"})
    finally:
        ro.chmod(0o700)


def test_repo_relative():
    root = repo_root()
    assert repo_relative(root / "docs" / "data" / "t1.json") == "docs/data/t1.json"
    assert repo_relative("/somewhere/else/x.json") == "/somewhere/else/x.json"
    assert repo_relative("rel/x.json") == "rel/x.json"


def test_provenance_is_relative_and_keyed():
    rec = provenance(
        config={"d": 8}, seed=3, argv=[str(repo_root() / "train" / "__main__.py"), "table1", "--quick"]
    )
    assert rec["command"] == "python -m train table1 --quick"
    assert rec["config_key"] == config_key({"d": 8})
    assert rec["quick"] is False and rec["seed"] == 3
    json.dumps(rec, allow_nan=False)
    rec = provenance(argv=["x", "--out", str(repo_root() / "results" / "a.json")])
    assert rec["command"] == "x --out results/a.json"


def _write(path, obj):
    atomic_write_text(path, json.dumps(obj))
    return path


def test_load_published_refuses_quick_unknown_and_mismatched(tmp_path):
    good = _write(tmp_path / "g.json", {"quick": False, "config": {"d": 8, "data": {"p": 0.01}}, "x": 1})
    assert load_published(good, config={"d": 8, "data": {"p": 0.01}})["x"] == 1
    with pytest.raises(PublishedResultError, match="smoke"):
        load_published(_write(tmp_path / "q.json", {"quick": True}))
    with pytest.raises(PublishedResultError, match="no 'quick' field"):
        load_published(_write(tmp_path / "u.json", {"config": {}}))
    with pytest.raises(PublishedResultError, match=r"data\.p = 0\.01, expected 0\.05"):
        load_published(good, config={"d": 8, "data": {"p": 0.05}})
    with pytest.raises(PublishedResultError, match=r"epochs = '\(missing\)'"):
        load_published(good, config={"epochs": 150})
    assert load_published(good, config={"d": 8})["x"] == 1  # fields the row does not name: not compared
    with pytest.raises(PublishedResultError, match=r"data\.p = 0\.01, not expected"):
        load_published(good, config={"d": 8}, exact=True)
    with pytest.raises(PublishedResultError, match="expected a JSON object"):
        load_published(_write(tmp_path / "l.json", [1, 2]))


def test_read_json_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1')
    with pytest.raises(ValueError, match=r"bad\.json is not valid JSON"):
        read_json(bad)
    nan = tmp_path / "nan.json"
    nan.write_text('{"a": NaN}')
    with pytest.raises(ValueError, match=r"nan\.json is not strict JSON"):
        read_json(nan)
    with pytest.raises(FileNotFoundError, match=r"missing\.json"):
        read_json(tmp_path / "missing.json")
    with pytest.raises(PublishedResultError, match=r"bad\.json: .*not valid JSON"):
        load_published(bad)


def test_atomic_write_goes_through_a_symlink(tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_provenance_names_a_program_outside_the_checkout_by_its_name():
    rec = provenance(argv=["/usr/local/bin/torchrun", "--nproc_per_node=2", "-m", "train"])
    assert rec["command"] == "torchrun --nproc_per_node=2 -m train"
