"""The title a reader would give a story, and names restored where a stripped link left only a title.

A story's title is the headline of its reports closest to the story's centre; without headlines, the
first summary sentence that stands alone and names its subject; without a summary (the store, at
ingest), the first such line of its reports. Page furniture (photo captions, bylines, "Updated |")
and sentences that open with a pronoun are never titles.

Scraped reports lose names that were links: "French President during his latest trip to Lithuania
met...". When the story's other sentences tell who holds that title ("Russian President Vladimir
Putin", "President Macron"), the name is inserted in square brackets, the newsroom mark of an
editorial insertion, kept apart from the verbatim source text in the Brief JSON (`insertions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from unidecode import unidecode

from .entities import TITLES
from .models import Article, Insertion, Mention, Sentence, SummaryItem
from .summarize import opens_with_pronoun

if TYPE_CHECKING:
    from .entities import Entity, EntityIndex

MAX_TITLE_CHARACTERS = 120
"""A title taken from a line or sentence longer than this is cut at a word and ends with '...'."""
MIN_TITLE_WORDS = 4
"""A line or sentence shorter than this is a heading or a label, not a title."""

_NOT_A_TITLE = re.compile(
    r"""^\W*(?:
        FILE\s*[-–—:]                                        # AP-style photo caption: "FILE - In this..."
      | (?:In\ )?this\ (?:\w+\ )?(?:photo|image|picture|handout|video)\b
      | (?:Photo|Image|Picture|Video|Credit|Photograph|Caption)s?(?:\ credit)?\s*[:|]
      | By\ [A-Z][\w.'’-]*(?:\ [A-Z][\w.'’-]*){0,3}\s*(?:$|[,|•(]|and\b)   # byline
      | (?:Last\ )?(?:Updated|Published|Posted|Modified)\b(?:\ on)?\s*[:|]?   # "Updated | 21 April"
      | (?:Read|Watch|Listen|Click|Sign\ up|Subscribe)\b
    )""",
    re.VERBOSE,
)
"""Captions, bylines, time stamps and calls to action: furniture of a page, never a title."""
_CREDIT_AT_END = re.compile(r"\((?:Photo|Image|Picture|Video|File)s?(?: credit)?\s*:[^)]*\)\s*$", re.IGNORECASE)
_HEADLINE_LABEL = re.compile(
    r"^(?:LIVE|UPDATE[SD]?|BREAKING(?: NEWS)?|WATCH|VIDEO|PHOTOS?|EXCLUSIVE|ANALYSIS|OPINION)\s*[:|]\s*", re.IGNORECASE
)
"""A label before a headline ("LIVE: ...", "UPDATES: ..."), dropped from the title."""
_SITE_SEPARATOR = re.compile(r"\s+[|]\s+")
"""Headlines carry the site and section after a bar ("... wins landslide victory | News | DW")."""
_CAPITALISED_RUN = re.compile(r"[A-Z][\w.'’-]*(?:(?<![a-z]{3}\.)\s+[A-Z][\w.'’-]*)*")
"""Capitalised words in a row; a word ending a sentence ("Tsikhanouskaya. The...") ends the row, "U.S." or "Mr." does not."""
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "your", "whose", "this", "that", "former"})
_DETERMINER_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_DETERMINERS)) + r")\s+$", re.IGNORECASE)
_LOWER_WORD_AFTER = re.compile(r"\s+(?!(?:of|and|or|for|to)\b)[a-z]")
"""The lower-case word after a nameless title: a verb or a clause ("said", "during"), not "of"/"and" ("Mayor of London")."""
QUALIFIER_LABELS = frozenset({"NORP", "GPE", "LOC"})
"""Mentions that may qualify a title ("French", "US"); a title inside any other mention (a person, a party) is a name."""


def story_title(articles: Sequence[Article], summary: Sequence[SummaryItem] = ()) -> str:
    """The story's title: its most representative headline, else the first summary sentence, else report line, that can be one.

    Report lines are clipped to `MAX_TITLE_CHARACTERS`; headlines and summary sentences are kept whole.
    `summary` items are the Brief's; their `insertions` are shown in the title
    ("French President [Emmanuel Macron] ..."). A summary sentence whose subject lost its name and
    has no insertion does not name its subject and is passed over.
    """
    headline = representative_headline(articles)
    if headline:
        return headline
    for item in summary:
        text = item.text
        if is_title_candidate(text) and (item.insertions or not nameless_roles(text)):
            return " ".join(with_insertions(text, item.insertions).split())
    for article in articles:
        for line in article.text.splitlines():
            line = line.strip()
            if names_its_subject(line):
                return clip(line)
    return clip(next((line.strip() for a in articles for line in a.text.splitlines() if line.strip()), ""))


def representative_headline(articles: Sequence[Article]) -> str | None:
    """The headline (cleaned of site names and labels) closest to the story: to the centre of the reports' texts and to the other headlines."""
    candidates = list(dict.fromkeys(h for h in (clean_headline(a.title or "") for a in articles) if is_title_candidate(h)))
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    similarity = _centre_similarity([a.text for a in articles], candidates)
    return candidates[int(np.argmax(similarity))]


def clean_headline(title: str) -> str:
    """A headline without the site and section after a bar and without a "LIVE:"-style label."""
    parts = [p.strip() for p in _SITE_SEPARATOR.split(" ".join(title.split()))]
    longest = max(parts, key=len) if parts else ""
    return _HEADLINE_LABEL.sub("", longest).strip()


def is_title_candidate(text: str) -> bool:
    """Whether a line can title a story: long enough, not page furniture, not opening with a pronoun."""
    return (
        len(text.split()) >= MIN_TITLE_WORDS
        and not _NOT_A_TITLE.match(text)
        and not _CREDIT_AT_END.search(text)
        and not opens_with_pronoun(text)
    )


def names_its_subject(text: str) -> bool:
    """Whether a line can title a story and no title phrase in it stands for a lost name."""
    return is_title_candidate(text) and not nameless_roles(text)


def clip(text: str) -> str:
    """The text whole when it is short enough for a title, else cut at a word with '...'."""
    text = " ".join(text.split())
    if len(text) <= MAX_TITLE_CHARACTERS:
        return text
    return text[: MAX_TITLE_CHARACTERS - 3].rsplit(" ", 1)[0] + "..."


def _centre_similarity(texts: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
    """Cosine of each candidate with the mean TF-IDF vector (Snowball stems) of `texts`, plus its mean
    cosine with the other candidates: a long headline shares many of the texts' words, the one the
    other outlets' headlines agree with names the event."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    from .space import stem_merge

    words = CountVectorizer(stop_words="english", strip_accents="unicode", dtype=np.float32)
    try:
        counts = words.fit_transform(list(texts))
    except ValueError:  # only stop words: every candidate is as central as the others
        return np.zeros(len(candidates))
    merge = stem_merge(words.get_feature_names_out())
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts @ merge)
    centre = np.asarray(tfidf.transform(counts @ merge).mean(axis=0)).ravel()
    heads = tfidf.transform(words.transform(list(candidates)) @ merge)
    to_texts = np.asarray(heads @ centre).ravel() / max(float(np.linalg.norm(centre)), 1e-9)
    between = (heads @ heads.T).toarray()
    np.fill_diagonal(between, 0.0)
    return to_texts + between.sum(axis=1) / max(1, len(candidates) - 1)


# -- names lost with stripped links ---------------------------------------------------------------


def nameless_roles(text: str, mentions: Sequence[Mention] = ()) -> list[tuple[str, int]]:
    """Title phrases used as a subject without their name ("French President during..."), with where each ends.

    A capitalised run ending in a title word ("Russian President", "Prime Minister"), not after a
    determiner ("the French President" is plain English), followed by a lower-case word other than
    "of"/"and", and not part of a name `mentions` hold ("Martin Luther King", "Law & Justice").
    """
    found = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = run[0].split()
        if words[-1].strip(".'’-").lower() not in TITLES or words[0].lower() in _DETERMINERS:
            continue
        if _DETERMINER_BEFORE.search(text[: run.start()]) or not _LOWER_WORD_AFTER.match(text, run.end()):
            continue
        if any(m.start < run.end() and run.start() < m.end and m.label not in QUALIFIER_LABELS for m in mentions):
            continue
        found.append((run[0], run.end()))
    return found


def name_insertions(sentence: Sentence, entities: EntityIndex) -> list[Insertion]:
    """Insertions (offset, name) for the nameless title phrases of a sentence whose one holder the story names."""
    insertions: list[Insertion] = []
    for role, end in nameless_roles(sentence.text, sentence.mentions):
        holder = role_holder(entities, role)
        if holder is not None and holder.name.split()[-1] not in sentence.text:
            insertions.append(Insertion(at=end, text=holder.name))
    return insertions


def role_holder(entities: EntityIndex, role: str) -> Entity | None:
    """The one person of the story who holds a title phrase, or None when none or several fit.

    First the person outlets named with exactly this phrase ("Russian President Vladimir Putin");
    else the one person named with the bare title ("President Macron") and never with another
    qualifier ("Russian President" is not "French President").
    """
    exact = entities.entity_by_role(role)
    if exact is not None:
        return exact
    *qualifier, title = _role_words(role)
    fitting = []
    for entity in entities.entities:
        held = {tuple(words[:-1]) for words in map(_role_words, entity.roles) if words and words[-1] == title}
        if entity.label == "PERSON" and (tuple(qualifier) in held or (qualifier and held == {()})):
            fitting.append(entity)
    return fitting[0] if len(fitting) == 1 else None


def with_insertions(text: str, insertions: Sequence[Insertion]) -> str:
    """The text as a reader sees it: each insertion in square brackets at its offset."""
    for insertion in sorted(insertions, key=lambda i: i.at, reverse=True):
        text = f"{text[:insertion.at]} [{insertion.text}]{text[insertion.at:]}"
    return text


def _role_words(role: str) -> list[str]:
    return [w.strip(".'’-") for w in unidecode(role).lower().split() if w != "the"]
