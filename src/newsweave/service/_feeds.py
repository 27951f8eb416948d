"""The watched feeds: `GET /api/feeds` and the page `/feeds` (what `newsweave feeds` lists)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ..templating import render_template
from ._schemas import FeedOut, FeedsOut
from ._state import State

STATUS_LABELS = {"new": "Not fetched yet", "ok": "Read", "unchanged": "Unchanged", "moved": "Moved", "failed": "Failing"}
"""How the page names each feed status."""


def router() -> APIRouter:
    """The feeds API route (described in /openapi.json) and the feeds page (kept out of it)."""
    feeds = APIRouter()
    feeds.add_api_route("/api/feeds", get_feeds, methods=["GET"], response_model=FeedsOut, tags=["api"],
                        summary="The watched feeds: last fetch, status, new reports, errors")
    feeds.add_api_route("/feeds", feeds_page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    return feeds


def get_feeds(state: State) -> FeedsOut:
    """Every feed the store's watcher polls, in the order first watched."""
    return _feeds(state)


def feeds_page(state: State) -> HTMLResponse:
    """The feeds as a page: status, last fetch, new reports and errors of each."""
    feeds = [feed.model_dump() for feed in _feeds(state).feeds]
    return HTMLResponse(render_template("feeds.html", title="newsweave · feeds", feeds=feeds, status_labels=STATUS_LABELS,
                                        inline_assets=False))


def _feeds(state: State) -> FeedsOut:
    return FeedsOut(feeds=[FeedOut.of(feed) for feed in state.store.feed_states()])
