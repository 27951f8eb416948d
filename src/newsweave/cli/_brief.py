"""`newsweave brief`: the brief of reports given as paths or URLs, or of every line of a batch file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .._errors import InputError
from ..batch import DEFAULT_JOBS, brief_lines
from ..models import Brief
from ..options import DEFAULT_MAX_WORDS, Options
from ..render import FORMATS, render
from ..sources import json_lines, read_reports
from ._output import EXIT_BAD_INPUT, open_output, progress, write_output


def add_parser(commands: Any) -> None:
    """Register `brief` and its options."""
    parser = commands.add_parser(
        "brief",
        help="write the brief of several reports of one event",
        description="Write the brief of two or more reports (files, folders, http(s) URLs) of one event, "
        "or of every story in a batch JSONL file.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="report files (.txt, .html), folders of them, or URLs")
    parser.add_argument("--format", choices=FORMATS, default="md", help="output format (default: md)")
    parser.add_argument("--out", help="write to this file instead of stdout")
    parser.add_argument("--max-words", type=_positive_int, default=DEFAULT_MAX_WORDS,
                        help=f"word budget of the summary (default: {DEFAULT_MAX_WORDS})")
    parser.add_argument("--batch", metavar="IN.jsonl", help="one story per line: {\"id\": ..., \"documents\": [...]}")
    parser.add_argument("--summary-only", action="store_true",
                        help="fill only the summary (skip entities, quotes, disagreements, timeline): much faster")
    parser.add_argument("--jobs", type=_positive_int, default=DEFAULT_JOBS,
                        help=f"--batch: processes to use (default: {DEFAULT_JOBS}, the number of CPUs)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--story", metavar="ID", help="the brief of a stored story (see `newsweave stories`)")
    parser.add_argument("--db", metavar="PATH", help="the store of --story (default: $NEWSWEAVE_DB, else the default store)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `newsweave brief`."""
    if args.story:
        if args.paths or args.batch:
            raise InputError("give either --story ID or report PATHs / --batch, not both")
        return run_story(args)
    if args.batch:
        if args.paths:
            raise InputError("give either report PATHs or --batch IN.jsonl, not both")
        if not args.out:
            raise InputError("--batch needs --out OUT.jsonl for the briefs")
        return run_batch(
            args.batch, args.out, options=_options(args), full=not args.summary_only, quiet=args.quiet, jobs=args.jobs
        )
    if not args.paths:
        raise InputError("give two or more report files, a folder of reports, or URLs (or --batch IN.jsonl)")
    from ..pipeline import make_brief  # the summarizer's modules load only when a brief is made

    brief = make_brief(read_reports(args.paths), options=_options(args), full_analysis=not args.summary_only)
    _print_notes(brief)
    write_output(render(brief, args.format), args.out)
    return 0


def _print_notes(brief: Brief) -> None:
    """Say on stderr what the brief left out (copies, reports not in English)."""
    for note in brief.notes:
        print(f"newsweave: {note}", file=sys.stderr)


def run_story(args: argparse.Namespace) -> int:
    """Write the brief of a stored story, from its origin reports (copies of a report are counted once); a story
    of one report is written too, with the note the service shows (on stderr)."""
    from ..story_brief import single_source_note, story_brief, story_reports
    from ._corpus import open_store

    with open_store(args.db, must_exist=True) as store:
        reports = story_reports(store, args.story)
    brief = story_brief(reports, options=_options(args), full_analysis=not args.summary_only)
    _print_notes(brief)
    write_output(render(brief, args.format), args.out)
    note = single_source_note(brief)
    if note:
        print(f"newsweave: story {args.story}: {note}", file=sys.stderr)
    return 0


def run_batch(path: str, out: str, *, options: Options, full: bool, quiet: bool, jobs: int) -> int:
    """Write one Brief JSON line per good input line, as they come; report bad lines by number and skip them."""
    total = sum(1 for _ in json_lines(Path(path)))  # refuses a missing, unreadable or binary file at once
    skipped = 0
    with open_output(out) as sink:
        results = brief_lines(json_lines(Path(path)), options=options, full_analysis=full, jobs=jobs)
        for result in progress(results, quiet=quiet, total=total, unit="story"):
            if result.error:
                skipped += 1
                print(f"newsweave: {path}, line {result.number}: skipped: {result.error}", file=sys.stderr)
                continue
            if result.note:
                print(f"newsweave: {path}, line {result.number}: {result.note}", file=sys.stderr)
            sink.write(result.brief_json + "\n")
            sink.flush()
    if skipped:
        print(f"newsweave: {skipped} of {total} lines skipped; the others are in {out}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _options(args: argparse.Namespace) -> Options:
    """The brief options the command line sets (argparse has checked each value)."""
    return Options(max_words=args.max_words)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
