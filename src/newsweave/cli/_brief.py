"""`newsweave brief`: the brief of reports given as paths or URLs, or of every line of a batch file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._errors import InputError, NewsweaveError
from ..ingest import read_reports
from ..pipeline import articles_from_documents, make_brief
from ..render import FORMATS, render, render_json
from ..summarize import DEFAULT_MAX_WORDS
from ._output import open_output, progress, write_output

EXIT_SKIPPED = 2


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
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `newsweave brief`."""
    if args.batch:
        if args.paths:
            raise InputError("give either report PATHs or --batch IN.jsonl, not both")
        if not args.out:
            raise InputError("--batch needs --out OUT.jsonl for the briefs")
        return run_batch(args.batch, args.out, max_words=args.max_words, full=not args.summary_only, quiet=args.quiet)
    if not args.paths:
        raise InputError("give two or more report files, a folder of reports, or URLs (or --batch IN.jsonl)")
    brief = make_brief(read_reports(args.paths), max_words=args.max_words, full_analysis=not args.summary_only)
    write_output(render(brief, args.format), args.out)
    return 0


def run_batch(path: str, out: str, *, max_words: int, full: bool, quiet: bool) -> int:
    """Write one Brief JSON line per good input line; report bad lines by number and skip them."""
    lines = _read_lines(path)
    skipped = 0
    with open_output(out) as sink:
        for number, line in progress(enumerate(lines, start=1), quiet=quiet, total=len(lines), unit="story"):
            if not line.strip():
                continue
            try:
                brief = _brief_of_line(line, number, max_words=max_words, full=full)
            except NewsweaveError as error:
                skipped += 1
                print(f"newsweave: {path}, line {number}: skipped: {error}", file=sys.stderr)
                continue
            sink.write(render_json(brief, indent=None) + "\n")
            sink.flush()
    if skipped:
        print(f"newsweave: {skipped} of {len(lines)} lines skipped; the others are in {out}", file=sys.stderr)
        return EXIT_SKIPPED
    return 0


def _brief_of_line(line: str, number: int, *, max_words: int, full: bool) -> Any:
    try:
        story = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(story, dict) or "documents" not in story:
        raise InputError('each line must be an object with "documents": [...]')
    story_id = story.get("id")
    story_id = str(story_id) if story_id is not None else f"line-{number}"
    articles = articles_from_documents(story["documents"])
    brief = make_brief(articles, story_id=story_id, max_words=max_words, full_analysis=full, min_sources=1)
    if len(brief.sources) == 1:
        print(f"newsweave: line {number}: one source only; its brief has no cross-source checks", file=sys.stderr)
    return brief


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except FileNotFoundError as error:
        raise InputError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({error})") from error


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
