"""What the Spark job's tasks run: plain Python over one input file, one page, one band or one time bucket.

Every step calls the project's own functions (readers, `stream.clean_page`, `dedup.NearDuplicateIndex`,
`group.StoryGrouper`, `pipeline.make_brief`), so a corpus grouped on Spark is grouped by the same rules
as `newsweave cluster` and `ingest`. Nothing here imports pyspark: each function takes and returns plain
values, in an order that does not depend on how Spark split the work.

The corpus is read in one stream order: a page's `order` is (its publication day, the input file's
number, its position in the file), undated pages last. "Earlier" always means earlier in that order.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..dedup import DUPLICATE_THRESHOLD, NUM_PERM, NearDuplicateIndex
from ..group import StoryGrouper
from ..models import Article
from ..options import DEFAULT_OPTIONS
from ..sources import SourceItem, read_file
from ..stream import STREAM_BATCH, Decision, clean_page, group_input

UNDATED_DAY = 10**7
"""The day number of an undated page in the stream order: after every date (`date.max` is day 3652059)."""
UNDATED_BUCKET = -1
"""The time bucket of undated pages: they are grouped together, by their words alone."""
BUCKET_DAYS = 7
"""Days of publication whose reports one task groups (its own reports)."""
OVERLAP_DAYS = DEFAULT_OPTIONS.published_span_days
"""Days before a bucket whose reports its task also reads first (context): the span of one story
(`Options.published_span_days`), so a story that crosses the bucket edge is seen whole from both sides."""
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
Order = tuple[int, int, int]
"""A page's place in the stream order: (publication day or `UNDATED_DAY`, input file number, position)."""


class Page(NamedTuple):
    """One readable page after the clean step, as the later steps and the `articles` table need it."""

    order: Order
    id: str
    url: str | None
    source: str
    title: str | None
    published: date | None
    text: str
    """The text cleaned of page furniture (`Decision.text`), or the text as given when nothing was left."""
    fingerprint: str
    left_out: str | None
    signature: bytes | None
    """The MinHash signature (uint64 values) of a page that is a news report, else None."""
    where: str


class Reject(NamedTuple):
    """A record the job could not use, and why (the `rejects` table)."""

    where: str
    reason: str
    stage: str
    """'read' (the reader refused it), 'clean' (cleaning failed) or 'brief' (its story's brief failed)."""


# -- reading: the project's readers, called from this one place -------------------------------------

def is_local(path: str) -> bool:
    """Whether an input is a path every task can open (no scheme, or file: with a plain path)."""
    return not _SCHEME.match(path)


def files_of_folder(folder: Path) -> list[str]:
    """The files of a folder that `ingest` reads, in the order it reads them (`sources.read_sources`)."""
    from ..sources import readable_files

    return [str(path) for path in readable_files(folder)]


def read_local_file(file_number: int, path: str) -> Iterator[tuple[int, int, SourceItem]]:
    """The items of one local input file (JSONL, WARC, feed or page), numbered in file order."""
    for position, item in enumerate(read_file(Path(path))):
        yield file_number, position, item


def read_fetched_file(file_number: int, uri: str, data: bytes) -> Iterator[tuple[int, int, SourceItem]]:
    """The items of a file Spark fetched (s3a://, hdfs://, file://): written to a temporary file of the same name
    and read as a local one; `where` names the URI."""
    folder = Path(tempfile.mkdtemp(prefix="newsweave-spark-"))
    try:
        local = folder / uri.rstrip("/").rsplit("/", 1)[-1]
        local.write_bytes(data)
        for file_number_, position, item in read_local_file(file_number, str(local)):
            item.where = item.where.replace(str(local), uri)
            yield file_number_, position, item
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def uri_key(uri: str) -> str:
    """A URI without its scheme and leading slashes, to match the names Spark gives fetched files."""
    return _SCHEME.sub("", uri).lstrip("/")


# -- the page step: clean, fingerprint, sign ---------------------------------------------------------

def decide_page(record: tuple[int, int, SourceItem]) -> Page | Reject:
    """A page's first decision (`stream.clean_page`) and its MinHash signature; a Reject for an unreadable one."""
    file_number, position, item = record
    if item.article is None:
        return Reject(item.where, item.problem or "unreadable", "read")
    try:
        decision = clean_page(item.article)
        signature = None
        if decision.dropped_reason is None:
            signature = _signer().signature(decision.text).astype(np.uint64).tobytes()
    except Exception as error:  # noqa: BLE001 - one bad record is rejected with its reason, never fails the job
        return Reject(item.where, f"could not be cleaned ({type(error).__name__}: {error})", "clean")
    article = decision.article
    day = article.published.toordinal() if article.published else UNDATED_DAY
    return Page((day, file_number, position), article.id, article.url, article.source or "", article.title,
                article.published, decision.text or article.text, decision.fingerprint, decision.dropped_reason,
                signature, item.where)


@functools.cache
def _signer() -> NearDuplicateIndex:
    return NearDuplicateIndex()


# -- repeats ------------------------------------------------------------------------------------------

def later_pages(members: Iterable[tuple[Order, str, str | None]]) -> Iterator[tuple[Order, tuple[Order, str, str | None]]]:
    """The pages of one fingerprint (or one URL) after the first, each with the first (order, id, left_out):
    a later page with the words or the URL of an earlier one repeats it."""
    pages = sorted(members)
    for page in pages[1:]:
        yield page[0], pages[0]


# -- near-duplicates: a band join on the project's MinHash signatures --------------------------------

@functools.cache
def band_shape() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH uses for `DUPLICATE_THRESHOLD` at `NUM_PERM` permutations."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(order: Order, signature: bytes) -> Iterator[tuple[tuple[int, bytes], Order]]:
    """One (band number, band value) key per band of a signature, each with the page."""
    bands, rows = band_shape()
    width = rows * 8
    for band in range(bands):
        yield (band, signature[band * width:(band + 1) * width]), order


def band_links(members: Iterable[Order]) -> Iterator[tuple[Order, Order]]:
    """Links (page, earliest page) of the pages sharing one band value: pages the LSH of `NearDuplicateIndex`
    would offer one another as candidates end up in one connected set."""
    pages = sorted(members)
    for page in pages[1:]:
        yield page, pages[0]


def copies_in_sets(sets: Iterable[tuple[Order, Iterable[tuple[Order, str, bytes]]]]) -> Iterator[tuple[Order, tuple[Order, str]]]:
    """`copies_in_set` over the connected sets of one partition, with one index emptied after each set
    (making an index costs more than deciding a small set)."""
    index = NearDuplicateIndex()
    for _, members in sets:
        yield from copies_in_set(members, index)


def copies_in_set(members: Iterable[tuple[Order, str, bytes]],
                  index: NearDuplicateIndex | None = None) -> Iterator[tuple[Order, tuple[Order, str]]]:
    """Within one connected set of pages sharing band values, which are copies and of which origin, decided in
    stream order by the stream's own index (an empty `index` when given): a page copies the most similar earlier
    origin that its bands offer (`NearDuplicateIndex.origin_of`), else it is an origin that later pages may copy
    (`add`). The index is left empty."""
    index = index if index is not None else NearDuplicateIndex()
    order_of: dict[str, Order] = {}
    try:
        for order, page_id, signature in sorted(members):
            values = np.frombuffer(signature, dtype=np.uint64)
            origin = index.origin_of(values)
            if origin is None:
                index.add(page_id, values)
                order_of[page_id] = order
            else:
                yield order, (order_of[origin], origin)
    finally:
        index.remove(order_of)


# -- grouping by time bucket ---------------------------------------------------------------------------

class Origin(NamedTuple):
    """What a bucket's grouper needs of an origin report; `context` when it belongs to an earlier bucket."""

    order: Order
    id: str
    text: str
    published: date | None
    context: bool


def buckets_of(page: Page, *, bucket_days: int = BUCKET_DAYS, overlap_days: int = OVERLAP_DAYS) -> Iterator[tuple[int, Origin]]:
    """The bucket a report belongs to, and each later bucket that reads it as context (it falls in the
    `overlap_days` before that bucket's first day)."""
    decision = Decision(Article(id=page.id, text=page.text, title=page.title, published=page.published), page.text,
                        page.fingerprint)
    grouped = group_input(decision)
    origin = Origin(page.order, page.id, grouped.text, page.published, False)
    if page.published is None:
        yield UNDATED_BUCKET, origin
        return
    day = page.published.toordinal()
    own = day // bucket_days
    yield own, origin
    for later in range(own + 1, (day + overlap_days) // bucket_days + 1):
        yield later, origin._replace(context=True)


def group_bucket(bucket: int, members: Iterable[Origin]) -> Iterator[tuple[Order, tuple[int, str, str, bool]]]:
    """Group one bucket's reports in stream order with the project's grouper, `STREAM_BATCH` at a time:
    (order, (bucket, story id in this bucket, placement JSON, context))."""
    from ..group import GroupInput

    reports = sorted(members)
    grouper = StoryGrouper()
    for start in range(0, len(reports), STREAM_BATCH):
        batch = reports[start:start + STREAM_BATCH]
        placements = grouper.assign([GroupInput(r.id, r.text, r.published) for r in batch])
        for report, placement in zip(batch, placements, strict=True):
            placement_json = json.dumps(placement.to_dict(), ensure_ascii=False)
            yield report.order, (bucket, placement.story_id, placement_json, report.context)


def parent_story(votes: Iterable[tuple[tuple[int, str], int]]) -> tuple[int, str]:
    """The earlier bucket's story that most of a story's context reports belong to (ties: the earliest)."""
    return min(votes, key=lambda vote: (-vote[1], vote[0]))[0]


def resolve_links(parents: dict[tuple[int, str], tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The final story id of each linked bucket story: the id of the first story of its chain of parents."""
    final: dict[tuple[int, str], str] = {}
    for story in parents:
        chain = [story]
        while chain[-1] in parents and chain[-1] not in final:
            chain.append(parents[chain[-1]])
        root = final.get(chain[-1], chain[-1][1])
        for link in chain:
            final[link] = root
    return final


# -- stories and briefs -------------------------------------------------------------------------------

class StoryMember(NamedTuple):
    """A report of a story as the stories and briefs steps need it (copies included, repeats not)."""

    seq: int
    id: str
    url: str | None
    source: str
    title: str | None
    published: date | None
    text: str
    copy: bool


def story_row(story_id: str, members: Sequence[StoryMember]) -> tuple[str, str, date | None, date | None, int, int]:
    """(story, title, first_seen, last_seen, reports, sources): the title by the store's rule (`headline.story_title`
    over its first `store.TITLE_REPORTS` origin reports)."""
    from ..headline import story_title
    from ..store import TITLE_REPORTS

    ordered = sorted(members)
    origins = [m for m in ordered if not m.copy][:TITLE_REPORTS]
    title = story_title([Article(id=m.id, text=m.text, title=m.title) for m in origins])
    days = [m.published for m in ordered if m.published is not None]
    return (story_id, title, min(days, default=None), max(days, default=None), len(ordered),
            len({m.source for m in ordered if m.source}))


def story_brief(story_id: str, title: str, members: Sequence[StoryMember]) -> str:
    """The Brief JSON of a story from its origin reports, made as the service makes a stored story's brief."""
    from ..story_brief import StoryReports, story_brief_json

    ordered = [Article(id=m.id, text=m.text, source=m.source, url=m.url, title=m.title, published=m.published)
               for m in sorted(members)]
    articles = [article for article, member in zip(ordered, sorted(members), strict=True) if not member.copy] or ordered
    return json.dumps(story_brief_json(StoryReports(story_id, 0, title, articles)), ensure_ascii=False)
