"""Find named entities in a story's sentences and give each real-world referent one canonical name.

Outlets spell the same person differently (Tikhanovskaya / Tsikhanouskaya, Lukashenko / Lukashenka,
Alexander / Alyaksandr), add titles ("Mr Macron", "President Putin"), drop first names, and make typos
("Lukashenk0o"). Names are compared token by token on their ASCII form (unidecode) with rapidfuzz and
with a consonant skeleton that folds common transliteration choices; person names match when their
surnames match and their first names (where both have one) match too, so two people who share a
surname stay apart. `docs/analysis.md` describes the rules and where they fail.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

from .models import Article, EntityItem, Mention, Sentence, with_sentences

VEHICLES = ("flight", "model")
"""First words of the keys of flights and vehicle models, which are named by their numbers."""
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
"""NER labels that name a referent; NORP ("Russian") and figures stay mentions only."""
BRIEF_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})
"""Entity types shown in the Brief: people, organisations, places and events, and products with a number in
their name (flights and models: "Flight ET302", "Boeing 737-8 MAX")."""
SAME_TOKEN_SIMILARITY = 85.0
"""rapidfuzz ratio (0-100) from which two name tokens are spelling variants of one another."""
MISSED_NAME_SIMILARITY = 90.0
"""A capitalised token NER did not tag joins a known surname from this ratio on (typos like "Lukashenk0o")."""
MIN_FUZZY_TOKEN = 4
"""Shorter tokens must match exactly: fuzzy ratios of short strings say little."""
SAME_JOINED_SIMILARITY = SAME_TOKEN_SIMILARITY
"""rapidfuzz ratio from which two names cut into different numbers of words are one name written together or
apart, as alike as two spellings of one word ("Ahmed Nur Mohammod Nur" / "Ahmednur Mohammed"); 90 merged the
same pairs of the Multi-News dev set and one labelled group less."""
NER_BATCH_SIZE = 256
LABEL_PREFERENCE = ("PERSON", "GPE", "ORG", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "vice", "chancellor", "minister",
    "prime", "secretary", "senator", "sen", "rep", "representative", "gov", "governor", "king", "queen", "prince",
    "princess", "crown", "pope", "general", "gen", "col", "colonel", "captain", "capt", "commander", "cmdr",
    "lieutenant", "lt", "sergeant", "sgt", "admiral", "adm", "judge", "justice", "mayor", "premier", "prof",
    "professor", "rev", "reverend", "sheikh", "ayatollah", "imam", "rabbi", "cardinal", "archbishop", "bishop",
    "father", "chairman", "chairwoman", "ambassador", "commissioner", "superintendent", "inspector", "officer",
    "detective", "coach",
})
"""Words that stand before a name as a title; stripped when names are compared, kept in `variants`."""
PATRONYMICS = frozenset({"bin", "ibn", "bint"})
"""Arabic "son/daughter of": the word after it is the father's name, so "King Salman" is not "Mohammed bin Salman",
and the person is called by the name before it ("Prince Mohammed")."""
JOINED_PARTICLES = frozenset({"abu", "abou", "abd", "abdel", "abdul", "abdal", "abdol"})
"""Arabic name particles written apart or together ("Abu Oud" / "Abaaoud", "Abdel Hamid" / "Abdelhamid"):
compared joined to the word after them."""
ARABIC_ARTICLES = frozenset({"al", "el"})
"""The Arabic article, written or not ("Hashd al-Shaabi" / "Hashd Shaabi"): dropped when hyphenated or inside a
name; a first word "Al" / "El" stays (Al Gore, El Salvador)."""
SAINTS = {"st": "saint", "ste": "sainte"}
"""Abbreviations of Saint before a name ("St. Petersburg", "St-Denis"); a last word "St" is a street."""
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
"""Suffixes that tell a son from his father: "Donald Trump Jr." is not "Donald Trump" (who may be "Sr.")."""
NAMED_AFTER_WORDS = frozenset({
    "airport", "street", "road", "avenue", "boulevard", "square", "bridge", "station", "stadium", "arena", "park",
    "hospital", "clinic", "university", "college", "school", "academy", "institute", "library", "museum", "centre",
    "center", "hall", "tower", "building", "palace", "hotel", "cathedral", "church", "chapel", "mosque", "temple",
    "shrine", "prison", "base", "port", "harbour", "harbor", "memorial", "foundation", "prize", "award",
    "corps", "force", "forces", "army", "navy", "militia", "brigade", "brigades", "guard", "guards", "party",
    "ministry", "department", "agency", "commission", "council", "committee", "authority", "office", "bank",
    "company", "group", "association", "union", "movement", "front", "court", "trust", "fund", "society",
    "co", "inc", "corp", "ltd", "llc", "plc", "sa", "ag", "gmbh",
})
"""Kinds of place and organisation that end a name: a name ending so is never a person ("Hamid Karzai
International Airport"), and outlets may leave the word out ("Notre Dame" / "Notre Dame Cathedral") unless the
shorter name is a place ("Coney Island" is not "Coney Island Hospital")."""
GENERIC_QUALIFIERS = frozenset({"international"})
"""Words outlets drop from an organisation or place name without naming another one ("Bole Airport")."""
_CONNECTIVES = frozenset({"of", "for", "and", "the", "in", "on", "at", "de", "du", "la", "&"})
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TOKEN_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
_PARENTHESIS = re.compile(r"\s*\(.*$")
_ROUND_VOWEL = re.compile(r"(?<=[aeiou])u(?=[^aeiou]|$)")
_VOWELS = re.compile(r"[aeiouy]")
_VOWEL_RUN = re.compile(r"[aeiou]+")
_DIGITS = re.compile(r"\d.*\d")
_DIGIT = re.compile(r"\d")
_VOWEL_CLASS = {"a": "a", "e": "e", "i": "e", "o": "o", "u": "o"}
_DOUBLE = re.compile(r"(.)\1+")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]{3,}")
_ALIAS_LINK = re.compile(r"\s*[,(]\s*(?:also known as|a\.k\.a\.?|aka|better known as)\s+(?:the\s+)?", re.IGNORECASE)
_OR_LINK = re.compile(r",\s+or\s+(?:the\s+)?")
_AFTER_OR_ALIAS = re.compile(r"\s*(?:[,)]|as\b)")
_FLIGHT = re.compile(r"\b[Ff]light\s+(?:[A-Z]{2,3}\s?|[A-Z0-9]{2}\s)?(\d{1,4})\b|\b[A-Z]{2,3}(\d{1,4})\s+[Ff]light\b")
_WORD_BEFORE = re.compile(r"([A-Z][\w&'’.]*)\s+$")
MAX_AIRLINE_WORDS = 3
"""Capitalised words before "Flight" that the story names as an organisation are the airline's name."""
_MODEL = re.compile(  # a designation of 3-4 figures, not a year ("Sochi 2014")
    r"(?:\b[A-Z][a-z]+\s+)?\b(?P<number>(?:[A-Z]{1,2}|(?!(?:1[89]|20)\d\d\b))\d{3,4}(?:-\d{1,2})?)"
    r"(?:\s?(?:MAX|Max)\b)?(?:\s\d{1,2}\b)?"
)
_ARTICLE_START = re.compile(r"^(?:The|A|An)\s+")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Z0-9&.]{1,7})\)(?!\s*[-–—])")
_ROLE_WORDS = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3})$")
_STATE_FORMS = r"(?:Republic|Kingdom|Sultanate|Emirate|Principality|Grand Duchy|Commonwealth|State) of"
_STATE_FORM = re.compile(rf"(?<![A-Z]\w )\b({_STATE_FORMS})\s+$")
_STATE_FORM_START = re.compile(rf"^{_STATE_FORMS}\s+(?=\S)")


@dataclass(slots=True)
class Entity:
    """One real-world referent: its canonical name, type, every written form, and the articles naming it."""

    name: str
    label: str
    variants: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    mentions: int = 0
    roles: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EntityIndex:
    """The story's entities and which entity each name mention (article, sentence position, start) refers to."""

    entities: list[Entity]
    by_mention: dict[tuple[int, int, int], int]
    by_role: dict[str, int]

    def entity_of(self, sentence: Sentence, mention: Mention) -> Entity | None:
        """The entity a mention of `sentence` refers to, if it names one."""
        number = self.by_mention.get((sentence.article, sentence.position, mention.start))
        return None if number is None else self.entities[number]

    def entity_by_role(self, role: str) -> Entity | None:
        """The one entity that outlets named with this title phrase ("Russian President"), if any."""
        number = self.by_role.get(_role_key(role))
        return None if number is None else self.entities[number]

    def to_brief(self) -> list[EntityItem]:
        """Entities of the Brief types as Brief items, most widely reported first (sources 1-based)."""
        shown = [e for e in self.entities if e.label in BRIEF_LABELS or (e.label == "PRODUCT" and _has_digit(e.name))]
        shown.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name))
        return [
            EntityItem(name=e.name, type=e.label, variants=list(e.variants), sources=[a + 1 for a in e.articles])
            for e in shown
        ]


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def analyze_entities(articles: Sequence[Article]) -> tuple[list[Article], EntityIndex]:
    """Run NER over every sentence and canonicalize names across sources.

    Returns the articles again, each sentence holding its `mentions`, and the index of their entities.
    """
    return canonical_entities(_with_mentions(articles, recognize_mentions(articles)))


def recognize_mentions(articles: Sequence[Article]) -> list[list[Mention]]:
    """The packaged spaCy pipeline's entities (names, dates, figures) in each sentence, sentences in article order."""
    from .nlp import entity_recognizer

    sentences = [s for a in articles for s in a.sentences]
    docs = entity_recognizer().pipe((s.text for s in sentences), batch_size=NER_BATCH_SIZE)
    return [[Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in docs]


def _with_mentions(articles: Sequence[Article], added: Sequence[Sequence[Mention]]) -> list[Article]:
    """The articles again, each sentence holding also its mentions in `added` (one list per sentence, in
    article order), all in text order."""
    sentences = [s for a in articles for s in a.sentences]
    return with_sentences(articles, [
        replace(s, mentions=tuple(sorted((*s.mentions, *more), key=lambda m: m.start))) if more else s
        for s, more in zip(sentences, added, strict=True)
    ])


def canonical_entities(articles: Sequence[Article]) -> tuple[list[Article], EntityIndex]:
    """Group the name mentions of all articles into entities, one per referent.

    Names NER missed that spell a known surname become mentions too: the articles come back holding them.
    """
    forms = _collect_forms(articles)
    builder = _EntityBuilder(_place_names(articles), _place_names(articles, ("NORP",)))
    builder.add_people([f for f in forms.values() if len(f.key) > 1 and f.is_person()])
    builder.add_names([f for f in forms.values() if len(f.key) > 1 and not f.is_person()])
    articles = _with_mentions(articles, _missed_names(articles, builder.surnames()))
    forms = _collect_forms(articles)
    builder.add_single_tokens([f for f in forms.values() if len(f.key) == 1], _explicit_acronyms(articles))
    builder.add_aliases(_explicit_aliases(articles))
    return articles, builder.index(articles, forms)


@lru_cache(maxsize=1 << 14)
def name_key(text: str) -> tuple[str, ...]:
    """The comparable words of a name: ASCII, lower case, without article, titles, initials or possessives.

    Hyphens are dropped ("Gebre-Mariam" is `gebremariam`), "St" before a name reads "saint", the Arabic article is
    dropped where it is hyphenated or inside a name ("al-Muhandis"), and "Abu"/"Abdel" are joined to the next word.
    """
    tokens: list[str] = []
    for word in unidecode(_PARENTHESIS.sub("", text.strip())).lower().split():
        parts = [p for p in (_clean_token(part) for part in word.split("-")) if p]
        if len(parts) > 1 and parts[0] in ARABIC_ARTICLES:
            parts = parts[1:]
        if len(parts) > 1:
            parts[0] = SAINTS.get(parts[0], parts[0])
        if parts:
            tokens.append("".join(parts))
    while tokens and (tokens[0] in TITLES or tokens[0] == "the"):
        tokens.pop(0)
    tokens = [SAINTS.get(t, t) if i < len(tokens) - 1 else t for i, t in enumerate(tokens)]
    tokens = [t for i, t in enumerate(_join_particles(tokens)) if i == 0 or t not in ARABIC_ARTICLES]
    while len(tokens) > 1 and tokens[-1] in _CONNECTIVES:
        tokens.pop()
    kept = [t for t in tokens if not (len(t) == 1 and len(tokens) > 2)]
    return tuple(kept or tokens)


def _clean_token(part: str) -> str:
    return _POSSESSIVE.sub("", _TOKEN_EDGE.sub("", part)).replace("'", "")


def _join_particles(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    for token in tokens:
        if joined and joined[-1] in JOINED_PARTICLES and token not in PATRONYMICS:
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def skeleton(token: str) -> str:
    """A token's consonant skeleton, folding transliteration choices: Alexander and Alyaksandr give `alksndr`."""
    folded = _ROUND_VOWEL.sub("v", token.translate(_LEET)).replace("x", "ks").replace("j", "y")
    return _DOUBLE.sub(r"\1", folded[:1] + _VOWELS.sub("", folded[1:]))


@lru_cache(maxsize=1 << 14)
def sound(token: str) -> tuple[str, tuple[frozenset[str], ...]]:
    """How a token sounds across romanisations: its Metaphone code (q/k/g, c/ch/ts, doubled letters, dropped
    vowels) after folding y to i and th/dh to t/d, with the quality (a / e-i / o-u) of each vowel group."""
    folded = token.translate(_LEET).replace("y", "i").replace("th", "t").replace("dh", "d")
    vowels = tuple(frozenset(_VOWEL_CLASS[c] for c in run) for run in _VOWEL_RUN.findall(folded))
    return jellyfish.metaphone(folded), vowels


@lru_cache(maxsize=1 << 14)
def same_token(a: str, b: str) -> bool:
    """Whether two name tokens are one name spelled differently (transliteration or typo).

    Spelling: same first letter and a rapidfuzz ratio >= 85 without two letters added in one place (Niger /
    Nigeria, Austria / Australia), or the same consonant skeleton. Sound: `sounds_alike`. Tokens with two figures
    in them ("11:20am", "A320") must be equal.
    """
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_TOKEN or not (_starts(a) & _starts(b)):
        return False
    if not (a.isalpha() and b.isalpha()) and (_DIGITS.search(a) or _DIGITS.search(b)):
        return False
    a, b = a.translate(_LEET), b.translate(_LEET)
    if a[0] == b[0]:
        if fuzz.ratio(a, b) >= SAME_TOKEN_SIMILARITY and not _added_syllable(a, b):
            return True
        skeleton_a, skeleton_b = skeleton(a), skeleton(b)
        if len(skeleton_a) >= MIN_FUZZY_TOKEN and skeleton_a == skeleton_b:
            return True
    return sound(a) == sound(b)


@lru_cache(maxsize=1 << 14)
def _starts(token: str) -> frozenset[str]:
    """The letters two tokens must share one of to be `same_token`: the first letter (digit typos undone) and
    the first letter of the Metaphone code."""
    folded = token.translate(_LEET)
    return frozenset((folded[:1], sound(folded)[0][:1]))


def sounds_alike(a: str, b: str) -> bool:
    """Whether two tokens of 4+ letters have the same `sound`: Sergei/Sergey, Qasem/Qassim, Kyiv/Kiev, Nunez/Nunes,
    but not Hassan/Hussein, Maria/Mario or Niger/Nigeria."""
    return a == b or (min(len(a), len(b)) >= MIN_FUZZY_TOKEN and sound(a) == sound(b))


def _added_syllable(a: str, b: str) -> bool:
    """Whether one token is the other with two or more letters added in one place."""
    return any(
        op.tag in ("insert", "delete") and max(op.src_end - op.src_start, op.dest_end - op.dest_start) > 1
        for op in Levenshtein.opcodes(a, b)
    )


def same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two multi-token person names name one person: same surname and same first name, or the same
    letters cut into words differently ("Ahmed Nur Mohammod Nur" / "Ahmednur Mohamednur")."""
    if not _same_generation(a, b):
        return False
    a, b = _without_generation(a), _without_generation(b)
    if same_token(a[-1], b[-1]) and same_token(a[0], b[0]):
        return True
    return same_joined(a, b)


@lru_cache(maxsize=1 << 14)
def _without_generation(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in key if t not in GENERATIONS) or key


def _same_generation(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same generation suffixes, a father's "Sr." standing also for none."""
    suffixes = {t for t in a if t in GENERATIONS} ^ {t for t in b if t in GENERATIONS}
    return suffixes <= {"sr"}


def same_joined(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two names cut into different numbers of words are the same letters ("Ahmed Nur" / "Ahmednur"), and
    not one of them with a word more ("Led Zeppelin II")."""
    if len(a) == len(b):
        return False
    shorter, longer = sorted((tuple(a), tuple(b)), key=len)
    if shorter in (longer[: len(shorter)], longer[-len(shorter):]):
        return False
    joined_a, joined_b = "".join(a), "".join(b)
    return joined_a[:1] == joined_b[:1] and fuzz.ratio(joined_a, joined_b) >= SAME_JOINED_SIMILARITY


def same_name(
    full: tuple[str, ...], other: tuple[str, ...], places: frozenset[tuple[str, ...]], *, shorter_is_place: bool = False
) -> bool:
    """Whether two names of an organisation or place name one thing.

    Their words match one to one, in the same order but for the word saying what kind of thing it is ("Cathedral
    of Notre Dame" / "Notre Dame Cathedral"), or the longer only adds words outlets leave out: a leading place
    named in the story ("Puerto Rico Department of Public Safety"), a last word saying what kind of organisation
    or building it is ("Revolutionary Guards Corps"; not when the shorter name is a place: "Coney Island
    Hospital"), or "International".
    """
    longer, shorter = _words(full), _words(other)
    if len(shorter) > len(longer):
        longer, shorter = shorter, longer
    pairs = _pair_words(longer, shorter)
    matched = [i for i in pairs if i is not None]
    if len(matched) < len(pairs):
        return same_joined(longer, shorter)
    ordered = [i for i, token in zip(matched, shorter, strict=True)
               if longer[i] not in NAMED_AFTER_WORDS and token not in NAMED_AFTER_WORDS]
    if ordered != sorted(ordered):
        return False
    left = [i for i in range(len(longer)) if i not in pairs]
    if left and len(shorter) < 2:
        return False
    leading = next((n for n in range(len(longer), 0, -1) if longer[:n] in places and all(i in left for i in range(n))), 0)
    kind = len(longer) - 1 if longer[-1] in NAMED_AFTER_WORDS and not shorter_is_place else -1
    return all(i < leading or i == kind or longer[i] in GENERIC_QUALIFIERS for i in left)


def _pair_words(longer: Sequence[str], shorter: Sequence[str]) -> list[int | None]:
    """For each word of `shorter`, the position of the first free word of `longer` spelled alike, or None."""
    free = list(range(len(longer)))
    pairs: list[int | None] = []
    for token in shorter:
        match = next((i for i in free if same_token(longer[i], token)), None)
        if match is not None:
            free.remove(match)
        pairs.append(match)
    return pairs


def acronym(key: tuple[str, ...]) -> str:
    """The initials of a multi-word name, skipping connectives: "european union" gives "eu"."""
    return "".join(t[0] for t in key if t not in _CONNECTIVES)


def call_names(key: tuple[str, ...]) -> tuple[str, ...]:
    """The words a person is called by alone: the surname; for Arabic names with "bin" the given name, and the last
    name unless it is the father's ("Mohammed bin Salman" is Prince Mohammed, and King Salman is his father)."""
    key = _without_generation(key)
    if not _has_patronymic(key):
        return (key[-1],)
    return (key[0],) if key[-2] in PATRONYMICS else (key[0], key[-1])


def _has_patronymic(key: tuple[str, ...]) -> bool:
    return any(t in PATRONYMICS for t in key[1:-1])


@dataclass(slots=True)
class _Form:
    """One comparable name (its key) with every written form, label votes and where it occurs."""

    key: tuple[str, ...]
    written: list[str] = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)
    places: list[tuple[int, int, int]] = field(default_factory=list)

    def is_person(self) -> bool:
        """Whether NER calls this form a person at least as often as anything else, and it neither ends with a word
        naming a place or organisation ("Hamid Karzai International Airport") nor starts with Saint ("St Denis")."""
        if self.key[-1] in NAMED_AFTER_WORDS or (len(self.key) > 1 and self.key[0] in (*SAINTS.values(), *VEHICLES)):
            return False
        return self.labels["PERSON"] > 0 and self.labels["PERSON"] >= max(self.labels.values())

    def is_acronym(self) -> bool:
        """Whether the form may be initials: written in capitals somewhere ("MBS", "U.S."), or of 4+ letters as
        British outlets write them ("Nato", "Amsa"); not "La" for Los Angeles."""
        return len(self.key[0]) >= 4 or any(w.replace(".", "").isupper() for w in self.written)


def _collect_forms(articles: Sequence[Article]) -> dict[tuple[str, ...], _Form]:
    forms: dict[tuple[str, ...], _Form] = {}
    airlines = _organisation_words(articles)
    for article in articles:
        for sentence in article.sentences:
            for mention in sentence.mentions:
                if mention.label not in NAME_LABELS:
                    continue
                key = _mention_key(sentence.text, mention, airlines)
                if not key or not (key[0] in VEHICLES or any(c.isalpha() for c in key[-1])):
                    continue
                form = forms.setdefault(key, _Form(key))
                form.written.append(_written_form(sentence.text, mention, airlines=airlines))
                form.labels[mention.label] += 1
                form.places.append((sentence.article, sentence.position, mention.start))
    return forms


def _mention_key(text: str, mention: Mention, airlines: frozenset[str]) -> tuple[str, ...]:
    """The key of a mention: a flight's or a model's (`_vehicle`), else the `name_key` of its text."""
    vehicle = _vehicle(text, mention, airlines)
    return vehicle[1] if vehicle else name_key(mention.text)


def _vehicle(text: str, mention: Mention, airlines: frozenset[str]) -> tuple[str, tuple[str, ...]] | None:
    """The flight or vehicle model a mention is part of, as written and as a key: a flight by its number
    ("Ethiopian Airlines Flight 302", "Flight ET 302", "GWI9525 flight": `flight 302`), a model by its designation
    ("Boeing 737-8 MAX", "Boeing 737 Max 8": `model 737 8 max`; "Airbus A320", "A320": `model 320`). NER splits
    these names (ORG "Boeing", PRODUCT "737-8", ORG "MAX"); the maker before the designation keeps its own mention.
    A flight's written name starts with the airline's words before it (`airlines`: words of the story's
    organisation names)."""
    return next(
        ((written, key) for start, end, written, key in _vehicles(text, airlines) if start < mention.end and mention.start < end),
        None,
    )


@lru_cache(maxsize=1024)
def _vehicles(text: str, airlines: frozenset[str]) -> tuple[tuple[int, int, str, tuple[str, ...]], ...]:
    """The flights, then the models, a sentence names: the span a mention must overlap, the name as written, the key."""
    if not _DIGIT.search(text):
        return ()
    found = []
    for match in _FLIGHT.finditer(text):
        start = _airline_start(text, match.start(), airlines)
        found.append((start, match.end(), text[start:match.end()], ("flight", match[1] or match[2])))
    for match in _MODEL.finditer(text):
        parts = re.findall(r"[a-z]+|\d+", match[0][match.start("number") - match.start():].lower())
        key = ("model", *sorted(p for p in parts if len(p) > 1 or p.isdigit()))
        found.append((match.start("number"), match.end(), _ARTICLE_START.sub("", match[0]), key))
    return tuple(found)


def _airline_start(text: str, start: int, airlines: frozenset[str]) -> int:
    """Where a flight's name starts: before up to three capitalised words right before it that the story uses in
    organisation names ("Ethiopian Airlines Flight 302"), not before a headline's "Finding Flight 370"."""
    for _ in range(MAX_AIRLINE_WORDS):
        word = _WORD_BEFORE.search(text, 0, start)
        if not word or name_key(word[1]) not in {(w,) for w in airlines}:
            break
        start = word.start(1)
    return start


def _organisation_words(articles: Sequence[Article]) -> frozenset[str]:
    return frozenset(
        token
        for article in articles
        for sentence in article.sentences
        for mention in sentence.mentions
        if mention.label == "ORG"
        for token in name_key(mention.text)
    )


def _place_names(articles: Sequence[Article], labels: tuple[str, ...] = ("GPE", "NORP")) -> frozenset[tuple[str, ...]]:
    """The keys of the story's names of places and nationalities ("puerto rico", "iraqi"), which may qualify
    another name ("Puerto Rico Department of Public Safety", "Iraqi Hashd al-Shaabi")."""
    return frozenset(
        name_key(mention.text)
        for article in articles
        for sentence in article.sentences
        for mention in sentence.mentions
        if mention.label in labels
    )


def _explicit_acronyms(articles: Sequence[Article]) -> dict[str, list[tuple[str, ...]]]:
    """Acronyms a text ties to a name by writing them in brackets right after it: "National Thowheed Jamath (NTJ)"."""
    tied: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for article in articles:
        for sentence in article.sentences:
            for mention in sentence.mentions:
                if mention.label not in NAME_LABELS or len(name_key(mention.text)) < 2:
                    continue
                bracket = mention.text.find("(")
                after = sentence.text[mention.start + bracket:] if bracket > 0 else sentence.text[mention.end:]
                match = _ACRONYM_AFTER.match(after)
                if match:
                    tied[match[1].replace(".", "").lower()].append(name_key(mention.text))
    return tied


def _explicit_aliases(articles: Sequence[Article]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pairs of names a text says are one: "Myanmar, also known as Burma", "Jamal Jaafar Ibrahimi, a.k.a. Abu Mahdi
    al-Mohandes", "Chanthawong, or Coach Ek as the boys called him"."""
    pairs = []
    for article in articles:
        for sentence in article.sentences:
            names = [m for m in sentence.mentions if m.label in NAME_LABELS]
            for first, second in itertools.pairwise(names):
                between = sentence.text[first.end:second.start]
                words = between.split()
                if words and _TOKEN_EDGE.sub("", words[-1]).lower() in TITLES:  # ", or Coach Ek"
                    between = between[: between.rstrip().rfind(words[-1])]
                if _ALIAS_LINK.fullmatch(between) or (
                    _OR_LINK.fullmatch(between) and _AFTER_OR_ALIAS.match(sentence.text, second.end)
                    and not sentence.text[: first.start].rstrip().endswith(",")  # "Google Glass, Ouya, or the Pebble Watch"
                ):
                    pairs.append((name_key(first.text), name_key(second.text)))
    return pairs


def _written_form(
    text: str, mention: Mention, full: tuple[str, ...] = (), *, airlines: frozenset[str] = frozenset()
) -> str:
    """The mention as the outlet wrote it, without a possessive, with a title or state form ("Sultanate of")
    directly before it, and with the words before it that continue its entity's fullest name `full`
    (NER tagged "Gunasekara" in "Ruwan Gunasekara"); a flight or model as the whole name NER split."""
    vehicle = _vehicle(text, mention, airlines)
    if vehicle:
        return vehicle[0]
    written = _POSSESSIVE.sub("", mention.text.strip())
    if written.lower().startswith("the "):
        written = written[4:]
    start = mention.start
    continued = _name_before(text, mention, full) if full else ""
    if continued:
        written = f"{continued} {written}"
        start = text.rfind(continued.split()[0], 0, mention.start)
    before = text[:start].split()
    if before and _TOKEN_EDGE.sub("", before[-1]).lower() in TITLES and before[-1][:1].isupper():
        written = f"{before[-1]} {written}"
    elif mention.label == "GPE" and (state := _STATE_FORM.search(text[:start])):
        written = f"{state[1]} {written}"
    return written


def _name_before(text: str, mention: Mention, full: tuple[str, ...]) -> str:
    """Capitalised words right before a mention that are the words of `full` before the mention's first word."""
    key = name_key(mention.text)
    if not key or len(key) >= len(full):
        return ""
    position = next((i for i, token in enumerate(full) if same_token(token, key[0])), 0)
    words = text[: mention.start].split()
    taken: list[str] = []
    while position > 0 and words and words[-1][:1].isupper():
        word_key = name_key(words[-1])
        if len(word_key) != 1 or not same_token(word_key[0], full[position - 1]):
            break
        taken.insert(0, words.pop())
        position -= 1
    return " ".join(taken)


class _EntityBuilder:
    """Assigns forms to entities, fullest names first, and keeps which forms are ambiguous surnames."""

    def __init__(
        self, places: frozenset[tuple[str, ...]] = frozenset(), nationalities: frozenset[tuple[str, ...]] = frozenset()
    ) -> None:
        self.places = places
        self.nationalities = nationalities
        self.keys: list[list[tuple[str, ...]]] = []
        self.person: list[bool] = []
        self.votes: list[Counter] = []
        self.of_key: dict[tuple[str, ...], int] = {}
        self.ambiguous: dict[tuple[str, ...], list[int]] = {}

    def _new(self, form: _Form, person: bool) -> int:
        self.keys.append([])
        self.person.append(person)
        self.votes.append(Counter())
        self._join(len(self.keys) - 1, form)
        return len(self.keys) - 1

    def _join(self, number: int, form: _Form) -> None:
        self.keys[number].append(form.key)
        self.votes[number].update(form.labels)
        self.of_key[form.key] = number

    def _merge(self, number: int, other: int) -> None:
        """Fold entity `other` into `number`."""
        for key, meant in self.of_key.items():
            if meant == other:
                self.of_key[key] = number
        for key, people in self.ambiguous.items():
            self.ambiguous[key] = list(dict.fromkeys(number if n == other else n for n in people))
        self.keys[number] += self.keys[other]
        self.votes[number] += self.votes[other]
        self.keys[other] = []

    def _is_place(self, number: int) -> bool:
        votes = self.votes[number]
        return votes["GPE"] + votes["LOC"] > sum(votes.values()) / 2

    def add_people(self, forms: list[_Form]) -> None:
        """Merge multi-token person names that share surname and first name; else start a new person."""
        for form in sorted(forms, key=lambda f: (-len(f.key), -len(f.places))):
            match = self._person_named(form.key)
            if match is None:
                self._new(form, True)
            else:
                self._join(match, form)

    def _person_named(self, key: tuple[str, ...]) -> int | None:
        """The person a multi-token name names: by `same_person`, or for "bin Salman" the one name ending so."""
        key = self._without_nationality(key)
        people = [n for n, keys in enumerate(self.keys) if self.person[n] and keys]
        if key[0] in PATRONYMICS:
            ending = [n for n in people if any(k[-len(key):] == key for k in self.keys[n])]
            return ending[0] if len(ending) == 1 else None
        return next((n for n in people if same_person(self._without_nationality(self.keys[n][0]), key)), None)

    def _without_nationality(self, key: tuple[str, ...]) -> tuple[str, ...]:
        """A person's name without a nationality NER took into it ("Iraqi Hashd al-Shaabi"), keeping two words."""
        start = 0
        while len(key) - start > 2 and key[start:start + 1] in self.nationalities:
            start += 1
        return key[start:]

    def add_names(self, forms: list[_Form]) -> None:
        """Multi-token names of organisations and places (and people NER labelled so): a name joins the one entity
        it names (`same_name`), or the person it names; when it fits several, it stays apart."""
        for form in sorted(forms, key=lambda f: (-len(_words(f.key)), -len(f.places))):
            person = None if form.key[-1] in NAMED_AFTER_WORDS else self._person_named(form.key)
            if person is not None:
                self._join(person, form)
                continue
            place = form.labels["GPE"] + form.labels["LOC"] > sum(form.labels.values()) / 2
            fits = [
                n for n, keys in enumerate(self.keys)
                if not self.person[n] and keys and same_name(
                    keys[0], form.key, self.places,
                    shorter_is_place=self._is_place(n) if len(_words(keys[0])) < len(_words(form.key)) else place,
                )
            ]
            if len(fits) == 1:
                self._join(fits[0], form)
            else:
                self._new(form, False)

    def surnames(self) -> dict[str, list[int]]:
        """Every word the people found so far are called by alone (`call_names`), with the people who carry it."""
        found: dict[str, list[int]] = defaultdict(list)
        for number, keys in enumerate(self.keys):
            if self.person[number]:
                for key in keys:
                    for name in call_names(key):
                        if number not in found[name]:
                            found[name].append(number)
        return found

    def add_single_tokens(self, forms: list[_Form], tied: dict[str, list[tuple[str, ...]]] | None = None) -> None:
        """Single words: a surname (or given name) joins its person, ambiguous ones are settled per mention; an
        acronym joins the name a text ties it to or whose initials it is; a word written together joins the name
        written apart ("Notredame"); other words join a word that sounds alike ("Kyiv" / "Kiev")."""
        surnames = self.surnames()
        given = {k[0] for keys in self.keys for k in keys if _has_patronymic(k)}  # matched by sound, not spelling
        apart: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # multi-word names of things, written together
        for number, keys in enumerate(self.keys):
            for key in keys if not self.person[number] else ():
                if len(key) > 1:
                    apart["".join(_words(key))].add(key)
        tied = tied or {}
        single: list[int] = []  # entities of single words, which other single words may join
        for form in sorted(forms, key=lambda f: -len(f.places)):
            token = form.key[0]
            people = sorted({
                n for name, ns in surnames.items()
                if (sounds_alike(name, token) if name in given else same_token(name, token)) for n in ns
            })
            if len(people) == 1:
                self._join(people[0], form)
            elif people:
                self.ambiguous[form.key] = people
            elif (found := self._acronym_of(token.replace(".", ""), form, tied)) is not None:
                self.of_key[form.key] = found
            elif (found := self._written_apart(token, apart)) is not None:
                self._join(found, form)
            elif (found := next((n for n in single if sounds_alike(self.keys[n][0][0], token)), None)) is not None:
                self._join(found, form)
            else:
                number = self._new(form, form.is_person())
                single.append(number)
                if form.is_person():
                    surnames[token].append(number)
        for number in single:  # "Kyiv" tagged PERSON once joins "Kiev" tagged GPE five times: a place
            votes = self.votes[number]
            self.person[number] = votes["PERSON"] > 0 and votes["PERSON"] >= max(votes.values())

    def add_aliases(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Merge the entities of names a text says are one (`_explicit_aliases`); the merged entity is a person if
        NER calls its mentions people most often."""
        for first, second in pairs:
            a, b = self.of_key.get(first), self.of_key.get(second)
            if a is None or b is None or a == b:
                continue
            self._merge(a, b)
            votes = self.votes[a]
            self.person[a] = votes["PERSON"] > 0 and votes["PERSON"] >= max(votes.values())

    def _written_apart(self, token: str, apart: dict[str, set[tuple[str, ...]]]) -> int | None:
        """The one organisation or place whose multi-word name (`apart`: by its words joined) is this word written
        apart ("Saint-Denis" / "Saint Denis")."""
        fits = {self.of_key[key] for key in apart.get(token, ())}
        return fits.pop() if len(fits) == 1 else None

    def _acronym_of(self, token: str, form: _Form, tied: dict[str, list[tuple[str, ...]]]) -> int | None:
        """The entity an acronym stands for, if any: the name a text ties it to; else, if it may be
        initials (`_Form.is_acronym`), the organisation, place or person of 3+ words whose initials it is, preferring
        one NER labels as it labels the acronym, then the most named. Organisations with those initials that share
        all words but one ("Islamic" / "Iranian Revolutionary Guard Corps" for IRGC) are merged into one."""
        named = [self.of_key[key] for key in tied.get(token, []) if key in self.of_key]
        if len(token) < 2 or not (named or form.is_acronym()):
            return None
        label = form.labels.most_common(1)[0][0]
        fits = [
            n for n, keys in enumerate(self.keys)
            if keys and len(keys[0]) > 1 and acronym(keys[0]) == token and (not self.person[n] or len(keys[0]) > 2)
        ]
        # "U.S." tagged GPE means the United States, not Universal Studios; then the most named
        fits.sort(key=lambda n: (self.votes[n].most_common(1)[0][0] != label, -sum(self.votes[n].values())))
        named.sort(key=lambda n: n not in fits)  # a tie to a name with these initials first
        if named:
            fits = [named[0]] + [n for n in fits if n != named[0]]
        if not fits:
            return None
        for other in [n for n in fits[1:] if self._one_word_apart(fits[0], n)]:
            self._merge(fits[0], other)
        return fits[0]

    def _one_word_apart(self, a: int, b: int) -> bool:
        key_a, key_b = self.keys[a][0], self.keys[b][0]
        return (
            not self.person[a] and not self.person[b] and len(key_a) == len(key_b) > 2
            and _pair_words(key_a, key_b).count(None) <= 1
        )

    def index(self, articles: Sequence[Article], forms: dict[tuple[str, ...], _Form]) -> EntityIndex:
        """Resolve every mention to an entity and describe each entity for the Brief."""
        by_mention: dict[tuple[int, int, int], int] = {}
        last_seen: dict[int, dict[int, int]] = defaultdict(dict)  # article -> entity -> last sentence position
        places = sorted((place, key) for key, form in forms.items() for place in form.places)
        for place, key in places:
            if key in self.of_key:
                number = self.of_key[key]
            elif key in self.ambiguous:
                number = _most_recent(self.ambiguous[key], last_seen[place[0]], self.keys)
            else:
                continue
            by_mention[place] = number
            last_seen[place[0]][number] = place[1]
        fullest = [keys[0] if keys else () for keys in self.keys]
        return _describe(articles, forms, by_mention, self.person, fullest)


@lru_cache(maxsize=1 << 14)
def _words(key: tuple[str, ...]) -> tuple[str, ...]:
    """A key without its connectives ("cathedral of notre dame" -> cathedral, notre, dame)."""
    return tuple(t for t in key if t not in _CONNECTIVES) or key


def _most_recent(candidates: list[int], seen: dict[int, int], keys: list[list[tuple[str, ...]]]) -> int:
    """Of several people sharing a surname, the one last named in this article, else the most named overall."""
    recent = [n for n in candidates if n in seen]
    if recent:
        return max(recent, key=lambda n: seen[n])
    return max(candidates, key=lambda n: len(keys[n]))


def _missed_names(articles: Sequence[Article], surnames: dict[str, list[int]]) -> list[list[Mention]]:
    """Per sentence (in article order), mentions NER missed: capitalised tokens that are near-spellings of a
    known surname (PERSON), and an acronym in brackets right after a name ("Iranian Revolutionary Guards
    (IRCG)", with that name's label)."""
    known = list(surnames)
    airlines = _organisation_words(articles)
    missed_by_sentence: list[list[Mention]] = []
    for sentence in (s for a in articles for s in a.sentences):
        covered = [(m.start, m.end) for m in sentence.mentions]
        found = _missed_acronyms(sentence) + _missed_flights(sentence, airlines)
        missed = [m for m in found if not _overlaps(m, covered)]
        for match in _CAPITALISED.finditer(sentence.text) if known else ():
            if any(start < match.end() and match.start() < end for start, end in covered):
                continue
            token = name_key(match[0])
            if len(token) != 1 or token[0] in TITLES:
                continue
            folded = token[0].translate(_LEET)
            if any(fuzz.ratio(folded, s.translate(_LEET)) >= MISSED_NAME_SIMILARITY for s in known):
                missed.append(Mention(_POSSESSIVE.sub("", match[0]), "PERSON", match.start(), match.end()))
        missed_by_sentence.append(missed)
    return missed_by_sentence


def _missed_acronyms(sentence: Sentence) -> list[Mention]:
    """Bracketed acronyms right after a name mention, as mentions with the name's label."""
    found = []
    for mention in sentence.mentions:
        if mention.label not in NAME_LABELS or "(" in mention.text:
            continue
        match = _ACRONYM_AFTER.match(sentence.text, mention.end)
        if match:
            start = match.start(1)
            found.append(Mention(match[1], mention.label, start, start + len(match[1])))
    return found


def _missed_flights(sentence: Sentence, airlines: frozenset[str]) -> list[Mention]:
    """Flight numbers NER did not tag ("Germanwings Flight 4U 9525", "The GWI9525 flight"), as PRODUCT mentions."""
    return [
        Mention(written, "PRODUCT", start, end)
        for start, end, written, key in _vehicles(sentence.text, airlines) if key[0] == "flight"
    ]


def _overlaps(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(start < mention.end and mention.start < end for start, end in spans)


def _describe(
    articles: Sequence[Article],
    forms: dict[tuple[str, ...], _Form],
    by_mention: dict[tuple[int, int, int], int],
    person: list[bool],
    fullest: list[tuple[str, ...]],
) -> EntityIndex:
    written: dict[int, list[str]] = defaultdict(list)
    labels: dict[int, Counter] = defaultdict(Counter)
    token_sources: dict[str, set[int]] = defaultdict(set)
    roles: dict[int, list[str]] = defaultdict(list)
    airlines = _organisation_words(articles)
    for article in articles:
        for sentence in article.sentences:
            for mention in sentence.mentions:
                number = by_mention.get((sentence.article, sentence.position, mention.start))
                if number is None:
                    continue
                written[number].append(_written_form(sentence.text, mention, fullest[number], airlines=airlines))
                labels[number][mention.label] += 1
                for token in name_key(written[number][-1]):
                    token_sources[token].add(sentence.article)
                role = _role_before(sentence.text, mention)
                if role and person[number]:
                    roles[number].append(role)
    entities: list[Entity] = []
    renumber: dict[int, int] = {}
    first_place: dict[int, tuple[int, int, int]] = {}
    naming: dict[int, set[int]] = defaultdict(set)
    for place, number in by_mention.items():
        first_place[number] = min(first_place.get(number, place), place)
        naming[number].add(place[0])
    for number in sorted(written, key=first_place.__getitem__):
        renumber[number] = len(entities)
        articles_naming = sorted(naming[number])
        entities.append(Entity(
            name=_canonical_name(written[number], token_sources),
            label="PERSON" if person[number] else _majority_label(labels[number]),
            variants=list(dict.fromkeys(written[number])),
            articles=articles_naming,
            mentions=len(written[number]),
            roles=list(dict.fromkeys(roles[number])),
        ))
    return EntityIndex(entities, {p: renumber[n] for p, n in by_mention.items()}, _unique_roles(entities))


def _unique_roles(entities: Sequence[Entity]) -> dict[str, int]:
    """Role key -> entity, for the roles ("Russian President") that only one entity holds."""
    by_role: dict[str, int] = {}
    clashing: set[str] = set()
    for number, entity in enumerate(entities):
        for role in entity.roles:
            key = _role_key(role)
            if key in by_role and by_role[key] != number:
                clashing.add(key)
            by_role[key] = number
    return {key: number for key, number in by_role.items() if key not in clashing}


def _canonical_name(written: list[str], token_sources: dict[str, set[int]]) -> str:
    """The fullest form, spelled as most sources spell its words, then the most frequent.

    Fullest is the most words, a name written together or apart counting as its most words ("Saint-Denis" is as
    full as "Saint Denis"); spelling is the mean number of sources using each of its words.
    """
    bare = [_strip_title(w) for w in written]
    keys = {form: name_key(form) for form in dict.fromkeys(bare)}
    words: dict[str, int] = {}
    for key in keys.values():
        words["".join(key)] = max(words.get("".join(key), 0), len(key))

    counts = Counter(bare)

    def score(form: str) -> tuple[int, float, int]:
        key = keys[form]
        spelling = sum(len(token_sources.get(t, ())) for t in key) / max(1, len(key))
        return words["".join(key)], spelling, counts[form]

    return max(keys, key=score)


def _strip_title(written: str) -> str:
    words = _STATE_FORM_START.sub("", written).split()
    while len(words) > 1 and _TOKEN_EDGE.sub("", words[0]).lower() in TITLES:
        words.pop(0)
    return " ".join(words)


def _majority_label(labels: Counter) -> str:
    return max(labels, key=lambda label: (labels[label], -LABEL_PREFERENCE.index(label) if label in LABEL_PREFERENCE else -99))


def _role_before(text: str, mention: Mention) -> str:
    """The capitalised title phrase right before a name ("Russian President" in "Russian President Vladimir Putin")."""
    match = _ROLE_WORDS.search(text[: mention.start])
    words = match[1].split() if match else []
    if not words or _TOKEN_EDGE.sub("", words[-1]).lower() not in TITLES:
        return ""
    return " ".join(words)


def _role_key(role: str) -> str:
    words = [w for w in unidecode(role).lower().split() if w != "the"]
    return " ".join(words)
