"""`newsweave watch` polls feeds into the store on a schedule; `newsweave feeds` says how each feed is doing."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .._errors import InputError
from ..ingest import FETCH_TIMEOUT_SECONDS
from ..watch import (
    DEFAULT_PACE_SECONDS,
    DEFAULT_RETRIES,
    FEED_FILE_EXAMPLE,
    Watcher,
    WatchSettings,
    parse_duration,
    read_feed_list,
)
from ._corpus import _add_db_option, _table, open_store
from ._output import EXIT_BAD_INPUT

DEFAULT_EVERY = "15m"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Signals that stop the watcher cleanly: the page in flight ends, its batch is stored, then the command exits."""


def add_parser(commands: Any) -> None:
    """Register `watch` and `feeds`."""
    watch = commands.add_parser(
        "watch",
        help="poll RSS/Atom feeds and news sitemaps on a schedule and store their new reports",
        description="Poll every feed of FEEDS.txt (" + FEED_FILE_EXAMPLE + "), RSS/Atom feeds or news sitemaps, "
        "every --every, and store the reports the store does not hold yet, grouped into stories. Feeds are asked "
        "with a conditional GET, at most one request per host every --pace seconds; a feed that fails is reported "
        "and tried again next round. Ctrl-C or SIGTERM stops it cleanly: what was fetched is stored.",
    )
    watch.add_argument("feeds_file", metavar="FEEDS.txt")
    _add_db_option(watch)
    watch.add_argument("--every", default=DEFAULT_EVERY, metavar="DURATION", help=f"time between rounds, like 90s, 15m, 1h (default: {DEFAULT_EVERY})")
    watch.add_argument("--once", action="store_true", help="poll every feed once and exit")
    watch.add_argument("--pace", type=_seconds, default=DEFAULT_PACE_SECONDS, metavar="SECONDS",
                       help=f"least seconds between two requests to one host (default: {DEFAULT_PACE_SECONDS:g})")
    watch.add_argument("--timeout", type=_seconds, default=FETCH_TIMEOUT_SECONDS, metavar="SECONDS",
                       help=f"seconds to wait for an answer (default: {FETCH_TIMEOUT_SECONDS:g})")
    watch.add_argument("--retries", type=int, choices=range(0, 11), default=DEFAULT_RETRIES, metavar="N",
                       help=f"further tries of a feed that fails in a way that may pass, with growing waits (default: {DEFAULT_RETRIES})")
    watch.add_argument("--quiet", action="store_true", help="no progress lines (problems are still reported)")
    watch.set_defaults(run=run_watch)

    feeds = commands.add_parser("feeds", help="list the watched feeds: last fetch, status, new reports, errors")
    _add_db_option(feeds)
    feeds.add_argument("--format", choices=("table", "json"), default="table")
    feeds.set_defaults(run=run_feeds)


def run_watch(args: argparse.Namespace) -> int:
    """Run `newsweave watch`: exit 0 after a clean stop, 2 when `--once` met a failing feed."""
    every = parse_duration(args.every)
    feeds = read_feed_list(args.feeds_file, problem=_problem)
    if args.timeout <= 0:
        raise InputError("--timeout must be more than 0 seconds")
    settings = WatchSettings(every=every, pace=args.pace, timeout=args.timeout, retries=args.retries)
    show_progress = sys.stderr.isatty() and not args.quiet
    stop = threading.Event()
    with open_store(args.db) as store, _stopped_by_signals(stop):
        watcher = Watcher(store, feeds, settings=settings, stop=stop, problem=_problem,
                          progress=_problem if show_progress else _silent)
        summary = watcher.run(once=args.once)
    if stop.is_set():
        print(f"newsweave: stopped; {watcher.total_new} new reports stored in this run (what was not fetched yet is "
              "fetched next run)", file=sys.stderr)
        return 0
    if args.once and not args.quiet and not show_progress:  # (progress has shown it already)
        print(f"newsweave: {summary.line()}", file=sys.stderr)
    return EXIT_BAD_INPUT if args.once and summary.failed else 0


def run_feeds(args: argparse.Namespace) -> int:
    """Run `newsweave feeds`."""
    from ..service._schemas import FeedOut

    with open_store(args.db, must_exist=True) as store:
        states = store.feed_states()
    if args.format == "json":
        for state in states:
            print(json.dumps(FeedOut.of(state).model_dump(), ensure_ascii=False))
        return 0
    if not states:
        print("no feeds watched yet; run `newsweave watch FEEDS.txt` first", file=sys.stderr)
        return 0
    rows = [(s.url, s.status, s.last_fetch.strftime("%Y-%m-%d %H:%M") if s.last_fetch else "never",
             str(s.new_last_round), str(s.new_total), str(s.errors_total), _last_problem(s)) for s in states]
    print(_table(("feed", "status", "last fetch (UTC)", "new", "new in all", "errors", "last error / note"), rows))
    return 0


def _last_problem(state: Any) -> str:
    parts = [state.note or ""]
    if state.last_error:
        parts.insert(0, f"{state.last_error_at:%Y-%m-%d %H:%M}: {state.last_error}" if state.last_error_at else state.last_error)
    if state.pages_failed:
        parts.insert(0, f"{state.pages_failed} linked page{'s' if state.pages_failed != 1 else ''} unreadable")
    return "; ".join(part for part in parts if part)


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, Ctrl-C or SIGTERM sets `stop`; a second one interrupts at once (KeyboardInterrupt)."""

    def handle(number: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        # os.write, not print: a handler that prints while the interrupted code prints raises "reentrant call".
        os.write(sys.stderr.fileno(), f"newsweave: {signal.Signals(number).name} received; storing what was fetched, "
                 "then stopping\n".encode())
        stop.set()

    previous = {number: signal.signal(number, handle) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _problem(message: str) -> None:
    print(f"newsweave: {message}", file=sys.stderr)


def _silent(message: str) -> None:
    pass


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number

