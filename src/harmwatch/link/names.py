"""Place names as linking compares them: folded past spelling, and found in a clause.

Reports spell one place many ways ("Talbiseh", "Tallbīsah"; "Douma", "Dūmā"), and a clause often names
more places than the one the resolver chose ("in Sarmin, east of Idlib"). ``skeleton`` folds a name
past such variants; ``names_in`` lists the names a clause gives. Both scoring and blocking use them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..model import Place

# Words that say nothing about which event a clause reports: grammar, reporting verbs, the
# vocabulary every conflict report shares, days and months. What is left names the event:
# places, objects hit, who, how.
STOPWORDS = frozenset("""
the and for that this with from were was are has have had been its their they said says say into over
after before when while which who whom what where also than then there these those not but all any
some more most other such only our out his her him she them about against during between under again
further being because would could will can may might just near still last first since until about
around across among amid per least according told reported reports report added local officials
official sources source statement spokesman monitor group people person civilians civilian killed
killing kill dead death deaths died die wounded wounding injured injuring hurt toll including
attack attacks attacked strike strikes struck hit hitting war forces force town city village area
areas province countryside northern southern eastern western north south east west central
monday tuesday wednesday thursday friday saturday sunday today yesterday morning afternoon evening
night overnight week weekend day days january february march april may june july august september
october november december one two three four five six seven eight nine ten dozen dozens hundreds
thousands air raid warplane jet plane aircraft bomb bombed bombing bombardment shell shelled shelling
artillery rocket mortar fire fired clash clashes fighting
""".split())
_VOWELS = str.maketrans("eiouy", "aaaaa")
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")  # "Hawijah" and "Hawija", "Talbiseh" and "Talbisa"
_SEPARATORS = frozenset(" \t\n-\u2010\u2011\u2013\u2014/,.")
_ARTICLES = frozenset({"al", "el", "ar", "as", "an", "ad", "at", "az", "ash", "the"})
MIN_NAME = 3  # shorter name skeletons match too much
_NAME_WORDS = 3
_CAPITALISED = re.compile(r"[^\W\d_][\w'’]*")
_POSSESSIVE = re.compile(r"['’]s$")
_CONNECTORS = frozenset({"al", "el", "ar", "as", "an", "ad", "at", "az", "ash", "ez", "es", "bin", "ibn", "of"})


@lru_cache(maxsize=8192)
def folded_words(name: str) -> tuple[str, ...]:
    """A place name's words without accents, hamzas, articles or punctuation."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c if c.isalnum() else " " if c in _SEPARATORS else "" for c in plain)
    return tuple(w for w in letters.split() if w not in _ARTICLES)


def folded_name(name: str) -> str:
    """"Ma‘arrat an-Nu‘mān" -> "maarratnuman"."""
    return "".join(folded_words(name))


@lru_cache(maxsize=65536)
def skeleton(words: str) -> str:
    """A name folded past spelling variants: every vowel (and y) one "a", a final "-ah" as "-a",
    repeats collapsed. "Talbiseh" and "Tallbīsah" both give "talbasa"; "Douma" and "Dūmā" "dama".
    """
    folded = _FINAL_H.sub("a", " ".join(folded_words(words))).translate(_VOWELS).replace(" ", "")
    return "".join(c for i, c in enumerate(folded) if i == 0 or c != folded[i - 1])


@lru_cache(maxsize=16384)
def names_in(text: str) -> frozenset[str]:
    """Name keys for runs of one to three words that start with a capital (connectors allowed inside).

    A sentence's first word is capitalised anyway ("Gunmen", "Security forces"): alone it is no name.
    """
    words = [(_POSSESSIVE.sub("", m.group()), m.group()[:1].isupper(), _opens_sentence(text, m.start()))
             for m in _CAPITALISED.finditer(text)]
    out: set[str] = set()
    for i, (head, upper, first) in enumerate(words):
        if not upper or head.casefold() in STOPWORDS:
            continue
        run: list[str] = []
        for k, (word, up, opens) in enumerate(words[i:i + _NAME_WORDS]):
            if k and (opens or not up and word.casefold() not in _CONNECTORS):
                break
            run.append(word)
            # A sentence's first word alone is no name; followed by more of a name it is one.
            if up and word.casefold() not in STOPWORDS and (not first or len(run) > 1):
                keys = (skeleton(" ".join(run)), skeleton(head)) if first else (skeleton(" ".join(run)),)
                out.update(key for key in keys if len(key) >= MIN_NAME)
    return frozenset(out)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


def named_in(place: Place, text: str) -> bool:
    """Whether ``text`` names ``place`` (a capitalised run of words with the place's skeleton)."""
    key = skeleton(place.name)
    return len(key) >= MIN_NAME and key in names_in(text)
