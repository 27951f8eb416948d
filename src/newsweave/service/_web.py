"""The web pages: the story list with a paste form, a story's brief, and the brief of pasted reports."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from .._errors import InputError, NotFoundError
from ..ingest import AddressCheck, without_control_characters
from ..models import Article
from ..pipeline import make_brief
from ..sources import fetch_article
from ..store import Store
from ..templating import day, render_template
from ..webpage import ASSET_NAMES, asset_text, brief_view, changes_view
from ._atom import STORIES_FEED, story_feed_path
from ._briefs import UPDATING_NOTE
from ._follow import follow_spans, last_visit, moment, remember_visit, since_parameter, story_changes
from ._state import ServiceState, State

STORIES_PER_PAGE = 30
PASTE_FIELDS = 3
MAX_PASTED_REPORTS = 30
PASTED_NOTE = "Made from the reports you pasted; nothing was stored."
_URL_LINE = re.compile(r"^https?://\S+$", re.IGNORECASE)
_ASSET_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"}


def router() -> APIRouter:
    """The HTML routes and the static assets (kept out of /openapi.json: they are pages, not API)."""
    web = APIRouter(include_in_schema=False)
    web.add_api_route("/", home, methods=["GET"], response_class=HTMLResponse)
    web.add_api_route("/stories/{story_id}", story_page, methods=["GET"], response_class=HTMLResponse)
    web.add_api_route("/brief", pasted_brief, methods=["POST"], response_class=HTMLResponse)
    web.add_api_route("/static/{name}", static_asset, methods=["GET"])
    web.add_api_route("/favicon.ico", favicon, methods=["GET"])
    return web


def home(request: Request, state: State, page_number: int = 1) -> HTMLResponse:
    """The stories, newest first, beside the paste form; stories updated since the reader's last visit are marked."""
    mark, visit = last_visit(request, datetime.now(UTC))
    response = HTMLResponse(_home_html(state.store, max(1, page_number), last_visit=mark))
    remember_visit(response, visit)
    return response


def story_page(story_id: str, state: State, since: datetime | None = None) -> HTMLResponse:
    """The brief of one stored story (its page rendered once per version); with `since`, what changed since then first."""
    brief = state.briefs.brief(story_id)
    spans = follow_spans(datetime.now(UTC))
    if since is None:  # the links to recent changes are part of the page: a page is kept for the minute they hold
        return HTMLResponse(state.briefs.page(brief, lambda shown: _story_html(shown, spans=spans), also=tuple(spans)))
    changes = changes_view(story_changes(state, story_id, since), brief)
    return HTMLResponse(_story_html(brief, spans=spans, changes=changes, since=since))


def _story_html(brief: dict[str, Any], *, spans: list[tuple[str, str]], changes: dict[str, Any] | None = None,
                since: datetime | None = None) -> str:
    story_id = brief["id"]
    kicker = (f"Story · {len(brief['sources'])} source{'s' if len(brief['sources']) != 1 else ''}"
              f" · updated {day(date.fromisoformat(brief['updated']))}")
    note = " ".join(filter(None, [UPDATING_NOTE if brief["updating"] else "", brief.get("note", "")]))
    view = brief_view(brief, kicker=kicker, note=note, link_entities=True)
    return render_template("story.html", title=brief["title"] or "Story", inline_assets=False, brief=view,
                           story_id=story_id, changes=changes, since_label=moment(since) if since else "",
                           follow_spans=spans, story_feed=story_feed_path(story_id),
                           stories_feed=STORIES_FEED)


async def pasted_brief(request: Request, state: State) -> HTMLResponse:
    """The brief of the reports pasted in the form (texts or URLs); the form again with a message on a problem."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    pasted = [value for value in fields.get("report", []) if value.strip()]
    try:
        brief = await run_in_threadpool(_brief_of_pasted, state, pasted)
    except InputError as error:
        return HTMLResponse(_home_html(state.store, 1, error=str(error), pasted=pasted), status_code=422)
    view = brief_view(brief, kicker=f"Brief · {len(brief['sources'])} sources", note=PASTED_NOTE)
    return HTMLResponse(render_template("brief_of_pasted.html", title=brief["title"] or "Brief", inline_assets=False,
                                        brief=view))


def static_asset(name: str) -> Response:
    """The page's stylesheet and script, served by the service itself."""
    if name not in ASSET_NAMES:
        raise NotFoundError(f"no asset {name!r}")
    return Response(asset_text(name), media_type=_ASSET_TYPES[name.rsplit(".", 1)[1]],
                    headers={"Cache-Control": "public, max-age=3600"})


def favicon() -> Response:
    """The tab icon, for browsers that ask for /favicon.ico whatever the page says."""
    return static_asset("favicon.svg")


def wants_html(request: Request) -> bool:
    """Whether an error should be a page (any route but the API's, unless the client asks for JSON only)."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/api", "/openapi.json"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


def error_page(status: int, message: str) -> HTMLResponse:
    """A page that says what went wrong and leads back to the stories."""
    heading = {404: "Not found", 401: "Not allowed", 413: "Too large"}.get(status, "Something is wrong")
    return HTMLResponse(render_template("error.html", title=heading, inline_assets=False, heading=heading, message=message),
                        status_code=status)


def _brief_of_pasted(state: ServiceState, pasted: list[str]) -> dict[str, Any]:
    articles = _pasted_articles(pasted, allowed_address=state.fetch_address_allowed)
    with state.pipeline_lock:
        return make_brief(articles).to_dict()


def _pasted_articles(pasted: list[str], *, allowed_address: AddressCheck | None) -> list[Article]:
    """One Article per pasted text; a field holding only URLs (one a line) gives one fetched report per URL."""
    articles: list[Article] = []
    for text in pasted:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if lines and all(_URL_LINE.match(line) for line in lines):
            articles.extend(fetch_article(url, allowed_address=allowed_address) for url in lines)
        else:
            articles.append(Article(id=f"pasted-{len(articles) + 1}", text=without_control_characters(text),
                                    source=f"Pasted report {len(articles) + 1}"))
        if len(articles) > MAX_PASTED_REPORTS:
            raise InputError(f"at most {MAX_PASTED_REPORTS} reports at once; paste fewer")
    if len(articles) < 2:
        raise InputError("paste two or more reports of the same event (their texts or their URLs)")
    return articles


def _home_html(store: Store, page_number: int, *, error: str = "", pasted: list[str] | None = None,
               last_visit: datetime | None = None) -> str:
    offset = (page_number - 1) * STORIES_PER_PAGE
    rows = store.stories(limit=STORIES_PER_PAGE + 1, offset=offset)
    fields = (pasted or []) + [""] * max(0, PASTE_FIELDS - len(pasted or []))
    return render_template("home.html", title="newsweave · stories", inline_assets=False, stories=rows[:STORIES_PER_PAGE],
                           page_number=page_number, newer=page_number > 1, older=len(rows) > STORIES_PER_PAGE,
                           error=error, pasted=fields, last_visit=last_visit,
                           since=since_parameter(last_visit) if last_visit else "",
                           last_visit_label=moment(last_visit) if last_visit else "", stories_feed=STORIES_FEED)
