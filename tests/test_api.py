"""The HTTP API over a real uvicorn server on loopback: reading, filters, access control, review actions."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from conftest import UNREACHABLE_TILES, FakeExtractor, FakeLinkStage, api_toy_store, running_app
from harmwatch.store import open_store


def _get(api, path, **kw):
    return httpx.get(api.url + path, timeout=20, **kw)


def _post(api, path, body, token=None, **kw):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(api.url + path, json=body, headers=headers, timeout=20, **kw)


def _incidents(db):
    with open_store(db) as store:
        return list(store.incidents())


def _snapshot(db):
    """Everything a write could change: incidents, mentions' incidents, reviews, audit, tokens."""
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("incidents", "reviews", "audit", "tokens", "links")} | {
            "members": con.execute("SELECT id, incident_id FROM mentions ORDER BY id").fetchall()}
    finally:
        con.close()


def _by_place(db, place, type_=None, scope="incident"):
    return next(i for i in _incidents(db) if i.where and i.where.name == place and i.scope == scope
                and (type_ is None or i.type == type_))


# --- reading ---


def test_list_pages_cover_every_incident_newest_first(api):
    ids = [i.id for i in _incidents(api.db)]
    seen, page = [], 1
    while True:
        body = _get(api, f"/api/incidents?limit=2&page={page}").json()
        assert body["total"] == len(ids) and body["pages"] == -(-len(ids) // 2)
        seen += body["items"]
        if page >= body["pages"]:
            break
        page += 1
    assert sorted(i["id"] for i in seen) == sorted(ids)
    dated = [i["date_start"] for i in seen if i["date_start"]]
    assert dated == sorted(dated, reverse=True)
    assert all(i["date_start"] is None for i in seen[len(dated):])  # undated last


FILTERS = [
    ("type=shelling", lambda i: i.type == "shelling"),
    ("grade=fair", lambda i: i.grade == "fair"),
    ("scope=aggregate", lambda i: i.scope == "aggregate"),
    ("since=2016-07-26", lambda i: i.when is not None and i.when.end >= date(2016, 7, 26)),
    ("until=2016-07-24", lambda i: i.when is not None and i.when.start <= date(2016, 7, 24)),
    ("bbox=36.0,35.0,37.0,36.5", lambda i: i.where is not None and i.where.lat is not None
     and 36.0 <= i.where.lon <= 37.0 and 35.0 <= i.where.lat <= 36.5),
    ("q=aleppo", lambda i: i.where is not None and i.where.name == "Aleppo"),
    ("q=idlib%20killed", lambda i: i.where is not None and i.where.name == "Idlib"),
    ("actor=Syrian%20GOVERNMENT", lambda i: "Syrian government" in i.perpetrators),
    ("target=civilians", lambda i: "civilians" in i.targets),
    ("type=shelling&q=homs", lambda i: i.type == "shelling" and i.where is not None and i.where.name == "Homs"),
]


@pytest.mark.parametrize(("query", "keep"), FILTERS, ids=[q for q, _ in FILTERS])
def test_filters_select_what_the_store_holds(api, query, keep):
    expected = {i.id for i in _incidents(api.db) if keep(i)}
    body = _get(api, f"/api/incidents?{query}&limit=500").json()
    assert {i["id"] for i in body["items"]} == expected
    assert body["total"] == len(expected)
    assert 0 < len(expected) < len(_incidents(api.db))  # the filter is not trivially all or nothing


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=10,50,20,40", "type=bombing", "grade=great",
                                   "status=done", "limit=0", "limit=100000", "page=0", "since=2016-13-01"])
def test_bad_filters_are_4xx_with_a_message(api, query):
    response = _get(api, f"/api/incidents?{query}")
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body.get("error") or body.get("detail")


def test_detail_has_claims_evidence_documents_and_link_explanations(api):
    inc = _by_place(api.db, "Aleppo", "shelling")
    body = _get(api, f"/api/incidents/{inc.id}").json()
    assert body["id"] == inc.id and len(body["mentions"]) == len(inc.mentions)
    with open_store(api.db) as store:
        for fig in body["figures"]:
            for claim in fig["claims"]:
                doc = store.get_document(claim["document_sha256"])
                ev = claim["evidence"]
                assert doc.id == claim["document"] and doc.text[ev["start"]:ev["end"]] == ev["text"]
    founders = [m for m in body["mentions"] if m["link"] is None]
    linked = [m for m in body["mentions"] if m["link"] is not None]
    assert len(founders) == 1 and linked
    assert all(m["link"]["features"] and m["link"]["score"] > 0 for m in linked)
    assert {d["id"] for d in body["documents"]} == set(inc.documents)
    assert body["history"] == [] and body["status"] == "machine"


def test_detail_says_how_many_mentions_joined_since_its_figures_were_computed(api_server, waiting_db):
    from harmwatch.pipeline import process

    url, target = api_server
    target.db = str(waiting_db)
    try:
        with open_store(waiting_db) as store:
            waiting = store.stale_incidents()
            others = [i.id for i in store.incidents() if i.id not in waiting]
        pending = {i: httpx.get(f"{url}/api/incidents/{i}", timeout=20).json()["pending_mentions"]
                   for i in waiting + others}
        assert [pending[i] for i in waiting] == [1, 1, 1] and all(pending[i] == 0 for i in others)
        with open_store(waiting_db) as store:
            process(store, FakeExtractor(), batch_size=1, linker=FakeLinkStage())
        assert all(httpx.get(f"{url}/api/incidents/{i}", timeout=20).json()["pending_mentions"] == 0
                   for i in waiting)
    finally:
        target.db = None


def test_document_gives_text_and_sha256_of_the_original(api):
    with open_store(api.db) as store:
        doc = next(store.documents())
    for key in (doc.sha256, doc.id, doc.sha256[:10]):
        body = _get(api, f"/api/documents/{key}").json()
        assert body["sha256"] == hashlib.sha256(doc.raw).hexdigest() == doc.sha256
        assert body["text"] == doc.text and body["bytes"] == len(doc.raw)
    assert _get(api, "/api/documents/no-such-doc").status_code == 404


def test_stats_count_events_by_type_and_month(api):
    events = [i for i in _incidents(api.db) if i.scope == "incident"]
    body = _get(api, "/api/stats").json()
    assert body["incidents"] == len(events)
    assert body["aggregates"] == len(_incidents(api.db)) - len(events)
    assert {r["type"]: r["count"] for r in body["by_type"]} == {
        t: sum(1 for i in events if i.type == t) for t in {i.type for i in events}}
    months = {i.when.start.isoformat()[:7] for i in events if i.when and i.when.start}
    assert [m["month"] for m in body["by_month"]] == sorted(months)
    assert sum(m["count"] for m in body["by_month"]) == sum(1 for i in events if i.when and i.when.start)
    shelling = _get(api, "/api/stats?type=shelling").json()
    assert shelling["incidents"] == sum(1 for i in events if i.type == "shelling")


def test_geojson_points_are_lon_lat_of_placed_incidents(api):
    response = _get(api, "/api/incidents.geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    placed = {i.id: i for i in _incidents(api.db) if i.where and i.where.lat is not None}
    assert body["type"] == "FeatureCollection" and body["total"] == len(placed)
    assert {f["id"] for f in body["features"]} == set(placed)
    for f in body["features"]:
        assert f["geometry"]["coordinates"] == [placed[f["id"]].where.lon, placed[f["id"]].where.lat]
    assert len(_get(api, "/api/incidents.geojson?limit=1").json()["features"]) == 1


def test_unknown_incident_is_404_json(api):
    response = _get(api, "/api/incidents/inc-nothing")
    assert response.status_code == 404 and "inc-nothing" in response.json()["error"]


# --- access control ---

ACTIONS = [
    ("confirm", {"note": "checked"}),
    ("edit", {"field": "type", "value": "air_strike"}),
    ("merge", {"incidents": ["__other__"]}),
    ("split", {"mentions": ["__mention__"]}),
    ("discount", {"reason": "single anonymous post"}),
    ("note", {"text": "call the council"}),
]


def _fill(body, api):
    """Put real ids into an action body."""
    aleppo, idlib = _by_place(api.db, "Aleppo", "shelling"), _by_place(api.db, "Idlib")
    text = json.dumps(body).replace("__other__", idlib.id).replace("__mention__", aleppo.mentions[-1])
    return aleppo, json.loads(text)


@pytest.mark.parametrize(("action", "body"), ACTIONS, ids=[a for a, _ in ACTIONS])
@pytest.mark.parametrize("auth", [None, "Bearer hw_not-a-real-token", "Basic cml0YTpwdw==", "Bearer hw_"])
def test_writes_without_a_valid_token_are_refused_and_change_nothing(api, action, body, auth):
    target, body = _fill(body, api)
    before = _snapshot(api.db)
    headers = {"Authorization": auth} if auth else {}
    response = httpx.post(f"{api.url}/api/incidents/{target.id}/{action}", json=body, headers=headers, timeout=20)
    assert response.status_code in (401, 403)
    assert response.json()["error"]
    assert _snapshot(api.db) == before


@pytest.mark.parametrize(("action", "body"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_invalid_bodies_without_a_token_are_still_refused(api, action, body):
    target, _ = _fill(body, api)
    before = _snapshot(api.db)
    response = httpx.post(f"{api.url}/api/incidents/{target.id}/{action}", content=b"{not json", timeout=20,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 401 and _snapshot(api.db) == before


def test_revoked_token_is_refused(api):
    from harmwatch.store.review import revoke_tokens

    with open_store(api.db) as store:
        assert revoke_tokens(store, "rita") == 1
    response = _post(api, f"/api/incidents/{_by_place(api.db, 'Homs').id}/confirm", {}, api.reviewer)
    assert response.status_code == 401


def test_tokens_are_stored_hashed(api):
    rows = sqlite3.connect(api.db).execute("SELECT hash, name, role FROM tokens ORDER BY name").fetchall()
    assert rows == [(hashlib.sha256(api.admin.encode()).hexdigest(), "adam", "admin"),
                    (hashlib.sha256(api.reviewer.encode()).hexdigest(), "rita", "reviewer")]
    with open(api.db, "rb") as fh:
        raw = fh.read()
    assert api.reviewer.encode() not in raw and api.admin.encode() not in raw


def test_me_and_admin_only_audit(api):
    assert _get(api, "/api/me").status_code == 401
    who = _get(api, "/api/me", headers={"Authorization": f"Bearer {api.reviewer}"}).json()
    assert who == {"name": "rita", "role": "reviewer"}
    assert _get(api, "/api/audit", headers={"Authorization": f"Bearer {api.reviewer}"}).status_code == 403
    _post(api, f"/api/incidents/{_by_place(api.db, 'Homs').id}/note", {"text": "seen"}, api.reviewer)
    log = _get(api, "/api/audit", headers={"Authorization": f"Bearer {api.admin}"}).json()
    assert [(e["who"], e["action"], e["note"]) for e in log] == [("rita", "note", "seen")]


def test_oversized_body_is_413_and_changes_nothing(api):
    target = _by_place(api.db, "Homs")
    before = _snapshot(api.db)
    response = _post(api, f"/api/incidents/{target.id}/note", {"text": "x" * 100_000}, api.reviewer)
    assert response.status_code == 413 and "bytes" in response.json()["error"]
    assert _snapshot(api.db) == before


def test_cors_is_closed_and_security_headers_are_set(api):
    origin = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
              "Access-Control-Request-Headers": "authorization"}
    preflight = httpx.options(f"{api.url}/api/incidents/x/confirm", headers=origin, timeout=20)
    assert "access-control-allow-origin" not in preflight.headers
    page = _get(api, "/", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in page.headers
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "127.0.0.1:9" in csp
    assert page.headers["x-content-type-options"] == "nosniff"


def test_tokens_never_reach_the_log(api, caplog):
    caplog.set_level(logging.DEBUG)
    target = _by_place(api.db, "Homs")
    assert _post(api, f"/api/incidents/{target.id}/confirm", {}, api.reviewer).status_code == 200
    assert _post(api, f"/api/incidents/{target.id}/confirm", {}, api.reviewer + "x").status_code == 401
    assert caplog.records, "the access log should have recorded the requests"
    assert api.reviewer not in caplog.text
    assert api.reviewer not in json.dumps(_snapshot(api.db), default=str)


def test_private_server_needs_a_token_to_read(tmp_path):
    from harmwatch.api.app import create_app
    from harmwatch.api.settings import ApiSettings
    from harmwatch.config import Settings

    db = str(tmp_path / "private.db")
    reviewer, _ = api_toy_store(db)
    app = create_app(Settings(db=db), api=ApiSettings(public_read=False, tiles=None), linker=FakeLinkStage())
    with running_app(app) as url:
        for path in ("/api/incidents", "/api/stats", "/api/incidents.geojson", "/api/documents/doc-1"):
            assert httpx.get(url + path, timeout=20).status_code == 401
            ok = httpx.get(url + path, headers={"Authorization": f"Bearer {reviewer}"}, timeout=20)
            assert ok.status_code == 200
        config = httpx.get(url + "/api/config", timeout=20).json()
        assert config["public_read"] is False and config["tiles"] is None


# --- review actions over HTTP ---


def test_review_actions_change_the_record_and_the_history(api):
    aleppo, idlib, homs = (_by_place(api.db, p, t) for p, t in (("Aleppo", "shelling"), ("Idlib", None),
                                                                  ("Homs", None)))
    ok = [
        _post(api, f"/api/incidents/{homs.id}/edit", {"field": "type", "value": "air_strike", "note": "video"},
              api.reviewer),
        _post(api, f"/api/incidents/{homs.id}/discount", {"reason": "one anonymous post"}, api.reviewer),
        _post(api, f"/api/incidents/{aleppo.id}/merge", {"incidents": [idlib.id]}, api.admin),
        _post(api, f"/api/incidents/{aleppo.id}/split", {"mentions": [aleppo.mentions[-1]]}, api.reviewer),
    ]
    assert [r.status_code for r in ok] == [200] * 4
    homs_now = _get(api, f"/api/incidents/{homs.id}").json()
    assert (homs_now["type"], homs_now["grade"], homs_now["status"]) == ("air_strike", "discounted", "reviewed")
    assert [(h["action"], h["who"], h["note"]) for h in homs_now["history"]] == [
        ("edit", "rita", "video"), ("discount", "rita", "one anonymous post")]
    assert "type" in homs_now["history"][0]["changed"] and "grade" in homs_now["history"][1]["changed"]
    assert homs_now["reviewed_fields"] == ["type", "grade"]
    gone = _get(api, f"/api/incidents/{idlib.id}")
    assert gone.status_code == 404 and gone.json()["merged_into"] == aleppo.id
    new_id = ok[3].json()["incidents"][1]
    split = _get(api, f"/api/incidents/{new_id}").json()
    assert [m["id"] for m in split["mentions"]] == [aleppo.mentions[-1]] and split["status"] == "reviewed"
    merged = _get(api, f"/api/incidents/{aleppo.id}").json()
    assert set(idlib.mentions) <= {m["id"] for m in merged["mentions"]}
    assert aleppo.mentions[-1] not in {m["id"] for m in merged["mentions"]}
    assert [h["action"] for h in merged["history"]] == ["merge", "split"]


@pytest.mark.parametrize(("action", "body", "status"), [
    ("edit", {"field": "grade", "value": "discounted"}, 400),
    ("edit", {"field": "where", "value": {"name": "X", "lat": 200, "lon": 1}}, 400),
    ("edit", {"field": "id", "value": "inc-x"}, 422),
    ("merge", {"incidents": ["inc-missing"]}, 404),
    ("merge", {"incidents": []}, 422),
    ("split", {"mentions": ["m-not-here-0"]}, 404),
    ("discount", {"reason": ""}, 422),
    ("note", {"text": "x", "extra": 1}, 422),
])
def test_bad_review_requests_are_4xx_and_change_nothing(api, action, body, status):
    target = _by_place(api.db, "Aleppo", "shelling")
    before = _snapshot(api.db)
    response = _post(api, f"/api/incidents/{target.id}/{action}", body, api.reviewer)
    assert response.status_code == status
    assert _snapshot(api.db) == before


@pytest.mark.parametrize("content", [b'{"text": NaN}', b'{"text": "\\ud800"}', b'{"text": 1e999}', b'{"t\\udfff": 1}'])
def test_invalid_values_that_json_cannot_echo_are_422(api, content):
    target = _by_place(api.db, "Homs")
    before = _snapshot(api.db)
    response = httpx.post(f"{api.url}/api/incidents/{target.id}/note", content=content, timeout=20,
                          headers={"Authorization": f"Bearer {api.reviewer}", "Content-Type": "application/json"})
    assert response.status_code == 422 and "not valid" in response.json()["error"]
    assert _snapshot(api.db) == before


def test_merging_an_aggregate_into_an_event_is_refused(api):
    event, tally = _by_place(api.db, "Aleppo", "shelling"), _by_place(api.db, "Aleppo", scope="aggregate")
    response = _post(api, f"/api/incidents/{event.id}/merge", {"incidents": [tally.id]}, api.reviewer)
    assert response.status_code == 400 and "scope" in response.json()["error"]


# --- the OpenAPI contract ---


def test_openapi_documents_every_endpoint_and_the_bearer_scheme(api):
    spec = _get(api, "/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/incidents", "/api/incidents/{incident_id}", "/api/stats", "/api/documents/{key}",
            "/api/incidents.geojson"} <= paths
    assert {f"/api/incidents/{{incident_id}}/{a}" for a, _ in ACTIONS} <= paths
    assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"].values())


def _fuzz(operation, headers):
    """A hypothesis test sending a few generated requests for ``operation``."""

    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error], timeout=20)

    return run


def test_no_request_makes_a_server_error(api):
    """schemathesis: a few generated requests per operation (with and without a token), none a 5xx."""
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        for headers in ({}, {"Authorization": f"Bearer {api.reviewer}"}):
            _fuzz(operation, headers)()


# --- the command line ---


def test_token_create_prints_the_token_once_and_stores_its_hash(tmp_path):
    from click.testing import CliRunner

    from harmwatch.cli import main

    db = str(tmp_path / "tok.db")
    result = CliRunner().invoke(main, ["token", "create", "--db", db, "--role", "reviewer", "--name", "Noor"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("hw_") and len(token) > 40
    with open_store(db) as store:
        from harmwatch.api.auth import verify

        assert verify(store, token).name == "Noor"
    listed = CliRunner().invoke(main, ["token", "list", "--db", db])
    assert "Noor" in listed.output and token not in listed.output
    bad = CliRunner().invoke(main, ["token", "create", "--db", db, "--role", "owner"])
    assert bad.exit_code != 0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_answers_on_loopback(tmp_path):
    db = str(tmp_path / "serve.db")
    api_toy_store(db, tokens=False)
    port = _free_port()
    env = {**os.environ, "HARMWATCH_TILES": UNREACHABLE_TILES}
    script = Path(sys.executable).with_name("harmwatch")  # the console script beside this interpreter
    cmd = [str(script), "serve", "--db", db, "--port", str(port), "--private"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, config = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                config = httpx.get(f"http://127.0.0.1:{port}/api/config", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert config is not None, proc.stderr.read().decode() if proc.poll() is not None else "no answer"
        assert config["public_read"] is False and config["tiles"] == UNREACHABLE_TILES
        assert httpx.get(f"http://127.0.0.1:{port}/api/incidents", timeout=5).status_code == 401
    finally:
        proc.terminate()
        proc.wait(15)


def test_the_api_reads_and_reviews_a_postgresql_store(api_server, pg_url):
    """The same requests over a PostgreSQL store (the store's SQL is translated; issue 9)."""
    url, target = api_server
    reviewer, _ = api_toy_store(pg_url)
    target.db = pg_url
    try:
        api = SimpleNamespace(url=url, db=pg_url)
        everything = _get(api, "/api/incidents?limit=500").json()
        assert everything["total"] == len(_incidents(pg_url))
        for query, keep in FILTERS:
            expected = {i.id for i in _incidents(pg_url) if keep(i)}
            assert {i["id"] for i in _get(api, f"/api/incidents?{query}&limit=500").json()["items"]} == expected, query
        homs = _by_place(pg_url, "Homs")
        assert _post(api, f"/api/incidents/{homs.id}/discount", {"reason": "doubtful"}, reviewer).status_code == 200
        detail = _get(api, f"/api/incidents/{homs.id}").json()
        assert (detail["grade"], detail["status"]) == ("discounted", "reviewed")
        assert detail["history"][0]["note"] == "doubtful"
        events = sum(1 for i in _incidents(pg_url) if i.scope == "incident")
        assert _get(api, "/api/stats").json()["incidents"] == events
    finally:
        target.db = None
