"""Flag (never delete) obvious page furniture in a document's text.

Conservative on purpose: a whole line must look like a share button, a
subscription prompt, a photo credit, an advert, a comments heading, a cookie
notice, a separator, or repeat an earlier line exactly.  The extract stage
decides what to do with the flagged spans; offsets stay those of ``text``.
"""

from __future__ import annotations

import re

from ..model import Span

# Longer lines are prose, whatever words they contain (cookie notices get more room).
_MAX_LINE = 120
_MAX_COOKIE_LINE = 400

_SOCIAL = r"(?:facebook|twitter|tweet|whatsapp|linkedin|reddit|pinterest|telegram|e-?mail|mail|print|share)"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"(?:send (?:in|by|via) e-?mail\s*)+",
    r"share(?: this| the)?(?: article| story| page| post)?(?: (?:on|via) \w+)?\s*:?",
    rf"{_SOCIAL}(?:[\s|/,·•]*{_SOCIAL})+",
    r"print friendly,? pdf\s*&\s*e-?mail",
    r"(?:click here to |please )?subscribe\b.{0,80}",
    r"sign up (?:for|to) .{0,60}newsletter.{0,40}",
    r"(?:photo |image |picture |video )?credits?\s*:.*",
    r"(?:advertisement|advert|sponsored(?: content)?|story continues below advertisement)",
    r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?\s*:?",
    r"\d+\s+(?:comments?|responses?|replies) (?:on|to) .*",
    r"(?:leave|post|add|write) a (?:comment|reply|response).{0,40}",
    r"reply",
    r"(?:read more|related(?: articles| stories| content| news)?|recommended(?: for you)?|"
    r"(?:top content )?trending(?: now)?|most (?:read|popular|viewed|shared))\s*:?",
    r"enable read mode|\d+\s*%\s*font size|font size|click the alert icon to follow topics:?",
    r"published\s*:?\s*updated\s*:?",
    r"follow us(?: on .{0,60})?",
    r"(?:©|\(c\)|copyright\b).{0,100}|.{0,100}\ball rights reserved\.?",
    r"[\s_\-=*~•·.]{3,}",
))
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(r"\b(?:use|uses|using|accept|consent|policy|settings|agree|browsing)\b",
                             re.IGNORECASE)


def _is_furniture(line: str) -> bool:
    if len(line) <= _MAX_COOKIE_LINE and _COOKIE.search(line) and _COOKIE_CONTEXT.search(line):
        return True
    return len(line) <= _MAX_LINE and any(p.fullmatch(line) for p in _PATTERNS)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's stripped content, skipping blank lines."""
    out: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped:
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return out


def find_boilerplate(text: str) -> tuple[Span, ...]:
    """Spans of boilerplate lines in ``text``, in text order."""
    spans: list[Span] = []
    seen: set[str] = set()
    for start, end in _lines(text):
        line = text[start:end]
        repeated = line in seen
        seen.add(line)
        if repeated or _is_furniture(line):
            spans.append(Span(start, end, line))
    return tuple(spans)
