"""Name normalisation for gazetteer matching.

Index and query go through the same ``normalize_name``, so the rules only have
to map spelling variants of one name onto one key; they need not be readable.
The rules target the ways Arabic names are romanised in English news
("Ma`arrat al-Nu'man" / "Maarat an-Numan", "Dayr az-Zawr" / "Deir ez-Zor").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophe-like marks: ayn/hamza transliterations, quotes and primes.
_MARKS = dict.fromkeys(map(ord, "'`´‘’ʼʻʿʾ′‛ʹ"), None)
# Arabic definite-article spellings (after the hyphen is gone): all become "al".
_ARTICLES = frozenset({
    "al", "el", "il", "ul", "an", "ash", "ad", "as", "ar", "at", "az", "ath", "adh", "ed", "es", "er",
    "et", "ez", "en", "ech", "esh",
})
# Whole-token variants that the letter rules below do not unify.
_TOKENS = {
    "deir": "dayr", "dair": "dayr", "deyr": "dayr", "der": "dayr",
    "sheikh": "shaykh", "shaikh": "shaykh", "sheik": "shaykh", "sheykh": "shaykh", "shekh": "shaykh",
    "cheikh": "shaykh", "shaykh": "shaykh",
    "kfar": "kafr", "kafar": "kafr", "kefr": "kafr", "kfr": "kafr",
    "st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "co": "county", "twp": "township",
}
# Letter rules, applied in order to each token.
_LETTERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.)\1+"), r"\1"),          # doubled letters: Raqqa / Raqa, Maarrat / Marat
    (re.compile(r"dj"), "j"),                # French romanisation: Djebel / Jebel
    (re.compile(r"ou"), "u"),                # French romanisation: Qousseir / Qusseir
    (re.compile(r"e[iy]|ai"), "ay"),         # Beirut / Bayrut, Qusair / Qusayr
    (re.compile(r"aw"), "o"),                # Zawr / Zor, Hawran / Horan
    (re.compile(r"(?<=[aeiou])h$"), ""),     # final h: Raqqah / Raqqa
)
_NON_WORD = re.compile(r"[^\w]+|_")


def _strip_marks(name: str) -> str:
    name = name.translate(_MARKS)
    if name.isascii():
        return name.lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=200_000)
def _token(tok: str) -> str:
    tok = _TOKENS.get(tok, tok)
    for pattern, repl in _LETTERS:
        tok = pattern.sub(repl, tok)
    return tok


def name_tokens(name: str) -> list[str]:
    """The lowercased, mark-free tokens of ``name``, before any spelling rule."""
    return _NON_WORD.sub(" ", _strip_marks(name)).split()


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """The matching key of a place name: equal keys mean "same spelling family".

    Lowercases, strips diacritics and ayn/hamza marks, treats hyphens and dots as
    spaces, drops a leading "the", maps every Arabic article form to "al", and
    applies the romanisation rules above. Returns "" for a name with no letters.
    """
    tokens = name_tokens(name)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    out = []
    for i, tok in enumerate(tokens):
        if tok in _ARTICLES and i < len(tokens) - 1:
            out.append("al")
        else:
            out.append(_token(tok))
    return " ".join(out)


@lru_cache(maxsize=100_000)
def leading_token(word: str) -> str | None:
    """The first token of the key of any name that starts with ``word`` and goes on past it.

    None when that depends on what follows ("the", a word without letters). Scanning text for
    names, this rules out most words at once, with a per-word cache.
    """
    tokens = name_tokens(word)
    if not tokens or tokens[0] == "the":
        return None
    return "al" if tokens[0] in _ARTICLES else _token(tokens[0])


def without_article(key: str) -> str | None:
    """The key without a leading "al " ("al raqa" -> "raqa"), or None if it has none."""
    if key.startswith("al ") and len(key) > 3:
        return key[3:]
    return None
