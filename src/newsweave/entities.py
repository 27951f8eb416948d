"""Find named entities in a story's sentences and give each real-world referent one canonical name.

Outlets spell the same person differently (Tikhanovskaya / Tsikhanouskaya, Lukashenko / Lukashenka,
Alexander / Alyaksandr), add titles ("Mr Macron", "President Putin"), drop first names, and make typos
("Lukashenk0o"). Names are compared token by token on their ASCII form (unidecode) with rapidfuzz and
with a consonant skeleton that folds common transliteration choices; person names match when their
surnames match and their first names (where both have one) match too, so two people who share a
surname stay apart. `docs/analysis.md` describes the rules and where they fail.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz
from unidecode import unidecode

from .models import Article, Mention, Sentence, with_sentences

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
"""NER labels that name a referent; NORP ("Russian") and figures stay mentions only."""
BRIEF_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"})
"""Entity types shown in the Brief: people, organisations, places and events."""
SAME_TOKEN_SIMILARITY = 85.0
"""rapidfuzz ratio (0-100) from which two name tokens are spelling variants of one another."""
MISSED_NAME_SIMILARITY = 90.0
"""A capitalised token NER did not tag joins a known surname from this ratio on (typos like "Lukashenk0o")."""
MIN_FUZZY_TOKEN = 4
"""Shorter tokens must match exactly: fuzzy ratios of short strings say little."""
NER_BATCH_SIZE = 256
LABEL_PREFERENCE = ("PERSON", "GPE", "ORG", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "vice", "chancellor", "minister",
    "prime", "secretary", "senator", "sen", "rep", "representative", "gov", "governor", "king", "queen", "prince",
    "princess", "pope", "general", "gen", "col", "colonel", "captain", "capt", "judge", "justice", "mayor",
    "premier", "prof", "professor", "rev", "reverend", "sheikh", "ayatollah", "archbishop", "bishop", "father",
    "chairman", "chairwoman", "ambassador", "commissioner", "lt", "sgt", "officer", "detective", "coach",
})
"""Words that stand before a name as a title; stripped when names are compared, kept in `variants`."""
_CONNECTIVES = frozenset({"of", "for", "and", "the", "in", "on", "de", "du", "la", "&"})
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TOKEN_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
_ROUND_VOWEL = re.compile(r"(?<=[aeiou])u(?=[^aeiou]|$)")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLE = re.compile(r"(.)\1+")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]{3,}")
_ROLE_WORDS = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3})$")


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

    def to_brief(self) -> list[dict]:
        """Entities of the Brief types as contract dicts, most widely reported first (sources 1-based)."""
        shown = [e for e in self.entities if e.label in BRIEF_LABELS]
        shown.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name))
        return [
            {"name": e.name, "type": e.label, "variants": e.variants, "sources": [a + 1 for a in e.articles]}
            for e in shown
        ]


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
    builder = _EntityBuilder()
    builder.add_people([f for f in forms.values() if len(f.key) > 1 and f.is_person()])
    builder.add_exact([f for f in forms.values() if len(f.key) > 1 and not f.is_person()])
    articles = _with_mentions(articles, _missed_names(articles, builder.surnames()))
    forms = _collect_forms(articles)
    builder.add_single_tokens([f for f in forms.values() if len(f.key) == 1])
    return articles, builder.index(articles, forms)


def name_key(text: str) -> tuple[str, ...]:
    """The comparable tokens of a name: ASCII, lower case, without article, titles, initials or possessive."""
    tokens = [_TOKEN_EDGE.sub("", t) for t in unidecode(_POSSESSIVE.sub("", text.strip())).lower().split()]
    tokens = [t for t in tokens if t]
    while tokens and (tokens[0] in TITLES or tokens[0] == "the"):
        tokens.pop(0)
    kept = [t for t in tokens if not (len(t) == 1 and len(tokens) > 2)]
    return tuple(kept or tokens)


def skeleton(token: str) -> str:
    """A token's consonant skeleton, folding transliteration choices: Alexander and Alyaksandr give `alksndr`."""
    folded = _ROUND_VOWEL.sub("v", token.translate(_LEET)).replace("x", "ks").replace("j", "y")
    return _DOUBLE.sub(r"\1", folded[:1] + _VOWELS.sub("", folded[1:]))


def same_token(a: str, b: str) -> bool:
    """Whether two name tokens are one name spelled differently (transliteration or typo)."""
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_TOKEN or a[0].translate(_LEET) != b[0].translate(_LEET):
        return False
    if fuzz.ratio(a.translate(_LEET), b.translate(_LEET)) >= SAME_TOKEN_SIMILARITY:
        return True
    skeleton_a, skeleton_b = skeleton(a), skeleton(b)
    return len(skeleton_a) >= MIN_FUZZY_TOKEN and skeleton_a == skeleton_b


def same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two multi-token person names name one person: same surname, and same first name."""
    return same_token(a[-1], b[-1]) and same_token(a[0], b[0])


def acronym(key: tuple[str, ...]) -> str:
    """The initials of a multi-word name, skipping connectives: "european union" gives "eu"."""
    return "".join(t[0] for t in key if t not in _CONNECTIVES)


@dataclass(slots=True)
class _Form:
    """One comparable name (its key) with every written form, label votes and where it occurs."""

    key: tuple[str, ...]
    written: list[str] = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)
    places: list[tuple[int, int, int]] = field(default_factory=list)

    def is_person(self) -> bool:
        """Whether NER calls this form a person at least as often as anything else."""
        return self.labels["PERSON"] > 0 and self.labels["PERSON"] >= max(self.labels.values())


def _collect_forms(articles: Sequence[Article]) -> dict[tuple[str, ...], _Form]:
    forms: dict[tuple[str, ...], _Form] = {}
    for article in articles:
        for sentence in article.sentences:
            for mention in sentence.mentions:
                if mention.label not in NAME_LABELS:
                    continue
                key = name_key(mention.text)
                if not key or not any(c.isalpha() for c in key[-1]):
                    continue
                form = forms.setdefault(key, _Form(key))
                form.written.append(_written_form(sentence.text, mention))
                form.labels[mention.label] += 1
                form.places.append((sentence.article, sentence.position, mention.start))
    return forms


def _written_form(text: str, mention: Mention) -> str:
    """The mention as the outlet wrote it, with a title directly before it and without a possessive."""
    written = _POSSESSIVE.sub("", mention.text.strip())
    if written.lower().startswith("the "):
        written = written[4:]
    before = text[: mention.start].split()
    if before and _TOKEN_EDGE.sub("", before[-1]).lower() in TITLES and before[-1][:1].isupper():
        written = f"{before[-1]} {written}"
    return written


class _EntityBuilder:
    """Assigns forms to entities, fullest names first, and keeps which forms are ambiguous surnames."""

    def __init__(self) -> None:
        self.keys: list[list[tuple[str, ...]]] = []
        self.person: list[bool] = []
        self.of_key: dict[tuple[str, ...], int] = {}
        self.ambiguous: dict[tuple[str, ...], list[int]] = {}

    def _new(self, key: tuple[str, ...], person: bool) -> int:
        self.keys.append([key])
        self.person.append(person)
        self.of_key[key] = len(self.keys) - 1
        return len(self.keys) - 1

    def add_people(self, forms: list[_Form]) -> None:
        """Merge multi-token person names that share surname and first name; else start a new person."""
        for form in sorted(forms, key=lambda f: (-len(f.key), -len(f.places))):
            match = next(
                (n for n, keys in enumerate(self.keys) if self.person[n] and same_person(keys[0], form.key)), None
            )
            if match is None:
                self._new(form.key, True)
            else:
                self.keys[match].append(form.key)
                self.of_key[form.key] = match

    def add_exact(self, forms: list[_Form]) -> None:
        """Multi-token names of organisations and places: one entity per exact key."""
        for form in forms:
            self._new(form.key, False)

    def surnames(self) -> dict[str, list[int]]:
        """Every surname token of the people found so far, with the people who carry it."""
        found: dict[str, list[int]] = defaultdict(list)
        for number, keys in enumerate(self.keys):
            if self.person[number]:
                for key in keys:
                    if number not in found[key[-1]]:
                        found[key[-1]].append(number)
        return found

    def add_single_tokens(self, forms: list[_Form]) -> None:
        """Surname-only mentions join their person (ambiguous ones are settled per mention); acronyms join names."""
        surnames = self.surnames()
        acronyms = {acronym(keys[0]): n for n, keys in enumerate(self.keys) if not self.person[n] and len(keys[0]) > 1}
        for form in sorted(forms, key=lambda f: -len(f.places)):
            token = form.key[0]
            people = sorted({n for surname, ns in surnames.items() if same_token(surname, token) for n in ns})
            if len(people) == 1:
                self.keys[people[0]].append(form.key)
                self.of_key[form.key] = people[0]
            elif people:
                self.ambiguous[form.key] = people
            elif token.replace(".", "") in acronyms and len(token.replace(".", "")) >= 2:
                self.of_key[form.key] = acronyms[token.replace(".", "")]
            elif form.is_person():
                number = self._new(form.key, True)
                surnames[token].append(number)
            else:
                self._new(form.key, False)

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
        return _describe(articles, forms, by_mention, self.person)


def _most_recent(candidates: list[int], seen: dict[int, int], keys: list[list[tuple[str, ...]]]) -> int:
    """Of several people sharing a surname, the one last named in this article, else the most named overall."""
    recent = [n for n in candidates if n in seen]
    if recent:
        return max(recent, key=lambda n: seen[n])
    return max(candidates, key=lambda n: len(keys[n]))


def _missed_names(articles: Sequence[Article], surnames: dict[str, list[int]]) -> list[list[Mention]]:
    """Per sentence (in article order), PERSON mentions for capitalised tokens NER missed that spell a known surname."""
    sentences = [s for a in articles for s in a.sentences]
    if not surnames:
        return [[] for _ in sentences]
    known = list(surnames)
    missed: list[list[Mention]] = []
    for sentence in sentences:
        covered = [(m.start, m.end) for m in sentence.mentions]
        found = []
        for match in _CAPITALISED.finditer(sentence.text):
            if any(start < match.end() and match.start() < end for start, end in covered):
                continue
            token = name_key(match[0])
            if len(token) != 1 or token[0] in TITLES:
                continue
            folded = token[0].translate(_LEET)
            if any(fuzz.ratio(folded, s.translate(_LEET)) >= MISSED_NAME_SIMILARITY for s in known):
                found.append(Mention(_POSSESSIVE.sub("", match[0]), "PERSON", match.start(), match.end()))
        missed.append(found)
    return missed


def _describe(
    articles: Sequence[Article],
    forms: dict[tuple[str, ...], _Form],
    by_mention: dict[tuple[int, int, int], int],
    person: list[bool],
) -> EntityIndex:
    written: dict[int, list[str]] = defaultdict(list)
    labels: dict[int, Counter] = defaultdict(Counter)
    token_sources: dict[str, set[int]] = defaultdict(set)
    used_keys: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    roles: dict[int, list[str]] = defaultdict(list)
    for article in articles:
        for sentence in article.sentences:
            for mention in sentence.mentions:
                number = by_mention.get((sentence.article, sentence.position, mention.start))
                if number is None:
                    continue
                written[number].append(_written_form(sentence.text, mention))
                labels[number][mention.label] += 1
                key = name_key(mention.text)
                used_keys[number].append(key)
                for token in key:
                    token_sources[token].add(sentence.article)
                role = _role_before(sentence.text, mention)
                if role and person[number]:
                    roles[number].append(role)
    entities: list[Entity] = []
    renumber: dict[int, int] = {}
    for number in sorted(written, key=lambda n: min(p for p, e in by_mention.items() if e == n)):
        renumber[number] = len(entities)
        articles_naming = sorted({p[0] for p, e in by_mention.items() if e == number})
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
    """The fullest form, its spelling the one most sources use: longest first, then widest-used tokens."""
    def score(form: str) -> tuple[int, int, int]:
        key = name_key(form)
        return len(key), sum(len(token_sources.get(t, ())) for t in key), written.count(form)

    bare = [_strip_title(w) for w in written]
    return max(dict.fromkeys(bare), key=score)


def _strip_title(written: str) -> str:
    words = written.split()
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
