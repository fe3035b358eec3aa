"""Access tokens: made once, shown once, stored as a SHA-256 hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from ..errors import ConfigError
from ..store import Store
from ..store import review as review_store
from ..store.review import ROLES, TokenInfo

TOKEN_PREFIX = "hw_"
MAX_NAME = 80
MAX_TOKEN = 200  # longer bearer values are refused before hashing


@dataclass(frozen=True)
class Principal:
    """Who a request speaks for: the token's name and role."""

    name: str
    role: str

    @property
    def can_review(self) -> bool:
        return self.role in ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, role: str, name: str | None = None) -> tuple[str, TokenInfo]:
    """A new token for ``role``; returns (the token, to show once, and what is stored about it)."""
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}; choose one of those.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    who = " ".join((name or "").split()) or f"{role}-{hash_token(token)[:6]}"
    if len(who) > MAX_NAME:
        raise ConfigError(f"--name is {len(who)} characters; keep it under {MAX_NAME}.")
    return token, review_store.add_token(store, hash_token(token), who, role)


def verify(store: Store, token: str) -> Principal | None:
    """The principal of a live token, or None; the stored hash is compared in constant time."""
    if not token or len(token) > MAX_TOKEN:
        return None
    digest = hash_token(token)
    info = review_store.find_token(store, digest)
    if info is None or not hmac.compare_digest(info.hash, digest):
        return None
    return Principal(info.name, info.role)
