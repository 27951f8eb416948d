"""Corpus mode on Apache Spark: `newsweave spark` groups a corpus on a cluster, `import-parquet` stores its tables.

pyspark (and Java) are needed only when `spark` runs, pyarrow only when `import-parquet` runs: both come
with `pip install 'newsweave[spark]'`, and every other command works without them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._errors import InputError
from ._brief import _positive_int
from ._corpus import _add_db_option, open_store

DEFAULT_MASTER = "local[*]"
MISSING_PYSPARK = "`newsweave spark` needs pyspark and Java 17 or later: run `pip install 'newsweave[spark]'` " \
                  "and install a Java runtime (Debian: `apt-get install openjdk-17-jre-headless`)"


def add_parser(commands: Any) -> None:
    """Register `spark` and `import-parquet`."""
    spark = commands.add_parser(
        "spark",
        help="group a corpus on Apache Spark (WARC, JSONL, pages; local, s3a:// or hdfs://) into Parquet tables",
        description="Read each INPUT (a WARC/WARC.gz, JSONL or page file, a folder of them, or a URI Spark reads: "
        "s3a://, hdfs://), clean it, leave out what is not a news report, tie repeats and near-duplicate copies to "
        "their origin across the whole corpus, and group the rest into stories by time bucket, as `ingest` does. "
        "Writes Parquet tables DIR/articles, DIR/stories, DIR/rejects (and DIR/briefs with --briefs); "
        "`newsweave import-parquet DIR` loads them into a store.",
    )
    spark.add_argument("inputs", nargs="*", metavar="INPUT")
    spark.add_argument("--manifest", action="append", default=[], metavar="FILE",
                       help="a file listing one input path or URI a line (as cc-pyspark takes them); may be repeated")
    spark.add_argument("--input-base-url", default="", metavar="URL",
                       help="prefix of the manifest's relative lines (e.g. s3a://commoncrawl/)")
    spark.add_argument("--out", required=True, metavar="DIR", help="where the Parquet tables go (a path or URI)")
    spark.add_argument("--master", default=DEFAULT_MASTER, help=f"the Spark master (default: {DEFAULT_MASTER})")
    spark.add_argument("--briefs", action="store_true", help="also make each story's Brief JSON (full analysis)")
    spark.add_argument("--bucket-days", type=_positive_int, default=None, metavar="DAYS",
                       help="days of publication one task groups (default: 7); each task also reads the 7 days before")
    spark.add_argument("--partitions", type=_positive_int, metavar="N",
                       help="partitions of the job's shuffled steps (default: one per 25,000 pages, a multiple of the cores)")
    spark.add_argument("--timings", action="store_true",
                       help="also say how many seconds each step of the job took (stderr)")
    spark.set_defaults(run=run_spark)

    importer = commands.add_parser(
        "import-parquet",
        help="load the Parquet tables of `newsweave spark` into the store",
        description="Load DIR/articles, DIR/stories and DIR/briefs (written by `newsweave spark --out DIR`) into the "
        "store, so `stories`, `brief --story` and `serve` work on the corpus. Reports already stored are kept.",
    )
    importer.add_argument("folder", metavar="DIR")
    _add_db_option(importer)
    importer.set_defaults(run=run_import)


def run_spark(args: argparse.Namespace) -> int:
    """Run `newsweave spark` on the master given."""
    try:
        from ..spark import job
    except ImportError as error:
        raise InputError(MISSING_PYSPARK) from error
    files = job.input_files(args.inputs, args.manifest, base_url=args.input_base_url)
    return job.main_with(files, args.out, master=args.master, briefs=args.briefs, partitions=args.partitions,
                         bucket_days=args.bucket_days, timings=args.timings)


def run_import(args: argparse.Namespace) -> int:
    """Run `newsweave import-parquet`."""
    from ..spark.tables import import_tables

    with open_store(args.db) as store:
        imported = import_tables(args.folder, store)
        counts = store.counts()
    print(f"newsweave: {imported.reports} reports imported ({imported.skipped_repeats} repeats of another page not "
          f"stored), {imported.stories} stories, {imported.briefs} briefs. The store {store.path} holds "
          f"{counts['articles']} reports in {counts['stories']} stories.", file=sys.stderr)
    return 0
