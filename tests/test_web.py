"""The dashboard in Debian's chromium (Playwright): list, map, timeline, filters, evidence, review, escaping."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import UNREACHABLE_TILES, running_app
from harmwatch.api.auth import create_token
from harmwatch.api.settings import ApiSettings
from harmwatch.config import Settings
from harmwatch.errors import NotFound
from harmwatch.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not at /usr/bin/chromium; run ./setup.sh as root, or apt-get install chromium",
)
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that may reach only the loopback server; anything else is recorded and refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.external, tab.errors, tab.dialogs = [], [], []

    def only_local(route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            tab.external.append(url)
            route.abort()

    tab.route("**/*", only_local)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.set_default_timeout(WAIT_MS)
    yield tab
    context.close()


def _copy_db(source: str, target: Path) -> str:
    """A consistent copy of a SQLite database (the WAL included), so the shared demo stays untouched."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return str(target)


@pytest.fixture(scope="module")
def demo_site(demo_db, tmp_path_factory):
    """A copy of the demo database served with the real link stage, and a reviewer token."""
    from harmwatch.api.app import create_app

    db = _copy_db(demo_db[0], tmp_path_factory.mktemp("web") / "demo.db")
    with open_store(db) as store:
        token, _ = create_token(store, "reviewer", "Lina")
    app = create_app(Settings(db=db), api=ApiSettings(tiles=UNREACHABLE_TILES))
    with running_app(app) as url:
        yield SimpleNamespace(url=url, db=db, token=token)


def _api(site, path):
    return httpx.get(site.url + path, timeout=20).json()


def _open_dashboard(page, site):
    page.goto(site.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#incidents tbody tr")


def test_dashboard_shows_list_map_and_timeline_with_nothing_from_the_network(page, demo_site):
    _open_dashboard(page, demo_site)
    total = _api(demo_site, "/api/incidents?limit=1")["total"]
    assert page.locator("#incidents tbody tr").count() == min(50, total)
    assert page.inner_text("#summary").startswith(f"{total:,}")
    page.wait_for_selector(".leaflet-interactive, .marker-cluster")  # markers show although no tile loads
    placed = _api(demo_site, "/api/incidents.geojson")["total"]
    assert f"{placed} placed incidents" in page.inner_text("#map-note")
    assert page.locator("#timeline rect.bar").count() > 0
    assert page.external == [] and page.errors == []


def test_filtering_by_type_narrows_the_list(page, demo_site):
    _open_dashboard(page, demo_site)
    busiest = _api(demo_site, "/api/stats")["by_type"][0]
    expected = _api(demo_site, f"/api/incidents?type={busiest['type']}&limit=1")["total"]
    page.select_option("#filters select[name=type]", busiest["type"])
    page.click("#filters button[type=submit]")
    page.wait_for_function("n => document.querySelector('#summary').textContent.startsWith(n + ' ')",
                           arg=f"{expected:,}")
    types = page.locator("#incidents tbody tr td:nth-child(2)").all_inner_texts()
    assert len(types) == min(50, expected)
    assert {t.removesuffix(" (tally)") for t in types} == {busiest["type"].replace("_", " ")}


def test_incident_page_highlights_the_claims_sentence_in_its_document(page, demo_site):
    items = _api(demo_site, "/api/incidents?limit=500")["items"]
    chosen = next(i for i in items if i["killed"]["best"] is not None or i["injured"]["best"] is not None)
    detail = _api(demo_site, f"/api/incidents/{chosen['id']}")
    claim = detail["figures"][0]["claims"][0]
    _open_dashboard(page, demo_site)
    page.click(f"#incidents tbody tr[data-id='{chosen['id']}'] a")
    page.wait_for_selector("#incident-view .claim")
    assert page.locator(".claim").count() == sum(len(f["claims"]) for f in detail["figures"])
    page.locator(".claim .show-evidence").first.click()
    mark = page.wait_for_selector("#document mark#evidence")
    assert mark.inner_text() == claim["evidence"]["text"]
    document = page.inner_text("#document .doc-text")
    assert claim["evidence"]["text"] in document and len(document) > len(claim["evidence"]["text"])


def _two_incidents(site):
    items = [i for i in _api(site, "/api/incidents?scope=incident&limit=500")["items"] if i["place"]]
    return items[0]["id"], items[1]["id"]


def test_a_signed_in_reviewer_merges_two_incidents(page, demo_site):
    keep, other = _two_incidents(demo_site)
    with open_store(demo_site.db) as store:
        moving = [m.id for m in store.members(other)]
        audit_before = len(store.audit_log())
    page.goto(f"{demo_site.url}/#/incident/{keep}")
    page.wait_for_selector("#incident-view h2")
    page.fill("#token", demo_site.token)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#review-panel")
    assert page.inner_text("#who") == "Lina (reviewer)"
    assert page.evaluate("sessionStorage.getItem('harmwatch-token')") == demo_site.token
    assert page.evaluate("localStorage.length") == 0
    page.fill(".review-merge input[name=incidents]", other)
    page.click(".review-merge button[type=submit]")
    page.wait_for_selector("#review-result.ok")
    page.wait_for_selector("ul.history li")
    assert "Lina — merge" in page.inner_text("ul.history")
    with open_store(demo_site.db) as store:
        with pytest.raises(NotFound):
            store.incident(other)
        assert set(moving) <= {m.id for m in store.members(keep)}
        assert store.incident(keep).status == "reviewed"
        rows = store.audit_log()[audit_before:]
    assert [(r["who"], r["action"], r["target"]) for r in rows] == [("Lina", "merge", keep), ("Lina", "merge", other)]
    assert rows[1]["after"]["merged_into"] == keep and rows[0]["before"]["id"] == keep
    assert page.errors == []


def test_without_the_map_library_the_page_says_how_to_install_it(page, tmp_path, demo_db):
    from harmwatch.api.app import WEB_DIR, create_app

    web = tmp_path / "web"
    web.mkdir()
    shutil.copy(WEB_DIR / "index.html", web / "index.html")
    shutil.copytree(WEB_DIR / "static", web / "static")
    app = create_app(Settings(db=_copy_db(demo_db[0], tmp_path / "demo.db")), api=ApiSettings(tiles=None),
                     web_dir=web)
    with running_app(app) as url:
        site = SimpleNamespace(url=url)
        _open_dashboard(page, site)
        assert "not installed" in page.inner_text("#map") and "setup.sh" in page.inner_text("#map")
        page.locator("#timeline rect.bar").first.wait_for()  # drawn after the data arrives; raises if never
        assert page.locator("#timeline rect.bar").count() > 0
        assert httpx.get(url + "/vendor/leaflet/leaflet.js", timeout=20).status_code == 404
    assert page.errors == []


HOSTILE_TITLE = '<script>window.__xss = "title"</script><img src=x onerror="window.__xss=\'title-img\'"> Market shelled'
HOSTILE_TEXT = (
    "Shelling hit the main market in Aleppo on 24 July 2016, killing 12 civilians, the local council said "
    "<img src=x onerror=\"window.__xss='text-img'\">. <script>window.__xss = 'text'</script> "
    "Medics said <b onmouseover=\"alert(1)\">dozens</b> more were injured."
)


@pytest.fixture
def hostile_site(tmp_path, extractor):
    """A database holding one article whose title and text carry script payloads, processed for real."""
    from harmwatch.api.app import create_app
    from harmwatch.ingest import ingest
    from harmwatch.pipeline import process

    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps({"id": "hostile-1", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT,
                                  "published": "2016-07-25", "source": "Unknown Blog"}) + "\n", encoding="utf-8")
    db = str(tmp_path / "hostile.db")
    settings = Settings(db=db)
    with open_store(db) as store:
        assert ingest(store, [source], settings).stored == 1
        process(store, extractor)
        incident_id = next(store.incidents()).id
    with running_app(create_app(settings, api=ApiSettings(tiles=None))) as url:
        yield SimpleNamespace(url=url, incident=incident_id)


def test_hostile_article_text_and_title_show_literally_and_run_nothing(page, hostile_site):
    page.goto(f"{hostile_site.url}/")
    page.wait_for_selector("#incidents tbody tr")
    page.goto(f"{hostile_site.url}/#/incident/{hostile_site.incident}")
    page.wait_for_selector("#incident-view .show-evidence")
    page.locator("#incident-view .show-evidence").first.click()
    page.wait_for_selector("#document .doc-text")
    assert page.inner_text("#document .doc-title") == HOSTILE_TITLE
    assert page.inner_text("#document .doc-text") == HOSTILE_TEXT
    assert HOSTILE_TITLE in page.inner_text("#incident-view")  # the documents list shows it too
    page.hover("#document .doc-text")
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('[onerror], [onmouseover], img, b').length") == 0
    scripts = page.evaluate("Array.from(document.scripts).map(s => new URL(s.src).pathname)")
    assert scripts and all(s.startswith(("/static/", "/vendor/")) for s in scripts)


def test_an_incident_waiting_for_its_rebuild_says_so(page, waiting_db):
    from harmwatch.api.app import create_app

    with open_store(waiting_db) as store:
        waiting, done = store.stale_incidents()[0], next(i.id for i in store.incidents()
                                                          if i.id not in store.stale_incidents())
    app = create_app(Settings(db=str(waiting_db)), api=ApiSettings(tiles=UNREACHABLE_TILES))
    with running_app(app) as url:
        for incident_id, note in ((waiting, "1 more report(s) joined"), (done, None)):
            page.goto(f"{url}/#/incident/{incident_id}")
            page.wait_for_selector(f"#incident-view dd[data-field=id]:text-is('{incident_id}')")
            updating = page.locator("#incident-view dd[data-field=updating]")
            if note is None:
                assert updating.count() == 0
            else:
                assert updating.inner_text().startswith(note)
    assert page.external == [] and page.errors == []
