"""Shared fixtures. Each area keeps its fixtures in its own section below."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def fixed_clock():
    """A clock that always says 2026-01-02 03:04:05 UTC, for reproducible retrieval times."""
    return lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


# --- ingest fixtures ---

# --- geo fixtures ---

# --- store fixtures ---

# --- link fixtures ---

# --- extract fixtures ---
