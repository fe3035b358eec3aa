"""``harmwatch_tag_attrs``: the model's attribute ruler, applied by table lookup instead of a Matcher.

en_core_web_sm's attribute ruler gives each token its coarse POS, morphology and some lemmas from its
fine tag, with exceptions keyed on the word, its dependency label or whether it is a space. Its Matcher
tries all its rules at every token, which cost about a sixth of the model's time (issue 9). Nearly every
rule reads one token, so what they do to a token depends only on its (tag, lower form, dependency,
is-space): this component works that out once per distinct key and reuses it. Rules of a few tokens
("gon na", "there is") are chains of such tests. Rules apply in the ruler's order, later ones winning,
as in spaCy; a test compares every token with the ruler's own output. A model whose ruler uses anything
else (quantifiers, other token attributes) keeps its own ruler: ``readable`` says which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

_FIELDS = ("TAG", "LOWER", "DEP", "IS_SPACE")  # what a one-token rule may test, in this order
_OPERATORS = frozenset({"IN", "NOT_IN", "REGEX"})
# A test: (index into _FIELDS, operator, argument).
Test = tuple[int, str, Any]
# The rules that apply to one token, by number in the ruler's list, in order.
Hits = tuple[int, ...]


def _tests(token: Mapping[str, Any]) -> tuple[Test, ...] | None:
    """The tests of a one-token pattern, or None when it uses something a table lookup cannot answer."""
    out: list[Test] = []
    for key, want in token.items():
        if key not in _FIELDS:
            return None
        if not isinstance(want, dict):
            out.append((_FIELDS.index(key), "=", want))
            continue
        if len(want) != 1 or next(iter(want)) not in _OPERATORS:
            return None
        op, arg = next(iter(want.items()))
        out.append((_FIELDS.index(key), op, re.compile(arg) if op == "REGEX" else frozenset(arg)))
    return tuple(out)


def readable(patterns: Sequence[Mapping[str, Any]]) -> bool:
    """Whether every rule of an attribute ruler (its ``patterns``) is one this component can apply."""
    return all(-len(p) <= rule["index"] < len(p) and all(_tests(token) is not None for token in p)
               for rule in patterns for p in rule["patterns"])


def _passes(values: Sequence[Any], tests: Iterable[Test]) -> bool:
    for field, op, arg in tests:
        value = values[field]
        if op == "=":
            ok = value == arg
        elif op == "IN":
            ok = value in arg
        elif op == "NOT_IN":
            ok = value not in arg
        else:
            ok = arg.search(value) is not None
        if not ok:
            return False
    return True


class TagAttributes:
    """Callable pipeline component; ``load`` it with the attribute ruler's ``patterns``."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.attrs: dict[int, Mapping[str, str]] = {}  # rule number -> attributes it sets
        self.single: list[tuple[int, tuple[Test, ...]]] = []
        self.chains: list[tuple[int, tuple[tuple[Test, ...], ...], int]] = []  # (rule number, tests, index)
        # Per (tag, lower, dep, is_space): the one-token rules that apply, and the chain steps it passes.
        self._memo: dict[tuple[int, ...], tuple[Hits, frozenset[tuple[int, int]]]] = {}
        self._codes: dict[Hits, tuple[int, int, int, str, str]] = {}

    def load(self, patterns: Sequence[Mapping[str, Any]]) -> TagAttributes:
        """Take the rules of an attribute ruler; they must be ``readable``."""
        if not readable(patterns):
            raise ValueError("harmwatch_tag_attrs cannot apply these attribute ruler patterns; keep the model's "
                             "attribute_ruler for this model (build_nlp does so by itself).")
        for number, rule in enumerate(patterns):
            self.attrs[number] = rule["attrs"]
            for pattern in rule["patterns"]:
                tests = tuple(cast(tuple[Test, ...], _tests(token)) for token in pattern)
                if len(tests) == 1:
                    self.single.append((number, tests[0]))
                else:
                    self.chains.append((number, tests, rule["index"]))
        self._memo.clear()
        self._codes.clear()
        return self

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        memo = self._memo
        keys = [tuple(k) for k in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        found = [memo[k] if k in memo else self._read(k) for k in keys]
        hits = [f[0] for f in found]
        for i, more in self._chain_hits([f[1] for f in found]).items():
            hits[i] = tuple(sorted(hits[i] + more))  # the ruler's order: later rules win
        codes = [(self._codes[h] if h in self._codes else self._code(h)) if h else None for h in hits]
        old = doc.to_array([POS, MORPH, LEMMA]).tolist()
        new = [[c[k] or o[k] for k in range(3)] if c else o for c, o in zip(codes, old, strict=True)]
        doc.from_array([POS, MORPH, LEMMA], cast(Any, numpy.array(new, dtype="uint64")))
        for i, code in enumerate(codes):
            if code and code[3]:  # set by the rules for spaces only ("_SP")
                doc[i].tag_ = code[3]
            if code and code[4]:
                doc[i].dep_ = code[4]
        return doc

    def _read(self, key: tuple[int, ...]) -> tuple[Hits, frozenset[tuple[int, int]]]:
        strings = self.vocab.strings
        values = (strings[key[0]] if key[0] else "", strings[key[1]] if key[1] else "",
                  strings[key[2]] if key[2] else "", bool(key[3]))
        hits = tuple(number for number, tests in self.single if _passes(values, tests))
        steps = frozenset((c, k) for c, (_, chain, _) in enumerate(self.chains)
                          for k, tests in enumerate(chain) if _passes(values, tests))
        self._memo[key] = (hits, steps)
        return hits, steps

    def _chain_hits(self, steps: Sequence[frozenset[tuple[int, int]]]) -> dict[int, Hits]:
        """Token -> the rules of several tokens ("gon na") that set it."""
        out: dict[int, Hits] = {}
        for i, passed in enumerate(steps):
            for c, k in passed:
                number, chain, index = self.chains[c]
                n = len(chain)
                if k == 0 and i + n <= len(steps) and all((c, j) in steps[i + j] for j in range(1, n)):
                    target = i + (index if index >= 0 else n + index)
                    out[target] = (*out.get(target, ()), number)
        return out

    def _code(self, hits: Hits) -> tuple[int, int, int, str, str]:
        """(POS id, morphology hash, lemma hash, tag, dependency) after ``hits``; 0 or "" where unset."""
        final: dict[str, str] = {}
        for number in hits:
            final.update(self.attrs[number])
        strings = self.vocab.strings
        code = (POS_IDS[final["POS"]] if "POS" in final else 0,
                self.vocab.morphology.add(final["MORPH"]) if "MORPH" in final else 0,
                strings.add(final["LEMMA"]) if "LEMMA" in final else 0,
                final.get("TAG", ""), final.get("DEP", ""))
        self._codes[hits] = code
        return code


@Language.factory("harmwatch_tag_attrs")
def make_tag_attributes(nlp: Language, name: str) -> TagAttributes:
    return TagAttributes(nlp.vocab)
