"""What one brief accepts: the limits that bound its cost, and the one place they are enforced.

`make_brief` applies them, so the command line, the batch runner, the service and library callers
all get the same behaviour: a report over `MAX_REPORT_CHARS` is cut; reports after the first
`MAX_REPORTS_PER_BRIEF`, or after `MAX_BRIEF_CHARS` characters in all, are left out; a sentence
over `MAX_SENTENCE_CHARS` is left out of the analysis; each of these adds a note to the Brief
(`Brief.notes`). The worst-case cost of one brief at these limits is measured by `bench/limits.py`
(BENCHMARKS.md, "Limits of one brief").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ._errors import InputError
from .models import Article

MAX_REPORT_CHARS = 50_000
"""Characters of one report a brief reads (about 8,000 words; the longest report of the dev sets has 48,000).
The rest of a longer report is cut, with a note."""
MAX_SENTENCE_CHARS = 2_000
"""A longer "sentence" is a list or a page without punctuation (the longest real one of the dev sets has 1,370
characters): it is left out of the summary and the analysis, with a note."""
MAX_REPORTS_PER_BRIEF = 20
"""Reports one brief compares; further reports are left out, with a note."""
MAX_BRIEF_CHARS = 200_000
"""Characters one brief reads in all (ten reports of average length read whole are 30,000): the reports after
the budget is spent are left out and the last one read is cut, with a note. With the other limits this bounds
the time and memory of one brief (bench/limits.py)."""
MIN_CHARS_LEFT = 2_000
"""Once less than this is left of `MAX_BRIEF_CHARS`, the remaining reports are left out rather than cut to a scrap."""
CUT_AT_BREAK_SHARE = 0.8
"""A report is cut at its last line break or sentence end when one is in this last share of the limit."""


def checked_articles(articles: object) -> list[Article]:
    """The reports as a list of Articles; InputError for anything else (a string, None, plain texts)."""
    if isinstance(articles, (str, bytes)) or not isinstance(articles, Sequence):
        raise InputError(f"make_brief takes a list of Article objects, not {type(articles).__name__}; "
                         "read files with newsweave.sources.read_reports, or texts with articles_from_documents")
    for number, article in enumerate(articles, start=1):
        if not isinstance(article, Article):
            raise InputError(f"report {number} is a {type(article).__name__}, not an Article; build Articles from "
                             "plain texts with newsweave.articles_from_documents(texts)")
        if not isinstance(article.text, str):
            raise InputError(f"report {number} ({article.id}) has no text: an Article's `text` must be a string")
    return list(articles)


def within_report_limits(articles: Sequence[Article]) -> tuple[list[Article], list[str]]:
    """The reports a brief reads, in order: at most `MAX_REPORTS_PER_BRIEF`, each cut to `MAX_REPORT_CHARS`,
    `MAX_BRIEF_CHARS` in all; and a note for each thing left out."""
    notes = []
    if len(articles) > MAX_REPORTS_PER_BRIEF:
        notes.append(f"{len(articles)} reports were given; the brief compares the first {MAX_REPORTS_PER_BRIEF} "
                     f"(at most {MAX_REPORTS_PER_BRIEF} per brief)")
    kept: list[Article] = []
    budget = MAX_BRIEF_CHARS
    for number, article in enumerate(articles[:MAX_REPORTS_PER_BRIEF], start=1):
        if budget < MIN_CHARS_LEFT:
            notes.append(f"reports {number} to {min(len(articles), MAX_REPORTS_PER_BRIEF)} are left out: the brief "
                         f"has read {MAX_BRIEF_CHARS:,} characters (at most {MAX_BRIEF_CHARS:,} per brief)")
            break
        limit = min(MAX_REPORT_CHARS, budget)
        if len(article.text) > limit:
            why = f"at most {MAX_REPORT_CHARS:,} per report" if limit == MAX_REPORT_CHARS else \
                f"at most {MAX_BRIEF_CHARS:,} per brief"
            notes.append(f"report {number} ({_name(article)}) has {len(article.text):,} characters; the brief reads "
                         f"its first {limit:,} ({why})")
            article = replace(article, text=_cut(article.text, limit))
        budget -= len(article.text)
        kept.append(article)
    return kept, notes


def without_long_sentences(articles: Sequence[Article]) -> tuple[list[Article], list[str]]:
    """Split reports without their sentences over `MAX_SENTENCE_CHARS`, and a note for each report that had some."""
    notes = []
    kept = []
    for number, article in enumerate(articles, start=1):
        short = [s for s in article.sentences if len(s.text) <= MAX_SENTENCE_CHARS]
        if len(short) < len(article.sentences):
            left_out = len(article.sentences) - len(short)
            notes.append(f"report {number} ({_name(article)}): {left_out} sentence{'s' if left_out > 1 else ''} "
                         f"over {MAX_SENTENCE_CHARS:,} characters left out of the summary and the analysis")
            article = replace(article, sentences=short)
        kept.append(article)
    return kept, notes


def _cut(text: str, limit: int) -> str:
    """The text up to `limit` characters, ending at a line break or sentence end near the limit when there is one."""
    head = text[:limit]
    floor = int(limit * CUT_AT_BREAK_SHARE)
    end = max(head.rfind("\n", floor), head.rfind(". ", floor) + 1)
    return head[:end] if end > floor else head


def _name(article: Article) -> str:
    return article.source or article.title or article.id
