"""Briefs of stored stories as the service shows them: kept in the store, made in the background when a story changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .._errors import NotFoundError, StoreError
from ..options import DEFAULT_OPTIONS, Options
from ..store import Store, StoredBrief, StoreReader
from ..story_brief import story_brief_json, story_reports
from ._pool import BriefWorkers

STORY_LIST_HINT = "GET /api/stories lists the stories"
CACHED_PAGES = 256
"""Story pages kept rendered (the newest asked for); a page is rendered again when its story or brief changes."""
UPDATING_NOTE = ("Updating: this brief was made before the story's newest reports arrived; "
                 "the brief of the story as it is now is being made. Reload the page in a moment.")
"""Shown above a stored brief older than its story, while the newer one is made."""


class StoryBriefs:
    """The Brief JSON of each story: the stored brief of its newest version, else the newest stored one marked
    as updating while `workers` make the new one, else one made now. With no workers (`workers` None) every
    brief is made in the request, one at a time under `pipeline_lock`. Every brief made is kept with
    `Store.save_brief`."""

    def __init__(self, store: Store, workers: BriefWorkers | None, pipeline_lock: threading.Lock, *,
                 options: Options = DEFAULT_OPTIONS) -> None:
        self._store = store
        self._reader = StoreReader(store.path)
        self._workers = workers
        self._pipeline_lock = pipeline_lock
        self._options = options
        self._pages: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._pages_guard = threading.Lock()

    def brief(self, story_id: str, *, wait: bool = False) -> dict[str, Any]:
        """The Brief JSON of a story with `version` (the story version it shows), `latest_version`, `updating`,
        `made` and `updated` (the day of the story's newest report); with `wait`, never an older version.
        NotFoundError, saying where stories are listed, for an unknown id. Read without waiting for the store's writes."""
        try:
            version, updated = self._reader.story_version(story_id)
        except NotFoundError as error:
            raise error.with_hint(STORY_LIST_HINT) from None
        stored = self._reader.stored_brief(story_id)
        if stored is None or stored.version < version:
            if stored is not None and self._workers is not None and not wait:
                self._workers.story_changed(story_id)
            else:
                stored = self._made_now(story_id, version)
        return {**_shown(stored, latest_version=max(version, stored.version)), "updated": updated.isoformat()}

    def page(self, brief: dict[str, Any], render: Callable[[dict[str, Any]], str], *, also: tuple[Any, ...] = ()) -> str:
        """The page of a brief (as `brief` gives it), rendered by `render` once per story version, brief and day,
        and per value of `also` (whatever else `render` puts in the page that may change)."""
        key = (brief["id"], brief["version"], brief["latest_version"], brief["updated"], *also)
        with self._pages_guard:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        html = render(brief)
        with self._pages_guard:
            self._pages[key] = html
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        return html

    def story_changed(self, story_id: str) -> None:
        """A story gained a report: have its brief made again in the background (nothing happens without workers)."""
        if self._workers is not None:
            self._workers.story_changed(story_id)

    def start(self) -> None:
        """Start the worker processes, so that the first changed story finds them ready."""
        if self._workers is not None:
            self._workers.start()

    def close(self) -> None:
        """Stop the worker processes (the briefs being made are finished and kept first)."""
        if self._workers is not None:
            self._workers.close()
        self._reader.close()

    def _made_now(self, story_id: str, version: int) -> StoredBrief:
        if self._workers is not None:
            self._workers.wait_for(story_id, version)
        else:
            with self._pipeline_lock:
                reports = story_reports(self._store, story_id)
                if self._store.stored_brief(story_id, version=reports.version) is None:
                    self._store.save_brief(story_id, reports.version, story_brief_json(reports, self._options))
        stored = self._reader.stored_brief(story_id)
        if stored is None:  # saved just now; only a store changed under the service loses it
            raise StoreError(f"the brief of story {story_id!r} was made but could not be read back from the store")
        return stored


def _shown(stored: StoredBrief, *, latest_version: int) -> dict[str, Any]:
    updating = stored.version < latest_version
    return {**stored.brief, "version": stored.version, "latest_version": latest_version, "updating": updating,
            "made": stored.made.isoformat()}
