"""Split cleaned articles into sentences and mark the ones that are broken or page furniture."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .clean import is_furniture
from .models import Article, Sentence

MIN_SENTENCE_WORDS = 5
SHORT_SENTENCE_WORDS = 16
"""Sentences up to this length are checked for a finite verb: fragments left by stripped links are short."""
MAX_QUOTED_SENTENCES = 4
"""A quotation is kept whole across at most this many sentences."""

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\S)")
_ENDS_AS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_STARTS_AS_SENTENCE = re.compile(r"^[\"'“‘(\[]*[A-Z0-9]")
_OPEN_QUOTES = re.compile(r"[“\"]")
_DANGLING_COORDINATION = re.compile(r"\b(?:and|or|but)\s+(?:as|of|by|from)\s+(?:the|a|an)\b", re.IGNORECASE)
_TRAILING_OPEN_QUOTE = re.compile(r"\s+([\"“][\[(]?)$")
_FINITE_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def split_sentences(articles: Sequence[Article], *, check_grammar: bool = True) -> None:
    """Fill each article's `sentences`, paragraph by paragraph, marking broken ones."""
    from .nlp import sentence_splitter

    splitter = sentence_splitter()
    for number, article in enumerate(articles):
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(article.text) if p.strip()]
        texts: list[str] = []
        for doc in splitter.pipe(paragraphs):
            texts.extend(join_open_quotes([span.text.strip() for span in doc.sents]))
        texts = [t for t in texts if t and not is_furniture(t)]
        article.sentences = [
            Sentence(text=t, article=number, position=i, broken=is_broken(t)) for i, t in enumerate(texts)
        ]
    if check_grammar:
        mark_verbless_fragments([s for a in articles for s in a.sentences])


def join_open_quotes(texts: list[str]) -> list[str]:
    """Give an opening quote mark back to the sentence it opens, and keep a quotation of several sentences whole."""
    moved: list[str] = []
    carry = ""
    for text in texts:
        text = carry + text
        match = _TRAILING_OPEN_QUOTE.search(text)
        carry = ""
        if match and not _quotes_balanced(text):
            carry, text = match[1], text[: match.start()]
        if text:
            moved.append(text)
    joined: list[str] = []
    open_for = 0
    for text in moved:
        if joined and open_for and open_for <= MAX_QUOTED_SENTENCES:
            joined[-1] = f"{joined[-1]} {text}"
            open_for += 1
        else:
            joined.append(text)
            open_for = 1
        if _quotes_balanced(joined[-1]):
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


def mark_verbless_fragments(sentences: Sequence[Sentence]) -> None:
    """Mark short sentences without a finite verb as broken ("The US and as the legitimate president.")."""
    from .nlp import part_of_speech_tagger

    short = [s for s in sentences if not s.broken and len(s.text.split()) <= SHORT_SENTENCE_WORDS]
    if not short:
        return
    for sentence, doc in zip(short, part_of_speech_tagger().pipe(s.text for s in short)):
        if not any(token.tag_ in _FINITE_VERB_TAGS for token in doc):
            sentence.broken = True
