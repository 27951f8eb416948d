"""The exceptions newsweave raises on purpose; every message says what was wrong and what to do.

The exception tree:

* NewsweaveError
  + InputError
    - FetchError
    - NotEnoughSourcesError
  + NotFoundError
  + StoreError
  + SetupError

Messages are in the library's terms (`max_words`, not `--max-words`). The file, URL, line or store
an error is about is kept apart in `where`, and the option at fault in `option`, so that a front
end can show them its own way: the command line names its flag, the service its JSON field.
"""

from __future__ import annotations

from typing import Self


class NewsweaveError(Exception):
    """Base class of every error newsweave raises on purpose."""

    message: str
    """What was wrong and what to do, without `where`."""
    where: str | None
    """The file, URL, line or store the error is about, when it is about one."""
    option: str | None
    """The keyword argument at fault (e.g. `max_words`), when one is."""

    def __init__(self, message: str, *, where: str | None = None, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.option = option

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def with_hint(self, hint: str) -> Self:
        """The same error with a front end's advice appended (e.g. the command that lists story ids)."""
        return type(self)(f"{self.message}; {hint}", where=self.where, option=self.option)


class InputError(NewsweaveError):
    """The input could not be read or holds no usable report."""


class FetchError(InputError):
    """A URL could not be fetched (unreachable, timed out, too large, not a page)."""

    passing: bool
    """True when asking again later may work (a time-out, a broken connection, HTTP 429 or 5xx, a name that did
    not resolve); False when the answer will stay the same (HTTP 404, not a page, a refused address)."""

    def __init__(self, message: str, *, where: str | None = None, option: str | None = None, passing: bool = False) -> None:
        super().__init__(message, where=where, option=option)
        self.passing = passing


class NotEnoughSourcesError(InputError):
    """A brief was asked of fewer than two reports."""


class NotFoundError(NewsweaveError):
    """A story or article asked for by id does not exist."""


class StoreError(NewsweaveError):
    """The article store could not be opened, read or written."""


class SetupError(NewsweaveError):
    """newsweave is not installed completely (a packaged model is missing)."""
