"""The exception tree of newsweave: every message says what was wrong and what to do."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class of every error newsweave raises on purpose."""


class InputError(NewsweaveError):
    """The input could not be read or holds no usable report."""


class FetchError(InputError):
    """A URL could not be fetched (unreachable, timed out, too large, not a page)."""


class NotEnoughSourcesError(InputError):
    """A brief was asked of fewer than two reports."""


class StoreError(NewsweaveError):
    """The article store could not be opened, read or written."""


class NotFoundError(NewsweaveError):
    """A story or article asked for by id does not exist."""
