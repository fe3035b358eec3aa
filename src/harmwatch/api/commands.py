"""``harmwatch serve`` and ``harmwatch token``: thin shells over ``create_app`` and ``auth``."""

from __future__ import annotations

import os

import click

from ..cli import _friendly, _settings, db_option
from ..errors import ConfigError
from ..store.review import ROLES
from .settings import OSM_TILES, check_origins, check_tiles


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the server to your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--private", is_flag=True, help="Reading needs a token too [default: $HARMWATCH_PRIVATE].")
@click.option("--tiles", default=None, metavar="URL|none",
              help=f"Map tile URL template, or none [default: $HARMWATCH_TILES or {OSM_TILES}].")
@click.option("--cors-origin", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser calls from this origin (repeatable); closed by default.")
@click.option("--max-body", type=click.IntRange(1024, 16 * 1024 * 1024), default=None,
              help="Largest request body accepted, in bytes [default: 65536].")
@_friendly
def serve(db: str | None, host: str, port: int, private: bool, tiles: str | None, cors: tuple[str, ...],
          max_body: int | None) -> None:
    """Serve the HTTP API and the dashboard until stopped (Ctrl-C)."""
    from dataclasses import replace

    import uvicorn

    from .app import create_app
    from .settings import from_env

    settings = _settings(db)
    api = from_env(dict(os.environ))
    api = replace(api, public_read=api.public_read and not private,
                  tiles=check_tiles(tiles) if tiles is not None else api.tiles,
                  cors_origins=check_origins(cors) or api.cors_origins,
                  max_body_bytes=max_body or api.max_body_bytes)
    from ..store import open_store

    with open_store(settings.db):  # create or migrate the database once, before the first request
        pass
    app = create_app(settings, api=api)
    click.echo(f"harmwatch: serving {settings.db} on http://{host}:{port}/ "
               f"(reading {'needs a token' if not api.public_read else 'is public'}; Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


@click.group()
def token() -> None:
    """Access tokens for reviewers and admins (stored hashed; shown once)."""


@token.command("create")
@db_option
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default=None, help="Who the token is for; shown in the audit log.")
@_friendly
def create(db: str | None, role: str, name: str | None) -> None:
    """Make a token and print it once: keep it; harmwatch stores only its hash."""
    from ..store import open_store
    from .auth import create_token

    with open_store(_settings(db).db) as store:
        secret, info = create_token(store, role, name)
    click.echo(secret)
    click.echo(f"token {info.hash[:12]} for {info.name} ({info.role}) created; it is shown only this once.",
               err=True)


@token.command("list")
@db_option
@_friendly
def list_tokens(db: str | None) -> None:
    """The tokens issued: id, name, role, created, revoked (never the tokens themselves)."""
    from ..store import open_store
    from ..store.review import tokens

    with open_store(_settings(db).db) as store:
        for info in tokens(store):
            revoked = f"revoked {info.revoked_at:%Y-%m-%d}" if info.revoked_at else "live"
            click.echo(f"{info.hash[:12]}  {info.role:<8} {info.created_at:%Y-%m-%d}  {revoked:<18} {info.name}")


@token.command("revoke")
@db_option
@click.argument("key")
@_friendly
def revoke(db: str | None, key: str) -> None:
    """Revoke the tokens with this name or id (from `harmwatch token list`)."""
    from ..store import open_store
    from ..store.review import revoke_tokens

    with open_store(_settings(db).db) as store:
        n = revoke_tokens(store, key)
    if not n:
        raise ConfigError(f"no live token has name or id {key!r}; see `harmwatch token list`.")
    click.echo(f"{n} token(s) revoked", err=True)


# Typed names for cli.py (mypy cannot infer decorated objects across the cli <-> commands import cycle).
SERVE_COMMAND: click.Command = serve
TOKEN_GROUP: click.Group = token
