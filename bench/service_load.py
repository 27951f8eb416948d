"""Load on a real `newsweave serve`: a burst of distinct reports posted from several clients, then story pages
read while the same number of clients keep posting.

Run: .venv/bin/python bench/service_load.py [--posts 300] [--clients 8] [--pages 40] [--workers 0 2]

Each `--workers` value is one run on a fresh store: 0 is the baseline (each brief made when its page is
first asked for, in the server process, one at a time), N > 0 is `newsweave serve --brief-workers N`
(briefs made in the background by N worker processes and kept in the store). A run posts `--posts`
reports from `--clients` clients; with workers, it waits until the store holds the briefs of the pages it
will read (the first row says how long the background took); then it reads `--pages` story pages twice
(first view, then again) from `--clients` clients while `--clients` other clients go on posting new
reports (which changes some of those stories: their first view shows the stored brief marked updating). Prints one table: requests, latency p50/p95/max,
errors (answers other than 2xx), and how many first views showed a stored brief marked "Updating".

Search: .venv/bin/python bench/service_load.py --search [--reports 10000] [--clients 8] [--queries 400] [--briefs 40]
[--store PATH] builds a store of synthetic reports as bench/scaling.py makes them, stores the briefs of its largest stories (so
names are expanded to their spellings), then runs searches, entity lookups and, as the baseline in the same run,
the story list, from several clients at once.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from servers import running_service  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
DEV_SLICE = ROOT / "tests" / "fixtures" / "multinews-dev-12.jsonl"
SETTLE_SECONDS = 1200
"""The longest wait for the background briefs of the pages read (the run goes on after it regardless)."""
UPDATING_MARK = "Updating:"
"""The start of the note a story page shows over a stored brief older than its story."""

Timing = tuple[float, int, str]
"""One request: seconds, status, and the answer's text when it is a page (else empty)."""


def reports(count: int) -> list[dict]:
    """`count` distinct real reports (whole articles of the dev set), each with an outlet and a URL."""
    path = DEV_SET if DEV_SET.exists() else DEV_SLICE
    out, seen = [], set()
    for line in path.read_text().splitlines():
        cluster = json.loads(line)
        for number, text in enumerate(cluster["documents"]):
            if text.strip() and text not in seen:
                seen.add(text)
                out.append({"text": text, "source": f"Outlet {number}", "url": f"https://news.example.com/{cluster['id']}/{number}"})
    return out[:count]


def timed(call: Callable[..., httpx.Response], *args: Any, keep_text: bool = False, **kwargs: Any) -> Timing:
    """One request timed; the answer's text is kept for a page (`keep_text`) and for any answer other than 2xx."""
    start = time.perf_counter()
    answer = call(*args, **kwargs)
    failed = not 200 <= answer.status_code < 300
    text = f"{answer.request.method} {answer.request.url.raw_path.decode()}: {answer.text[:200]}" if failed else ""
    return time.perf_counter() - start, answer.status_code, answer.text if keep_text else text


def row(name: str, results: list[Timing], note: str = "") -> str:
    if not results:
        return f"| {name} | 0 | | | | | {note} |"
    latencies = sorted(r[0] for r in results)
    errors = sum(1 for r in results if not 200 <= r[1] < 300)
    p95 = latencies[round(0.95 * (len(latencies) - 1))]
    return (f"| {name} | {len(results)} | {statistics.median(latencies) * 1000:.0f} | {p95 * 1000:.0f} | "
            f"{max(latencies) * 1000:.0f} | {errors} | {note} |")


def post_until(http: httpx.Client, batch: Iterator[dict], stop: threading.Event, lock: threading.Lock) -> list[Timing]:
    """Post reports from `batch` one at a time until `stop` is set or the batch is used up."""
    results = []
    while not stop.is_set():
        with lock:
            report = next(batch, None)
        if report is None:
            break
        results.append(timed(http.post, "/api/articles", json=report))
    return results


def wait_for_stored_briefs(db: Path, story_ids: list[str]) -> float:
    """Seconds until the store holds a brief of the current version of every story given (read-only, as the
    service's background workers catch up with the burst of posts)."""
    start = time.perf_counter()
    marks = ",".join("?" * len(story_ids))
    query = (f"SELECT COUNT(*) FROM stories s WHERE s.id IN ({marks}) AND EXISTS "
             "(SELECT 1 FROM briefs b WHERE b.story_id = s.id AND b.version = s.version)")
    while time.perf_counter() - start < SETTLE_SECONDS:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            if connection.execute(query, story_ids).fetchone()[0] == len(story_ids):
                break
        time.sleep(0.5)
    return time.perf_counter() - start


def run(workers: int, first: list[dict], more: list[dict], *, clients: int, pages: int) -> list[str]:
    """One run on a fresh store; the rows of the table."""
    extra = ("--brief-workers", str(workers))
    with tempfile.TemporaryDirectory() as folder, running_service(db := Path(folder) / "load.db", *extra) as base, \
            httpx.Client(base_url=base, timeout=600, limits=httpx.Limits(max_connections=2 * clients)) as http:
        with ThreadPoolExecutor(clients) as pool:
            posts = list(pool.map(lambda r: timed(http.post, "/api/articles", json=r), first))
        stories = http.get("/api/stories", params={"limit": 200}).json()["stories"]
        ids = [s["id"] for s in stories if s["sources"] >= 2][:pages]
        waited = wait_for_stored_briefs(db, ids) if workers else 0.0
        settle = f"; their briefs stored {waited:.0f} s after the last post" if workers else ""
        stop, lock, queue = threading.Event(), threading.Lock(), iter(more)
        with ThreadPoolExecutor(clients) as posters, ThreadPoolExecutor(clients) as readers:
            posting = [posters.submit(post_until, http, queue, stop, lock) for _ in range(clients)]
            cold = list(readers.map(lambda i: timed(http.get, f"/stories/{i}", keep_text=True), ids))
            warm = list(readers.map(lambda i: timed(http.get, f"/stories/{i}", keep_text=True), ids))
            stop.set()
            posts_meanwhile = [t for future in posting for t in future.result()]
    label = f"{workers} workers" if workers else "baseline: on request, one lock"
    updating = sum(1 for r in cold if UPDATING_MARK in r[2])
    return [
        row(f"{label}: POST /api/articles", posts, f"{len(first)} reports, {len(stories)} stories{settle}"),
        row(f"{label}: POST while pages are read", posts_meanwhile),
        row(f"{label}: GET /stories/{{id}} first view (uncached)", cold, f"{updating} marked updating"),
        row(f"{label}: GET /stories/{{id}} again (cached)", warm),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--search", action="store_true", help="run the search scenario instead (see the docstring)")
    parser.add_argument("--reports", type=int, default=10_000, help="reports in the search scenario's store")
    parser.add_argument("--queries", type=int, default=400, help="requests of each kind in the search scenario")
    parser.add_argument("--briefs", type=int, default=40, help="stories whose brief is stored in the search scenario")
    parser.add_argument("--store", type=Path, help="search scenario: measure this store instead of building one")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2],
                        help="--brief-workers of each run (0: the baseline, briefs made on request)")
    args = parser.parse_args()
    if args.search:
        return search_load(args)
    batch = reports(2 * args.posts)
    first, more = batch[:args.posts], batch[args.posts:]
    table = []
    for workers in args.workers:
        table += run(workers, first, more, clients=args.clients, pages=args.pages)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{args.clients} clients; {os.cpu_count()} cores; load average at the end {load}\n")
    print("| requests | n | p50 ms | p95 ms | max ms | errors | |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(table))
    return 0


# -- search ----------------------------------------------------------------------------------------

SEARCH_WORD = re.compile(r"[A-Za-z]{6,}")


def search_store(path: Path, reports: int, briefs: int) -> None:
    """Fill a store at `path` with `reports` synthetic reports (bench/scaling.py) and the briefs of its `briefs`
    largest stories."""
    sys.path.insert(0, str(ROOT / "bench"))
    from scaling import BATCH, DEFAULT_DEV, build_stream

    from newsweave.store import Store
    from newsweave.story_brief import save_story_brief

    with Store(path) as store:
        stream = build_stream(DEFAULT_DEV, reports)
        while batch := list(itertools.islice(stream, BATCH)):
            store.add_articles(batch)
        largest = store._db.execute("SELECT story_id FROM articles WHERE story_id IS NOT NULL AND duplicate_of IS NULL "
                                    "GROUP BY story_id ORDER BY COUNT(*) DESC LIMIT ?", (briefs,)).fetchall()
        for (story_id,) in largest:
            save_story_brief(store, story_id)


def query_material(path: Path) -> tuple[list[str], list[str]]:
    """The names of people, organisations and places of the stored briefs, and words of the reports, to query."""
    with closing(sqlite3.connect(path)) as db:
        names = [row[0] for row in db.execute(
            "SELECT DISTINCT e.name FROM entity_stories e JOIN entities t ON t.id = e.entity_id "
            "WHERE t.type IN ('PERSON', 'ORG', 'GPE') ORDER BY e.name")]
        texts = [row[0] for row in db.execute("SELECT text FROM articles ORDER BY seq LIMIT 2000")]
    words = sorted({word for text in texts[::40] for word in SEARCH_WORD.findall(text[:2000])})
    return names, words


def search_load(args: argparse.Namespace) -> int:
    """The search scenario: p50/p95 of searches and entity lookups beside the story list, `args.clients` at once."""
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        path = args.store or Path(folder) / "search.db"
        start = time.perf_counter()
        if not args.store:
            search_store(path, args.reports, args.briefs)
        built = time.perf_counter() - start
        names, words = query_material(path)
        with closing(sqlite3.connect(path)) as db:
            sizes = db.execute("SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories), "
                               "(SELECT COUNT(DISTINCT story_id) FROM briefs)").fetchone()
        kinds = {
            "GET /api/stories?limit=20 (baseline)": [("/api/stories", {"limit": 20})] * args.queries,
            "GET /api/search?q=NAME (a name of a stored brief)": [("/api/search", {"q": rng.choice(names)}) for _ in range(args.queries)],
            "GET /api/search?q=WORD (a word of a report)": [("/api/search", {"q": rng.choice(words)}) for _ in range(args.queries)],
            "GET /api/search?q=WORD+WORD": [("/api/search", {"q": " ".join(rng.sample(words, 2))}) for _ in range(args.queries)],
            "GET /search?q=NAME (results page)": [("/search", {"q": rng.choice(names)}) for _ in range(args.queries)],
            # the name quoted whole: names hold slashes ("AP Photo/LM"), question marks and the like
            "GET /api/entities/NAME": [(f"/api/entities/{quote(rng.choice(names), safe='')}", {})
                                       for _ in range(args.queries)],
        }
        rows, failures = [], []
        with running_service(path) as base, httpx.Client(base_url=base, timeout=120,
                                                         limits=httpx.Limits(max_connections=args.clients)) as http:
            for path_, params in list(kinds.values())[1][:20]:
                http.get(path_, params=params)  # warm the page cache
            for name, requests in kinds.items():
                start = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    results = list(pool.map(lambda request: timed(http.get, request[0], params=request[1]), requests))
                rows.append(row(name, results, f"wall {time.perf_counter() - start:.1f} s"))
                failures += [f"{status} {text}" for _, status, text in results if not 200 <= status < 300]
    made = f"given store {args.store}" if args.store else f"{args.reports} synthetic reports, store built in {built:.0f} s"
    print(f"{made}: {sizes[0]} reports, {sizes[1]} stories, {sizes[2]} briefs stored ({len(names)} names to query); "
          f"{args.clients} clients\n")
    print("| requests | n | p50 ms | p95 ms | max ms | errors | |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if failures:
        print(f"\n{len(failures)} answers other than 2xx; the first ones:\n" + "\n".join(failures[:10]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
