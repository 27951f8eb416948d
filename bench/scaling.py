"""Cost of corpus mode as work grows: ingest + grouping time and peak memory at 1k, 10k and 100k articles.

    python bench/scaling.py [--sizes 1000 10000 100000] [--dev ../shared/data/multinews-dev.jsonl]

Each size runs in a fresh process that ingests a synthetic stream into a new SQLite store
(`Store.add_articles`, 200 per transaction: cleaning, non-article and near-duplicate detection,
grouping, writing). The stream is made from the dev articles: copy k of dev cluster c is a new
event with new ids, an event day drawn so that about `EVENTS_PER_DAY` events start each day (so
larger streams span more months: 1k ~ 1.5 months, 100k ~ 12 years), each article dated its
event day plus 0-2 days, streamed in date order, with a light edit (a rotated word order at the
start and an edition line) so no copy is an exact repeat. Peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DEV = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
EVENTS_PER_DAY = 8
START = date(2015, 1, 1)
BATCH = 200


def build_stream(dev: Path, size: int, *, seed: int = 0) -> Iterator:
    """`size` articles made from the dev clusters as described in the module docstring, made one at a time."""
    from newsweave.models import Article

    clusters = [json.loads(line)["documents"] for line in dev.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    copies = -(-size // sum(len(c) for c in clusters))
    span = max(1, copies * len(clusters) // EVENTS_PER_DAY)
    plan = []  # (day, copy, cluster, position, shift): small tuples, texts are made when streamed
    for copy in range(copies):
        for number, documents in enumerate(clusters):
            day = START + timedelta(days=rng.randrange(span))
            plan.extend((day + timedelta(days=rng.randint(0, 2)), copy, number, position, rng.randrange(3))
                        for position in range(len(documents)))
    plan.sort()
    for published, copy, number, position, shift in plan[:size]:
        words = clusters[number][position].split(" ")
        yield Article(
            id=f"e{copy}-{number}-{position}", text=" ".join(words[shift:] + words[:shift]) + f"\nEdition {copy}.",
            source=f"outlet-{position}", url=f"https://outlet-{position}.example/{copy}/{number}", published=published,
        )


def measure(dev: Path, size: int) -> dict:
    """Ingest a stream of `size` articles into a fresh store; time, memory and what came out."""
    from newsweave.store import Store

    stream = build_stream(dev, size)
    first_day = last_day = None
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        start = time.perf_counter()
        while batch := list(itertools.islice(stream, BATCH)):
            first_day = first_day or batch[0].published
            last_day = batch[-1].published
            store.add_articles(batch)
        seconds = time.perf_counter() - start
        counts = store.counts()
        open_stories = store.open_stories
        largest = store._db.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM articles WHERE story_id IS NOT NULL GROUP BY story_id)").fetchone()[0]
        store.close()
    return {
        "articles": size, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stories": counts["stories"], "largest": largest, "open": open_stories, "duplicates": counts["duplicates"], "dropped": counts["dropped"],
        "days": (last_day - first_day).days,
    }


def main() -> None:
    """Run each size in its own process and print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.dev, args.one)))
        return
    print("| articles | days spanned | stories | largest story | open at end | carriers | not articles | time (s) | articles/s | "
          "us/article | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        output = subprocess.run([sys.executable, __file__, "--one", str(size), "--dev", str(args.dev)],
                                capture_output=True, text=True, check=True).stdout
        r = json.loads(output.strip().splitlines()[-1])
        print(f"| {r['articles']} | {r['days']} | {r['stories']} | {r['largest']} | {r['open']} | {r['duplicates']} | {r['dropped']} | "
              f"{r['seconds']:.1f} | {r['articles'] / r['seconds']:.0f} | {1e6 * r['seconds'] / r['articles']:.0f} | "
              f"{r['peak_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
