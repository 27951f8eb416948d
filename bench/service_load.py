"""Load on a real `newsweave serve`: a burst of distinct reports posted from several clients, then story pages.

Run: .venv/bin/python bench/service_load.py [--posts 300] [--clients 8]
Prints one table: requests, wall time, throughput, latency percentiles, statuses.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
