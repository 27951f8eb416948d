"""Time the full cross-source analysis (NER, entities, claims, disagreements, quotes, timeline) on the dev set.

Run: .venv/bin/python bench/analysis.py [DEV.jsonl]
Loads the spaCy model once, then makes the full Brief of every cluster, timing the whole brief and,
inside it, the analysis stage alone (what `--summary-only` skips). Prints one table, and counts of what
the analysis found, so a regression in either speed or output shows.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from newsweave import make_brief
from newsweave.nlp import entity_recognizer, part_of_speech_tagger
from newsweave.pipeline import articles_from_documents

DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "multinews-dev.jsonl"
TARGET_SECONDS = 0.5


def main(path: Path) -> int:
    clusters = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    entity_recognizer(), part_of_speech_tagger()
    make_brief(articles_from_documents(clusters[0]["documents"]), min_sources=1)  # warm caches once
    full, summary_only, errors = [], [], []
    found = {"entities": 0, "claims": 0, "corroborated": 0, "disagreements": 0, "quotes": 0, "timeline": 0}
    for cluster in clusters:
        try:
            start = time.perf_counter()
            make_brief(articles_from_documents(cluster["documents"]), min_sources=1, full_analysis=False)
            summary_only.append(time.perf_counter() - start)
            start = time.perf_counter()
            brief = make_brief(articles_from_documents(cluster["documents"]), min_sources=1)
            full.append(time.perf_counter() - start)
        except Exception as error:  # noqa: BLE001 - the benchmark's job is to count failures, not stop at the first
            errors.append(f"{cluster['id']}: {type(error).__name__}: {error}")
            continue
        for field in ("entities", "claims", "disagreements", "quotes", "timeline"):
            found[field] += len(getattr(brief, field))
        found["corroborated"] += sum(c.status == "corroborated" for c in brief.claims)
    full_s, summary_s = np.array(full), np.array(summary_only)
    analysis_s = full_s - summary_s
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"clusters: {len(clusters)}  errors: {len(errors)}  peak memory: {peak_mb:.0f} MB")
    print()
    print("| per cluster (s)            | mean  | p95   | max   |")
    print("|----------------------------|-------|-------|-------|")
    for name, values in (("full brief", full_s), ("summary only", summary_s), ("analysis (full - summary)", analysis_s)):
        print(f"| {name:<26} | {values.mean():.3f} | {np.percentile(values, 95):.3f} | {values.max():.3f} |")
    print()
    print("found per cluster: " + ", ".join(f"{k} {v / max(1, len(full)):.1f}" for k, v in found.items()))
    print(f"target: full brief under {TARGET_SECONDS} s per cluster on average: "
          f"{'met' if full_s.mean() < TARGET_SECONDS else 'NOT met'}")
    for line in errors[:10]:
        print("error:", line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_SET))
