"""The grouping baseline as a command of its own: TF-IDF + average-linkage agglomerative clustering.

    python bench/cluster_baseline.py STREAM.jsonl --out GROUPS.jsonl

Reads the same JSONL stream as `newsweave cluster` (one object per line with `id` and `text`) and
writes `{"id": ..., "story": ...}` per line, as a user would script it with scikit-learn: TF-IDF
over the texts (English stop words), average linkage at cosine distance 0.8. `bench/grouping.py`
imports `cluster_texts` for the in-process figures and runs this file as a whole process for the
start-up-included timing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

BASELINE_DISTANCE = 0.8


def cluster_texts(texts: Sequence[str]) -> list[int]:
    """One cluster label per text: TF-IDF + average-linkage agglomerative clustering at cosine distance 0.8."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(stop_words="english").fit_transform(texts).toarray()
    return AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=BASELINE_DISTANCE
    ).fit_predict(vectors).tolist()


def main() -> None:
    """Cluster a JSONL stream and write one line per report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stream")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.stream, encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    labels = cluster_texts([record["text"] for record in records])
    with open(args.out, "w", encoding="utf-8") as out:
        for record, label in zip(records, labels, strict=True):
            out.write(json.dumps({"id": record["id"], "story": f"c-{label}"}) + "\n")


if __name__ == "__main__":
    main()
