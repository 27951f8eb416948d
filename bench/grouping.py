"""Story grouping benchmark: newsweave's incremental grouping against TF-IDF + agglomerative clustering.

    python bench/grouping.py [--repeats 3] [--seed S] [--seeds 0 1 2 3 4] [--batch-size N]

Four shuffled streams, each scored beside the baseline in the same run:

- Multi-News undated / dated: every document of the 250 Multi-News dev clusters. The set has no
  dates or outlets, so the stream builder gives each cluster an event day (uniform over 180 days
  from 2020-01-01) and each of its articles that day plus 0-2 days, and names each article's
  outlet `outlet-<position in its cluster>`. Undated: dates removed (no time window can help);
  dated: the stream sorted by date, as a feed delivers it. A cluster is not always one event, so
  F1 is capped near 0.945 (bench/grouping_ceiling.py).
- ECB+ as given / dates removed: the 462 real reports of ECB+ topics 1-22, each labelled with the
  real event it covers (two similar events per topic), as `{id, title, text, published}` where
  the file gives them (46 reports carry a publication date); then the same without `published`.

B-cubed precision/recall/F1 against the true clusters (events); a page newsweave leaves out (not a
news report) counts as a story of its own. The baseline (bench/cluster_baseline.py): TF-IDF +
average-linkage agglomerative clustering at cosine distance 0.8 over the texts. newsweave decides
`--batch-size` reports at a time (default 1000, as `cluster`; `--batch-size 200` as `ingest`). Times
are in-process (one process), best of `--repeats`, vectorizing included. A second table times whole
processes (start-up, reading and writing included) on the Multi-News undated stream, taking turns:
`newsweave cluster` (pages read by as many processes as CPUs), the same with `--jobs 1`, and
`python bench/cluster_baseline.py`; wall time and CPU time (`--process-only` prints this table
alone). newsweave's modules are byte-compiled first, as `pip install` leaves them (the baseline's
scikit-learn is): with PYTHONDONTWRITEBYTECODE set, an editable install would otherwise compile them
from source in every run. `--seeds` prints B3 F1 over several shuffles instead.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from cluster_baseline import cluster_texts  # noqa: E402

from newsweave.models import Article  # noqa: E402
from newsweave.stream import STREAM_BATCH, StreamGrouper, batches  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
DEFAULT_DEV = DATA / "multinews-dev.jsonl"
DEFAULT_ECB = DATA / "ecbplus-dev.jsonl"
EVENT_SPAN_DAYS = 180
ARTICLE_LAG_DAYS = 2
START = date(2020, 1, 1)
MULTINEWS_SEED = 0
ECB_SEED = 7
"""The shuffles of the recorded figures (the ECB+ one is the issue's)."""

Stream = tuple[list[Article], dict[str, str]]


def build_stream(dev: Path, *, seed: int, dated: bool) -> Stream:
    """The shuffled stream of all Multi-News dev articles and each article's true cluster."""
    rng = random.Random(seed)
    articles: list[Article] = []
    truth: dict[str, str] = {}
    for line in dev.read_text(encoding="utf-8").splitlines():
        cluster = json.loads(line)
        event_day = START + timedelta(days=rng.randrange(EVENT_SPAN_DAYS))
        for position, text in enumerate(cluster["documents"]):
            article_id = f"{cluster['id']}-{position}"
            published = event_day + timedelta(days=rng.randint(0, ARTICLE_LAG_DAYS)) if dated else None
            articles.append(Article(id=article_id, text=text, source=f"outlet-{position}", published=published))
            truth[article_id] = cluster["id"]
    rng.shuffle(articles)
    if dated:
        articles.sort(key=lambda a: a.published)  # a feed delivers reports roughly in date order
    return articles, truth


def build_ecb_stream(path: Path, *, seed: int, dated: bool, topics: set[int] | None = None) -> Stream:
    """The shuffled stream of the ECB+ reports (of `topics`, default all) and each report's true event."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [r for r in records if topics is None or r["topic"] in topics]
    random.Random(seed).shuffle(records)
    articles = [
        Article(id=r["id"], text=r["text"], title=r.get("title") or None,
                published=date.fromisoformat(r["published"]) if dated and r.get("published") else None)
        for r in records
    ]
    return articles, {r["id"]: r["event"] for r in records}


def streams(args: argparse.Namespace, seed: int | None) -> list[tuple[str, Callable[[], Stream]]]:
    """The four benchmark streams, built when called."""
    mn = MULTINEWS_SEED if seed is None else seed
    ecb = ECB_SEED if seed is None else seed
    return [
        ("Multi-News undated", lambda: build_stream(args.dev, seed=mn, dated=False)),
        ("Multi-News dated", lambda: build_stream(args.dev, seed=mn, dated=True)),
        ("ECB+ as given", lambda: build_ecb_stream(args.ecb, seed=ecb, dated=True)),
        ("ECB+ dates removed", lambda: build_ecb_stream(args.ecb, seed=ecb, dated=False)),
    ]


def b_cubed(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted grouping against the true one."""
    members_predicted: dict[str, set[str]] = defaultdict(set)
    members_true: dict[str, set[str]] = defaultdict(set)
    for item, label in predicted.items():
        members_predicted[label].add(item)
    for item, label in truth.items():
        members_true[label].add(item)
    precision = recall = 0.0
    for item in truth:
        shared = len(members_predicted[predicted[item]] & members_true[truth[item]])
        precision += shared / len(members_predicted[predicted[item]])
        recall += shared / len(members_true[truth[item]])
    precision /= len(truth)
    recall /= len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def run_newsweave(articles: Sequence[Article], batch_size: int = STREAM_BATCH) -> tuple[dict[str, str], Counter]:
    """newsweave's stream grouping, as `newsweave cluster` runs it (batches of `STREAM_BATCH`; `ingest` decides
    200 at a time); a page left out becomes its own story."""
    copies = [Article(id=a.id, text=a.text, source=a.source, title=a.title, published=a.published) for a in articles]
    stream = StreamGrouper()
    decisions = [d for batch in batches(copies, batch_size) for d in stream.decide(batch)]
    predicted = {d.article_id: d.story_id or f"alone:{d.article_id}" for d in decisions}
    return predicted, Counter(d.dropped_reason for d in decisions if d.dropped_reason)


def run_baseline(articles: Sequence[Article]) -> dict[str, str]:
    """TF-IDF + average-linkage agglomerative clustering at cosine distance 0.8."""
    labels = cluster_texts([a.text for a in articles])
    return {a.id: str(label) for a, label in zip(articles, labels, strict=True)}


def timed(function, argument, repeats: int):  # noqa: ANN001, ANN201
    """The result of the last run and the best wall time of `repeats` runs."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(argument)
        best = min(best, time.perf_counter() - start)
    return result, best


def write_stream(articles: Sequence[Article], path: Path) -> None:
    """The stream as `newsweave cluster` reads it: one JSON object per line."""
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            record = {"id": a.id, "title": a.title, "text": a.text, "source": a.source,
                      "published": a.published.isoformat() if a.published else None}
            out.write(json.dumps({k: v for k, v in record.items() if v}) + "\n")


def newsweave_command() -> list[str]:
    """The installed `newsweave` script beside this Python, else the package run as a module."""
    script = Path(sys.executable).parent / "newsweave"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsweave.cli"]


def whole_process_seconds(commands: dict[str, list[str]], repeats: int) -> dict[str, tuple[float, float]]:
    """Best wall time and best CPU time (user + system, its processes included) of running each command to
    completion, `repeats` times, the commands taking turns so that a busy machine slows each alike."""
    best = {name: (float("inf"), float("inf")) for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def print_quality_table(args: argparse.Namespace) -> Counter:
    """One row per stream and system: B3 and in-process time."""
    print("| stream | system | articles | B3 precision | B3 recall | B3 F1 | time (s) | articles/s | speed-up |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    dropped_on_multinews = Counter()
    for stream, build in streams(args, args.seed):
        articles, truth = build()
        (ours, dropped), our_time = timed(lambda stream: run_newsweave(stream, args.batch_size), articles, args.repeats)
        theirs, their_time = timed(run_baseline, articles, args.repeats)
        if stream == "Multi-News undated":
            dropped_on_multinews = dropped
        for name, predicted, seconds in (("newsweave", ours, our_time), ("TF-IDF + agglomerative 0.8", theirs, their_time)):
            precision, recall, f1 = b_cubed(predicted, truth)
            print(f"| {stream} | {name} | {len(articles)} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {seconds:.2f} | "
                  f"{len(articles) / seconds:.0f} | {their_time / seconds:.1f}x |", flush=True)
    return dropped_on_multinews


def print_process_table(args: argparse.Namespace) -> None:
    """Whole processes on the Multi-News undated stream, start-up included."""
    articles, _ = build_stream(args.dev, seed=MULTINEWS_SEED if args.seed is None else args.seed, dated=False)
    compileall.compile_dir(ROOT / "src", quiet=1)
    folder = Path(tempfile.mkdtemp(prefix="newsweave-bench-"))
    try:
        stream = folder / "stream.jsonl"
        write_stream(articles, stream)
        cluster = [*newsweave_command(), "cluster", str(stream), "--out", str(folder / "ours.jsonl"), "--quiet"]
        best = whole_process_seconds({
            "`newsweave cluster`": cluster,
            "`newsweave cluster --jobs 1`": [*cluster, "--jobs", "1"],
            "`python bench/cluster_baseline.py`": [sys.executable, str(ROOT / "bench" / "cluster_baseline.py"), str(stream),
                                                   "--out", str(folder / "theirs.jsonl")],
        }, args.repeats)
    finally:
        shutil.rmtree(folder)
    their_wall, their_cpu = best["`python bench/cluster_baseline.py`"]
    print(f"| whole process, Multi-News undated stream ({os.cpu_count()} CPUs) | articles | time (s) | speed-up | "
          "CPU time (s) | CPU speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {len(articles)} | {wall:.2f} | {their_wall / wall:.1f}x | {cpu:.2f} | {their_cpu / cpu:.1f}x |")


def print_seed_table(args: argparse.Namespace) -> None:
    """B3 F1 of each stream over several shuffles: mean and lowest, newsweave and baseline."""
    print("| stream | seeds | newsweave B3 F1 mean | lowest | baseline B3 F1 mean | lowest |")
    print("|---|---:|---:|---:|---:|---:|")
    scores: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for seed in args.seeds:
        for stream, build in streams(args, seed):
            articles, truth = build()
            ours = b_cubed(run_newsweave(articles, args.batch_size)[0], truth)[2]
            theirs = b_cubed(run_baseline(articles), truth)[2]
            scores[stream].append((ours, theirs))
    for stream, pairs in scores.items():
        ours, theirs = zip(*pairs, strict=True)
        print(f"| {stream} | {len(pairs)} | {sum(ours) / len(ours):.3f} | {min(ours):.3f} | "
              f"{sum(theirs) / len(theirs):.3f} | {min(theirs):.3f} |")


def main() -> None:
    """Print the grouping tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--ecb", type=Path, default=DEFAULT_ECB)
    parser.add_argument("--seed", type=int, help=f"shuffle of every stream (default: {MULTINEWS_SEED} for Multi-News, "
                        f"{ECB_SEED} for ECB+)")
    parser.add_argument("--seeds", type=int, nargs="+", help="print B3 F1 over these shuffles instead of the tables")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=STREAM_BATCH,
                        help=f"reports newsweave decides together (default: {STREAM_BATCH}, as `cluster`; `ingest` uses 200)")
    parser.add_argument("--process-only", action="store_true", help="print the whole-process table only")
    args = parser.parse_args()
    if args.process_only:
        print_process_table(args)
        return
    run_newsweave(build_stream(args.dev, seed=0, dated=False)[0][:50])  # warm up imports
    if args.seeds:
        print_seed_table(args)
        return
    dropped = print_quality_table(args)
    print()
    print_process_table(args)
    print()
    print("Left out of the Multi-News stream as not news reports: "
          + ", ".join(f"{reason} {count}" for reason, count in sorted(dropped.items()))
          + f" (total {sum(dropped.values())})")


if __name__ == "__main__":
    main()
