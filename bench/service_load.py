"""Load on a real `newsweave serve`: a burst of distinct reports posted from several clients, then story pages.

Run: .venv/bin/python bench/service_load.py [--posts 300] [--clients 8]
Prints one table: requests, wall time, throughput, latency percentiles, statuses.

Search: .venv/bin/python bench/service_load.py --search [--reports 10000] [--clients 8] [--queries 400] [--briefs 40]
[--store PATH] builds a store of synthetic reports as bench/scaling.py makes them, stores the briefs of its largest stories (so
names are expanded to their spellings), then runs searches, entity lookups and, as the baseline in the same run,
the story list, from several clients at once.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from servers import running_service  # noqa: E402

DEV_SET = Path("/work/shared/data/multinews-dev.jsonl")
DEV_SLICE = ROOT / "tests" / "fixtures" / "multinews-dev-12.jsonl"


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


def timed(call: Callable[..., httpx.Response], *args: Any, **kwargs: Any) -> tuple[float, int]:
    start = time.perf_counter()
    status = call(*args, **kwargs).status_code
    return time.perf_counter() - start, status


def row(name: str, results: list[tuple[float, int]], wall: float) -> str:
    latencies = sorted(r[0] for r in results)
    statuses = {s: sum(1 for r in results if r[1] == s) for s in sorted({r[1] for r in results})}
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return (f"| {name} | {len(results)} | {wall:.1f} | {len(results) / wall:.1f} | {statistics.median(latencies) * 1000:.0f} | "
            f"{p95 * 1000:.0f} | {max(latencies) * 1000:.0f} | {statuses} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--search", action="store_true", help="run the search scenario instead (see the docstring)")
    parser.add_argument("--reports", type=int, default=10_000, help="reports in the search scenario's store")
    parser.add_argument("--queries", type=int, default=400, help="requests of each kind in the search scenario")
    parser.add_argument("--briefs", type=int, default=40, help="stories whose brief is stored in the search scenario")
    parser.add_argument("--store", type=Path, help="search scenario: measure this store instead of building one")
    args = parser.parse_args()
    if args.search:
        return search_load(args)
    batch = reports(args.posts)
    with tempfile.TemporaryDirectory() as folder, running_service(Path(folder) / "load.db") as base, \
            httpx.Client(base_url=base, timeout=300, limits=httpx.Limits(max_connections=args.clients)) as http:
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            posts = list(pool.map(lambda r: timed(http.post, "/api/articles", json=r), batch))
        post_wall = time.perf_counter() - start
        stories = http.get("/api/stories", params={"limit": 200}).json()["stories"]
        ids = [s["id"] for s in stories if s["sources"] >= 2][:40]
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            cold = list(pool.map(lambda i: timed(http.get, f"/stories/{i}"), ids))
        cold_wall = time.perf_counter() - start
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            warm = list(pool.map(lambda i: timed(http.get, f"/stories/{i}"), ids))
        warm_wall = time.perf_counter() - start
    print(f"{len(batch)} distinct reports, {args.clients} clients, {len(stories)} stories listed\n")
    print("| requests | n | wall s | per s | p50 ms | p95 ms | max ms | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    print(row("POST /api/articles (one report each)", posts, post_wall))
    print(row("GET /stories/{id} (brief computed)", cold, cold_wall))
    print(row("GET /stories/{id} (cached brief)", warm, warm_wall))
    return 0


# -- search ----------------------------------------------------------------------------------------

SEARCH_WORD = re.compile(r"[A-Za-z]{6,}")


def search_store(path: Path, reports: int, briefs: int) -> None:
    """Fill a store at `path` with `reports` synthetic reports (bench/scaling.py) and the briefs of its `briefs`
    largest stories."""
    sys.path.insert(0, str(ROOT / "bench"))
    from scaling import BATCH, DEFAULT_DEV, build_stream

    from newsweave.service._briefs import story_brief
    from newsweave.store import Store

    with Store(path) as store:
        stream = build_stream(DEFAULT_DEV, reports)
        while batch := list(itertools.islice(stream, BATCH)):
            store.add_articles(batch)
        largest = store._db.execute("SELECT story_id FROM articles WHERE story_id IS NOT NULL AND duplicate_of IS NULL "
                                    "GROUP BY story_id ORDER BY COUNT(*) DESC LIMIT ?", (briefs,)).fetchall()
        for (story_id,) in largest:
            store.save_brief(story_id, store.story_version(story_id), story_brief(store, story_id))


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
            "GET /api/entities/NAME": [(f"/api/entities/{rng.choice(names)}", {}) for _ in range(args.queries)],
        }
        rows = []
        with running_service(path) as base, httpx.Client(base_url=base, timeout=120,
                                                         limits=httpx.Limits(max_connections=args.clients)) as http:
            for path_, params in list(kinds.values())[1][:20]:
                http.get(path_, params=params)  # warm the page cache
            for name, requests in kinds.items():
                start = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    results = list(pool.map(lambda request: timed(http.get, request[0], params=request[1]), requests))
                rows.append(row(name, results, time.perf_counter() - start))
    made = f"given store {args.store}" if args.store else f"{args.reports} synthetic reports, store built in {built:.0f} s"
    print(f"{made}: {sizes[0]} reports, {sizes[1]} stories, {sizes[2]} briefs stored ({len(names)} names to query); "
          f"{args.clients} clients\n")
    print("| requests | n | wall s | per s | p50 ms | p95 ms | max ms | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
