"""The app factory: the store, the routes, the body limit, the security headers and one JSON error policy."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .._errors import NewsweaveError, NotFoundError, StoreError
from ..store import Store
from ._briefs import BriefCache

DEFAULT_MAX_BODY_BYTES = 10_000_000
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_log = logging.getLogger("newsweave.service")


class BodyTooLargeError(Exception):
    """A request body went over the service's limit."""


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    fetch_private_urls: bool = True,
) -> FastAPI:
    """The newsweave service over the store at `db_path`; with `token`, every write needs `Authorization: Bearer <token>`.

    `fetch_private_urls=False` makes the paste form refuse URLs of private or local hosts (for a
    service reachable from a network).
    """
    from . import _api, _web

    store = Store(db_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202 - FastAPI's lifespan protocol
        yield
        store.close()

    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Post news reports; read each story as a brief whose every sentence cites its sources.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the service serves nothing external
        redoc_url=None,
    )
    pipeline_lock = threading.Lock()
    app.state.store = store
    app.state.token = token or None
    app.state.max_body_bytes = max_body_bytes
    app.state.fetch_private_urls = fetch_private_urls
    app.state.pipeline_lock = pipeline_lock
    app.state.briefs = BriefCache(store, pipeline_lock)
    app.include_router(_api.router(token=token or None))
    app.include_router(_web.router())
    _add_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    """The one shape of every error answer: {"error": "..."}."""
    return JSONResponse({"error": message, **extra}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    from ._web import error_page, wants_html

    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "request refused"
        if error.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; the API is described at /openapi.json"
        if error.status_code == 400 and message == "There was an error parsing the body":
            message = "the body is not valid JSON (it could not be parsed)"
        if error.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        response = error_page(error.status_code, message) if wants_html(request) else error_response(error.status_code, message)
        response.headers.update(error.headers or {})
        return response

    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = error.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            detail = next(p for p in problems if p.get("type") == "json_invalid").get("ctx", {}).get("error", "")
            return error_response(400, f"the body is not valid JSON{f' ({detail})' if detail else ''}")
        message = describe_validation(problems)
        if any(tuple(p.get("loc", ())) == ("body",) for p in problems):
            message = f"the body must be a JSON object sent as application/json ({message})"
        return error_page(422, message) if wants_html(request) else error_response(422, message)

    async def newsweave_error(request: Request, error: NewsweaveError) -> Response:
        # NotFound -> 404, a store failure -> 503, any other NewsweaveError is about the caller's input -> 422
        status = 404 if isinstance(error, NotFoundError) else 503 if isinstance(error, StoreError) else 422
        message = str(error)
        if wants_html(request):
            return error_page(status, message)
        return error_response(status, message)

    async def too_large(request: Request, error: BodyTooLargeError) -> Response:
        return error_response(413, _too_large_message(request.app.state.max_body_bytes))

    async def unexpected(request: Request, error: Exception) -> Response:
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error; the server log has the details")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(NewsweaveError, newsweave_error)
    app.add_exception_handler(BodyTooLargeError, too_large)
    app.add_exception_handler(Exception, unexpected)


def describe_validation(problems: list[dict[str, Any]]) -> str:
    """One readable sentence from pydantic's validation errors, e.g. "documents: Field required"."""
    parts = []
    for problem in problems[:5]:
        location = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return "; ".join(parts) + more


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
