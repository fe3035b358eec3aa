"""Settings of the HTTP server, besides the database (``harmwatch.config.Settings``).

| variable | default | meaning |
|---|---|---|
| ``HARMWATCH_PRIVATE`` | (unset) | ``1``: reading needs a token too |
| ``HARMWATCH_TILES`` | OpenStreetMap | map tile URL template (``{z}/{x}/{y}``), or ``none`` for no tiles |
| ``HARMWATCH_CORS`` | (none) | origins allowed to call the API from a browser, comma separated |
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ConfigError

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "\u00a9 OpenStreetMap contributors"
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class ApiSettings:
    """What ``create_app`` needs to know besides the database."""

    public_read: bool = True
    tiles: str | None = OSM_TILES
    tiles_attribution: str = OSM_ATTRIBUTION
    max_body_bytes: int = MAX_BODY_BYTES
    cors_origins: tuple[str, ...] = ()
    max_page: int = 500
    max_map_points: int = 20_000

    @property
    def tiles_origin(self) -> str | None:
        """scheme://host of the tile server, for the Content-Security-Policy."""
        if not self.tiles:
            return None
        parts = urlsplit(self.tiles)
        return f"{parts.scheme}://{parts.netloc}"


def check_tiles(url: str | None) -> str | None:
    """A tile URL template, or None for ``none``/empty; raises ConfigError for anything else."""
    if url is None or url.strip().lower() in ("", "none", "off"):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "{z}" not in url:
        raise ConfigError(f"tile URL {url!r} is not an http(s) URL template with {{z}}, {{x}} and {{y}}; "
                          f"give e.g. {OSM_TILES}, or none to show the map without tiles.")
    return url.strip()


def check_origins(origins: tuple[str, ...]) -> tuple[str, ...]:
    for origin in origins:
        parts = urlsplit(origin)
        if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path):
            raise ConfigError(f"CORS origin {origin!r} is not scheme://host[:port]; give e.g. "
                              "https://example.org, or leave CORS closed.")
    return origins


def from_env(env: dict[str, str]) -> ApiSettings:
    """Server settings from ``HARMWATCH_PRIVATE``, ``HARMWATCH_TILES`` and ``HARMWATCH_CORS``."""
    tiles = check_tiles(env["HARMWATCH_TILES"]) if "HARMWATCH_TILES" in env else OSM_TILES
    cors = tuple(o.strip() for o in env.get("HARMWATCH_CORS", "").split(",") if o.strip())
    private = env.get("HARMWATCH_PRIVATE", "").strip().lower() in ("1", "true", "yes")
    return ApiSettings(public_read=not private, tiles=tiles, cors_origins=check_origins(cors))
