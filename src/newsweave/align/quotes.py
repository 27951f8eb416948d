"""Direct quotations, each with its speaker resolved to a canonical entity, merged across sources.

A quote's text is always a verbatim slice of one source's sentence. The speaker is, in this order:
a title phrase before the speech verb that another outlet uses with a name ("Russian President
said" -> Vladimir Putin), the person named nearest the speech verb outside the quotation marks, the
person a pronoun ("he said") refers back to, or the organisation or place that speaks. A quotation
standing alone after another one continues the previous speaker. Quotes no rule attributes are left
out rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from unidecode import unidecode

from ..entities import Entity, EntityIndex
from ..models import Article, Mention, QuoteItem, Sentence

MIN_QUOTE_WORDS = 3
"""Shorter quoted spans are mostly scare quotes ("pressure"), not statements."""
SPEAKER_REACH = 80
"""How many characters from the speech verb a named speaker may stand."""
CONTINUATION_SENTENCES = 2
"""A pronoun or a bare quotation refers to a speaker named at most this many sentences before."""

_QUOTED = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
_SPEECH_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|stated|declared|insisted|warned|wrote|tweeted|announced|"
    r"explained|noted|argued|denounced|denouncing|called|calling|described|describing|replied|urged|promised|"
    r"according to|in a statement)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(he|she|it|they)\b", re.IGNORECASE)
_ROLE_BEFORE_VERB = re.compile(r"((?:[A-Z][\w'’-]*\s+){1,4})$")
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:…]+|[\s,;:…]+$")
_WORDS = re.compile(r"\w+")


@dataclass(slots=True)
class Quote:
    """One quotation: its verbatim text, who said it, and the articles carrying it."""

    text: str
    speaker: Entity
    articles: list[int] = field(default_factory=list)


def find_quotes(articles: Sequence[Article], index: EntityIndex) -> list[QuoteItem]:
    """Every attributed direct quotation of the story, merged across sources, as Brief items."""
    found: list[Quote] = []
    for article in articles:
        found.extend(_article_quotes(article, index))
    merged = _merge(found)
    return [
        QuoteItem(speaker=q.speaker.name, text=q.text, sources=[a + 1 for a in q.articles])
        for q in sorted(merged, key=lambda q: (-len(q.articles), q.articles[0]))
    ]


def _article_quotes(article: Article, index: EntityIndex) -> list[Quote]:
    quotes: list[Quote] = []
    last_speaker: tuple[int, Entity] | None = None
    last_person: tuple[int, Entity] | None = None
    for sentence in article.sentences:
        spans = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence.text)]
        texts = [_quote_text(m) for m in _QUOTED.finditer(sentence.text)]
        recent = [
            seen[1] for seen in (last_speaker, last_person)
            if seen is not None and sentence.position - seen[0] <= CONTINUATION_SENTENCES
        ]
        for number, text in enumerate(texts):
            if len(_WORDS.findall(text)) < MIN_QUOTE_WORDS:
                continue
            speaker = speaker_of(sentence, spans, number, index, recent)
            if speaker is None:  # someone we cannot name spoke: "he added" must not jump back past them
                last_speaker, last_person, recent = None, None, []
                continue
            last_speaker = (sentence.position, speaker)
            recent = [speaker, *recent]
            if text in article.text:  # never print a quotation no source holds verbatim
                quotes.append(Quote(text, speaker, [sentence.article]))
        people = [e for m in _outside(sentence.mentions, spans) if (e := index.entity_of(sentence, m)) and e.label == "PERSON"]
        if people:
            last_person = (sentence.position, people[-1])
    return quotes


def speaker_of(
    sentence: Sentence, spans: list[tuple[int, int]], number: int, index: EntityIndex, recent: list[Entity]
) -> Entity | None:
    """Who speaks quotation `number` of a sentence: its trailing attribution, its leading one, or the sentence's."""
    text = sentence.text
    trailing = (spans[number][1], spans[number + 1][0] if number + 1 < len(spans) else len(text))
    leading = (spans[number - 1][1] if number else 0, spans[number][0])
    for start, end in (trailing, leading):
        segment = " " * start + text[start:end] + " " * (len(text) - end)
        if verb := _SPEECH_VERB.search(segment):
            return _attribute(sentence, segment, verb, index, recent)
    outside = _blank(text, spans)
    verb = _SPEECH_VERB.search(outside)
    if verb is None:
        return recent[0] if recent and not outside.strip(" .,;:—-") else None
    return _attribute(sentence, outside, verb, index, recent)


def _attribute(
    sentence: Sentence, outside: str, verb: re.Match[str], index: EntityIndex, recent: list[Entity]
) -> Entity | None:
    """The speaker of speech verb `verb` in `outside` (the sentence with everything else blanked)."""
    role = _ROLE_BEFORE_VERB.search(outside[: verb.start()])
    if role:
        entity = _role_entity(role[1], index)
        if entity is not None:
            return entity
    candidates = [
        (_distance(m, verb.start(), verb.end()), m, e)
        for m in sentence.mentions
        if outside[m.start:m.end].strip() and (e := index.entity_of(sentence, m)) is not None
        and not _is_possessive(sentence.text, m)
    ]
    people = sorted((c for c in candidates if c[2].label == "PERSON" and c[0] <= SPEAKER_REACH), key=lambda c: c[0])
    if people:
        return people[0][2]
    pronoun = _nearest_pronoun(outside, verb.start(), verb.end())
    if pronoun in {"he", "she"}:
        return next((e for e in recent if e.label == "PERSON"), None)
    speakers = [c for c in candidates if c[1].end <= verb.start() and c[2].label in {"ORG", "GPE"}]
    speakers.sort(key=lambda c: (c[2].label != "ORG", c[0]))
    return speakers[0][2] if speakers else None


def _role_entity(words: str, index: EntityIndex) -> Entity | None:
    """The entity an outlet's bare title phrase names, trying the longest phrase first."""
    tokens = words.split()
    for start in range(len(tokens)):
        entity = index.entity_by_role(" ".join(tokens[start:]))
        if entity is not None:
            return entity
    return None


def _quote_text(match: re.Match) -> str:
    """The quoted words, trimmed of edge punctuation, still a verbatim slice of the sentence."""
    inner = match[1] if match[1] is not None else match[2]
    return _EDGE_PUNCTUATION.sub("", inner)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The sentence with quoted spans replaced by spaces, so offsets stay put."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _outside(mentions: Sequence[Mention], spans: list) -> list[Mention]:
    return [m for m in mentions if not any(s[0] <= m.start < s[1] for s in spans)]


def _distance(mention: Mention, verb_start: int, verb_end: int) -> int:
    if mention.end <= verb_start:
        return verb_start - mention.end
    return max(0, mention.start - verb_end)


def _is_possessive(text: str, mention: Mention) -> bool:
    return mention.text.endswith(("'s", "’s")) or text[mention.end:mention.end + 2] in {"'s", "’s"}


def _nearest_pronoun(outside: str, verb_start: int, verb_end: int) -> str | None:
    window = outside[max(0, verb_start - 20): verb_end + 12]
    match = _PRONOUN.search(window)
    return match[1].lower() if match else None


def quote_key(text: str) -> str:
    """A quote's words, ASCII and lower case, for matching the same quotation across outlets."""
    return " ".join(_WORDS.findall(unidecode(text).lower()))


def _merge(quotes: list[Quote]) -> list[Quote]:
    """Merge quotes whose words are equal or one contains the other; keep the longest verbatim text."""
    merged: list[tuple[str, Quote, Counter]] = []
    for quote in quotes:
        key = quote_key(quote.text)
        for number, (other_key, other, speakers) in enumerate(merged):
            if key == other_key or (min(len(key), len(other_key)) > 15 and (key in other_key or other_key in key)):
                speakers[quote.speaker.name, quote.speaker.label == "PERSON"] += 1
                other.articles = sorted({*other.articles, *quote.articles})
                if len(key) > len(other_key):
                    merged[number] = (key, Quote(quote.text, other.speaker, other.articles), speakers)
                break
        else:
            merged.append((key, Quote(quote.text, quote.speaker, list(quote.articles)),
                           Counter({(quote.speaker.name, quote.speaker.label == "PERSON"): 1})))
    by_name = {q.speaker.name: q.speaker for q in quotes}
    for _, quote, speakers in merged:
        (name, _), _ = max(speakers.items(), key=lambda item: (item[0][1], item[1]))
        quote.speaker = by_name[name]
    return [quote for _, quote, _ in merged]
