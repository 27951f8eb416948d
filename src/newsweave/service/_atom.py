"""Atom feeds to subscribe to: new and updated stories, one story's updates, and the stories naming one entity.

Feeds are read from the store and from the briefs it keeps; only a story's own feed makes a brief
(its current one, as the story page would) when the newest kept is not of the story's current version. Each answer carries an ETag, so a feed reader polling with
If-None-Match gets 304 while nothing changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .._errors import NotFoundError
from ..atom import ATOM_MEDIA_TYPE, AtomEntry, AtomFeed, atom_document
from ..entity_lookup import stories_naming
from ..follow import BriefChanges, brief_changes
from ..store import StoredBrief, StorySummary
from ..templating import entity_href, render_template
from ..webpage import changes_view
from ._briefs import STORY_LIST_HINT
from ._state import State

FEED_ENTRIES = 50
"""Entries in one feed: the newest stories, or a story's newest kept briefs."""
SUMMARY_SENTENCES = 2
"""Summary sentences of a story's brief shown in its entry of the story list's feed."""
STORIES_FEED = "/feeds/stories.atom"
FIRST_BRIEF_NOTE = "The first brief kept of this story: everything in it is new."


def router() -> APIRouter:
    """The feed routes (kept out of /openapi.json: they are Atom documents, described in docs/service.md)."""
    feeds = APIRouter(include_in_schema=False)
    feeds.add_api_route(STORIES_FEED, stories_feed, methods=["GET"])
    feeds.add_api_route("/feeds/stories/{story_id}.atom", story_feed, methods=["GET"])
    feeds.add_api_route("/feeds/entities/{name:path}.atom", entity_feed, methods=["GET"])
    return feeds


def story_feed_path(story_id: str) -> str:
    """Where the feed of one story's updates is."""
    return f"/feeds/stories/{quote(story_id, safe='')}.atom"


def entity_feed_path(name: str) -> str:
    """Where the feed of the stories naming an entity is."""
    return f"/feeds/entities/{quote(name, safe='')}.atom"


def stories_feed(request: Request, state: State) -> Response:
    """The stories that last gained a report, newest first: one entry per story, updated when it changes."""
    base = _base(request)
    entries = [_story_entry(base, story, state.store.stored_brief(story.id))
               for story in state.store.stories(limit=FEED_ENTRIES, by_change=True)]
    feed = AtomFeed(id=base + STORIES_FEED, title="newsweave · new and updated stories", link=base + "/",
                    self_link=base + STORIES_FEED, subtitle="Stories as they gain reports, each a brief that cites its sources.")
    return _atom_answer(request, atom_document(feed, entries))


def story_feed(story_id: str, request: Request, state: State) -> Response:
    """One entry per kept brief of the story, newest first, telling what that version changed."""
    try:
        story = state.store.story(story_id)
    except NotFoundError as error:
        raise error.with_hint(STORY_LIST_HINT) from None
    kept = state.store.stored_briefs(story_id, limit=FEED_ENTRIES + 1)
    if not kept or kept[0].version != story.version:
        state.briefs.brief(story_id, wait=True)  # the current brief, made now if the workers have not yet
        kept = state.store.stored_briefs(story_id, limit=FEED_ENTRIES + 1)
    base, page = _base(request), _story_link(_base(request), story_id)
    entries = [_update_entry(page, stored, kept[n + 1] if n + 1 < len(kept) else None)
               for n, stored in enumerate(kept[:FEED_ENTRIES])]
    feed = AtomFeed(id=base + story_feed_path(story_id), title=f"newsweave · {story.title or story.id}", link=page,
                    self_link=base + story_feed_path(story_id), subtitle="What each new version of the story's brief adds.")
    return _atom_answer(request, atom_document(feed, entries))


def entity_feed(name: str, request: Request, state: State) -> Response:
    """The stories naming an entity (under any spelling their briefs merged), newest change first."""
    found = stories_naming(state.store, name)
    if not found:
        raise NotFoundError(f"no story names {name!r} yet; names are looked up in the briefs made so far")
    stories = sorted((state.store.story(f.story_id) for f in found), key=_changed, reverse=True)[:FEED_ENTRIES]
    mentions = {f.story_id: f for f in found}
    canonical = Counter(f.name for f in found).most_common(1)[0][0]
    base = _base(request)
    entries = []
    for story in stories:
        named = mentions[story.id]
        spellings = ", ".join(v for v in named.variants if v != named.name)
        summary = f"Names {named.name} ({named.type})" + (f", also written {spellings}" if spellings else "") + ". "
        entries.append(_story_entry(base, story, None, lead=summary))
    feed = AtomFeed(id=base + entity_feed_path(canonical), title=f"newsweave · {canonical}",
                    link=base + entity_href(canonical), self_link=base + entity_feed_path(name),
                    subtitle=f"Stories that name {canonical}, whatever spelling their outlets use.")
    return _atom_answer(request, atom_document(feed, entries))


def _story_entry(base: str, story: StorySummary, stored: StoredBrief | None, *, lead: str = "") -> AtomEntry:
    """A story as an entry: its size, and the first sentences of its kept brief when there is one."""
    size = (f"{story.sources} outlet{'s' if story.sources != 1 else ''}, "
            f"{story.articles} report{'s' if story.articles != 1 else ''}.")
    sentences = [item["text"] for item in stored.brief["summary"][:SUMMARY_SENTENCES]] if stored else []
    return AtomEntry(id=_story_link(base, story.id), title=story.title or story.id, updated=_changed(story),
                     link=_story_link(base, story.id), summary=" ".join([lead + size, *sentences]),
                     published=datetime.combine(story.first_seen, time(), UTC))


def _update_entry(page: str, stored: StoredBrief, previous: StoredBrief | None) -> AtomEntry:
    """One version of a story's brief as an entry: what it changed from the version kept before it."""
    changes = brief_changes(previous.brief if previous else None, stored.brief)
    note = FIRST_BRIEF_NOTE if previous is None else f"Changes since version {previous.version} of the story."
    content = render_template("feed_changes.html", changes=changes_view({**changes.to_dict(), "note": note}, stored.brief))
    return AtomEntry(id=f"{page}#version-{stored.version}", title=f"Version {stored.version}: {_headline(changes)}",
                     updated=stored.made, link=page, content_html=content)


def _headline(changes: BriefChanges) -> str:
    """The changes in a few words: "1 new source, 3 newly corroborated or disputed claims"."""
    if changes.everything_new:
        return f"first brief, {_count(len(changes.sources), 'source')}"
    parts = [_count(len(changes.sources), "new source"),
             _count(len(changes.claims), "newly corroborated or disputed claim"),
             _count(len(changes.figures), "changed figure"), _count(len(changes.quotes), "new quote")]
    return ", ".join(p for p in parts if not p.startswith("0 ")) or "no new sources, claims, figures or quotes"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _changed(story: StorySummary) -> datetime:
    """When a story last gained a report (the day of its newest report for a story of an older store)."""
    return story.changed or datetime.combine(story.updated, time(), UTC)


def _story_link(base: str, story_id: str) -> str:
    return f"{base}/stories/{quote(story_id, safe='')}"


def _base(request: Request) -> str:
    """The service's address as the client reached it (feeds carry absolute links)."""
    return str(request.base_url).rstrip("/")


def _atom_answer(request: Request, document: bytes) -> Response:
    """The feed, or 304 when the client already holds this very document."""
    tag = '"' + hashlib.sha256(document).hexdigest()[:32] + '"'
    headers: dict[str, Any] = {"ETag": tag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(document, media_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8", headers=headers)
