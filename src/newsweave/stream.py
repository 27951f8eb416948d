"""Corpus mode's one pipeline from pages to stories: each page in, one `Decision` out.

A batch of pages is cleaned, pages that are not news reports are left out, repeats (the same
words) and copies (MinHash near-duplicates of an indexed report, `dedup.NearDuplicateIndex`) are
tied to their origin, and the rest are grouped into stories (`group.StoryGrouper`). `newsweave
cluster`, the store behind `ingest` and the service, and the benchmarks all use this one class;
the store only persists its decisions and reopens its state.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from .dedup import NearDuplicateIndex, clean_for_corpus, corpus_words, minhash_signature, text_fingerprint
from .group import GroupInput, Placement, ReportReading, StoryGrouper, read_report
from .models import Article

PARALLEL_MIN_PAGES = 200
"""A batch of at least this many pages is read by `jobs` processes (when more than one is asked for): below it,
starting them costs more than they save."""
STREAM_BATCH = 1000
"""Pages decided together by `cluster` and the benchmarks: the reports of a batch that join no open
story are grouped with each other as a whole (`Options.link_threshold`), so larger batches depend less on
the order of the stream; the cost of that step grows with the square of the batch."""


@dataclass(slots=True)
class Decision:
    """What became of one page: left out, a repeat or copy of another report, or placed in a story (and why)."""

    article: Article
    """The page as given, its publication date filled from a leading date line of its text."""
    text: str
    """The text cleaned of page furniture."""
    fingerprint: str
    """The hash of its words (`dedup.text_fingerprint`): the same for the same report saved twice."""
    story_id: str | None = None
    duplicate_of: str | None = None
    """The report this one repeats or copies (its story is that report's story)."""
    dropped_reason: str | None = None
    """Why the page is not a news report ('error-page', 'too-short', ...), or None."""
    repeat: bool = False
    """The same words as a report decided before: nothing new to keep."""
    signature: np.ndarray | None = None
    """The MinHash signature of a report that may have copies (an origin)."""
    placement: Placement | None = None
    """Why an origin is in its story: the score and the names, places and dates it shares with it."""

    @property
    def article_id(self) -> str:
        """The page's id."""
        return self.article.id


class Earlier(NamedTuple):
    """A report decided before, as a repeat of it needs it: its id, its story, why it was left out."""

    article_id: str
    story_id: str | None
    dropped_reason: str | None


SameText = Callable[[str], "Earlier | None"]
"""Finds the earlier report with these words (by fingerprint), or None."""


class StreamGrouper:
    """Clean, leave out non-reports, tie repeats and copies to their origin, group the rest into stories."""

    def __init__(self, *, grouper: StoryGrouper | None = None, duplicates: NearDuplicateIndex | None = None,
                 same_text: SameText | None = None, jobs: int = 1) -> None:
        """`jobs` > 1: each batch's pages are cleaned, signed and read (`read_page`) by that many processes (forked;
        for a single-threaded program such as `newsweave cluster`), then decided in this one."""
        self.grouper = grouper or StoryGrouper()
        self.jobs = jobs
        self.duplicates = duplicates or NearDuplicateIndex()
        self._same_text = same_text
        self._seen: dict[str, Earlier] = {}
        """Each fingerprint's first decision, when no `same_text` lookup is given (a stream held in memory)."""
        self._story_of_origin: dict[str, str] = {}
        """The story of each indexed origin (reports of open stories only)."""

    def decide(self, articles: Sequence[Article], *, arrived: date | None = None) -> list[Decision]:
        """One decision per article, in order; `arrived` is the day the batch came in (when known)."""
        read = functools.partial(read_page, num_perm=self.duplicates.num_perm)
        with _workers(self.jobs if len(articles) >= PARALLEL_MIN_PAGES else 1) as map_pages:
            pages = map_pages(read, articles)
        decisions = [self._decision(article, page) for article, page in zip(articles, pages, strict=True)]
        self._decide(decisions, pages, arrived)
        return decisions

    def _decide(self, decisions: list[Decision], pages: Sequence[Page], arrived: date | None) -> None:
        batch: dict[str, Decision] = {}
        repeats: list[tuple[Decision, Decision | Earlier]] = []
        reports: list[tuple[Decision, Page]] = []
        for decision, page in zip(decisions, pages, strict=True):
            earlier = batch.get(decision.fingerprint) or self._earlier(decision.fingerprint)
            if earlier is not None:
                decision.repeat, decision.duplicate_of, decision.dropped_reason = True, earlier.article_id, earlier.dropped_reason
                repeats.append((decision, earlier))
                continue
            batch[decision.fingerprint] = decision
            if decision.dropped_reason is None:
                reports.append((decision, page))
        origins = [(decision, page.reading) for decision, page in reports if self._is_origin(decision, page.signature)]
        self._group(origins, arrived)
        for decision in decisions:
            if decision.duplicate_of is not None and not decision.repeat:
                decision.story_id = self._story_of_origin.get(decision.duplicate_of)
        for decision, earlier in repeats:
            decision.story_id = earlier.story_id
        self._remember(batch.values())
        self._forget_closed()

    def reopen(self, story_id: str, reports: Sequence[GroupInput], signatures: Sequence[np.ndarray | None]) -> None:
        """Reopen a stored story: its reports' vectors and dates, and their signatures as origins of copies."""
        self.grouper.restore(story_id, reports)
        for report, signature in zip(reports, signatures, strict=True):
            if signature is not None:
                self.duplicates.add(report.id, signature)
                self._story_of_origin[report.id] = story_id

    # -- steps ---------------------------------------------------------------------------------

    @staticmethod
    def _decision(article: Article, page: Page) -> Decision:
        article.published = article.published or page.published
        return Decision(article, page.text, page.fingerprint, dropped_reason=page.reason)

    def _earlier(self, fingerprint: str) -> Earlier | None:
        return self._same_text(fingerprint) if self._same_text is not None else self._seen.get(fingerprint)

    def _is_origin(self, decision: Decision, signature: np.ndarray | None) -> bool:
        """Whether a report is an origin, indexed and waiting to be grouped; a copy of an indexed report gets its origin."""
        assert signature is not None, "every news report is signed by `read_page`"
        origin = self.duplicates.origin_of(signature)
        if origin is not None:
            decision.duplicate_of = origin
            return False
        self.duplicates.add(decision.article_id, signature)
        decision.signature = signature
        return True

    def _group(self, origins: list[tuple[Decision, ReportReading | None]], arrived: date | None) -> None:
        reports = [group_input(d, arrived, reading) for d, reading in origins]
        for (decision, _), placement in zip(origins, self.grouper.assign(reports), strict=True):
            decision.story_id, decision.placement = placement.story_id, placement
            self._story_of_origin[decision.article_id] = placement.story_id

    def _remember(self, decisions: Iterable[Decision]) -> None:
        if self._same_text is None:
            self._seen.update((d.fingerprint, Earlier(d.article_id, d.story_id, d.dropped_reason)) for d in decisions)

    def _forget_closed(self) -> None:
        for _, members in self.grouper.pop_closed():
            self.duplicates.remove(members)
            for member in members:
                self._story_of_origin.pop(member, None)


class Page(NamedTuple):
    """What a page is, read with no state of the stream (`read_page`)."""

    text: str
    reason: str | None
    published: date | None
    fingerprint: str
    signature: np.ndarray | None = None
    """A news report's MinHash signature, when `read_page` was given `num_perm`."""
    reading: ReportReading | None = None
    """What grouping reads of a news report (`group.read_report`), when `read_page` was given `num_perm`."""


def read_page(article: Article, num_perm: int | None = None) -> Page:
    """Clean a page, say whether it is a news report and hash its words (a pure function). With `num_perm`, a news
    report is also signed (MinHash of that many permutations) and read by grouping: all the work on a page that
    needs no state of the stream, done in one go (in a worker process when there are several), its words found once."""
    text, reason, published = clean_for_corpus(article.text)
    words = corpus_words(text or article.text)
    page = Page(text, reason, published, text_fingerprint(text or article.text, words))
    if num_perm is None or reason is not None:
        return page
    return page._replace(signature=minhash_signature(text, num_perm, words if text else None),
                         reading=read_report(group_text(article.title, text), article.published or published))


_Map = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


@contextmanager
def _workers(jobs: int) -> Iterator[_Map]:
    """A map over `jobs` forked processes, in order; the built-in map when one job (or no fork) is given."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda function, items: list(map(function, items))
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield lambda function, items: pool.map(function, items, chunksize=max(1, len(items) // (4 * jobs)))


def batches(articles: Iterable[Article], size: int = STREAM_BATCH) -> Iterator[list[Article]]:
    """The articles in lists of `size` (the last one shorter)."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def group_text(title: str | None, text: str) -> str:
    """What grouping reads of a report: its title, then its cleaned text."""
    return f"{title}\n{text}" if title else text


def clean_page(article: Article) -> Decision:
    """A page's first decision, as `StreamGrouper.decide` makes it: cleaned, fingerprinted, marked when not a
    news report (for jobs that run the stream's steps apart, such as the Spark job)."""
    return StreamGrouper._decision(article, read_page(article))


def group_input(decision: Decision, arrived: date | None = None, reading: ReportReading | None = None) -> GroupInput:
    """What the grouper is given of an origin report (its title and cleaned text, its dates, and its reading when
    it was read beforehand)."""
    return GroupInput(decision.article_id, group_text(decision.article.title, decision.text), decision.article.published,
                      arrived, reading)
