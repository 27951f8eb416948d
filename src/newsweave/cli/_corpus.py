"""Corpus mode on the command line: `ingest` sources into the store, `cluster` a stream, list `stories`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .._errors import StoreError
from ..batch import DEFAULT_JOBS
from ..models import Article
from ..sources import SourceItem, jsonl_items, read_sources
from ..store import DB_ENV_VARIABLE, JoinedReport, Store, default_db_path
from ..stream import STREAM_BATCH, Decision, StreamGrouper, batches
from ._brief import _positive_int
from ._output import EXIT_BAD_INPUT, open_output, progress

INGEST_BATCH = STREAM_BATCH
"""Reports stored per transaction and grouped together: as many as `cluster` decides at once, so the two group a
stream alike (a decision, once made, is never revised). A killed ingest loses at most this many; a re-run adds them."""
TITLE_WIDTH = 60


def add_parser(commands: Any) -> None:
    """Register `ingest`, `cluster` and `stories`."""
    ingest = commands.add_parser(
        "ingest",
        help="store reports from files, folders, JSONL, RSS/Atom feeds and WARC archives, grouped into stories",
        description="Read each SOURCE (a page file or folder of them, a JSONL file of articles, an RSS/Atom feed "
        "file or URL, a WARC or WARC.gz file), leave out what is not a news report and copies of reports already "
        "stored, and group the rest into stories in the store.",
    )
    ingest.add_argument("sources", nargs="+", metavar="SOURCE")
    _add_db_option(ingest)
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--batch-size", type=int, default=INGEST_BATCH,
                        help=f"reports stored per transaction and grouped together (default: {INGEST_BATCH})")
    ingest.set_defaults(run=run_ingest)

    cluster = commands.add_parser(
        "cluster",
        help="group a JSONL stream of articles into stories (no store)",
        description="Group the articles of STREAM.jsonl (one object per line: id, text or html, optional url, "
        'source, title, published) into stories; write one line {"id": ..., "story": ...} per input line, '
        'with "story": null for pages that are not news reports.',
    )
    cluster.add_argument("stream", metavar="STREAM.jsonl")
    cluster.add_argument("--out", required=True, metavar="GROUPS.jsonl")
    cluster.add_argument("--quiet", action="store_true", help="no progress bar")
    cluster.add_argument("--jobs", type=_positive_int, default=DEFAULT_JOBS,
                         help=f"processes that clean and read the pages of each batch (default: {DEFAULT_JOBS}, the number "
                         "of CPUs); the grouping itself runs in one")
    cluster.set_defaults(run=run_cluster)

    stories = commands.add_parser("stories", help="list the stories in the store, newest first")
    _add_db_option(stories)
    stories.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD", help="only stories updated on or after this day")
    stories.add_argument("--limit", type=int, default=50, help="at most this many stories (default: 50)")
    stories.add_argument("--format", choices=("table", "json"), default="table")
    stories.add_argument("--explain", metavar="STORY",
                         help="say why each report of STORY is in it: the score it joined with, the names, places "
                         "and dates it shares with the story, or the report it copies")
    stories.set_defaults(run=run_stories)


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help=f"the store (default: ${DB_ENV_VARIABLE}, else {default_db_path_shown()})")


def default_db_path_shown() -> str:
    """The default store path as shown in help texts."""
    return "~/.local/share/newsweave/newsweave.db"


def open_store(db: str | None, *, must_exist: bool = False) -> Store:
    """Open the store at --db, $NEWSWEAVE_DB or the default path."""
    path = Path(db).expanduser() if db else default_db_path()
    if must_exist and not path.exists():
        raise StoreError(f"no store at {path}; run `newsweave ingest SOURCE... --db {path}` first, or give --db")
    return Store(path)


# -- ingest -------------------------------------------------------------------------------------

def run_ingest(args: argparse.Namespace) -> int:
    """Run `newsweave ingest`."""
    tally = {"read": 0, "added": 0, "known": 0, "duplicates": 0, "dropped": 0, "skipped": 0}
    with open_store(args.db) as store:
        items = progress(read_sources(args.sources, skip_url=store.knows_url), quiet=args.quiet, unit="page", desc="ingest")
        for batch in _article_batches(items, tally, max(1, args.batch_size)):
            for result in store.add_articles(batch):
                tally["read"] += 1
                if not result.added:
                    tally["known"] += 1
                elif result.dropped_reason:
                    tally["dropped"] += 1
                elif result.duplicate_of:
                    tally["duplicates"] += 1
                tally["added"] += result.added
        counts = store.counts()
    print(
        f"newsweave: {tally['read']} reports read: {tally['added']} stored ({tally['duplicates']} copies of another report, "
        f"{tally['dropped']} not news reports), {tally['known']} already stored (same URL or same text); {tally['skipped']} pages skipped. "
        f"The store {store.path} holds {counts['articles']} reports in {counts['stories']} stories.",
        file=sys.stderr,
    )
    return EXIT_BAD_INPUT if tally["skipped"] else 0


def _article_batches(items: Iterable[SourceItem], tally: dict[str, int], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        if item.article is None:
            tally["skipped"] += 1
            print(f"newsweave: {item.where}: skipped: {item.problem}", file=sys.stderr)
            continue
        batch.append(item.article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- cluster ------------------------------------------------------------------------------------

def run_cluster(args: argparse.Namespace) -> int:
    """Run `newsweave cluster`."""
    ids, articles, skipped = _read_stream(Path(args.stream))
    stream = StreamGrouper(jobs=args.jobs)
    decided: dict[str, Decision] = {}
    for batch in batches(progress(articles, quiet=args.quiet, total=len(articles), unit="article", desc="cluster")):
        decided.update((d.article_id, d) for d in stream.decide(batch))
    with open_output(args.out) as sink:
        for article_id in ids:
            sink.write(json.dumps(_cluster_line(article_id, decided.get(article_id)), ensure_ascii=False) + "\n")
    return EXIT_BAD_INPUT if skipped else 0


def _cluster_line(article_id: str, decision: Decision | None) -> dict[str, Any]:
    """One output line: the story, and the origin of a copy or why a page was left out (unreadable: not decided)."""
    if decision is None:
        return {"id": article_id, "story": None, "dropped": "unreadable"}
    line: dict[str, Any] = {"id": article_id, "story": decision.story_id}
    if decision.duplicate_of:
        line["duplicate_of"] = decision.duplicate_of
    if decision.dropped_reason:
        line["dropped"] = decision.dropped_reason
    return line


def _read_stream(path: Path) -> tuple[list[str], list[Article], int]:
    """The ids of the stream's lines (those that name one), their readable articles, and how many lines were skipped."""
    ids: list[str] = []
    articles: list[Article] = []
    skipped = 0
    for item in jsonl_items(path):
        if item.id is None:
            skipped += 1
            print(f"newsweave: {item.where}: skipped: {item.problem}", file=sys.stderr)
            continue
        ids.append(item.id)
        if item.article is None:
            skipped += 1
            print(f"newsweave: {item.where}: not grouped (story null): {item.problem}", file=sys.stderr)
            continue
        articles.append(item.article)
    return ids, articles, skipped


# -- stories ------------------------------------------------------------------------------------

def run_stories(args: argparse.Namespace) -> int:
    """Run `newsweave stories` (or `stories --explain STORY`)."""
    if args.explain:
        return _explain(args)
    with open_store(args.db, must_exist=True) as store:
        stories = store.stories(since=args.since, limit=args.limit)
    if args.format == "json":
        from ..service._schemas import StoryOut

        for story in stories:
            print(json.dumps(StoryOut.of(story).model_dump(), ensure_ascii=False))
        return 0
    rows = [(s.id, _clip(s.title), str(s.articles), str(s.sources), s.first_seen.isoformat(), s.updated.isoformat())
            for s in stories]
    print(_table(("story", "title", "articles", "sources", "first seen", "last seen"), rows))
    return 0


def _explain(args: argparse.Namespace) -> int:
    with open_store(args.db, must_exist=True) as store:
        reports = store.explain(args.explain)
    if args.format == "json":
        for report in reports:
            print(json.dumps(report.to_dict(), ensure_ascii=False))
        return 0
    rows = [(r.article_id, _clip(r.title), *_why(r)) for r in reports]
    print(_table(("report", "title", "score", "why", "shared names", "shared places", "shared dates"), rows))
    return 0


def _why(report: JoinedReport) -> tuple[str, str, str, str, str]:
    """Score, how the report came in, and what it shares with its story, as table cells."""
    placement = report.placement
    if report.duplicate_of:
        return "", f"copy of {report.duplicate_of}", "", "", ""
    if placement is None:
        return "", "grouped before placements were kept", "", "", ""
    if placement.how == "started":
        return "", "started the story", "", "", ""
    how = {"joined": f"joined: score >= {placement.threshold:.2f}",
           "attached": f"alone in its batch, attached to the story it fits best: average >= {placement.threshold:.2f}",
           }.get(placement.how, f"grouped with its batch: average >= {placement.threshold:.2f}")
    return (f"{placement.score:.3f}", how, ", ".join(placement.names), ", ".join(placement.places),
            ", ".join(placement.dates))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _clip(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 3].rstrip() + "..."


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-05-31") from None
