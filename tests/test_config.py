from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmwatch.config import DEFAULT_MAX_BYTES, from_env
from harmwatch.errors import ConfigError


def test_defaults():
    s = from_env({})
    assert s.db == "harmwatch.db" and s.max_bytes == DEFAULT_MAX_BYTES and s.actor_files == ()


def test_environment_overrides(tmp_path):
    env = {"HARMWATCH_DB": "x.db", "HARMWATCH_HOME": str(tmp_path), "HARMWATCH_MAX_BYTES": "1000",
           "HARMWATCH_ACTORS": os.pathsep.join(["a.csv", "b.csv"])}
    s = from_env(env)
    assert (s.db, s.home, s.max_bytes) == ("x.db", tmp_path, 1000)
    assert s.gazetteer_path == tmp_path / "gazetteer.sqlite"
    assert s.actor_files == (Path("a.csv"), Path("b.csv"))
    assert s.with_actors((Path("c.csv"),)).actor_files[-1] == Path("c.csv")
    assert s.with_db(None) is s and s.with_db("y.db").db == "y.db"


@pytest.mark.parametrize("value", ["fifty", "0", "-3"])
def test_bad_size_limit_says_how_to_fix(value):
    with pytest.raises(ConfigError, match="HARMWATCH_MAX_BYTES"):
        from_env({"HARMWATCH_MAX_BYTES": value})
