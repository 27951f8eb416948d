"""Following a story: what changed in it since a given time, and the reader's last visit to the story list.

What changed is read from the briefs the store keeps per story version: the newest brief against the
newest one made at or before the time asked about. The last visit is one cookie holding two times and
nothing else (no identifier): when the reader's previous visit ended, and when they last looked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from ..follow import brief_changes
from ..models import BriefSource, ClaimItem, FigureValue, QuoteItem
from ..store import as_utc
from ._state import ServiceState, State

VISIT_COOKIE = "newsweave_visit"
VISIT_GAP = timedelta(minutes=30)
"""A look at the story list this long after the previous one starts a new visit."""
VISIT_COOKIE_SECONDS = 400 * 24 * 3600
"""How long a browser keeps the visit cookie (400 days, the most browsers allow)."""
FOLLOW_SPANS = (("in the last 24 hours", timedelta(days=1)), ("in the last 7 days", timedelta(days=7)))
"""The recent spans the story page links to ("what changed in the last ...")."""
SINCE_DESCRIPTION = "an ISO 8601 time, e.g. 2026-11-27T08:00:00Z (a time without offset is UTC)"
NOTHING_OLDER = "No brief of this story was kept from that time or earlier, so everything in it is new to you."


class ComparedBrief(BaseModel):
    """A stored brief of the story: the story version it was made from and when."""

    version: int = Field(description="the story version the brief was made from")
    made: str = Field(description="when the brief was made, ISO 8601 UTC")


class FigureChangeOut(BaseModel):
    """A figure the sources give differently whose values changed."""

    about: str = Field(description="what the figure measures")
    evolving: bool | None = Field(description="true when the values follow the reports' publication order")
    before: list[str] = Field(description="the values the older brief gave (empty: a new disagreement)")
    now: list[FigureValue] = Field(description="each source's value now, with the sentence it stands in")


class StoryChanges(BaseModel):
    """What changed in a story since `since`; sources are numbered as in the story's current brief."""

    story: str = Field(description="the story id")
    since: str = Field(description="the time asked about, ISO 8601 UTC")
    version: int = Field(description="the story version of the current brief")
    compared_with: ComparedBrief | None = Field(
        description="the brief compared with (the newest made at or before `since`); null when none is that old")
    everything_new: bool = Field(description="true when no brief that old was kept: every item counts as new")
    note: str = Field(description="what was compared, in one sentence")
    sources: list[BriefSource] = Field(description="reports that are new in the brief")
    claims: list[ClaimItem] = Field(description="claims newly corroborated or disputed")
    figures: list[FigureChangeOut] = Field(description="figures whose values changed, or newly given differently")
    quotes: list[QuoteItem] = Field(description="quotes that are new in the brief")


def router() -> APIRouter:
    """The route of a story's changes (the story page and the story list take `since` through their own routes)."""
    api = APIRouter(prefix="/api", tags=["api"])
    api.add_api_route("/stories/{story_id}/changes", get_story_changes, methods=["GET"], response_model=StoryChanges,
                      responses={404: {"description": "no story with this id"}, 422: {"description": "`since` is not a time"}},
                      summary="What changed in a story since a given time")
    return api


def get_story_changes(story_id: str, state: State,
                      since: datetime = Query(description=f"show what changed after this time: {SINCE_DESCRIPTION}"),
                      ) -> dict[str, Any]:
    """New sources, newly corroborated or disputed claims, changed figures and new quotes since `since`."""
    return story_changes(state, story_id, since)


def story_changes(state: ServiceState, story_id: str, since: datetime) -> dict[str, Any]:
    """The changes of a story since `since`, as the API gives them (the story page shows the same)."""
    brief = state.briefs.brief(story_id, wait=True)  # the current brief; an unknown id is a 404 saying where stories are listed
    version = state.store.story_version(story_id)
    older = state.store.brief_before(story_id, since)
    changes = brief_changes(older.brief if older else None, brief).to_dict()
    since_text = as_utc(since).isoformat(timespec="seconds")
    if older is None:
        note = NOTHING_OLDER
    elif older.version == version:
        note = f"Nothing has changed since {moment(since)}."
    else:
        note = f"Compared with the brief made {moment(older.made)}, from version {older.version} of the story."
    compared = {"version": older.version, "made": older.made.isoformat(timespec="seconds")} if older else None
    return {"story": story_id, "since": since_text, "version": version, "compared_with": compared, "note": note, **changes}


def since_parameter(when: datetime) -> str:
    """`when` as a `since` query value: ISO 8601 UTC to the second, with Z (no "+" to escape in a URL)."""
    return as_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(when: datetime) -> str:
    """`when` as pages show it: 27 Nov 2026, 08:15 UTC."""
    when = as_utc(when)
    return f"{when.day} {when:%b %Y, %H:%M} UTC"


def follow_spans(now: datetime) -> list[tuple[str, str]]:
    """The spans the story page offers to show changes over, each as (label, `since` value), counted back from
    `now` to the minute (so that pages made within one minute show the same links and can be kept)."""
    minute = as_utc(now).replace(second=0, microsecond=0)
    return [(label, since_parameter(minute - span)) for label, span in FOLLOW_SPANS]


def last_visit(request: Request, now: datetime) -> tuple[datetime | None, str]:
    """The end of the reader's previous visit to the story list (None on a first visit) and the cookie to set now.

    The cookie holds "MARK:LAST" in seconds since 1970: MARK is the time stories are compared with, LAST the
    reader's latest look; a look more than `VISIT_GAP` after LAST starts a new visit whose MARK is LAST.
    """
    mark, last = _visit_times(request.cookies.get(VISIT_COOKIE, ""))
    if last is not None and now - last > VISIT_GAP:
        mark = last
    value = f"{int(mark.timestamp()) if mark else ''}:{int(now.timestamp())}"
    return mark, value


def remember_visit(response: Response, value: str) -> None:
    """Set the visit cookie (read only by this service, never by scripts)."""
    response.set_cookie(VISIT_COOKIE, value, max_age=VISIT_COOKIE_SECONDS, httponly=True, samesite="lax", path="/")


def _visit_times(value: str) -> tuple[datetime | None, datetime | None]:
    """The two times of a visit cookie; (None, None) for a missing or malformed one."""
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() or p == "" for p in parts) or not parts[1]:
        return None, None
    try:
        mark, last = (datetime.fromtimestamp(int(p), UTC) if p else None for p in parts)
    except (OverflowError, OSError, ValueError):
        return None, None
    return mark, last
