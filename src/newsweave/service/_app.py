"""The app factory: the store, the routes, the body limit, the security headers and one JSON error policy."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .._errors import InputError, NewsweaveError, NotFoundError, SetupError, StoreError
from ..ingest import AddressCheck
from ..store import Store
from ..watch import BackgroundWatch
from . import _api, _atom, _feeds, _follow, _search, _web
from ._briefs import StoryBriefs
from ._pool import DEFAULT_BRIEF_WORKERS, BriefWorkers
from ._schemas import describe_validation
from ._state import ServiceState, install_state, state_of

DEFAULT_MAX_BODY_BYTES = 10_000_000
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the page's own
    # form posts, which WriteGuard must refuse; links to other sites still get no referrer.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""Methods that change something or run work; they are checked by `WriteGuard`."""
ERROR_STATUS: list[tuple[type[NewsweaveError], int]] = [
    (NotFoundError, 404), (InputError, 422), (StoreError, 503), (SetupError, 500),
]
"""The status of each kind of library error: whose fault it is (any other NewsweaveError gives 500)."""
_log = logging.getLogger("newsweave.service")


class BodyTooLargeError(Exception):
    """A request body went over the service's limit."""


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    fetch_address_allowed: AddressCheck | None = None,
    watch: BackgroundWatch | None = None,
    brief_workers: int = DEFAULT_BRIEF_WORKERS,
) -> FastAPI:
    """The newsweave service over the store at `db_path`; with `token`, every write needs `Authorization: Bearer <token>`.

    `fetch_address_allowed` says which addresses the paste form may fetch pasted URLs from, at every
    redirect (`newsweave.ingest.public_address` for a service reachable from a network; None: any).
    `watch` polls feeds into the store while the service runs (started and stopped with it).
    `brief_workers` processes make the briefs of changed stories in the background; with 0 each brief is made
    when a page asks for it, in the server process.
    """
    store = Store(db_path)
    pipeline_lock = threading.Lock()
    workers = BriefWorkers(store, brief_workers) if brief_workers > 0 else None
    state = ServiceState(store=store, briefs=StoryBriefs(store, workers, pipeline_lock), pipeline_lock=pipeline_lock,
                         max_body_bytes=max_body_bytes, fetch_address_allowed=fetch_address_allowed)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.briefs.start()
        if watch is not None:
            watch.story_changed = state.briefs.story_changed  # watched reports get their briefs as posted ones do
            watch.start()
        yield
        if watch is not None:
            watch.stop()
        state.briefs.close()
        store.close()

    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Post news reports; read each story as a brief whose every sentence cites its sources.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the service serves nothing external
        redoc_url=None,
    )
    install_state(app, state)
    app.include_router(_api.router(token=token or None))
    app.include_router(_follow.router())
    app.include_router(_atom.router())
    app.include_router(_web.router())
    app.include_router(_feeds.router())
    app.include_router(_search.router())
    _add_error_handlers(app)
    app.add_middleware(WriteGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    """The one shape of every error answer: {"error": "..."}."""
    return JSONResponse({"error": message, **extra}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    """One error policy: every failure answers {"error": ...} (a page for a browser), with the status of whose fault it is."""
    # Starlette types a handler as taking any Exception, though it only calls it with the class it is
    # registered for, so a handler of a narrower class is refused (starlette#2403): ignore[arg-type].
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(NewsweaveError, _newsweave_error)  # type: ignore[arg-type]
    app.add_exception_handler(BodyTooLargeError, _too_large)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    message = error.detail if isinstance(error.detail, str) else "request refused"
    if error.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}; the API is described at /openapi.json"
    if error.status_code == 400 and message == "There was an error parsing the body":
        message = "the body is not valid JSON (it could not be parsed)"
    if error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    response = _error_answer(request, error.status_code, message)
    response.headers.update(error.headers or {})
    return response


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    problems = error.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        detail = next(p for p in problems if p.get("type") == "json_invalid").get("ctx", {}).get("error", "")
        return error_response(400, f"the body is not valid JSON{f' ({detail})' if detail else ''}")
    message = describe_validation(problems)
    if any(tuple(p.get("loc", ())) == ("body",) for p in problems):
        message = f"the body must be a JSON object sent as application/json ({message})"
    return _error_answer(request, 422, message)


async def _newsweave_error(request: Request, error: NewsweaveError) -> Response:
    status = next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), 500)
    if status >= 500:
        _log.error("%s on %s %s: %s", type(error).__name__, request.method, request.url.path, error)
    return _error_answer(request, status, _client_message(error))


async def _too_large(request: Request, error: BodyTooLargeError) -> Response:
    return error_response(413, _too_large_message(state_of(request).max_body_bytes))


async def _unexpected(request: Request, error: Exception) -> Response:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal error; the server log has the details")


def _error_answer(request: Request, status: int, message: str) -> Response:
    """A page for a browser on a page route, else the JSON error."""
    return _web.error_page(status, message) if _web.wants_html(request) else error_response(status, message)


def _client_message(error: NewsweaveError) -> str:
    """What the client is told: `where` when it names the client's own input (a URL, a document), never the server's files."""
    return str(error) if isinstance(error, InputError) else error.message


def _too_large_message(max_bytes: int) -> str:
    return f"the body is larger than the service's limit of {max_bytes:,} bytes; post fewer articles per request"


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await error_response(400, "the Content-Length header is not a number")(scope, receive, send)
                return
            if int(length) > self.max_bytes:
                await error_response(413, _too_large_message(self.max_bytes))(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLargeError:
            if not started:
                await error_response(413, _too_large_message(self.max_bytes))(scope, receive, send)


class WriteGuard:
    """Refuse cross-site writes: a write from another site's page carries that site's `Origin`, and an API
    write must be `application/json` (a type a page elsewhere cannot send without a CORS preflight)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS:
            refusal = _write_refusal(scope)
            if refusal is not None:
                await error_response(*refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _write_refusal(scope: Scope) -> tuple[int, str] | None:
    """(status, message) when a write must be refused: a foreign Origin (403), an API write not sent as JSON (415)."""
    headers = Headers(scope=scope)
    origin = headers.get("origin")
    own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
    if origin is not None and origin.rstrip("/").lower() != own.lower():
        return 403, (f"writes are accepted only from this service's own pages ({own}), not from {origin}; "
                     "post from a program without an Origin header, or from the service's page")
    if scope["path"].startswith("/api/"):
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return 415, (f"send the body as JSON with `Content-Type: application/json`, "
                         f"not {media_type or 'no Content-Type'}")
    return None


class SecurityHeaders:
    """Add the Content-Security-Policy and related headers to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)
