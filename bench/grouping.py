"""Story grouping benchmark: newsweave's incremental grouping against TF-IDF + agglomerative clustering.

    python bench/grouping.py [--dev ../shared/data/multinews-dev.jsonl] [--seed 0] [--repeats 3]

The stream is every document of every dev cluster, shuffled (seeded). The dev set has no dates
or outlets, so the stream builder gives each cluster an event day (uniform over 180 days from
2020-01-01) and each of its articles that day plus 0-2 days, and names each article's outlet
`outlet-<position in its cluster>`. The stream is scored twice: undated (dates removed: no
time window can help) and dated. B-cubed precision/recall/F1 against the true clusters; a page
newsweave leaves out (not a news report) counts as a story of its own. The baseline, in the
same run on the same stream: TF-IDF + average-linkage agglomerative clustering at cosine
distance 0.8 (scikit-learn). Times are in-process, best of `--repeats`, vectorizing included.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsweave.cli._corpus import cluster_articles  # noqa: E402
from newsweave.models import Article  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
EVENT_SPAN_DAYS = 180
ARTICLE_LAG_DAYS = 2
START = date(2020, 1, 1)
BASELINE_DISTANCE = 0.8


def build_stream(dev: Path, *, seed: int, dated: bool) -> tuple[list[Article], dict[str, str]]:
    """The shuffled stream of all dev articles and each article's true cluster."""
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


def run_newsweave(articles: Sequence[Article]) -> tuple[dict[str, str], Counter]:
    """newsweave's stateless grouping; a page left out becomes its own story."""
    copies = [Article(id=a.id, text=a.text, source=a.source, published=a.published) for a in articles]
    assigned = cluster_articles(copies)
    predicted = {a.id: assigned[a.id][0] or f"alone:{a.id}" for a in articles}
    return predicted, Counter(reason for _, _, reason in assigned.values() if reason)


def run_baseline(articles: Sequence[Article]) -> dict[str, str]:
    """TF-IDF + average-linkage agglomerative clustering at cosine distance 0.8."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words="english").fit_transform([a.text for a in articles]).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=BASELINE_DISTANCE
    ).fit_predict(vectors)
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


def main() -> None:
    """Print the grouping table (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run_newsweave(build_stream(args.dev, seed=args.seed, dated=False)[0][:50])  # warm up imports
    print("| stream | system | articles | B3 precision | B3 recall | B3 F1 | time (s) | articles/s | speed-up |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for dated in (False, True):
        articles, truth = build_stream(args.dev, seed=args.seed, dated=dated)
        (ours, dropped), our_time = timed(run_newsweave, articles, args.repeats)
        theirs, their_time = timed(run_baseline, articles, args.repeats)
        stream = "dated" if dated else "undated"
        for name, predicted, seconds in (("newsweave", ours, our_time), ("TF-IDF + agglomerative 0.8", theirs, their_time)):
            precision, recall, f1 = b_cubed(predicted, truth)
            print(f"| {stream} | {name} | {len(articles)} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {seconds:.2f} | "
                  f"{len(articles) / seconds:.0f} | {their_time / seconds:.1f}x |")
    print()
    print("Left out as not news reports: " + ", ".join(f"{reason} {count}" for reason, count in sorted(dropped.items()))
          + f" (total {sum(dropped.values())} of {len(articles)})")


if __name__ == "__main__":
    main()
