"""The web pages: the story list with a paste form, a story's brief, and the brief of pasted reports."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from .._errors import InputError, NotFoundError
from ..ingest import AddressCheck, fetch_article, without_control_characters
from ..models import Article
from ..pipeline import make_brief
from ..store import Store, StorySummary
from ..webpage import ASSET_NAMES, asset_text, brief_markup, escape, page
from ._briefs import UPDATING_NOTE
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


def home(state: State, page_number: int = 1) -> HTMLResponse:
    """The stories, newest first, beside the paste form."""
    return HTMLResponse(_home_html(state.store, max(1, page_number)))


def story_page(story_id: str, state: State) -> HTMLResponse:
    """The brief of one stored story."""
    return HTMLResponse(state.briefs.page(state.briefs.brief(story_id), _story_html))


def _story_html(brief: dict[str, Any]) -> str:
    kicker = (f"Story · {len(brief['sources'])} source{'s' if len(brief['sources']) != 1 else ''}"
              f" · updated {_day(date.fromisoformat(brief['updated']))}")
    note = " ".join(filter(None, [UPDATING_NOTE if brief["updating"] else "", brief.get("note", "")]))
    return page(brief["title"] or "Story", brief_markup(brief, kicker=kicker, note=note),
                inline_assets=False, header=_topbar())


async def pasted_brief(request: Request, state: State) -> HTMLResponse:
    """The brief of the reports pasted in the form (texts or URLs); the form again with a message on a problem."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    pasted = [value for value in fields.get("report", []) if value.strip()]
    try:
        brief = await run_in_threadpool(_brief_of_pasted, state, pasted)
    except InputError as error:
        return HTMLResponse(_home_html(state.store, 1, error=str(error), pasted=pasted), status_code=422)
    title = brief["title"] or "Brief"
    markup = brief_markup(brief, kicker=f"Brief · {len(brief['sources'])} sources", note=PASTED_NOTE)
    return HTMLResponse(page(title, markup, inline_assets=False, header=_topbar()))


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
    body = (f"<section class=card><h1 class=page-title>{escape(heading)}</h1><p>{escape(message)}</p>"
            '<p class=hint><a href="/">Back to the stories</a></p></section>')
    return HTMLResponse(page(heading, body, inline_assets=False, header=_topbar()), status_code=status)


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


def _home_html(store: Store, page_number: int, *, error: str = "", pasted: list[str] | None = None) -> str:
    offset = (page_number - 1) * STORIES_PER_PAGE
    rows = store.stories(limit=STORIES_PER_PAGE + 1, offset=offset)
    stories = "".join(_story_item(s) for s in rows[:STORIES_PER_PAGE])
    if not stories:
        stories = ("<p class=empty-state>No stories yet. Tools post reports to <code>POST /api/articles</code>; "
                   "they are grouped into stories as they arrive.</p>") if page_number == 1 else "<p class=empty-state>No more stories.</p>"
    else:
        stories = f"<ol class=stories>{stories}</ol>"
    pager = []
    if page_number > 1:
        pager.append(f'<a href="/?page_number={page_number - 1}">← Newer</a>')
    if len(rows) > STORIES_PER_PAGE:
        pager.append(f'<a href="/?page_number={page_number + 1}">Older →</a>')
    listing = (f"<section class=card id=stories><h2>Stories <span class=count>newest first</span></h2>{stories}"
               + (f"<nav class=pager>{''.join(pager)}</nav>" if pager else "") + "</section>")
    body = (f"<h1 class=page-title>Stories</h1><div class=home><div>{listing}</div>"
            f"<div>{_paste_form(error, pasted or [])}</div></div>")
    return page("newsweave · stories", body, inline_assets=False, header=_topbar())


def _story_item(story: StorySummary) -> str:
    sources = f"{story.sources} source{'s' if story.sources != 1 else ''}"
    articles = f"{story.articles} report{'s' if story.articles != 1 else ''}"
    return (f'<li class=story><a href="/stories/{escape(story.id, quote=True)}">{escape(story.title or story.id)}</a>'
            f"<div class=story-meta><span><strong>{sources}</strong></span><span>{articles}</span>"
            f'<span>updated <time datetime="{story.updated.isoformat()}">{_day(story.updated)}</time></span></div></li>')


def _paste_form(error: str, pasted: list[str]) -> str:
    values = pasted + [""] * max(0, PASTE_FIELDS - len(pasted))
    fields = "".join(
        f'<label for="report-{n}">Report {n}</label>'
        f'<textarea name=report id="report-{n}" placeholder="Paste the text of a report, or its URL">{escape(value)}</textarea>'
        for n, value in enumerate(values, start=1)
    )
    problem = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    return (
        "<section class=card id=paste><h2>Brief from pasted reports</h2>"
        "<p class=hint>Paste two or more reports of one event, as text or as URLs (one a line). "
        "You get their brief at once; nothing is stored.</p>"
        f'{problem}<form class=paste method=post action="/brief"><div id=report-fields>{fields}</div>'
        '<div class=actions><button class="btn secondary" type=button id=add-report hidden>Add another report</button>'
        '<button class=btn type=submit>Make the brief</button></div></form></section>'
    )


def _topbar() -> str:
    return ('<header class=topbar><div class=topbar-inner><a class=brand href="/"><span class=brand-mark>n</span>newsweave</a>'
            '<nav><a href="/">Stories</a><a href="/#paste">New brief</a><a href="/openapi.json">API</a></nav></div></header>')


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
