"""Train the packaged sentence scorer on the dev set and report its cross-validated ROUGE.

    python bench/train_scorer.py [--dev ../shared/data/multinews-dev.jsonl] [--write]

Each sentence's target is how much of it the human summary holds: the ROUGE-1 and ROUGE-2
precision of the sentence against the reference (rouge-score's tokenizer and stemmer). A ridge
regression on the standardised features of `newsweave.summarize.FEATURE_NAMES` learns it. The
script prints 5-fold cross-validated ROUGE of the whole summarizer (folds by cluster, so no
cluster is scored by weights that saw it), then, with --write, fits on all clusters and writes
src/newsweave/data/sentence_scorer.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from newsweave.options import Options

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
SCORER_FILE = ROOT / "src" / "newsweave" / "data" / "sentence_scorer.json"
FOLDS = 5
RIDGE_ALPHA = 1.0
BUDGET = 260
OPTIONS = Options(max_words=BUDGET)
"""The options the scorer is trained and scored with: the benchmarks' budget, other tunables at their defaults."""


@dataclass
class Cluster:
    """One dev cluster, prepared once: its articles, sentence space, features, targets and reference."""

    articles: list
    space: object
    features: np.ndarray
    targets: np.ndarray
    reference: str


def prepare(dev: Path) -> list[Cluster]:
    """Run the pipeline's stages up to the features on every dev cluster (grammar checked for all)."""
    from rouge_score.tokenizers import DefaultTokenizer

    from newsweave.analyze import mark_verbless_fragments
    from newsweave.pipeline import articles_from_documents, prepare_articles
    from newsweave.space import sentence_space
    from newsweave.summarize import sentence_features

    stemmer = DefaultTokenizer(use_stemmer=True)
    clusters = []
    for row in map(json.loads, dev.read_text().splitlines()):
        articles = mark_verbless_fragments(prepare_articles(articles_from_documents(row["documents"]), min_sources=1))
        space = sentence_space(articles, stem=True)
        reference = stemmer.tokenize(row["summary"])
        targets = np.array([_overlap(stemmer.tokenize(s.text), reference) for s in space.sentences])
        features = sentence_features(articles, space, same_fact_similarity=OPTIONS.same_fact_similarity)
        clusters.append(Cluster(articles, space, features, targets, row["summary"]))
    return clusters


def _overlap(tokens: list[str], reference: list[str]) -> float:
    if not tokens:
        return 0.0
    unigrams = Counter(reference)
    bigrams = Counter(pairwise(reference))
    hit1 = sum(min(n, unigrams[t]) for t, n in Counter(tokens).items())
    hit2 = sum(min(n, bigrams[b]) for b, n in Counter(pairwise(tokens)).items())
    return 0.5 * hit1 / len(tokens) + 0.5 * hit2 / max(1, len(tokens) - 1)


def fit(clusters: list[Cluster]) -> dict:
    """Fit the ridge scorer on these clusters' usable sentences; return it as the packaged JSON dict."""
    from sklearn.linear_model import Ridge

    from newsweave.summarize import FEATURE_NAMES

    usable = [(c.features[i], c.targets[i]) for c in clusters for i, s in enumerate(c.space.sentences) if not s.broken]
    features = np.array([f for f, _ in usable])
    targets = np.array([t for _, t in usable])
    means = features.mean(axis=0)
    scales = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
    model = Ridge(alpha=RIDGE_ALPHA).fit((features - means) / scales, targets)
    return {
        "features": list(FEATURE_NAMES),
        "weights": [round(float(w), 6) for w in model.coef_],
        "bias": round(float(model.intercept_), 6),
        "means": [round(float(m), 6) for m in means],
        "scales": [round(float(s), 6) for s in scales],
        "note": "ridge regression on the 250 MultiNews dev clusters (bench/train_scorer.py); "
        "target: ROUGE-1/2 precision of each sentence against the human summary",
    }


def score(clusters: list[Cluster], scorer: dict) -> dict[str, float]:
    """Mean ROUGE F1 (x100) of the summarizer over these clusters with the given scorer weights."""
    from rouge_score import rouge_scorer

    from newsweave.summarize import SentenceScorer, summarize

    weights = SentenceScorer.from_dict(scorer)
    rouge = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    totals = Counter()
    for cluster in clusters:
        chosen = summarize(cluster.articles, cluster.space, options=OPTIONS, scorer=weights)
        result = rouge.score(cluster.reference, "\n".join(c.sentence.text for c in chosen))
        for key, value in result.items():
            totals[key] += value.fmeasure
    return {key: 100 * value / len(clusters) for key, value in totals.items()}


def cross_validate(clusters: list[Cluster]) -> dict[str, float]:
    """ROUGE of each fold scored with weights fitted on the other folds, averaged over all clusters."""
    totals = Counter()
    for fold in range(FOLDS):
        train = [c for i, c in enumerate(clusters) if i % FOLDS != fold]
        test = [c for i, c in enumerate(clusters) if i % FOLDS == fold]
        for key, value in score(test, fit(train)).items():
            totals[key] += value * len(test)
    return {key: value / len(clusters) for key, value in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--write", action="store_true", help=f"write the scorer fitted on all clusters to {SCORER_FILE}")
    args = parser.parse_args()
    clusters = prepare(args.dev)
    cv = cross_validate(clusters)
    scorer = fit(clusters)
    fitted = score(clusters, scorer)
    print("| weights | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |\n|---|---:|---:|---:|")
    print(f"| {FOLDS}-fold cross-validated | {cv['rouge1']:.2f} | {cv['rouge2']:.2f} | {cv['rougeLsum']:.2f} |")
    print(f"| fitted on all {len(clusters)} clusters | {fitted['rouge1']:.2f} | {fitted['rouge2']:.2f} | {fitted['rougeLsum']:.2f} |")
    if args.write:
        SCORER_FILE.write_text(json.dumps(scorer, indent=1) + "\n")
        print(f"wrote {SCORER_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
