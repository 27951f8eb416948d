"""Helpers every subcommand shares: where output goes and whether progress is shown."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

from .._errors import InputError

EXIT_BAD_INPUT = 2
"""The exit code of bad input, also when some items were skipped and the good ones written."""


def write_output(text: str, out: str | None) -> None:
    """Write `text` to the file `out`, or to stdout when `out` is None or '-'."""
    if not out or out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise _cannot_write(out, error) from error


def open_output(out: str) -> IO[str]:
    """Open `out` for writing text line by line."""
    try:
        return open(out, "w", encoding="utf-8")
    except OSError as error:
        raise _cannot_write(out, error) from error


def _cannot_write(out: str, error: OSError) -> InputError:
    return InputError(f"cannot be written ({error.strerror}); choose another --out path", where=out)


def progress(iterable: Any, *, quiet: bool, total: int | None = None, unit: str = "item", desc: str = "") -> Any:
    """Wrap `iterable` in a progress bar on stderr, shown only on a terminal and without --quiet."""
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit=unit, desc=desc, disable=quiet or not sys.stderr.isatty(), file=sys.stderr)
