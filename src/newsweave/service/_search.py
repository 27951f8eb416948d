"""Search and entities in the service: GET /api/search, GET /api/entities/{name}, and their pages /search and
/entities/{name}."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from .._errors import InputError, NotFoundError
from ..search import EntityProfile, SearchPage
from ..store import StorySummary
from ..templating import day, entity_href, render_template
from ._schemas import (
    EntityOut,
    EntityQuoteOut,
    ErrorOut,
    ExpansionOut,
    RelatedEntityOut,
    ReportRef,
    SearchHitOut,
    SearchOut,
    StoryOut,
)
from ._state import State

DEFAULT_RESULTS_PER_PAGE = 20
MAX_RESULTS_PER_PAGE = 100
ENTITY_STORIES_PER_PAGE = 30
_QUERY = Query("", description="words to find; a name is also searched in the other spellings the briefs merged")
_LIMIT = Query(DEFAULT_RESULTS_PER_PAGE, ge=1, le=MAX_RESULTS_PER_PAGE, description="results per page")
_OFFSET = Query(0, ge=0, description="results to skip")


def router() -> APIRouter:
    """The search and entity routes: the API (described in /openapi.json) and the pages (not)."""
    routes = APIRouter()
    # {name:path}: a name may hold a slash ("AP Photo/LM"), which the address carries as %2F and the router sees decoded
    bad_query: dict[int | str, dict[str, Any]] = {
        422: {"model": ErrorOut, "description": "no words to search for, or too many"}}
    unknown: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "no stored brief names this entity"}}
    routes.add_api_route("/api/search", api_search, methods=["GET"], response_model=SearchOut, responses=bad_query,
                         tags=["api"], summary="Stories matching words, names found whatever their spelling")
    routes.add_api_route("/api/entities/{name:path}", api_entity, methods=["GET"], response_model=EntityOut,
                         responses=unknown, tags=["api"],
                         summary="A person, organisation or place: its stories, spellings, quotes and company")
    routes.add_api_route("/search", search_page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    routes.add_api_route("/entities/{name:path}", entity_page, methods=["GET"], response_class=HTMLResponse,
                         include_in_schema=False)
    return routes


async def api_search(state: State, q: str = _QUERY, limit: int = _LIMIT, offset: int = _OFFSET) -> Response:
    """Stories whose reports, title or brief hold every word of `q`, best first.

    `async`, so it runs on the event loop: a search is a few milliseconds of SQLite and Python on the store's
    read-only connection, which never waits for a writer. In the thread pool each request also paid a hop to a
    thread and the hand-over of the interpreter lock between threads, which with 8 clients nearly doubled the
    p95 of searches (bench/service_load.py --search: about 90 ms against 50 ms, measured in turn)."""
    found, stories = state.store.search(q, limit=limit, offset=offset)
    return json_answer(search_out(found, stories, limit=limit, offset=offset))


def api_entity(name: str, state: State, limit: int = Query(ENTITY_STORIES_PER_PAGE, ge=1, le=MAX_RESULTS_PER_PAGE),
               offset: int = _OFFSET) -> Response:
    """The entity `name` stands for (any spelling): its stories newest first, spellings, quotes and company."""
    try:
        profile, stories = state.store.entity(name, limit=limit, offset=offset)
    except NotFoundError as error:
        raise error.with_hint(f"GET /api/search?q={quote(name)} searches the reports for it") from None
    return json_answer(_entity_out(profile, stories, limit=limit, offset=offset))


def json_answer(model: BaseModel) -> Response:
    """A model made by the route itself as JSON, written by pydantic at once: FastAPI would check it against the
    route's `response_model` (which still describes it in /openapi.json) in one more hop to its thread pool."""
    return Response(model.model_dump_json(), media_type="application/json")


async def search_page(state: State, q: str = "", page_number: int = Query(1, ge=1)) -> HTMLResponse:
    """The results of a search from the box in the top bar, run on the event loop as `api_search` is."""
    context: dict[str, Any] = {"query": q, "found": None, "rows": [], "error": "", "pager": []}
    status = 200
    if q.strip():
        offset = (page_number - 1) * DEFAULT_RESULTS_PER_PAGE
        try:
            found, stories = state.store.search(q, limit=DEFAULT_RESULTS_PER_PAGE, offset=offset)
        except InputError as error:
            context["error"], status = error.message, 422
        else:
            context.update(found=found, rows=[(hit, stories[hit.story_id]) for hit in found.hits if hit.story_id in stories],
                           pager=_pager("/search", {"q": q}, page_number, found.total, DEFAULT_RESULTS_PER_PAGE))
    title = f"{q.strip()} · search" if q.strip() else "Search"
    return HTMLResponse(_render("search.html", title, **context), status_code=status)


def entity_page(name: str, state: State, page_number: int = Query(1, ge=1)) -> HTMLResponse:
    """A person, organisation or place: its stories newest first, its spellings, its quotes, the names seen with it."""
    offset = (page_number - 1) * ENTITY_STORIES_PER_PAGE
    try:
        profile, stories = state.store.entity(name, limit=ENTITY_STORIES_PER_PAGE, offset=offset)
    except NotFoundError:
        return HTMLResponse(_render("entity_unknown.html", "Not found", entity_name=name,
                                    search_href="/search?" + urlencode({"q": name})), status_code=404)
    rows = [stories[story_id] for story_id in profile.story_ids if story_id in stories]
    pager = _pager(entity_href(profile.name), {}, page_number, profile.total_stories, ENTITY_STORIES_PER_PAGE)
    return HTMLResponse(_render("entity.html", profile.name, entity=profile, rows=rows, pager=pager))


def _render(template: str, title: str, **context: Any) -> str:
    return render_template(template, title=title, inline_assets=False, day=day,
                           **context)


def _pager(path: str, parameters: dict[str, str], page_number: int, total: int, per_page: int) -> list[tuple[str, str]]:
    """(label, href) of the links to the newer/previous and next pages."""
    links = []
    if page_number > 1:
        links.append(("← Previous", f"{path}?{urlencode({**parameters, 'page_number': page_number - 1})}"))
    if page_number * per_page < total:
        links.append(("Next →", f"{path}?{urlencode({**parameters, 'page_number': page_number + 1})}"))
    return links


def search_out(found: SearchPage, stories: dict[str, StorySummary], *, limit: int, offset: int) -> SearchOut:
    results = [
        SearchHitOut(story=StoryOut.of(stories[hit.story_id]), score=hit.score, found_in=hit.found_in, snippet=hit.snippet,
                     highlights=[list(span) for span in hit.highlights],
                     report=ReportRef(id=hit.report_id, title=hit.report_title, source=hit.report_source)
                     if hit.report_id else None)
        for hit in found.hits if hit.story_id in stories
    ]
    return SearchOut(query=found.query, results=results, total=found.total, limit=limit, offset=offset,
                     next_offset=offset + limit if offset + limit < found.total else None,
                     expanded=[ExpansionOut(**e.to_dict()) for e in found.expansions])


def _entity_out(profile: EntityProfile, stories: dict[str, StorySummary], *, limit: int, offset: int) -> EntityOut:
    return EntityOut(
        name=profile.name, type=profile.type, spellings=profile.spellings,
        stories=[StoryOut.of(stories[s]) for s in profile.story_ids if s in stories], total_stories=profile.total_stories,
        limit=limit, offset=offset, next_offset=offset + limit if offset + limit < profile.total_stories else None,
        quotes=[EntityQuoteOut(**quote) for quote in profile.quotes],
        related=[RelatedEntityOut(**other) for other in profile.related],
    )
