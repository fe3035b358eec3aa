"""Linking at scale: synthetic mentions through the real ``process`` loop, timed.

    .venv/bin/python bench/linking.py                      # 1,000,000 mentions, then 10,000 more
    .venv/bin/python bench/linking.py --mentions 50000     # a quick run

A synthetic world (towns on a grid, outlets, event types) yields reports of invented incidents in
publication order: most incidents have a few reports over up to three days, a few are long sieges
with thousands of reports, some reports name only the country or no resolvable place. Documents
are stored first (timed apart); then ``harmwatch.pipeline.process`` links them with the real link
stage, fed by an extractor that reads the synthetic reports back. It prints the time to link them,
the peak memory of the process, the time to add more reports to the linked store, and how well
the incidents match the invented ones (B-cubed over mentions).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from harmwatch.model import Document, Figure, Mention, Place, Span, When, sha256_hex
from harmwatch.pipeline import process
from harmwatch.store import Store, open_store

TYPES = ("air_strike", "shelling", "explosive_device", "armed_clash", "attack_on_civilians", "arrest",
         "displacement", "aid_access", "peaceful_protest", "abduction")
VERBS = {"air_strike": "an air strike hit", "shelling": "shells hit", "explosive_device": "a car bomb hit",
         "armed_clash": "fighting broke out near", "attack_on_civilians": "gunmen attacked",
         "arrest": "security forces raided", "displacement": "families fled",
         "aid_access": "an aid convoy reached", "peaceful_protest": "crowds marched past",
         "abduction": "gunmen seized people at"}
OBJECTS = ("market", "school", "hospital", "bakery", "mosque", "checkpoint", "farm", "camp", "bridge",
           "bus station", "clinic", "water plant", "square", "warehouse", "police post")
START = date(2016, 1, 1)
COUNTRIES = ("SY", "IQ", "TR", "LB")
LINE = re.compile(r"^(?P<id>[^|]*)\|(?P<type>\w+)\|(?P<place>[^|]*)\|(?P<day>[^|]*)\|(?P<span>\d+)\|"
                  r"(?P<killed>\d*)\|(?P<text>.*)$")


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    country: str
    geonameid: str


def world(towns: int, rng: random.Random) -> list[Town]:
    """Towns scattered over 8 x 8 degrees, each country a quadrant, each with a name of its own."""
    from harmwatch.link.features import skeleton

    out, seen = [], set()
    onsets, vowels = "bdfghjklmnprstvz", "aeiou"
    while len(out) < towns:
        name = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(4)).title()
        if skeleton(name) in seen:
            continue
        seen.add(skeleton(name))
        lat, lon = 32.0 + rng.random() * 8, 36.0 + rng.random() * 8
        country = COUNTRIES[(lat > 36) * 2 + (lon > 40)]
        out.append(Town(name, round(lat, 4), round(lon, 4), country, f"9{len(out):06d}"))
    return out


@dataclass(frozen=True)
class Report:
    published: date
    source: str
    line: str  # what the synthetic extractor reads back


def _report(truth: str, kind: str, town: Town, day: date, span: int, killed: int, obj: str,
            rng: random.Random) -> str:
    where = rng.random()
    place = town.name if where > 0.05 else (f"country:{town.country}" if where > 0.02 else "")
    verb = VERBS[kind]
    text = f"{verb[0].upper()}{verb[1:]} the {obj} in {town.name} on {day.isoformat()}"
    if killed:
        text += f", killing {killed} people"
    return f"{truth}|{kind}|{place}|{day.isoformat()}|{span}|{killed or ''}|{text}."


def reports(n_mentions: int, towns: list[Town], rng: random.Random, days: int,
            first_day: int = 0) -> Iterator[Report]:
    """About ``n_mentions`` reports, in publication order, over ``days`` days."""
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(towns))]  # a few busy towns, many quiet ones
    per_day = n_mentions / days
    sieges = {rng.randrange(first_day, first_day + max(1, days - 60)): rng.choice(towns[:50]) for _ in range(5)}
    siege_reports = max(1, n_mentions // 400)
    pending: dict[int, list[Report]] = {}
    made = 0
    for d in range(first_day, first_day + days):
        day = START + timedelta(days=d)
        budget = per_day
        if d in sieges:  # a long siege: reports over the next 60 days, each dated by the month
            town = sieges[d]
            for k in range(siege_reports):
                pub = d + k * 60 // siege_reports
                line = _report(f"siege-{d}", "aid_access", town, day, 30, 0, "besieged quarter", rng)
                pending.setdefault(pub, []).append(Report(START + timedelta(days=pub), _outlet(rng), line))
            budget -= siege_reports / 60
        while budget > 0 and made < n_mentions:
            kind, town = rng.choice(TYPES), rng.choices(towns, weights)[0]
            size = min(12, 1 + int(rng.expovariate(1 / 2.5)))
            killed, obj = rng.choice((0, 0, rng.randint(1, 40))), rng.choice(OBJECTS)
            truth = f"i{d}-{made}"
            for _ in range(size):
                pub = d + rng.choice((0, 0, 1, 1, 2))
                line = _report(truth, kind, town, day, 1, killed, obj, rng)
                pending.setdefault(pub, []).append(Report(START + timedelta(days=pub), _outlet(rng), line))
            made += size
            budget -= size
        today = pending.pop(d, [])
        rng.shuffle(today)
        yield from today
    for d in sorted(pending):
        yield from pending[d]


def _outlet(rng: random.Random) -> str:
    return f"Outlet {rng.randrange(300)}"


class SyntheticExtractor:
    """Reads the synthetic reports back into one mention each."""

    def __init__(self, towns: Sequence[Town]) -> None:
        self.places = {t.name: Place(t.name, t.lat, t.lon, "city", geonameid=t.geonameid, country=t.country,
                                     score=0.9, reason="synthetic") for t in towns}
        self.countries = {c: Place(c, None, None, "country", geonameid=f"c{c}", country=c, score=0.9)
                          for c in COUNTRIES}

    def extract(self, docs: Sequence[Document]) -> list[tuple[Mention, ...]]:
        return [(self._mention(doc),) for doc in docs]

    def _mention(self, doc: Document) -> Mention:
        hit = LINE.match(doc.text)
        assert hit is not None, doc.text
        place = hit["place"]
        where = (self.countries[place[8:]] if place.startswith("country:")
                 else self.places.get(place))
        day, span = date.fromisoformat(hit["day"]), int(hit["span"])
        when = When(day, day + timedelta(days=span - 1), "day" if span == 1 else "month")
        killed = int(hit["killed"]) if hit["killed"] else None
        figures = (Figure("killed", "people", killed, killed, "exact"),) if killed else ()
        start = hit.start("text")
        return Mention(doc_sha256=doc.sha256, doc_id=doc.id, index=0, type=hit["type"],
                       evidence=Span(start, len(doc.text), hit["text"]), where=where, when=when,
                       figures=figures, rule="synthetic", source=doc.source, published=doc.published)


def store_reports(store: Store, items: Iterator[Report], offset: int = 0) -> int:
    n = offset
    with store.transaction():
        for r in items:
            raw = f"{n}|{r.source}|{r.line}".encode()
            store.add_document(Document(id=f"s{n}", sha256=sha256_hex(raw), raw=raw, text=r.line,
                                        source=r.source, published=r.published))
            n += 1
    return n - offset


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bcubed(store: Store) -> tuple[float, float]:
    """B-cubed precision and recall of the stored incidents against the invented ones."""
    pairs: Counter[tuple[str, str]] = Counter()
    for inc in store.incidents():
        for doc_truth in _truths(store, inc.id):
            pairs[doc_truth, inc.id] += 1
    truth_size: Counter[str] = Counter()
    pred_size: Counter[str] = Counter()
    for (t, p), c in pairs.items():
        truth_size[t] += c
        pred_size[p] += c
    total = sum(pairs.values()) or 1
    precision = sum(c * c / pred_size[p] for (_, p), c in pairs.items()) / total
    recall = sum(c * c / truth_size[t] for (t, _), c in pairs.items()) / total
    return precision, recall


def _truths(store: Store, incident_id: str) -> Iterator[str]:
    for m in store.members(incident_id):
        yield store.get_document(m.doc_sha256).text.split("|", 1)[0]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--more", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=0, help="timeline length [default: mentions / 500]")
    parser.add_argument("--towns", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=10_000, help="documents a transaction [10,000]")
    parser.add_argument("--db", type=Path, default=None, help="keep the database here [default: a temp dir]")
    parser.add_argument("--quality", action="store_true", help="also score B-cubed (slow on big runs)")
    args = parser.parse_args(argv)
    rng = random.Random(5)
    towns = world(args.towns, rng)
    days = args.days or max(30, args.mentions // 500)
    db = args.db or Path(tempfile.mkdtemp(prefix="hw-linking-")) / "linking.db"
    rows: list[tuple[str, str]] = []
    with open_store(db) as store:
        t0 = time.perf_counter()
        n_docs = store_reports(store, reports(args.mentions, towns, rng, days))
        rows.append(("documents stored", f"{n_docs:,} in {time.perf_counter() - t0:,.1f} s"))
        t0, c0 = time.perf_counter(), time.process_time()
        report = process(store, SyntheticExtractor(towns), batch_size=args.batch, progress=sys.stderr.isatty())
        spent, cpu = time.perf_counter() - t0, time.process_time() - c0
        counts = store.counts()
        rows += [("mentions linked", f"{report.mentions:,} in {spent:,.1f} s wall, {cpu:,.1f} s CPU "
                                     f"({report.mentions / spent:,.0f}/s)"),
                 ("incidents", f"{counts['incidents']:,}"), ("peak memory", f"{peak_mib():,.0f} MiB")]
        more = store_reports(store, reports(args.more, towns, random.Random(6), 10, first_day=days - 5),
                             offset=n_docs)
        t0, c0 = time.perf_counter(), time.process_time()
        report = process(store, SyntheticExtractor(towns), batch_size=args.batch)
        spent, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append((f"{more:,} more linked", f"{report.mentions:,} in {spent:,.1f} s wall, {cpu:,.1f} s CPU"))
        rows.append(("peak memory after", f"{peak_mib():,.0f} MiB"))
        if args.quality:
            p, r = bcubed(store)
            rows.append(("B-cubed vs invented", f"precision {p:.3f} recall {r:.3f}"))
    rows.append(("database", f"{db} ({db.stat().st_size / 2**20:,.0f} MiB)"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
