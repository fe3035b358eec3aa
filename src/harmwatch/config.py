"""Settings, read once from the environment and passed in explicitly.

| variable | default | meaning |
|---|---|---|
| ``HARMWATCH_DB`` | ``./harmwatch.db`` | SQLite path or ``postgresql://`` URL |
| ``HARMWATCH_HOME`` | ``~/.cache/harmwatch`` | where the compiled gazetteer index lives |
| ``HARMWATCH_MAX_BYTES`` | ``52428800`` (50 MiB) | largest input file ingest accepts |
| ``HARMWATCH_ACTORS`` | (none) | extra actor dictionaries (CSV), separated by ``os.pathsep`` |
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_DB = "harmwatch.db"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Documents linked in one transaction by `harmwatch process`: every incident a batch touches is rebuilt once,
# so larger batches rebuild busy incidents less often; a crash loses at most one batch's extraction work.
PROCESS_BATCH = 32


@dataclass(frozen=True)
class Settings:
    db: str = DEFAULT_DB
    home: Path = Path.home() / ".cache" / "harmwatch"
    max_bytes: int = DEFAULT_MAX_BYTES
    actor_files: tuple[Path, ...] = ()
    run_context: bool = True  # a lone ambiguous place name is read in the run's geography

    @property
    def gazetteer_path(self) -> Path:
        return self.home / "gazetteer.sqlite"

    def with_db(self, db: str | None) -> Settings:
        return replace(self, db=db) if db else self

    def with_actors(self, files: tuple[Path, ...]) -> Settings:
        return replace(self, actor_files=self.actor_files + files) if files else self


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (``os.environ`` by default)."""
    env = dict(os.environ) if env is None else env
    raw_max = env.get("HARMWATCH_MAX_BYTES", str(DEFAULT_MAX_BYTES))
    try:
        max_bytes = int(raw_max)
    except ValueError:
        raise ConfigError(
            f"HARMWATCH_MAX_BYTES={raw_max!r} is not a whole number of bytes; "
            "set it to e.g. 52428800 for 50 MiB, or unset it."
        ) from None
    if max_bytes <= 0:
        raise ConfigError(f"HARMWATCH_MAX_BYTES must be positive, got {max_bytes}; unset it for 50 MiB.")
    home = Path(env["HARMWATCH_HOME"]) if env.get("HARMWATCH_HOME") else Settings.home
    actors = tuple(Path(p) for p in env.get("HARMWATCH_ACTORS", "").split(os.pathsep) if p)
    run_context = env.get("HARMWATCH_RUN_CONTEXT", "1").strip().lower() not in ("0", "false", "no", "off")
    return Settings(db=env.get("HARMWATCH_DB") or DEFAULT_DB, home=home, max_bytes=max_bytes, actor_files=actors,
                    run_context=run_context)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``min_lon,min_lat,max_lon,max_lat`` as four finite numbers within the globe."""
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise ConfigError(f"bbox {text[:60]!r} is not four numbers; write min_lon,min_lat,max_lon,max_lat, "
                          "e.g. 35.5,32.3,42.4,37.3.")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-90 <= min_lat <= max_lat <= 90 and -180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ConfigError(f"bbox {text[:60]!r} is off the globe or has min_lat above max_lat; longitudes "
                          "go from -180 to 180, latitudes from -90 to 90.")
    return min_lon, min_lat, max_lon, max_lat
