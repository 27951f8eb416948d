"""`newsweave search`: find stories in the store by words and names; `newsweave briefs`: make and store the briefs
that are missing, so that search knows every story's names."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from ..search import SearchHit
from ..store import StorySummary
from ._corpus import _add_db_option, open_store
from ._output import progress

DEFAULT_RESULTS = 20
SNIPPET_WIDTH = 100
STORIES_READ_AT_ONCE = 500


def add_parser(commands: Any) -> None:
    """Register `search` and `briefs`."""
    search = commands.add_parser(
        "search",
        help="find stories by words and names (a name also in the other spellings the briefs merged)",
        description="List the stories whose reports, title or stored brief hold every word of QUERY, best match "
        "first, with the passage that matched. A word that is part of a name the stored briefs know (a person, "
        "organisation or place) is also searched in that name's other spellings: Tikhanovskaya finds a report "
        "that writes Tsikhanouskaya. Run `newsweave briefs` first so that every story's names are known.",
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    _add_db_option(search)
    search.add_argument("--limit", type=_positive, default=DEFAULT_RESULTS,
                        help=f"at most this many stories (default: {DEFAULT_RESULTS})")
    search.add_argument("--offset", type=_not_negative, default=0, help="skip this many stories first (default: 0)")
    search.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people; json: the answer of GET /api/search")
    search.set_defaults(run=run_search)

    briefs = commands.add_parser(
        "briefs",
        help="make and store the brief of every story that has none for its current reports",
        description="Make the brief of each stored story whose newest stored brief is older than its reports (or "
        "missing), and store it: search and the entity pages then know the story's names. The service does this "
        "for each story it shows.",
    )
    _add_db_option(briefs)
    briefs.add_argument("--quiet", action="store_true", help="no progress bar")
    briefs.set_defaults(run=run_briefs)


def run_search(args: argparse.Namespace) -> int:
    """Run `newsweave search`."""
    from ..service._search import search_out

    with open_store(args.db, must_exist=True) as store:
        found, stories = store.search(" ".join(args.query), limit=args.limit, offset=args.offset)
    if args.format == "json":
        print(json.dumps(search_out(found, stories, limit=args.limit, offset=args.offset).model_dump(), ensure_ascii=False))
        return 0
    for expansion in found.expansions:
        print(f"{expansion.word}: also searched as {', '.join(expansion.spellings)} ({'; '.join(expansion.entities)})")
    print(f"{found.total} stor{'y' if found.total == 1 else 'ies'} found" + (":" if found.hits else "."))
    for number, hit in enumerate(found.hits, start=args.offset + 1):
        if hit.story_id in stories:
            print(_result(number, hit, stories[hit.story_id]))
    return 0


def _result(number: int, hit: SearchHit, story: StorySummary) -> str:
    """One result as text: number, title, story id and size, then the snippet with the matched words in [brackets]."""
    head = f"\n{number}. {story.title or story.id}\n   {story.id} · {story.sources} source{'s' if story.sources != 1 else ''}"
    head += f" · updated {story.updated.isoformat()}"
    if hit.found_in == "report":
        head += f" · in {hit.report_source or hit.report_id}"
    snippet = "".join(f"[{text}]" if marked else text for text, marked in hit.snippet_parts())
    return head + "\n" + textwrap.indent(textwrap.fill(" ".join(snippet.split()), SNIPPET_WIDTH), "   ")


def run_briefs(args: argparse.Namespace) -> int:
    """Run `newsweave briefs`."""
    from ..story_brief import save_story_brief

    made = 0
    with open_store(args.db, must_exist=True) as store:
        stale: list[StorySummary] = []
        offset = 0
        while page := store.stories(limit=STORIES_READ_AT_ONCE, offset=offset):
            stale += [s for s in page if (stored := store.stored_brief(s.id)) is None or stored.version < s.version]
            offset += len(page)
        for story in progress(stale, quiet=args.quiet, unit="story", desc="briefs"):
            save_story_brief(store, story.id)
            made += 1
        total = store.counts()["stories"]
    print(f"newsweave: {made} briefs made and stored; the store {store.path} has a current brief of each of its "
          f"{total} stories.", file=sys.stderr)
    return 0


def _positive(value: str) -> int:
    number = _not_negative(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number


def _not_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is negative; give 0 or more")
    return number
