"""Tell the language of a report, split cleaned articles into sentences and mark the ones that are broken or page furniture."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from .clean import is_furniture
from .models import Article, Sentence, with_sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc

ANALYSIS_LANGUAGE = "en"
"""The language the analysis reads (its sentence splitter, tagger and NER are English models)."""
LANGUAGE_SAMPLE_CHARACTERS = 1000
"""The language of a report is read from its first characters: enough to be sure, cheap on long reports."""
MIN_LANGUAGE_WORDS = 20
"""A shorter text is not judged: it is taken to be English (langid can be misled by a line or two)."""
MIN_LANGUAGE_CONFIDENCE = 0.9
"""A report is in another language only when langid is at least this sure of it (normalised probability)."""
MIN_SENTENCE_WORDS = 5
SHORT_SENTENCE_WORDS = 16
"""Sentences up to this length are checked for a finite verb: fragments left by stripped links are short."""
MAX_QUOTED_SENTENCES = 4
"""A quotation is kept whole across at most this many sentences."""

_LINE = re.compile(r"\S(?:[^\n]*\S)?")
"""One line of a sentence, without the spaces around it."""
_ENDS_AS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_STARTS_AS_SENTENCE = re.compile(r"^[\"'“‘(\[]*[A-Z0-9]")
_DANGLING_COORDINATION = re.compile(r"\b(?:and|or|but)\s+(?:as|of|by|from)\s+(?:the|a|an)\b", re.IGNORECASE)
_TRAILING_OPEN_QUOTE = re.compile(r"(?<!\S)[\"“][\[(]?$")
_FINITE_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_PLAINLY_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|had|says|said|will|would|can|could|should|may|might|must|does|did|won't|can't|isn't|"
    r"wasn't|became|began|brought|bought|came|caught|chose|drew|fell|fought|found|gave|got|grew|held|kept|knew|led|"
    r"made|meant|met|paid|ran|rose|sat|sent|sold|spent|spoke|stood|struck|taught|thought|threw|told|took|went|won|"
    r"wore|wrote)\b|(?-i:(?<=\w )[a-z]{2,}ed\b)",
    re.IGNORECASE,
)
"""Forms that are (almost always) finite verbs, and past forms in -ed after the first word: a sentence
holding one needs no tagger to tell it has a verb."""


def report_language(text: str) -> str | None:
    """The ISO 639-1 code of a report's language when it is long enough and langid is sure of it, else None."""
    sample = text[:LANGUAGE_SAMPLE_CHARACTERS]
    if len(sample.split()) < MIN_LANGUAGE_WORDS:
        return None
    language, confidence = language_identifier().classify(sample)
    return language if confidence >= MIN_LANGUAGE_CONFIDENCE else None


def is_readable(text: str) -> bool:
    """Whether the analysis can read a report: it is in English, or too short or too mixed to tell."""
    return report_language(text) in (None, ANALYSIS_LANGUAGE)


@cache
def language_identifier():  # noqa: ANN201 - py3langid's LanguageIdentifier
    """py3langid's identifier with probabilities, its model loaded once (from the package: nothing is downloaded)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def split_sentences(articles: Sequence[Article]) -> list[Article]:
    """The articles again, each holding its `sentences` (none across a paragraph break), broken ones by form marked.

    Whether a short sentence has a finite verb needs the tagger: callers run `verbless_fragments` on the
    sentences they are about to use (`mark_verbless_fragments` for all of them, the summarizer for its best
    candidates).
    """
    from .nlp import sentence_splitter

    docs = sentence_splitter().pipe(article.text for article in articles)
    split = []
    for number, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        texts = [t for t in _sentence_texts(doc) if not is_furniture(t)]
        sentences = [Sentence(text=t, article=number, position=i, broken=is_broken(t)) for i, t in enumerate(texts)]
        split.append(replace(article, sentences=sentences))
    return split


def _sentence_texts(doc: Doc) -> list[str]:
    """The doc's sentences as exact slices of its text, cut at line breaks, with quotations kept whole."""
    text = doc.text
    spans = [
        (line.start(), line.end())
        for sentence in doc.sents
        for line in _LINE.finditer(text, sentence.start_char, sentence.end_char)
    ]
    return [text[start:end] for start, end in join_open_quotes(text, spans)]


def join_open_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give an opening quote mark back to the sentence it opens, and keep a quotation of several sentences whole.

    `spans` are the (start, end) offsets of sentences in `text`; nothing is joined across a line break,
    so every result is still an exact slice of `text`.
    """
    moved: list[tuple[int, int]] = []
    carried_from: int | None = None
    for start, end in spans:
        if carried_from is not None and "\n" not in text[carried_from:start]:
            start = carried_from
        carried_from = None
        match = _TRAILING_OPEN_QUOTE.search(text, start, end)
        if match:
            carried_from, end = match.start(), match.start()
            while end > start and text[end - 1].isspace():
                end -= 1
        if end > start:
            moved.append((start, end))
    joined: list[tuple[int, int]] = []
    open_for = 0
    for start, end in moved:
        if joined and 0 < open_for <= MAX_QUOTED_SENTENCES and "\n" not in text[joined[-1][1]:start]:
            joined[-1] = (joined[-1][0], end)
            open_for += 1
        else:
            joined.append((start, end))
            open_for = 1
        if _quotes_balanced(text[joined[-1][0]:joined[-1][1]]):
            open_for = 0
    return joined


def _quotes_balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def is_broken(text: str) -> bool:
    """Whether a sentence is unusable as it stands: a heading, a fragment, or cut mid-quote."""
    words = text.split()
    if len(words) < MIN_SENTENCE_WORDS:
        return True
    if not _ENDS_AS_SENTENCE.search(text) or not _STARTS_AS_SENTENCE.match(text):
        return True
    if not _quotes_balanced(text):
        return True
    return _DANGLING_COORDINATION.search(text) is not None


def verbless_fragments(sentences: Sequence[Sentence]) -> list[int]:
    """Which of `sentences` (their indices) are short, not yet broken, and have no finite verb.

    "The US and as the legitimate president." is one: a fragment left where a link was stripped.
    """
    from .nlp import part_of_speech_tagger

    suspects = [i for i, s in enumerate(sentences) if not s.broken and _needs_tagger(s.text)]
    docs = part_of_speech_tagger().pipe(sentences[i].text for i in suspects)
    return [
        i for i, doc in zip(suspects, docs, strict=True) if not any(token.tag_ in _FINITE_VERB_TAGS for token in doc)
    ]


def mark_verbless_fragments(articles: Sequence[Article]) -> list[Article]:
    """The articles again, every sentence of theirs that `verbless_fragments` finds marked broken."""
    sentences = [s for a in articles for s in a.sentences]
    fragments = set(verbless_fragments(sentences))
    return with_sentences(articles, [replace(s, broken=True) if i in fragments else s for i, s in enumerate(sentences)])


def _needs_tagger(text: str) -> bool:
    return len(text.split()) <= SHORT_SENTENCE_WORDS and not _PLAINLY_FINITE.search(text)
