"""Briefs of stored stories, cached by story version, and the one lock that runs the pipeline."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .._errors import NotFoundError
from ..options import DEFAULT_OPTIONS, Options
from ..store import Store
from ..story_brief import story_brief_json, story_reports

CACHED_BRIEFS = 256
STORY_LIST_HINT = "GET /api/stories lists the stories"


class BriefCache:
    """The Brief JSON of each story (made with `options`), recomputed only when the story's version has changed."""

    def __init__(
        self,
        store: Store,
        pipeline_lock: threading.Lock,
        *,
        size: int = CACHED_BRIEFS,
        options: Options = DEFAULT_OPTIONS,
    ) -> None:
        self._store = store
        self._pipeline_lock = pipeline_lock
        self._size = size
        self._options = options
        self._briefs: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._guard = threading.Lock()

    def brief(self, story_id: str) -> dict[str, Any]:
        """The current Brief of a story; NotFoundError, saying where the stories are listed, for an unknown id."""
        try:
            version = self._store.story_version(story_id)
        except NotFoundError as error:
            raise error.with_hint(STORY_LIST_HINT) from None
        cached = self._cached(story_id, version)
        if cached is not None:
            return cached
        with self._pipeline_lock:
            version = self._store.story_version(story_id)
            cached = self._cached(story_id, version)
            if cached is not None:
                return cached
            brief = story_brief(self._store, story_id, options=self._options)
        with self._guard:
            self._briefs[story_id] = (version, brief)
            self._briefs.move_to_end(story_id)
            while len(self._briefs) > self._size:
                self._briefs.popitem(last=False)
        return brief

    def _cached(self, story_id: str, version: int) -> dict[str, Any] | None:
        with self._guard:
            entry = self._briefs.get(story_id)
            if entry is None or entry[0] != version:
                return None
            self._briefs.move_to_end(story_id)
            return entry[1]


def story_brief(store: Store, story_id: str, *, options: Options = DEFAULT_OPTIONS) -> dict[str, Any]:
    """Compute the Brief JSON of a stored story from its reports (copies of another report left out)."""
    return story_brief_json(story_reports(store, story_id), options)
