"""The REST API: post articles, list stories, read a story's brief, and brief a batch without storing it."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from .._errors import InputError, NotFoundError
from ..ingest import article_from_document
from ..models import Article
from ..options import DEFAULT_MAX_WORDS, Options
from ..pipeline import articles_from_documents, make_brief
from ..store import as_utc
from ._briefs import STORY_LIST_HINT
from ._schemas import (
    ArticleError,
    ArticleIn,
    ArticlesCreated,
    Brief,
    BriefRequest,
    ErrorOut,
    StoredArticle,
    StoriesPage,
    StoryOut,
    describe_validation,
)
from ._state import State

MAX_ARTICLES_PER_POST = 1000
MAX_STORIES_PER_PAGE = 200
DEFAULT_STORIES_PER_PAGE = 50
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "the body is not valid JSON"},
    403: {"model": ErrorOut, "description": "the request came from another site's page (its Origin is not this service)"},
    413: {"model": ErrorOut, "description": "the body is larger than the service's limit"},
    415: {"model": ErrorOut, "description": "the body was not sent as `Content-Type: application/json`"},
    422: {"model": ErrorOut, "description": "a field is missing or has the wrong type"},
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut, "description": "missing or wrong bearer token"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "no story with this id"}}


def router(*, token: str | None) -> APIRouter:
    """The /api routes; with a token, writes depend on the bearer check (and /openapi.json says so)."""
    api = APIRouter(prefix="/api", tags=["api"])
    write_dependencies = [Depends(_bearer_check(token))] if token else []
    write_errors = {**ERRORS, **(AUTH_ERRORS if token else {})}
    api.add_api_route(
        "/articles", post_articles, methods=["POST"], status_code=201, response_model=ArticlesCreated,
        dependencies=write_dependencies, responses=write_errors, summary="Store articles and group them into stories",
        openapi_extra={"requestBody": _articles_body_schema()},
    )
    api.add_api_route("/stories", get_stories, methods=["GET"], response_model=StoriesPage, responses={422: ERRORS[422]},
                      summary="List stories, newest first")
    api.add_api_route("/stories/{story_id}", get_story, methods=["GET"], response_model=Brief,
                      responses=NOT_FOUND, summary="The brief of one story, up to date")
    api.add_api_route("/stories/{story_id}/explain", get_story_explanation, methods=["GET"], responses=NOT_FOUND,
                      summary="Why each report of a story is in it: score, shared names, places and dates")
    api.add_api_route("/brief", post_brief, methods=["POST"], response_model=Brief, responses=write_errors,
                      dependencies=write_dependencies, summary="The brief of a batch-input object, stored nowhere")
    return api


async def post_articles(request: Request, state: State) -> JSONResponse:
    """Store one article object or a list; a bad article is reported by index and the others are still stored."""
    items, single = _article_items(await request.body())
    articles: list[tuple[int, Article]] = []
    errors: list[ArticleError] = []
    for index, item in enumerate(items):
        try:
            articles.append((index, await run_in_threadpool(_article_of, item)))
        except (ValidationError, InputError, ValueError) as error:
            errors.append(ArticleError(index=index, error=_error_text(error)))
    results = await run_in_threadpool(state.store.add_articles, [a for _, a in articles]) if articles else []
    for story_id in dict.fromkeys(r.story_id for r in results if r.added and r.story_id):
        state.briefs.story_changed(story_id)
    stored = [
        StoredArticle(index=index, id=r.article_id if r.added else (r.duplicate_of or r.article_id), story=r.story_id,
                      stored=r.added, duplicate_of=r.duplicate_of, dropped_reason=r.dropped_reason)
        for (index, _), r in zip(articles, results, strict=True)
    ]
    if not stored:
        message = errors[0].error if single else f"none of the {len(items)} articles could be stored"
        return JSONResponse({"error": message, "errors": [e.model_dump() for e in errors]}, status_code=422)
    body = ArticlesCreated(articles=stored, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=False), status_code=201)


def get_stories(state: State,
                limit: int = Query(DEFAULT_STORIES_PER_PAGE, ge=1, le=MAX_STORIES_PER_PAGE, description="stories per page"),
                offset: int = Query(0, ge=0, description="stories to skip"),
                since: datetime | None = Query(None, description="mark the stories that gained reports after this "
                                               "time (e.g. the reader's last visit), ISO 8601; without offset, UTC"),
                ) -> StoriesPage:
    """One page of the stories, newest update first."""
    rows = state.store.stories(limit=limit + 1, offset=offset)
    since = as_utc(since) if since else None
    return StoriesPage(stories=[StoryOut.of(s, since) for s in rows[:limit]], limit=limit, offset=offset,
                       next_offset=offset + limit if len(rows) > limit else None)


def get_story(story_id: str, state: State,
              wait: bool = Query(False, description="wait for the brief of the story's newest version "
                                                    "instead of the stored one marked `updating`")) -> JSONResponse:
    """The stored Brief JSON of one story: `version` says which version of the story it shows, and `updating`
    that the story has changed since and a newer brief is being made."""
    return JSONResponse(state.briefs.brief(story_id, wait=wait))


def get_story_explanation(story_id: str, state: State) -> dict[str, Any]:
    """Each report of a story, in the order stored: how it came in (started, joined, grouped with its batch),
    its score and threshold, the names, places and dates it shares with the story, or the report it copies."""
    try:
        reports = state.store.explain(story_id)
    except NotFoundError as error:
        raise error.with_hint(STORY_LIST_HINT) from None
    return {"story": story_id, "reports": [report.to_dict() for report in reports]}


def post_brief(batch: BriefRequest, state: State) -> JSONResponse:
    """The Brief of the documents given, computed now and stored nowhere."""
    documents = [d if isinstance(d, str) else d.model_dump(exclude_none=True) for d in batch.documents]
    articles = articles_from_documents(documents)
    with state.pipeline_lock:
        brief = make_brief(articles, options=Options(max_words=batch.max_words or DEFAULT_MAX_WORDS), story_id=batch.id)
    return JSONResponse(brief.to_dict())


def _article_items(body: bytes) -> tuple[list[Any], bool]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise HTTPException(400, f"the body is not valid JSON ({error})") from None
    except RecursionError:
        raise HTTPException(400, "the body is not valid JSON (nested too deeply)") from None
    if isinstance(data, dict):
        return [data], True
    if isinstance(data, list) and data:
        if len(data) > MAX_ARTICLES_PER_POST:
            raise HTTPException(422, f"at most {MAX_ARTICLES_PER_POST} articles per request, not {len(data)}; split the list")
        return data, False
    raise HTTPException(422, "the body must be an article object or a non-empty list of them")


def _article_of(item: Any) -> Article:
    if not isinstance(item, dict):
        raise ValueError(f"an article must be an object with `text` or `html`, not {type(item).__name__}")
    fields = ArticleIn.model_validate(item).model_dump(exclude_none=True)
    fields["id"] = fields.get("id") or _article_id(fields)
    article = article_from_document(fields, fallback_id=fields["id"])
    return article


def _article_id(fields: dict[str, Any]) -> str:
    key = fields.get("url") or fields.get("text") or fields.get("html") or ""
    return "a-" + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:16]


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return describe_validation(error.errors())
    return str(error)


def _bearer_check(token: str):  # noqa: ANN202 - a FastAPI dependency
    scheme = HTTPBearer(auto_error=False, description="the service's token, given by `newsweave serve --token`")

    def check(credentials: HTTPAuthorizationCredentials | None = Depends(scheme)) -> None:
        given = credentials.credentials if credentials else ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "this service needs `Authorization: Bearer <token>` on writes; the token is wrong or missing",
                                headers={"WWW-Authenticate": "Bearer"})

    return check


def _articles_body_schema() -> dict[str, Any]:
    article = ArticleIn.model_json_schema()
    return {
        "required": True,
        "content": {"application/json": {"schema": {
            "anyOf": [article, {"type": "array", "items": article, "minItems": 1, "maxItems": MAX_ARTICLES_PER_POST}],
        }}},
    }
