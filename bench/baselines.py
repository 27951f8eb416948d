"""The summary baselines (lead, sumy's LexRank and TextRank), run as their own process so whole runs can be timed alike.

    python bench/baselines.py lead|lexrank|textrank IN.jsonl OUT.jsonl --max-words 260

Sentences are split with a plain regex (as the reference figures in BENCHMARKS.md were measured); every system,
newsweave included, fills its budget with whole sentences in its own rank order, skipping any
sentence that would overflow it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9']+")


class RegexTokenizer:
    """The plain regex splitter, in the shape sumy's summarizers expect of a tokenizer."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        return WORD.findall(sentence)


def split_documents(documents: list) -> list[list[str]]:
    """Each document's sentences, documents given as strings or objects with `text`."""
    tokenizer = RegexTokenizer()
    texts = [d if isinstance(d, str) else d.get("text", "") for d in documents]
    return [tokenizer.to_sentences(" ".join(t.split())) for t in texts]


def fill_budget(ranked: list[str], max_words: int) -> list[str]:
    """Take whole sentences in rank order while they fit the budget, skipping those that would overflow."""
    chosen, used = [], 0
    for sentence in ranked:
        words = len(sentence.split())
        if used + words <= max_words:
            chosen.append(sentence)
            used += words
    return chosen


def lead(documents: list, max_words: int) -> list[str]:
    """First sentences: the first sentence of each document, then the second of each, and so on."""
    split = split_documents(documents)
    ranked = [doc[i] for i in range(max((len(d) for d in split), default=0)) for doc in split if i < len(doc)]
    return fill_budget(ranked, max_words)


def sumy_ranked(documents: list, algorithm: str) -> list[str]:
    """All sentences ranked best first by sumy's LexRank or TextRank (ties in document order)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    class RankAll(LexRankSummarizer if algorithm == "lexrank" else TextRankSummarizer):
        """sumy's summarizer, returning every sentence best first instead of the top few in document order."""

        def _get_best_sentences(  # the signature sumy calls
            self, sentences: Sequence[Any], count: object, rating: Mapping[Any, float], *args: object, **kwargs: object
        ) -> tuple[Any, ...]:
            return tuple(sorted(sentences, key=lambda s: -rating[s]))

    tokenizer = RegexTokenizer()
    paragraphs = [Paragraph([Sentence(s, tokenizer) for s in doc]) for doc in split_documents(documents)]
    model = ObjectDocumentModel(paragraphs)
    summarizer = RankAll(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return [str(s) for s in summarizer(model, len(model.sentences))]


def in_document_order(chosen: list[str], documents: list) -> list[str]:
    """Chosen sentences in the order they appear in the documents, as sumy returns them."""
    order = {s: i for i, s in enumerate(s for doc in split_documents(documents) for s in doc)}
    return sorted(chosen, key=lambda s: order.get(s, 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=("lead", "lexrank", "textrank"))
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--max-words", type=int, default=260)
    args = parser.parse_args()
    with open(args.input, encoding="utf-8") as source, open(args.output, "w", encoding="utf-8") as sink:
        for line in source:
            story = json.loads(line)
            if args.system == "lead":
                chosen = lead(story["documents"], args.max_words)
            else:
                ranked = sumy_ranked(story["documents"], args.system)
                chosen = in_document_order(fill_budget(ranked, args.max_words), story["documents"])
            sink.write(json.dumps({"id": story["id"], "summary": [{"text": s} for s in chosen]}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
