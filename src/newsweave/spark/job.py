"""The Spark job of `newsweave spark`: read, clean, de-duplicate and group a corpus; write Parquet tables.

    newsweave spark INPUT... --out DIR [--manifest FILE] [--master local[*]] [--briefs]
    spark-submit --py-files newsweave.whl .../newsweave/spark/submit.py INPUT... --out DIR

The steps (each runs the functions of `stages` in Spark tasks):

1. read each input file in a task of its own (`sources.read_file`; files Spark fetches from s3a:// or
   hdfs:// are read from a temporary copy), spread the pages when there are fewer files than cores, and
   decide each one (`stream.clean_page`: cleaned, fingerprinted, left out when it is no news report) and
   sign it (MinHash);
2. repeats: a page with the same words (fingerprint) or the same URL as an earlier page repeats it;
3. copies: pages that share a band value of their MinHash signatures are linked; each connected set of them
   is decided in stream order by the stream's own `NearDuplicateIndex` (a report copies the most similar
   earlier origin its bands offer);
4. grouping: origins are grouped by time bucket (`BUCKET_DAYS` of publication, plus the `OVERLAP_DAYS`
   before as context) with the project's grouper; a story that holds context reports is joined to the
   earlier bucket's story most of them belong to, so a story crossing a bucket edge is one story;
5. tables: `articles`, `stories`, `rejects` and, with --briefs, `briefs` (each story's Brief JSON, made in
   parallel), in Parquet under DIR (columns: docs/scale.md).

Every step's output depends only on the input, never on how Spark split it: a re-run task, a lost executor
or another number of partitions gives the same tables.
"""

from __future__ import annotations

import bisect
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark import RDD, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import types as sql_types

from .._errors import InputError
from . import stages
from .stages import Page, Reject, StoryMember

APP_NAME = "newsweave"
READ_PARTITIONS_PER_CORE = 4
"""Partitions the pages are spread over per core when there are fewer input files than cores (one file a task
otherwise, as cc-pyspark reads WARC files)."""
PAGES_PER_PARTITION = 25_000
"""Pages per partition of the shuffled steps (rounded up to a multiple of the cores): few partitions on small
input, where each task's start costs more than its work, and partitions small enough to hold in a task on large input."""
JAVA_HINT = "Spark needs Java 17 or later (Debian: `apt-get install openjdk-17-jre-headless`) or a reachable --master"
STEP_DONE = "newsweave: step done: "
"""How a step's end is told on stderr with --timings: this, the step, its seconds and "s"."""
MAX_LINK_ROUNDS = 50
"""Rounds of label propagation that find the connected sets of reports sharing band values (their diameter is small)."""

ARTICLES = sql_types.StructType([
    sql_types.StructField("seq", sql_types.LongType(), False),
    sql_types.StructField("id", sql_types.StringType(), False),
    sql_types.StructField("url", sql_types.StringType(), True),
    sql_types.StructField("source", sql_types.StringType(), False),
    sql_types.StructField("title", sql_types.StringType(), True),
    sql_types.StructField("published", sql_types.DateType(), True),
    sql_types.StructField("story", sql_types.StringType(), True),
    sql_types.StructField("origin", sql_types.StringType(), True),
    sql_types.StructField("left_out", sql_types.StringType(), True),
    sql_types.StructField("repeat", sql_types.BooleanType(), False),
    sql_types.StructField("fingerprint", sql_types.StringType(), False),
    sql_types.StructField("text", sql_types.StringType(), False),
    sql_types.StructField("signature", sql_types.BinaryType(), True),
    sql_types.StructField("placement", sql_types.StringType(), True),
    sql_types.StructField("where", sql_types.StringType(), False),
])
STORIES = sql_types.StructType([
    sql_types.StructField("story", sql_types.StringType(), False),
    sql_types.StructField("title", sql_types.StringType(), False),
    sql_types.StructField("first_seen", sql_types.DateType(), True),
    sql_types.StructField("last_seen", sql_types.DateType(), True),
    sql_types.StructField("reports", sql_types.LongType(), False),
    sql_types.StructField("sources", sql_types.LongType(), False),
])
BRIEFS = sql_types.StructType([sql_types.StructField("story", sql_types.StringType(), False), sql_types.StructField("brief", sql_types.StringType(), False)])
REJECTS = sql_types.StructType([sql_types.StructField("where", sql_types.StringType(), False), sql_types.StructField("reason", sql_types.StringType(), False),
                        sql_types.StructField("stage", sql_types.StringType(), False)])


@dataclass(slots=True)
class JobCounts:
    """What the job made of its input, and the wall time of each of its steps (`StepClock`)."""

    pages: int
    rejects: int
    repeats: int
    copies: int
    left_out: int
    stories: int
    briefs: int
    steps: list[tuple[str, float]] = field(default_factory=list)


class StepClock:
    """The wall time of each step of the job as the driver sees it. Spark runs work lazily, when an action asks
    for a result, so each step ends with the action that runs it and a step's time runs from the end of the step
    before to the end of its own action. With `say`, each step is told on stderr as it ends (progress)."""

    def __init__(self, *, say: bool = False) -> None:
        self.steps: list[tuple[str, float]] = []
        self.say = say
        self._last = time.perf_counter()

    def done(self, step: str) -> None:
        """Record the time since the previous step ended as `step`'s."""
        now = time.perf_counter()
        self.steps.append((step, now - self._last))
        self._last = now
        if self.say:
            print(f"{STEP_DONE}{step} {self.steps[-1][1]:.1f} s", file=sys.stderr, flush=True)


def spark_session(master: str | None, *, partitions: int | None = None, settings: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession for the job; `master` None keeps what spark-submit set; `settings` are more Spark settings.
    Workers run this Python."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(APP_NAME).config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    if partitions:
        builder = builder.config("spark.default.parallelism", str(partitions)).config("spark.sql.shuffle.partitions",
                                                                                      str(partitions))
    for key, value in (settings or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def input_files(inputs: Sequence[str], manifests: Sequence[str] = (), *, base_url: str = "") -> list[str]:
    """Every input file, in order: local folders expanded as `ingest` reads them, manifest lines (one path or URI
    a line, `#` comments; a relative line is prefixed with `base_url`) and URIs taken as they are."""
    files: list[str] = []
    for manifest in manifests:
        try:
            lines = Path(manifest).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise InputError(f"the manifest cannot be read ({error.strerror or error})", where=manifest) from error
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                files.append(line if not stages.is_local(line) or line.startswith("/") or not base_url
                             else base_url.rstrip("/") + "/" + line)
    for path in inputs:
        if not stages.is_local(path):
            files.append(path)
        elif Path(path).is_dir():
            files.extend(stages.files_of_folder(Path(path)))
        elif Path(path).is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder; give files, folders or URIs (s3a://, hdfs://)", where=path)
    if not files:
        raise InputError("no input: give files, folders, URIs or --manifest FILE")
    return files


def main_with(files: Sequence[str], out: str, *, master: str | None, briefs: bool = False,
              partitions: int | None = None, bucket_days: int | None = None, timings: bool = False) -> int:
    """Start Spark, run the job, say what it made (stderr) and, with `timings`, the wall time of each step;
    exit code 0, or 2 when some records were rejected."""
    clock = StepClock(say=timings)
    try:
        spark = spark_session(master or None, partitions=partitions)
    except Exception as error:  # noqa: BLE001 - pyspark's error when Java is missing or the master cannot be reached
        raise InputError(f"Spark could not be started ({_first_line(error)}); {JAVA_HINT}") from error
    clock.done("start Spark")
    try:
        counts = run_job(spark, files, out, briefs=briefs, partitions=partitions,
                         bucket_days=bucket_days or stages.BUCKET_DAYS, clock=clock)
    finally:
        spark.stop()
    clock.done("stop Spark")
    print(f"newsweave: {counts.pages} pages read from {len(files)} files: {counts.stories} stories; "
          f"{counts.repeats} repeats and {counts.copies} copies of another report, {counts.left_out} not news reports; "
          f"{counts.rejects} records rejected (see {out}/rejects)"
          + (f"; {counts.briefs} briefs" if briefs else "") + f". Tables in {out}.", file=sys.stderr)
    return 2 if counts.rejects else 0


def _first_line(error: BaseException) -> str:
    return str(error).strip().split("\n", 1)[0][:300] or type(error).__name__


def run_job(spark: SparkSession, files: Sequence[str], out: str, *, briefs: bool = False,
            bucket_days: int = stages.BUCKET_DAYS, overlap_days: int = stages.OVERLAP_DAYS,
            partitions: int | None = None, clock: StepClock | None = None) -> JobCounts:
    """Run the whole job over `files` (see `input_files`) and write the tables under `out`; `partitions` of each
    shuffled step (default: `spark.default.parallelism` when set, else from the number of pages, `partitions_for`);
    `clock` times the steps (JobCounts.steps)."""
    clock = clock or StepClock()
    sc = spark.sparkContext
    cores = sc.defaultParallelism
    items = _read(spark, files)
    if len(files) < cores:
        items = items.repartition(cores * READ_PARTITIONS_PER_CORE)
    decided: RDD[Any] = items.map(stages.decide_page)
    decided.persist(StorageLevel.MEMORY_AND_DISK)
    kinds = decided.map(lambda record: isinstance(record, Page)).countByValue()
    configured = sc.getConf().get("spark.default.parallelism")
    parts = partitions or (int(configured) if configured else partitions_for(kinds.get(True, 0), cores))
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))
    clock.done("read, clean and sign the pages")

    pages = decided.filter(lambda record: isinstance(record, Page)).map(lambda page: (page.order, page))
    pages = _unique_ids(pages, parts)
    # not cached: made again from the cached `decided` by the three steps that read it (one copy of the text held)
    # the steps that decide repeats, copies and stories read the pages without their text
    light = pages.mapValues(lambda page: page._replace(text=""))
    light.persist(StorageLevel.MEMORY_AND_DISK)
    repeats = _repeats(light, parts)
    repeats.persist(StorageLevel.MEMORY_AND_DISK)
    candidates = light.filter(lambda kv: kv[1].left_out is None).subtractByKey(repeats, parts)
    candidates.persist(StorageLevel.MEMORY_AND_DISK)
    clock.done("ids used twice")
    copies = _copies(candidates, parts)
    clock.done("repeats and copies")
    origin_orders = candidates.subtractByKey(copies, parts).mapValues(lambda _: None)
    origins = pages.join(origin_orders, parts).map(lambda kv: kv[1][0])
    stories_of_origins = _group(origins, bucket_days, overlap_days, parts)
    candidates.unpersist()
    clock.done("grouping by time bucket")

    status = _status(repeats, copies, stories_of_origins, parts)
    rows = _article_rows(pages, light.keys(), kinds.get(True, 0), status, parts)
    rows.persist(StorageLevel.MEMORY_AND_DISK)
    _write(spark, rows, ARTICLES, f"{out}/articles", None)  # already in `seq` order
    counts = rows.map(lambda r: (1, int(r[9]), int(r[7] is not None and not r[9]), int(r[8] is not None))).fold(
        (0, 0, 0, 0), lambda a, b: (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]))
    clock.done("articles table")

    story_members = rows.filter(lambda r: r[6] is not None and not r[9]).map(
        lambda r: (r[6], StoryMember(r[0], r[1], r[2], r[3], r[4], r[5], r[11], r[7] is not None)))
    stories_with_briefs = story_members.groupByKey(parts).map(lambda kv: _story_and_brief(kv[0], list(kv[1]), briefs))
    stories_with_briefs.persist(StorageLevel.MEMORY_AND_DISK)
    _write(spark, stories_with_briefs.map(lambda s: s[0]), STORIES, f"{out}/stories", "story")
    made = stories_with_briefs.map(lambda s: (1, int(s[1] is not None), int(s[2] is not None))).fold(
        (0, 0, 0), lambda a, b: (a[0] + b[0], a[1] + b[1], a[2] + b[2]))
    clock.done("stories table and briefs" if briefs else "stories table")

    if briefs:
        _write(spark, stories_with_briefs.filter(lambda s: s[1] is not None).map(lambda s: (s[0][0], s[1])), BRIEFS,
               f"{out}/briefs", "story")
    rejects = decided.filter(lambda record: isinstance(record, Reject))
    brief_rejects: RDD[Any] = stories_with_briefs.filter(lambda s: s[2] is not None).map(lambda s: s[2])
    _write(spark, rejects.union(brief_rejects).map(lambda record: tuple(record)), REJECTS, f"{out}/rejects", "where")
    for cached in (decided, light, repeats, copies, stories_of_origins, rows, stories_with_briefs):
        cached.unpersist()
    clock.done("briefs and rejects tables" if briefs else "rejects table")
    return JobCounts(counts[0], kinds.get(False, 0) + made[2], counts[1], counts[2], counts[3], made[0], made[1],
                     clock.steps)


def partitions_for(pages: int, cores: int) -> int:
    """Partitions of the shuffled steps for `pages` pages: `PAGES_PER_PARTITION` each, a multiple of the cores."""
    return cores * max(1, math.ceil(pages / (cores * PAGES_PER_PARTITION)))


# -- steps -----------------------------------------------------------------------------------------

def _read(spark: SparkSession, files: Sequence[str]) -> RDD:
    """(file number, position, SourceItem) of every input file, one task per local file."""
    sc = spark.sparkContext
    numbered = list(enumerate(files))
    local = [(number, path) for number, path in numbered if stages.is_local(path)]
    fetched = {stages.uri_key(path): number for number, path in numbered if not stages.is_local(path)}
    items = sc.parallelize(local, max(1, len(local))).flatMap(lambda f: stages.read_local_file(*f))
    if fetched:
        paths = ",".join(path for path in files if not stages.is_local(path))
        items = items.union(sc.binaryFiles(paths).flatMap(
            lambda kv: stages.read_fetched_file(fetched[stages.uri_key(kv[0])], kv[0], kv[1])))
    return items


def _unique_ids(pages: RDD, parts: int) -> RDD:
    """Pages whose id an earlier page has get `id~2`, `id~3` ..., as the store names them."""
    renamed = dict(pages.map(lambda kv: (kv[1].id, kv[0])).groupByKey(parts).mapValues(list).filter(lambda kv: len(kv[1]) > 1).flatMap(
        lambda kv: [(order, f"{kv[0]}~{number}") for number, order in enumerate(sorted(kv[1])[1:], start=2)]).collect())
    if not renamed:
        return pages
    table = pages.context.broadcast(renamed)
    return pages.map(lambda kv: (kv[0], kv[1]._replace(id=table.value.get(kv[0], kv[1].id))))


def _repeats(pages: RDD, parts: int) -> RDD:
    """order -> (first order, first id, first's left_out) of each page with the words or URL of an earlier page."""
    keyed = pages.flatMap(lambda kv: [((kind, key), (kv[0], kv[1].id, kv[1].left_out))
                                      for kind, key in (("words", kv[1].fingerprint), ("url", kv[1].url)) if key is not None])
    return keyed.groupByKey(parts).flatMap(lambda kv: stages.later_pages(kv[1])).reduceByKey(min, parts)


def _copies(candidates: RDD, parts: int) -> RDD:
    """order -> (origin order, origin id) of each report that copies an earlier one: pages linked by a shared
    band value form connected sets, and each set is decided in stream order by the stream's own index."""
    links = candidates.flatMap(lambda kv: stages.band_keys(kv[0], kv[1].signature)).groupByKey(parts).flatMap(
        lambda kv: stages.band_links(kv[1])).distinct(parts)
    labels = _connected_sets(links, parts)
    by_set = candidates.join(labels, parts).map(lambda kv: (kv[1][1], (kv[0], kv[1][0].id, kv[1][0].signature)))
    copies = by_set.groupByKey(parts).mapPartitions(stages.copies_in_sets)
    copies.persist(StorageLevel.MEMORY_AND_DISK)
    copies.count()
    return copies


def _connected_sets(edges: RDD, parts: int) -> RDD:
    """node -> the least node of its connected set, by rounds of min-label propagation over the edges."""
    both = edges.flatMap(lambda edge: [edge, (edge[1], edge[0])]).partitionBy(parts)
    both.persist(StorageLevel.MEMORY_AND_DISK)  # partitioned as the labels are, so each round's join moves no edge
    labels = both.map(lambda edge: (edge[0], edge[0]), preservesPartitioning=True).reduceByKey(min, parts)
    for _ in range(MAX_LINK_ROUNDS):
        offered = both.join(labels, parts).map(lambda kv: (kv[1][0], kv[1][1]))
        updated = labels.union(offered).reduceByKey(min, parts)
        updated.persist(StorageLevel.MEMORY_AND_DISK)
        changed = updated.join(labels, parts).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels = updated
        if changed == 0:
            break
    both.unpersist()
    return labels


def _group(origins: RDD, bucket_days: int, overlap_days: int, parts: int) -> RDD:
    """order -> (final story id, placement JSON) of every origin report."""
    grouped = origins.flatMap(lambda page: stages.buckets_of(page, bucket_days=bucket_days, overlap_days=overlap_days)
                              ).groupByKey(parts).flatMap(lambda kv: stages.group_bucket(kv[0], kv[1]))
    grouped.persist(StorageLevel.MEMORY_AND_DISK)
    own = grouped.filter(lambda kv: not kv[1][3])
    context = grouped.filter(lambda kv: kv[1][3]).map(lambda kv: (kv[0], (kv[1][0], kv[1][1])))
    votes = context.join(own.mapValues(lambda v: (v[0], v[1])), parts).map(lambda kv: (kv[1], 1)).reduceByKey(
        lambda a, b: a + b, parts).map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))).groupByKey(parts)
    parents = dict(votes.mapValues(stages.parent_story).collect())
    final = origins.context.broadcast(stages.resolve_links(parents))
    result = own.map(lambda kv: (kv[0], (final.value.get((kv[1][0], kv[1][1]), kv[1][1]), kv[1][2])))
    result.persist(StorageLevel.MEMORY_AND_DISK)
    result.count()
    grouped.unpersist()
    return result


def _status(repeats: RDD, copies: RDD, stories: RDD, parts: int) -> RDD:
    """order -> (story, origin id, placement, repeat, left_out of a repeat) of every page that is not left out alone."""
    of_copies = copies.map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))).join(stories, parts).map(
        lambda kv: (kv[1][0][0], (kv[1][1][0], kv[1][0][1])))
    placed = stories.mapValues(lambda v: (v[0], None, v[1])).union(of_copies.mapValues(lambda v: (v[0], v[1], None)))
    of_repeats = repeats.map(lambda kv: (kv[1][0], (kv[0], kv[1][1], kv[1][2]))).leftOuterJoin(placed, parts).map(
        lambda kv: (kv[1][0][0], ((kv[1][1] or (None,))[0], kv[1][0][1], None, True, kv[1][0][2])))
    return placed.mapValues(lambda v: (*v, False, None)).union(of_repeats)


def _article_rows(pages: RDD, orders: RDD, total: int, status: RDD, parts: int) -> RDD:
    """The rows of the `articles` table, numbered (`seq`) and in stream order: partition k holds the k-th slice of
    the order, so the table is written in order without another sort. Only the pages' places in the order
    (`orders`, `total` of them) are sorted and numbered; the pages, with their text, are moved once, to meet
    their number and status."""
    numbered = orders.sortBy(lambda order: order, numPartitions=parts).zipWithIndex()
    numbered.persist(StorageLevel.MEMORY_AND_DISK)
    per_part = max(1, math.ceil(total / parts))
    bounds = sorted(numbered.filter(lambda kv: kv[1] > 0 and kv[1] % per_part == 0).keys().collect())

    def part_of(order: Any) -> int:
        return bisect.bisect_right(bounds, order)

    def row(order: Any, values: Any) -> tuple:
        found = dict(values)
        page, (seq, state) = found[0], found[1]
        story, origin, placement, repeat, repeat_left_out = state or (None, None, None, False, None)
        left_out = repeat_left_out if repeat else page.left_out
        signature = page.signature if state is not None and origin is None and not repeat else None
        return (seq, page.id, page.url, page.source, page.title, page.published, story, origin, left_out, repeat,
                page.fingerprint, page.text, signature, placement, page.where)

    tagged = pages.mapValues(lambda page: (0, page)).union(numbered.leftOuterJoin(status, parts).mapValues(lambda v: (1, v)))
    return tagged.groupByKey(parts, partitionFunc=part_of).mapPartitions(
        lambda keyed: [row(order, values) for order, values in sorted(keyed, key=lambda kv: kv[0])])


def _story_and_brief(story_id: str, members: list[StoryMember], briefs: bool) -> tuple[tuple, str | None, tuple | None]:
    """A story's row, its Brief JSON (with --briefs) and a rejects row when the brief could not be made."""
    row = stages.story_row(story_id, members)
    if not briefs:
        return row, None, None
    try:
        return row, stages.story_brief(story_id, row[1], members), None
    except Exception as error:  # noqa: BLE001 - one story whose brief fails is rejected, the others are written
        return row, None, (f"story {story_id}", f"no brief could be made ({type(error).__name__}: {error})", "brief")


def _write(spark: SparkSession, rows: RDD, schema: sql_types.StructType, path: str, order: str | None) -> None:
    """Write rows as a Parquet table, sorted by `order` (None: as they come), so its files do not depend on the partitioning."""
    frame = spark.createDataFrame(rows, schema)
    (frame.orderBy(order) if order else frame).write.mode("overwrite").parquet(path)
