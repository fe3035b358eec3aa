"""Shared fixtures. Each area keeps its fixtures in its own section below."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def fixed_clock():
    """A clock that always says 2026-01-02 03:04:05 UTC, for reproducible retrieval times."""
    return lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


# --- ingest fixtures ---


@pytest.fixture
def ingest_settings(tmp_path):
    """Settings with a 64 KiB input limit, so a TooLarge file is cheap to write."""
    from harmwatch.config import Settings

    return Settings(db=str(tmp_path / "ingest.db"), home=tmp_path / "hw-home", max_bytes=64 * 1024)


# --- geo fixtures ---

GEO_TEST_COUNTRIES = frozenset({"SY", "US", "TR", "IQ", "GB", "FR", "LB", "JO", "CA", "MZ", "PS", "IL", "GE"})


@pytest.fixture(scope="session")
def geo_gazetteer(tmp_path_factory):
    """A gazetteer built once per test run from the packaged data, limited to a few countries for speed."""
    from harmwatch.geo import Gazetteer

    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    gaz = Gazetteer.open(path, countries=GEO_TEST_COUNTRIES)
    yield gaz
    gaz.close()


# --- store fixtures ---
# A toy corpus in a one-line grammar ("shelling at Aleppo on 2016-07-24 killed 10."), a fake
# extractor that reads it and a fake link stage, so store/pipeline/export tests need no spaCy.
# They are module level so a child process (the SIGKILL test) can import them too.

import re  # noqa: E402
import statistics  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from harmwatch.model import (  # noqa: E402
    Actor,
    Claim,
    Document,
    Figure,
    FigureEstimate,
    Incident,
    Link,
    Mention,
    Place,
    Span,
    When,
    sha256_hex,
)

TOY_PLACES = {"Aleppo": (36.2, 37.16, "170063"), "Idlib": (35.93, 36.63, "169388"),
              "Homs": (34.73, 36.72, "169577"), "Nowhere": (None, None, None)}
TOY_CORPUS: tuple[tuple[str, str, str], ...] = (
    # (source, published, text)
    ("Outlet A", "2016-07-25",
     "shelling at Aleppo on 2016-07-24 killed 10. air_strike at Idlib on 2016-07-25 killed 4."),
    ("Outlet B", "2016-07-26", "shelling at Aleppo on 2016-07-25 killed 12."),
    ("Outlet C", "2016-07-26", "air_strike at Idlib on 2016-07-25 killed 5. shelling at Homs."),
    ("Outlet A", "2016-08-02", "shelling at Homs on 2016-08-01 killed 3. displacement at Nowhere."),
    ("Outlet D", "2016-07-27", "displacement at Aleppo on 2016-07-26."),
    ("Outlet B", "2016-07-28", "shelling at Aleppo on 2016-07-27 killed 7. total at Aleppo killed 90."),
)
_TOY_SENTENCE = re.compile(
    r"(?P<type>[a-z_]+) at (?P<place>[A-Z]\w*)(?: on (?P<day>\d{4}-\d\d-\d\d))?(?: killed (?P<killed>\d+))?\."
)


def toy_document(index: int, source: str, published: str, text: str) -> Document:
    raw = f"{source}\n{text}".encode()
    return Document(id=f"doc-{index}", sha256=sha256_hex(raw), raw=raw, text=text, source=source,
                    published=date.fromisoformat(published), media_type="text/plain", origin="toy",
                    boilerplate=(Span(0, 8, text[:8]),) if index % 2 else ())


def toy_place(name: str) -> Place:
    lat, lon, geonameid = TOY_PLACES.get(name, (None, None, None))
    return Place(name, lat, lon, "city" if lat is not None else "country", geonameid=geonameid,
                 country="SY" if lat is not None else None, score=0.75, reason="toy gazetteer")


class FakeExtractor:
    """One mention per toy sentence; "total" sentences become aggregate tallies."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def extract(self, docs: Sequence[Document]) -> list[tuple[Mention, ...]]:
        self.calls.append(len(docs))
        return [tuple(self._mention(doc, i, hit) for i, hit in enumerate(_TOY_SENTENCE.finditer(doc.text)))
                for doc in docs]

    @staticmethod
    def _mention(doc: Document, index: int, hit: re.Match[str]) -> Mention:
        day = date.fromisoformat(hit["day"]) if hit["day"] else None
        killed = int(hit["killed"]) if hit["killed"] else None
        evidence = Span(hit.start(), hit.end(), hit.group())
        return Mention(
            doc_sha256=doc.sha256, doc_id=doc.id, index=index,
            type="other" if hit["type"] == "total" else hit["type"], evidence=evidence,
            scope="aggregate" if hit["type"] == "total" else "incident", where=toy_place(hit["place"]),
            when=When(day, day, "day", hit["day"] or "", "iso") if day else None,
            figures=(Figure("killed", "civilians", killed, killed, "exact",
                            Span(hit.start("killed"), hit.end("killed"), hit["killed"])),) if killed else (),
            perpetrators=(Actor("Syrian government", 1, "regime"),) if hit["type"] == "shelling" else (),
            targets=("civilians",) if killed else (), certainty="reported", rule="toy",
            source=doc.source, published=doc.published,
        )


class FakeLinkStage:
    """Joins a mention to the first candidate holding one of the same type and place.

    ``crash`` (default: raise RuntimeError) is called at the ``crash_at``-th ``assign``.
    """

    def __init__(self, crash_at: int | None = None, crash: Callable[[], None] | None = None) -> None:
        self.assigned = 0
        self.crash_at = crash_at
        self.crash = crash

    def incident_id_for(self, mention: Mention) -> str:
        return f"inc-{mention.doc_sha256[:8]}-{mention.index}"

    def blocking_window(self, mention: Mention) -> tuple[date | None, date | None]:
        if mention.when is None or mention.when.start is None or mention.when.end is None:
            return None, None
        return mention.when.start - timedelta(days=2), mention.when.end + timedelta(days=2)

    def assign(self, mention: Mention, candidates: Mapping[str, Sequence[Mention]]) -> Link | None:
        self.assigned += 1
        if self.assigned == self.crash_at:
            if self.crash is None:
                raise RuntimeError("simulated crash inside a batch")
            self.crash()
        for incident_id, members in candidates.items():
            for other in members:
                if other.type == mention.type and other.where == mention.where:
                    return Link(mention.id, incident_id, 0.9, (("type", 1.0), ("place", 1.0)), other.id)
        return None

    def build_incident(self, incident_id: str, mentions: Sequence[Mention], documents: Mapping[str, Document],
                       links: Sequence[Link]) -> Incident:
        first = mentions[0]
        days = [d for m in mentions if m.when for d in (m.when.start, m.when.end) if d]
        docs = [documents[m.doc_sha256] for m in mentions]
        sources = tuple(sorted({d.source for d in docs if d.source}))
        return Incident(
            id=incident_id, type=first.type, scope=first.scope, where=first.where,
            when=When(min(days), max(days), "day") if days else None, figures=_toy_estimates(mentions, docs),
            perpetrators=tuple(sorted({a.name for m in mentions for a in m.perpetrators})),
            targets=tuple(sorted({t for m in mentions for t in m.targets})),
            documents=tuple(dict.fromkeys(d.id for d in docs)), sources=sources,
            independent_sources=len(sources), grade="fair" if len(sources) > 1 else "weak",
            mentions=tuple(m.id for m in mentions), links=tuple(links),
        )


def _toy_estimates(mentions: Sequence[Mention], docs: Sequence[Document]) -> tuple[FigureEstimate, ...]:
    claims = tuple(
        Claim(m.id, d.id, d.source, f.kind, f.group, f.low, f.high, f.qualifier, m.certainty, m.claimed_by,
              m.evidence, m.published)
        for m, d in zip(mentions, docs, strict=True) for f in m.figures
    )
    if not claims:
        return ()
    values = [float(c.low or 0) for c in claims]
    return (FigureEstimate("killed", "civilians", min(values), statistics.median(values), max(values),
                           min(values), len(set(values)) > 1, claims),)


@pytest.fixture
def toy_documents() -> list[Document]:
    return [toy_document(i, *row) for i, row in enumerate(TOY_CORPUS, start=1)]


@pytest.fixture
def new_store(store_url):
    """An empty store, closed after the test: SQLite in tmp_path and a fresh PostgreSQL schema (issue 9)."""
    from harmwatch.store import open_store

    with open_store(store_url) as store:
        yield store


# --- link fixtures ---

# --- extract fixtures ---


@pytest.fixture(scope="session")
def extractor(geo_gazetteer):
    """The real spaCy pipeline with the small test gazetteer, loaded once per run."""
    from harmwatch.extract import Extractor

    return Extractor(gazetteer=geo_gazetteer)


@pytest.fixture(scope="session")
def hw_env(geo_gazetteer, tmp_path_factory):
    """Environment for CLI runs: HARMWATCH_HOME holds the prebuilt test gazetteer."""
    home = geo_gazetteer.path.parent
    return {"HARMWATCH_HOME": str(home), "HARMWATCH_DB": str(tmp_path_factory.mktemp("db") / "default.db")}


@pytest.fixture(scope="session")
def demo_db(geo_gazetteer, tmp_path_factory):
    """The bundled demo corpus ingested and processed once: (database path, printed summary)."""
    from harmwatch.config import Settings
    from harmwatch.report import run_demo

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = run_demo(Settings(db=str(db), home=geo_gazetteer.path.parent))
    return str(db), summary


@pytest.fixture
def lazy_rebuilds(monkeypatch):
    """Every incident touched again waits for its rebuild until the end of the run (test incidents are small)."""
    from harmwatch.store import stale

    monkeypatch.setattr(stale, "LAZY_FROM", 0)
    monkeypatch.setattr(stale, "GROWTH", 10.0)


@pytest.fixture
def waiting_db(tmp_path, toy_documents, lazy_rebuilds):
    """A SQLite file where a run stopped after 5 of the 6 toy documents, 3 incidents waiting for their rebuild."""
    from harmwatch.pipeline import process
    from harmwatch.store import open_store

    path = tmp_path / "waiting.db"
    with open_store(path) as store:
        for doc in toy_documents:
            store.add_document(doc)
        with pytest.raises(RuntimeError, match="simulated crash"):  # at the first mention of the 6th document
            process(store, FakeExtractor(), batch_size=1, linker=FakeLinkStage(crash_at=9))
        assert len(store.stale_incidents()) == 3
    return path


# --- api fixtures ---
# A real uvicorn server on a free loopback port, in a thread of the test process. The session server
# reads whichever database ``ApiTarget.db`` names, so each test gets its own without a new server.

import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from types import SimpleNamespace  # noqa: E402

UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # port 9 (discard): tiles never load in tests


@contextmanager
def running_app(app):
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port; yields the base URL, stops the server after."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound before the server starts: no race for the port
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off", access_log=True))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test uvicorn server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


class ApiTarget:
    """The database the session server reads; a test points ``db`` at its own file."""

    def __init__(self) -> None:
        self.db: str | None = None

    def open(self):
        from harmwatch.store import open_store

        if self.db is None:
            raise RuntimeError("no test database selected for the API server")
        return open_store(self.db)


def api_toy_store(path, tokens=True):
    """The toy corpus processed into ``path`` (fake extractor and link stage); returns (reviewer, admin) tokens."""
    from harmwatch.api.auth import create_token
    from harmwatch.pipeline import process
    from harmwatch.store import open_store

    with open_store(path) as store:
        for i, row in enumerate(TOY_CORPUS, start=1):
            store.add_document(toy_document(i, *row))
        process(store, FakeExtractor(), linker=FakeLinkStage())
        if not tokens:
            return None, None
        return create_token(store, "reviewer", "rita")[0], create_token(store, "admin", "adam")[0]


@pytest.fixture(scope="session")
def api_server():
    """(base URL, ApiTarget): one uvicorn server for the session over the toy link stage."""
    from harmwatch.api.app import create_app
    from harmwatch.api.settings import ApiSettings
    from harmwatch.config import Settings

    target = ApiTarget()
    app = create_app(Settings(db="unused.db"), api=ApiSettings(tiles=UNREACHABLE_TILES), store_opener=target.open,
                     linker=FakeLinkStage())
    with running_app(app) as url:
        yield url, target


@pytest.fixture
def api(api_server, tmp_path):
    """The session server over a fresh processed toy database, with a reviewer and an admin token."""
    url, target = api_server
    db = str(tmp_path / "api.db")
    reviewer, admin = api_toy_store(db)
    target.db = db
    yield SimpleNamespace(url=url, db=db, reviewer=reviewer, admin=admin)
    target.db = None


# --- reliability fixtures ---

from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parents[1] / "bench"


def load_bench(name: str):
    """``bench/<name>.py`` as a module: the fuzz generators and the crash harness live there."""
    import importlib.util
    import sys

    module_name = f"hw_bench_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, BENCH_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"bench/{name}.py is missing"
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


# --- interop fixtures ---


InteropPlace = tuple[str, float | None, float | None, str]


def interop_incident(id: str, type: str = "shelling", day: str | None = "2016-07-24", *,
                     place: InteropPlace | None = ("Aleppo", 36.2, 37.16, "city"), country: str | None = "SY",
                     feature: str | None = "PPL", end: str | None = None, precision: str = "day",
                     killed: Sequence[tuple[str, float, float, float]] = (),
                     perpetrators: Sequence[str] = (), targets: Sequence[str] = (), scope: str = "incident",
                     documents: Sequence[str] = ("doc-1",),
                     sources: Sequence[str] = ("Outlet A",), contradiction: bool = False) -> Incident:
    """A hand-built incident: ``killed`` holds (group, low, best, high) estimates, each from one claim."""
    where = (Place(place[0], place[1], place[2], place[3], country=country, admin1="Aleppo",
                   feature=feature) if place else None)
    when = When(date.fromisoformat(day), date.fromisoformat(end or day), precision) if day else None
    published = date.fromisoformat(day) if day else None
    figures = tuple(
        FigureEstimate("killed", group, low, best, high, low, contradiction, (Claim(
            f"m-{id}-{i}", documents[0], sources[0] if sources else None, "killed", group, int(low),
            int(high), "range" if low != high else "exact", "reported", None,
            Span(0, 24, f"{int(best)} {group} were killed"), published),))
        for i, (group, low, best, high) in enumerate(killed)
    )
    return Incident(id=id, type=type, scope=scope, where=where, when=when, figures=figures,
                    perpetrators=tuple(perpetrators), targets=tuple(targets), documents=tuple(documents),
                    sources=tuple(sources), independent_sources=len(sources), grade="weak",
                    mentions=(f"m-{id}-0",))


@pytest.fixture
def linked_store(new_store, toy_documents):
    """The toy corpus processed with the fake extractor and link stage."""
    from harmwatch.pipeline import process

    for doc in toy_documents:
        new_store.add_document(doc)
    process(new_store, FakeExtractor(), linker=FakeLinkStage())
    return new_store


@pytest.fixture
def interop_store(new_store):
    """A store holding hand-built incidents around Aleppo and Idlib (see ``interop_incident``)."""
    incidents = [
        interop_incident("inc-a", "shelling", "2016-07-24", killed=[("civilians", 10, 11, 12)],
                         perpetrators=["Syrian government"], targets=["civilians"]),
        interop_incident("inc-b", "air_strike", "2016-07-25", place=("Idlib", 35.93, 36.63, "city"),
                         killed=[("people", 4, 5, 6)], perpetrators=["Russia"]),
        interop_incident("inc-c", "armed_clash", "2016-08-01", place=("Homs", 34.73, 36.72, "city"),
                         killed=[("fighters", 3, 3, 3)], perpetrators=["Islamic State", "Syrian rebels"]),
        interop_incident("inc-d", "evacuation", "2016-12-15", end="2016-12-16"),
        interop_incident("inc-e", "other", "2016-07-24", scope="aggregate",
                         killed=[("civilians", 90, 90, 90)]),
        interop_incident("inc-f", "diplomatic", "2016-07-26"),
        interop_incident("inc-g", "attack_on_civilians", "2016-07-01", end="2016-07-31", precision="month",
                         place=None, killed=[("civilians", 2, 2, 2)]),
    ]
    for inc in incidents:
        new_store.put_incident(inc)
    return new_store

# --- scale fixtures ---

# PostgreSQL: the server named by HARMWATCH_TEST_PG (default below); each test gets its own schema,
# dropped afterwards. Without a server those tests skip, saying so; CI and our machines have one.

import os  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote  # noqa: E402

PG_TEST_URL = os.environ.get("HARMWATCH_TEST_PG", "postgresql://127.0.0.1:5432/test")
_PG_STATE: dict[str, str | None] = {}


def pg_unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run here (None: they can); asked once per run."""
    if "reason" not in _PG_STATE:
        try:
            import psycopg

            with psycopg.connect(PG_TEST_URL, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            _PG_STATE["reason"] = None
        except Exception as exc:  # any failure means: no usable server
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            _PG_STATE["reason"] = (f"no PostgreSQL server at {PG_TEST_URL} ({first}); set HARMWATCH_TEST_PG to "
                                   "a postgresql:// URL of a server you may create schemas on (README: Testing)")
    return _PG_STATE["reason"]


def pg_schema_url(schema: str) -> str:
    """PG_TEST_URL with ``schema`` first on the search_path."""
    sep = "&" if "?" in PG_TEST_URL else "?"
    return f"{PG_TEST_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_TEST_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url():
    """A postgresql:// URL whose tables go to a fresh schema, dropped after the test."""
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"hw_test_{uuid.uuid4().hex[:12]}"
    yield pg_schema_url(schema)
    drop_pg_schema(schema)


@pytest.fixture(scope="session")
def pg_shared_url():
    """One migrated schema for the whole run; ``store_url`` empties it before each test (cheaper than DDL)."""
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    from harmwatch.store import open_store

    schema = f"hw_test_{uuid.uuid4().hex[:12]}"
    url = pg_schema_url(schema)
    open_store(url).close()
    yield url, schema
    drop_pg_schema(schema)


def empty_pg_schema(schema: str) -> None:
    """Every harmwatch table of ``schema`` emptied and its identities restarted, as in a new schema.

    DELETE in foreign-key order (referencing tables first) is several times faster than TRUNCATE here.
    """
    import psycopg

    with psycopg.connect(PG_TEST_URL, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relkind = 'r' AND c.relname <> 'schema_version' ORDER BY c.relname", (schema,))]
        refs = conn.execute(
            "SELECT a.relname, b.relname FROM pg_constraint k JOIN pg_class a ON a.oid = k.conrelid "
            "JOIN pg_class b ON b.oid = k.confrelid JOIN pg_namespace n ON n.oid = k.connamespace "
            "WHERE k.contype = 'f' AND n.nspname = %s", (schema,)).fetchall()
        order: list[str] = []
        while len(order) < len(tables):  # a table goes once nothing left references it
            left = [t for t in tables if t not in order]
            order += [t for t in left if not any(b == t and a != t and a not in order for a, b in refs)] or left
        sequences = conn.execute("SELECT sequence_name FROM information_schema.sequences "
                                 "WHERE sequence_schema = %s", (schema,)).fetchall()
        with conn.transaction():
            for table in order:
                conn.execute(f'DELETE FROM "{schema}"."{table}"')
            for (name,) in sequences:
                conn.execute(f'ALTER SEQUENCE "{schema}"."{name}" RESTART')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Where a test store lives: a SQLite file, then an emptied PostgreSQL schema (``pg_shared_url``)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url, schema = request.getfixturevalue("pg_shared_url")
    empty_pg_schema(schema)
    return url


# --- linking-gold fixtures ---


@pytest.fixture(scope="session")
def linking_gold_score(extractor, geo_gazetteer, tmp_path_factory):
    """The linking gold set run once through the real pipeline and scored (harmwatch.link.evaluate)."""
    from pathlib import Path

    from harmwatch.config import Settings
    from harmwatch.link.evaluate import evaluate

    db = tmp_path_factory.mktemp("linking-gold") / "gold.db"
    gold = Path(__file__).parent / "data" / "linking" / "gold.jsonl"
    return evaluate(gold, db, Settings(db=str(db), home=geo_gazetteer.path.parent), extractor)


@pytest.fixture(scope="session")
def linking_seed_incidents(extractor, geo_gazetteer, tmp_path_factory):
    """The incidents (interfaces.md section 4 dicts) of ../shared/seeds, ingested and processed once."""
    from pathlib import Path

    from harmwatch.config import Settings
    from harmwatch.ingest import ingest
    from harmwatch.pipeline import process
    from harmwatch.store import open_store

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    db = tmp_path_factory.mktemp("linking-seeds") / "seeds.db"
    with open_store(db) as store:
        ingest(store, [seeds], Settings(db=str(db), home=geo_gazetteer.path.parent))
        process(store, extractor)
        return [inc.to_dict() for inc in store.incidents()]
