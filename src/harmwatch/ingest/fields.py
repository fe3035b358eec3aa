"""Field parsers shared by records and sidecars: dates and language tags."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_published(value: Any) -> date | None:
    """``YYYY-MM-DD`` or a full ISO datetime (its date as written); ``ValueError`` otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be a YYYY-MM-DD string, got {value!r}")
    s = value.strip()
    try:
        if _ISO_DAY.fullmatch(s):
            return date.fromisoformat(s)
        return datetime.fromisoformat(s).date()
    except ValueError:
        raise ValueError(f"published {value!r} is not a date; write it as YYYY-MM-DD") from None


def normalise_language(value: Any) -> str | None:
    """``en-GB`` -> ``en``; anything not a usable tag gives None (the caller's default)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("_", "-").split("-")[0].lower() or None


def opt_str(obj: dict[str, Any], key: str) -> str | None:
    """``obj[key]`` as a string, ``None`` when missing or empty; ``ValueError`` when not a string."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} must be a string, got {type(value).__name__}")
    return value
