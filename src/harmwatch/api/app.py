"""The FastAPI application: the JSON API under ``/api``, the dashboard at ``/``.

Every request opens the store, works, and closes it (one SQLite connection per request, in the worker
thread that handles it). Writing needs a bearer token of role reviewer or admin; reading is public
unless ``ApiSettings.public_read`` is off. Request bodies over ``max_body_bytes`` are refused before
the application sees them; CORS is closed unless origins are given; tokens are never logged or echoed.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' Annotated[...] hints at run time,
# and some name closures (the dependencies built in create_app).
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings, parse_bbox
from ..errors import ConfigError, HarmwatchError, LinkError, NotFound, StoreError
from ..model import EVENT_TYPES, GRADES, SCOPES, TARGETS
from ..review import EDITABLE_FIELDS
from ..store import Store, open_store
from ..store.search import IncidentQuery
from . import actions, models, views
from .auth import Principal, verify
from .settings import ApiSettings

if TYPE_CHECKING:
    from ..pipeline import LinkStage

StoreOpener = Callable[[], Store]
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
VENDOR = {"leaflet": "leaflet/dist", "markercluster": "leaflet.markercluster/dist"}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorOut, "description": text}
    for code, text in ((400, "Bad request: the message says what to change"), (404, "Not found"),
                       (409, "Conflict with the stored state; retry or reload"))
}
_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": models.ErrorOut, "description": "No valid bearer token"},
    403: {"model": models.ErrorOut, "description": "The token's role may not do this"},
    413: {"model": models.ErrorOut, "description": "Request body too large"},
}


def _status(exc: HarmwatchError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, StoreError | LinkError):
        return 409
    return 400


class Guard:
    """ASGI middleware: refuses oversized bodies (413) and adds security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int, csp: str) -> None:
        self.app, self.max_body = app, max_body
        self.headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                        (b"cache-control", b"no-store")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        body, more = b"", scope["method"] in ("POST", "PUT", "PATCH", "DELETE")
        while more:  # read the whole (small) body first, so a chunked upload is bounded too
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = bool(message.get("more_body"))
            if len(body) > self.max_body:
                await self._too_large(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in self.headers if k not in present)]
            await send(message)

        await self.app(scope, replay, secured)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = f"request body over {self.max_body} bytes; send less (notes under 5,000 characters)."
        await JSONResponse({"error": error}, status_code=413)(scope, receive, send)


class WriteGate:
    """ASGI middleware: a POST under /api/ without a reviewer token is refused before its body is parsed.

    So a request without a valid token gets 401/403 even when its body is malformed (the routes check
    the token again through their dependencies).
    """

    def __init__(self, app: ASGIApp, check: Callable[[str | None], HTTPException | None]) -> None:
        self.app, self.check = app, check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].startswith("/api/"):
            header = dict(scope["headers"]).get(b"authorization")
            refusal = await run_in_threadpool(self.check, header.decode("latin-1") if header else None)
            if refusal is not None:
                await JSONResponse({"error": refusal.detail}, status_code=refusal.status_code,
                                   headers=refusal.headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _csp(api: ApiSettings) -> str:
    tiles = f" {api.tiles_origin}" if api.tiles_origin else ""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")


def _version() -> str:
    try:
        return metadata.version("harmwatch")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class _Deps:
    """The request-time pieces the routes share."""

    open: StoreOpener
    api: ApiSettings
    linker: "LinkStage | None"
    bearer: HTTPBearer
    web_dir: Path

    def principal(self, creds: HTTPAuthorizationCredentials | None) -> Principal | None:
        if creds is None or creds.scheme.lower() != "bearer":
            return None
        with self.open() as store:
            return verify(store, creds.credentials)

    def refuse_writer(self, header: str | None) -> HTTPException | None:
        """Why a request with this Authorization header may not write (None: it may)."""
        scheme, _, credentials = (header or "").partition(" ")
        creds = HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials.strip()) if header else None
        principal = self.principal(creds)
        if principal is None:
            return _unauthorized("no valid token" if header else "this needs a token")
        if not principal.can_review:
            return HTTPException(403, f"role {principal.role} may not review; ask an admin for a reviewer token.")
        return None


def _unauthorized(why: str) -> HTTPException:
    return HTTPException(401, f"{why}; send Authorization: Bearer TOKEN with a token from "
                              "`harmwatch token create`.", headers={"WWW-Authenticate": "Bearer"})


def create_app(settings: Settings, *, api: ApiSettings | None = None, store_opener: StoreOpener | None = None,
               linker: "LinkStage | None" = None, web_dir: Path = WEB_DIR) -> FastAPI:
    """The harmwatch web application over the database of ``settings`` (or what ``store_opener`` opens)."""
    api = api or ApiSettings()
    deps = _Deps(store_opener or (lambda: open_store(settings.db)), api, linker,
                 HTTPBearer(auto_error=False, description="A token from `harmwatch token create`."), web_dir)
    # No /docs page: Swagger UI would load its scripts from a CDN. The spec is at /api/openapi.json.
    app = FastAPI(title="harmwatch", version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Incidents of armed conflict, each figure with the sentence and source that "
                              "gave it. Reading is public unless the server runs with --private; review "
                              "actions need a bearer token (`harmwatch token create --role reviewer`).")
    _handlers(app)
    _read_routes(app, deps)
    _write_routes(app, deps)
    _web_routes(app, deps, web_dir)
    if api.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(api.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(WriteGate, check=deps.refuse_writer)
    app.add_middleware(Guard, max_body=api.max_body_bytes, csp=_csp(api))
    return app


def _safe(text: object) -> str:
    """``text`` as a string JSON can carry (lone surrogates escaped), at most 200 characters."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")[:200]


def _invalid(exc: RequestValidationError) -> JSONResponse:
    """422 naming each invalid part; the offending values are not echoed (they may not even encode)."""
    detail = [{"loc": [_safe(p) for p in e.get("loc", ())], "msg": _safe(e.get("msg", "")),
               "type": _safe(e.get("type", ""))} for e in exc.errors()[:20]]
    where = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in detail[:5])
    return JSONResponse({"error": f"the request is not valid ({where}); fix it and send it again.",
                         "detail": detail}, status_code=422)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid(exc)

    @app.exception_handler(HarmwatchError)
    async def harmwatch_error(request: Request, exc: HarmwatchError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_status(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


def _filters(type: Annotated[str | None, Query(max_length=64, description="Event type code")] = None,
             grade: Annotated[str | None, Query(max_length=32)] = None,
             scope: Annotated[str | None, Query(max_length=32)] = None,
             status: Annotated[str | None, Query(max_length=32, description="machine or reviewed")] = None,
             since: Annotated[date | None, Query(description="Incidents ending on or after this day")] = None,
             until: Annotated[date | None, Query(description="Incidents starting on or before this day")] = None,
             bbox: Annotated[str | None, Query(max_length=200, description="min_lon,min_lat,max_lon,max_lat")] = None,
             actor: Annotated[str | None, Query(max_length=200,
                                                description="Whole words of a perpetrator's name, any case")] = None,
             target: Annotated[str | None, Query(max_length=64, description="A target code, e.g. civilians")] = None,
             q: Annotated[str | None, Query(max_length=200, description="Free text: place, source, evidence")] = None,
             ) -> IncidentQuery:
    return IncidentQuery(
        bbox=parse_bbox(bbox), since=since, until=until, type=views.check_code("type", type, EVENT_TYPES),
        actor=actor, target=target, grade=views.check_code("grade", grade, GRADES),
        q=q, scope=views.check_code("scope", scope, SCOPES),
        status=views.check_code("status", status, ("machine", "reviewed")),
    )


Filters: TypeAlias = Annotated[IncidentQuery, Depends(_filters)]


def _read_routes(app: FastAPI, deps: _Deps) -> None:
    def reader(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(deps.bearer)]) -> Principal | None:
        if deps.api.public_read:
            return None
        principal = deps.principal(creds)
        if principal is None:
            raise _unauthorized("this server's data is private")
        return principal

    guard = [Depends(reader)]
    errors: dict[int | str, dict[str, Any]] = {**_ERRORS, 401: _AUTH_ERRORS[401]}

    @app.get("/api/incidents", response_model=models.IncidentPage, dependencies=guard, responses=errors)
    def list_incidents(query: Filters, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       limit: Annotated[int, Query(ge=1, le=deps.api.max_page)] = 50) -> dict[str, Any]:
        """Incidents matching every filter given, newest first, one page at a time."""
        with deps.open() as store:
            return views.incident_page(store, query, page, limit)

    @app.get("/api/incidents.geojson", response_model=models.FeatureCollection, dependencies=guard, responses=errors)
    def incidents_geojson(query: Filters,
                          limit: Annotated[int, Query(ge=1, le=deps.api.max_map_points)] = 5000) -> JSONResponse:
        """The newest placed incidents matching the filters, as an RFC 7946 FeatureCollection."""
        with deps.open() as store:
            body = views.geojson(store, query, limit)
        return JSONResponse(body, media_type="application/geo+json")

    @app.get("/api/incidents/{incident_id}", response_model=models.IncidentDetail, dependencies=guard, responses=errors)
    def incident(incident_id: str) -> dict[str, Any] | JSONResponse:
        """One incident: figures with each claim's evidence, mentions, sources, link explanations, history."""
        with deps.open() as store:
            try:
                return views.incident_detail(store, incident_id)
            except NotFound as exc:
                _, into = views.not_found_message(store, incident_id)
                return JSONResponse({"error": str(exc), "merged_into": into}, status_code=404)

    @app.get("/api/stats", response_model=models.StatsOut, dependencies=guard, responses=errors)
    def stats(query: Filters, places: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
        """Counts and killed/injured totals of the matching events, by month, type, grade and place."""
        from ..store.search import stats as compute

        with deps.open() as store:
            return compute(store, query, places=places).to_dict()

    @app.get("/api/documents/{key:path}", response_model=models.DocumentOut, dependencies=guard, responses=errors)
    def document(key: str) -> dict[str, Any]:
        """A document's stored text and metadata, with the SHA-256 of the original bytes."""
        with deps.open() as store:
            return views.document_view(store, key)

    @app.get("/api/config", response_model=models.ConfigOut)
    def config() -> dict[str, Any]:
        """What the dashboard needs to know: map tiles, whether reading is public, the codes."""
        return {"version": _version(), "public_read": deps.api.public_read, "tiles": deps.api.tiles,
                "tiles_attribution": deps.api.tiles_attribution, "map_assets": _vendor_ready(deps.web_dir),
                "max_map_points": deps.api.max_map_points, "event_types": list(EVENT_TYPES),
                "grades": list(GRADES), "targets": list(TARGETS), "editable_fields": list(EDITABLE_FIELDS)}


SignedIn = Callable[[HTTPAuthorizationCredentials | None], Principal]


def _account_routes(app: FastAPI, deps: _Deps) -> SignedIn:
    """/api/me and the admin's /api/audit; returns the dependency that requires a valid token."""

    def signed_in(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(deps.bearer)]) -> Principal:
        principal = deps.principal(creds)
        if principal is None:
            raise _unauthorized("no valid token" if creds else "this needs a token")
        return principal

    def admin(principal: Annotated[Principal, Depends(signed_in)]) -> Principal:
        if not principal.is_admin:
            raise HTTPException(403, "only an admin token may read the whole audit log.")
        return principal

    @app.get("/api/me", response_model=models.MeOut, responses={401: _AUTH_ERRORS[401]})
    def me(principal: Annotated[Principal, Depends(signed_in)]) -> dict[str, str]:
        """Who the bearer token speaks for."""
        return {"name": principal.name, "role": principal.role}

    @app.get("/api/audit", response_model=list[models.HistoryOut], responses={**_AUTH_ERRORS})
    def audit(who: Annotated[Principal, Depends(admin)],
              limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[dict[str, Any]]:
        """The latest audit rows of every incident, oldest first (admin only)."""
        with deps.open() as store:
            return views.history(store, None, limit)

    return signed_in


def _write_routes(app: FastAPI, deps: _Deps) -> None:
    signed_in = _account_routes(app, deps)

    def reviewer(principal: Annotated[Principal, Depends(signed_in)]) -> Principal:
        if not principal.can_review:  # WriteGate already refused; kept so each route states its need
            raise HTTPException(403, f"role {principal.role} may not review; ask an admin for a reviewer token.")
        return principal

    Reviewer: TypeAlias = Annotated[Principal, Depends(reviewer)]
    errors: dict[int | str, dict[str, Any]] = {**_ERRORS, **_AUTH_ERRORS}
    out = models.ActionOut

    def done(result: actions.ActionResult) -> dict[str, Any]:
        return {"review": result.review.to_dict(), "incidents": list(result.incidents)}

    @app.post("/api/incidents/{incident_id}/confirm", response_model=out, responses=errors)
    def confirm(incident_id: str, body: models.ConfirmIn, who: Reviewer) -> dict[str, Any]:
        """Mark the incident as checked by a person."""
        with deps.open() as store:
            return done(actions.confirm(store, who.name, incident_id, body.note))

    @app.post("/api/incidents/{incident_id}/edit", response_model=out, responses=errors)
    def edit(incident_id: str, body: models.EditIn, who: Reviewer) -> dict[str, Any]:
        """Set one field; re-processing keeps the reviewer's value."""
        with deps.open() as store:
            return done(actions.edit(store, who.name, incident_id, body.field, body.value, body.note))

    @app.post("/api/incidents/{incident_id}/merge", response_model=out, responses=errors)
    def merge(incident_id: str, body: models.MergeIn, who: Reviewer) -> dict[str, Any]:
        """Fold other incidents into this one."""
        with deps.open() as store:
            return done(actions.merge(store, who.name, incident_id, body.incidents, body.note, deps.linker))

    @app.post("/api/incidents/{incident_id}/split", response_model=out, responses=errors)
    def split(incident_id: str, body: models.SplitIn, who: Reviewer) -> dict[str, Any]:
        """Move some mentions out to a new incident."""
        with deps.open() as store:
            return done(actions.split(store, who.name, incident_id, body.mentions, body.note, deps.linker))

    @app.post("/api/incidents/{incident_id}/discount", response_model=out, responses=errors)
    def discount(incident_id: str, body: models.DiscountIn, who: Reviewer) -> dict[str, Any]:
        """Grade the incident discounted, with the reason."""
        with deps.open() as store:
            return done(actions.discount(store, who.name, incident_id, body.reason))

    @app.post("/api/incidents/{incident_id}/note", response_model=out, responses=errors)
    def note(incident_id: str, body: models.NoteIn, who: Reviewer) -> dict[str, Any]:
        """Add a remark to the incident's history."""
        with deps.open() as store:
            return done(actions.note(store, who.name, incident_id, body.text))


def _vendor_ready(web_dir: Path) -> bool:
    return all((web_dir / "node_modules" / sub).is_dir() for sub in VENDOR.values())


def _web_routes(app: FastAPI, deps: _Deps, web_dir: Path) -> None:
    if not (web_dir / "index.html").is_file():
        raise ConfigError(f"the dashboard files are missing from {web_dir}; reinstall harmwatch.")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(web_dir / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=web_dir / "static"), name="static")
    for name, sub in VENDOR.items():
        folder = web_dir / "node_modules" / sub
        if folder.is_dir():  # installed by setup.sh (npm); the page works without it, minus the map
            app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
