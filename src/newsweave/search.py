"""Search of the store: full text (SQLite FTS5) over reports, story titles and briefs, and the entities the stored
briefs merged, linked across stories so that a name finds a story whatever spelling it uses.

The tables are created by the store (`store._SCHEMA`); this module fills and reads them through the store's
connection, inside the store's transactions. Reports are indexed as they are stored (`index_report`), a story's
title when it changes (`index_story_title`), a brief and its entities when the brief is stored (`index_brief`),
and a store made before these tables had them built when it is opened (`build_missing`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unidecode import unidecode

from ._errors import InputError
from .entities import MIN_FUZZY_TOKEN, TITLES, name_key, same_name, same_person, same_token, sound

INDEX_VERSION = "1"
"""Kept in the store's meta table (key `search_index`) once the index holds every stored report, title and brief."""
REPORT_WEIGHTS = (4.0, 1.0)
"""bm25 weights of a report's title and text: a word in a headline counts four times a word in the body."""
STORY_WEIGHTS = (0.0, 6.0, 1.5)
"""bm25 weights of story_search's columns (story id: not indexed, title, brief)."""
SNIPPET_WORDS = 24
"""Words of context in a result's snippet."""
MAX_QUERY_WORDS = 12
MAX_QUERY_CHARACTERS = 300
MAX_NAME_WORDS = 8
"""The longest run of query words looked up as one spelling of an entity."""
MAX_FUZZY_CANDIDATES = 5000
"""Spellings compared one by one (`same_token`, `same_person`) when a name is not stored as written."""
MAX_QUOTES = 60
"""An entity page shows the quotes of its newest stories, this many at most."""
RELATED_ENTITIES = 12
KEPT_ANSWERS = 512
"""Searches and entity lookups kept answered (the most recently asked) while nothing is written to the store."""
MARK_START, MARK_END = "\x02", "\x03"
"""Highlight markers FTS5 puts around matched words; control characters, which no stored text holds (ingest removes
them), so a report cannot forge one."""
_WORD = re.compile(r"\w+")
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


@dataclass(slots=True)
class Expansion:
    """A query word that names an entity, and the other spellings of that entity searched with it."""

    word: str
    entities: list[str]
    spellings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "entities": self.entities, "spellings": self.spellings}


@dataclass(slots=True)
class SearchHit:
    """One story found: where the best match is (a report, or the story's title and brief) and its snippet."""

    story_id: str
    score: float
    found_in: str
    """"report" or "story" (its title or stored brief)."""
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    """[start, end) character offsets of the matched words in `snippet`."""
    report_id: str | None = None
    report_title: str | None = None
    report_source: str | None = None

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet cut into (text, highlighted) pieces, for a page to mark up."""
        parts, position = [], 0
        for start, end in self.highlights:
            parts += [(self.snippet[position:start], False), (self.snippet[start:end], True)]
            position = end
        parts.append((self.snippet[position:], False))
        return [part for part in parts if part[0]]


@dataclass(slots=True)
class SearchPage:
    """One page of search results, best first, with how many stories matched in all."""

    query: str
    hits: list[SearchHit]
    total: int
    expansions: list[Expansion]


@dataclass(slots=True)
class EntityProfile:
    """What the stored briefs say of one entity across stories: its names, stories (newest first), quotes, company."""

    id: int
    name: str
    type: str
    spellings: list[str]
    story_ids: list[str]
    total_stories: int
    quotes: list[dict[str, Any]]
    related: list[dict[str, Any]]


# -- writing ---------------------------------------------------------------------------------------

def index_report(db: sqlite3.Connection, seq: int, story_id: str, title: str | None, text: str) -> None:
    """Index a report of a story (row `seq` of `articles`) by its title and text. Copies of another report and
    pages left out of stories are not indexed: the origin stands for its copies."""
    db.execute("INSERT INTO report_search(rowid, title, text) VALUES (?, ?, ?)", (seq, title, text))
    db.execute("INSERT OR REPLACE INTO report_stories(seq, story_id) VALUES (?, ?)", (seq, story_id))


def index_story_title(db: sqlite3.Connection, story_id: str, title: str) -> None:
    """Index a story's (new) title, keeping the text of its brief."""
    row = db.execute("SELECT seq FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return
    brief = db.execute("SELECT brief FROM story_search WHERE rowid = ?", (row[0],)).fetchone()
    _write_story_row(db, row[0], story_id, title, brief[0] if brief else "")


def index_brief(db: sqlite3.Connection, story_id: str, brief: Mapping[str, Any]) -> None:
    """Index a stored brief: its words for full text, its entities (name and spellings) linked across stories."""
    row = db.execute("SELECT seq, title FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return
    _write_story_row(db, row[0], story_id, row[1], _brief_text(brief))
    linked = _link_entities(db, story_id, brief.get("entities") or [])
    _keep_quotes(db, story_id, brief, linked)


def build_missing(db: sqlite3.Connection) -> None:
    """Index everything a store holds if its index was never built (a store made before search existed)."""
    if db.execute("SELECT 1 FROM meta WHERE key = 'search_index' AND value = ?", (INDEX_VERSION,)).fetchone():
        return
    db.execute("INSERT INTO report_search(report_search) VALUES ('delete-all')")
    db.execute("DELETE FROM report_stories")
    reports = db.execute("SELECT seq, story_id, title, text FROM articles WHERE story_id IS NOT NULL AND duplicate_of IS NULL")
    for seq, story_id, title, text in reports:  # one report in memory at a time
        index_report(db, seq, story_id, title, text)
    db.execute("DELETE FROM story_search")
    for table in ("entity_quotes", "entity_stories", "entity_words", "entity_spellings", "entities"):
        db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    for seq, story_id, title in db.execute("SELECT seq, id, title FROM stories ORDER BY seq").fetchall():
        _write_story_row(db, seq, story_id, title, "")
    newest = ("SELECT story_id, brief FROM briefs b WHERE version = "
              "(SELECT MAX(version) FROM briefs WHERE story_id = b.story_id) ORDER BY rowid")
    for story_id, text in db.execute(newest).fetchall():
        index_brief(db, story_id, json.loads(text))
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('search_index', ?)", (INDEX_VERSION,))


def _write_story_row(db: sqlite3.Connection, seq: int, story_id: str, title: str, brief_text: str) -> None:
    db.execute("DELETE FROM story_search WHERE rowid = ?", (seq,))
    db.execute("INSERT INTO story_search(rowid, story_id, title, brief) VALUES (?, ?, ?, ?)",
               (seq, story_id, title, brief_text))


def _brief_text(brief: Mapping[str, Any]) -> str:
    """The words of a brief worth finding it by: its summary and its quotes with their speakers (the names of its
    entities are searched through their spellings instead, and are in its reports)."""
    lines = [item.get("text", "") for item in brief.get("summary") or []]
    lines += [f"{q.get('speaker', '')}: {q.get('text', '')}" for q in brief.get("quotes") or []]
    return "\n".join(line for line in lines if line)


# -- entities across stories -------------------------------------------------------------------------

def _link_entities(db: sqlite3.Connection, story_id: str, entities: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Link each entity of a story's brief to the one entity of the store it names (made when new); return the
    store's entity of each folded spelling of the brief."""
    db.execute("DELETE FROM entity_stories WHERE story_id = ?", (story_id,))
    linked: dict[str, int] = {}
    for item in entities:
        spellings = _spellings(item)
        if not spellings or not item.get("name"):
            continue
        kind = str(item.get("type") or "")
        entity_id = _resolve(db, kind, spellings)
        for spelling in spellings:
            key = name_key(spelling)
            linked.setdefault(" ".join(key), entity_id)
            db.execute("INSERT OR IGNORE INTO entity_spellings(entity_id, spelling, folded, type, initial) "
                       "VALUES (?, ?, ?, ?, ?)", (entity_id, spelling, " ".join(key), kind, key[-1][:1]))
            for word, written in _name_words(spelling):
                db.execute("INSERT OR IGNORE INTO entity_words(entity_id, word, written, sound) VALUES (?, ?, ?, ?)",
                           (entity_id, word, written, sound(word)[0]))
        db.execute("INSERT OR IGNORE INTO entity_stories(entity_id, story_id, name) VALUES (?, ?, ?)",
                   (entity_id, story_id, item["name"]))
    return linked


def _keep_quotes(db: sqlite3.Connection, story_id: str, brief: Mapping[str, Any], linked: Mapping[str, int]) -> None:
    """Keep the quotes of a story's brief whose speaker is one of its entities, with the outlets carrying them."""
    db.execute("DELETE FROM entity_quotes WHERE story_id = ?", (story_id,))
    outlets = {source.get("id"): str(source.get("name") or "") for source in brief.get("sources") or []}
    for position, quote in enumerate(brief.get("quotes") or []):
        entity_id = linked.get(" ".join(name_key(str(quote.get("speaker") or ""))))
        if entity_id is not None:
            sources = [outlets.get(number, "") for number in quote.get("sources") or []]
            db.execute("INSERT INTO entity_quotes(entity_id, story_id, position, speaker, text, sources) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (entity_id, story_id, position, quote["speaker"],
                                                     str(quote.get("text") or ""), json.dumps(sources, ensure_ascii=False)))


def _spellings(item: Mapping[str, Any]) -> list[str]:
    """An entity's name and the forms outlets wrote it in, each once, leaving out forms with no name words."""
    forms = [str(item.get("name") or ""), *(str(v) for v in item.get("variants") or [])]
    return [form for form in dict.fromkeys(f.strip() for f in forms) if form and name_key(form)]


def _name_words(spelling: str) -> list[tuple[str, str]]:
    """(folded, as written in lower case) for each word of a spelling that is part of the name (not a title)."""
    words = []
    for written in _WORD.findall(spelling.lower()):
        folded = unidecode(written).lower()
        if folded and folded not in TITLES and folded != "the":
            words.append((folded, written))
    return words


def _resolve(db: sqlite3.Connection, kind: str, spellings: Sequence[str]) -> int:
    """The store's entity these spellings name, merging entities they show to be one; a new entity when none.

    A person is recognised by a full name (same written form, or `same_person`); a surname alone stands for a
    person only when the store knows exactly one person of that surname. Other kinds match on any spelling.
    """
    keys = list(dict.fromkeys(name_key(s) for s in spellings))
    full = [k for k in keys if len(k) > 1] if kind == "PERSON" else keys
    found = _exact(db, kind, full) or _alike(db, kind, full)
    if not found and kind == "PERSON" and not full:
        surnames = _exact(db, kind, keys)
        found = surnames if len(surnames) == 1 else set()
    if not found:
        return int(db.execute("INSERT INTO entities(type) VALUES (?)", (kind,)).lastrowid or 0)
    keep = min(found)
    for other in sorted(found - {keep}):
        _merge(db, keep, other)
    return keep


def _exact(db: sqlite3.Connection, kind: str, keys: Sequence[tuple[str, ...]]) -> set[int]:
    if not keys:
        return set()
    folded = [" ".join(k) for k in keys]
    marks = ",".join("?" * len(folded))
    rows = db.execute(f"SELECT DISTINCT entity_id FROM entity_spellings WHERE type = ? AND folded IN ({marks})",
                      (kind, *folded)).fetchall()
    return {row[0] for row in rows}


def _alike(db: sqlite3.Connection, kind: str | None, keys: Sequence[tuple[str, ...]]) -> set[int]:
    """Entities (of `kind`, any kind when None) with a spelling that names the same thing as one of `keys`."""
    found: set[int] = set()
    for key in keys:
        kinds = "type = ? AND " if kind is not None else ""
        rows = db.execute(f"SELECT entity_id, folded, type FROM entity_spellings WHERE {kinds}initial = ? LIMIT ?",
                          (*([kind] if kind is not None else []), key[-1][:1], MAX_FUZZY_CANDIDATES)).fetchall()
        found |= {entity_id for entity_id, folded, other_kind in rows if _names_alike(other_kind, key, tuple(folded.split()))}
    return found


def _names_alike(kind: str, key: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two folded names name one thing by the analysis's own rules (entities.py)."""
    if kind == "PERSON":
        return len(key) > 1 and len(other) > 1 and same_person(key, other)
    if len(key) == 1 or len(other) == 1:
        return len(key) == len(other) and same_token(key[0], other[0])
    return same_name(key, other, frozenset())


def _merge(db: sqlite3.Connection, keep: int, other: int) -> None:
    """Make entity `other` part of `keep` (a brief showed two stored entities to be one)."""
    for table in ("entity_spellings", "entity_words", "entity_stories", "entity_quotes"):
        db.execute(f"UPDATE OR IGNORE {table} SET entity_id = ? WHERE entity_id = ?", (keep, other))  # noqa: S608
        db.execute(f"DELETE FROM {table} WHERE entity_id = ?", (other,))  # noqa: S608
    db.execute("DELETE FROM entities WHERE id = ?", (other,))


def find_entity(db: sqlite3.Connection, name: str) -> int | None:
    """The entity a name stands for (any stored spelling, or one spelled alike); the one in most stories when
    several are; None when no stored brief names it."""
    key = name_key(name)
    if not key:
        return None
    found = {row[0] for row in db.execute("SELECT entity_id FROM entity_spellings WHERE folded = ?", (" ".join(key),))}
    found = found or _alike(db, None, [key])
    if not found and len(key) == 1:  # a surname alone: the entities with a name word spelled so, or alike
        found = {row[0] for row in db.execute("SELECT entity_id FROM entity_words WHERE word = ?", key)}
        found = found or (_entities_of_unseen_word(db, key[0]) if len(key[0]) >= MIN_FUZZY_TOKEN else set())
    if not found:
        return None
    return max(found, key=lambda entity_id: (_story_count(db, entity_id), -entity_id))


def _story_count(db: sqlite3.Connection, entity_id: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM entity_stories WHERE entity_id = ?", (entity_id,)).fetchone()[0])


def entity_profile(db: sqlite3.Connection, entity_id: int, *, limit: int, offset: int) -> EntityProfile:
    """An entity's names, its stories newest first (one page), the quotes of its speakers and the entities seen
    with it in most stories."""
    kind = db.execute("SELECT type FROM entities WHERE id = ?", (entity_id,)).fetchone()[0]
    spellings = [row[0] for row in db.execute(
        "SELECT spelling FROM entity_spellings WHERE entity_id = ? ORDER BY folded, spelling", (entity_id,))]
    stories = [row[0] for row in db.execute(
        "SELECT s.id FROM entity_stories e JOIN stories s ON s.id = e.story_id WHERE e.entity_id = ? "
        "ORDER BY s.updated DESC, s.seq DESC", (entity_id,))]
    return EntityProfile(
        id=entity_id, name=_display_name(db, entity_id), type=kind, spellings=spellings,
        story_ids=stories[offset:offset + limit], total_stories=len(stories),
        quotes=_quotes(db, entity_id), related=_related(db, entity_id),
    )


def _display_name(db: sqlite3.Connection, entity_id: int) -> str:
    """The name most stories' briefs give the entity (the longer one on a tie)."""
    row = db.execute("SELECT name FROM entity_stories WHERE entity_id = ? GROUP BY name "
                     "ORDER BY COUNT(*) DESC, LENGTH(name) DESC LIMIT 1", (entity_id,)).fetchone()
    if row:
        return str(row[0])
    spelling = db.execute("SELECT spelling FROM entity_spellings WHERE entity_id = ? LIMIT 1", (entity_id,)).fetchone()
    return str(spelling[0]) if spelling else ""


def _quotes(db: sqlite3.Connection, entity_id: int) -> list[dict[str, Any]]:
    """The quotes the stored briefs give to this entity, its newest stories first, at most `MAX_QUOTES`."""
    rows = db.execute(
        "SELECT q.speaker, q.text, q.story_id, s.title, q.sources FROM entity_quotes q JOIN stories s ON s.id = q.story_id "
        "WHERE q.entity_id = ? ORDER BY s.updated DESC, s.seq DESC, q.position LIMIT ?", (entity_id, MAX_QUOTES)).fetchall()
    return [{"speaker": speaker, "text": text, "story": story_id, "story_title": title, "sources": json.loads(sources)}
            for speaker, text, story_id, title, sources in rows]


def _related(db: sqlite3.Connection, entity_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT o.entity_id, COUNT(*) AS shared FROM entity_stories e JOIN entity_stories o "
        "ON o.story_id = e.story_id AND o.entity_id != e.entity_id WHERE e.entity_id = ? "
        "GROUP BY o.entity_id ORDER BY shared DESC, o.entity_id LIMIT ?", (entity_id, RELATED_ENTITIES)).fetchall()
    kinds = dict(db.execute(f"SELECT id, type FROM entities WHERE id IN ({','.join('?' * len(rows))})",
                            [r[0] for r in rows]).fetchall()) if rows else {}
    related = [{"name": _display_name(db, other), "type": kinds.get(other, ""), "stories": shared} for other, shared in rows]
    return sorted(related, key=lambda entity: (-entity["stories"], entity["name"]))


# -- answers kept while the store is unchanged -----------------------------------------------------

class AnswerCache:
    """Answers (of searches, entity lookups) kept by their question while the store stays as it was: all are
    dropped as soon as the store's version (`StoreReader.data_version`) moves, so no answer outlives a write.
    Safe to share between threads; the answers kept are shared, so callers must not change them."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._version: int | None = None
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, version: int, question: Hashable) -> Any | None:
        """The answer kept for `question` at store version `version`; None when there is none."""
        with self._guard:
            if version != self._version:
                return None
            answer = self._answers.get(question)
            if answer is not None:
                self._answers.move_to_end(question)
            return answer

    def put(self, version: int, question: Hashable, answer: Any) -> None:
        """Keep `answer`, made from the store at `version` or later; the oldest answers go past `size`."""
        with self._guard:
            if version != self._version:
                self._answers.clear()
                self._version = version
            self._answers[question] = answer
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)


# -- searching -------------------------------------------------------------------------------------

def search(db: sqlite3.Connection, query: str, *, limit: int, offset: int) -> SearchPage:
    """Stories matching every word of `query` (a name also by its other spellings), best bm25 first."""
    match, expansions = fts_query(db, query)
    best: dict[str, tuple[float, str, int]] = {}
    """The best match of each story: its score, where ("report" or "story") and its row in report_search or
    story_search. Plain tuples: a common word matches thousands of stories, of which one page is shown."""
    reports = db.execute(
        f"WITH found AS MATERIALIZED (SELECT rowid, bm25(report_search, {REPORT_WEIGHTS[0]}, {REPORT_WEIGHTS[1]}) "
        "AS score FROM report_search WHERE report_search MATCH ?) SELECT r.story_id, r.seq, MIN(found.score) "
        "FROM found JOIN report_stories r ON r.seq = found.rowid GROUP BY r.story_id",
        (match,)).fetchall()
    for story_id, seq, score in reports:
        best[story_id] = (score, "report", seq)
    weights = ", ".join(str(w) for w in STORY_WEIGHTS)
    for story_id, row, score in db.execute(
            f"SELECT story_id, rowid, bm25(story_search, {weights}) FROM story_search WHERE story_search MATCH ?", (match,)):
        if story_id not in best or score < best[story_id][0]:
            best[story_id] = (score, "story", row)
    page = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[offset:offset + limit]
    hits = [SearchHit(story_id, score, found_in) for story_id, (score, found_in, _) in page]
    rows = {story_id: row for story_id, (_, _, row) in page}
    for found_in, table, columns in (("report", "report_search", (1, 0)), ("story", "story_search", (2, 1))):
        shown = [hit for hit in hits if hit.found_in == found_in]
        snippets = _snippets(db, table, [rows[hit.story_id] for hit in shown], match, columns)
        for hit in shown:
            hit.snippet, hit.highlights = marked_text(snippets.get(rows[hit.story_id], ""))
    _add_reports(db, [(hit, rows[hit.story_id]) for hit in hits if hit.found_in == "report"])
    return SearchPage(query=query, hits=hits, total=len(best), expansions=expansions)


def fts_query(db: sqlite3.Connection, query: str) -> tuple[str, list[Expansion]]:
    """The FTS5 query of a search: every word required. Words that are a whole spelling of an entity are searched
    as any of its spellings ("EU" also as "European Union", "Myanmar" as "Burma" when a brief merged them) or as
    each of their words in any spelling; any other word that is part of a name is OR'ed with the entity's
    spellings of that word. Every word is quoted, so nothing the user types is read as FTS5 syntax."""
    if len(query) > MAX_QUERY_CHARACTERS:
        raise InputError(f"the query is longer than {MAX_QUERY_CHARACTERS} characters; search for fewer words")
    words = _WORD.findall(query.lower())
    if not words:
        raise InputError("give one or more words to search for, e.g. a name or a place")
    if len(set(words)) > MAX_QUERY_WORDS:
        raise InputError(f"at most {MAX_QUERY_WORDS} words at once; search for fewer")
    parts: list[str] = []
    expansions: list[Expansion] = []
    position = 0
    while position < len(words):
        end, names, expansion = _name_at(db, words, position)
        end = max(end, position + 1)
        by_word = [_alternatives(db, word) for word in words[position:end]]
        if end - position == 1:  # one word: its spellings as a name and as a word of names, in one set
            alternatives = _shortest_phrases(set(names) | set(by_word[0][0]))
            group = "(" + " OR ".join(_phrase(a) for a in alternatives) + ")"
            found = [e for e in (expansion, by_word[0][1]) if e is not None]
            if found:
                entities = list(dict.fromkeys(name for e in found for name in e.entities))
                expansions.append(Expansion(words[position], entities, [a for a in alternatives if a != words[position]]))
        else:  # a name of several words: any of its spellings, or each of its words in any spelling
            each_word = " AND ".join("(" + " OR ".join(_phrase(a) for a in forms) + ")" for forms, _ in by_word)
            group = "(" + " OR ".join([_phrase(a) for a in names] + [f"({each_word})"]) + ")" if names else each_word
            expansions += [e for e in [expansion, *(e for _, e in by_word)] if e is not None]
        if group not in parts:
            parts.append(group)
        position = end
    return " AND ".join(parts), expansions


def _name_at(db: sqlite3.Connection, words: Sequence[str], start: int) -> tuple[int, list[str], Expansion | None]:
    """The longest run of words from `start` that is a stored spelling of an entity, with that entity's spellings
    (as written, lower case; none when it has no other); (start, [], None) when no run is a spelling."""
    for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
        key = name_key(" ".join(words[start:end]))
        if not key:
            continue
        found = sorted({row[0] for row in db.execute("SELECT entity_id FROM entity_spellings WHERE folded = ?",
                                                      (" ".join(key),))})
        if not found:
            continue
        phrase = " ".join(words[start:end])
        marks = ",".join("?" * len(found))
        spellings = {" ".join(_WORD.findall(spelling.lower())) for spelling, kind in db.execute(
            f"SELECT spelling, type FROM entity_spellings WHERE entity_id IN ({marks})", found)
            if not (kind == "PERSON" and end - start > 1 and len(name_key(spelling)) == 1)}  # a full name: not any namesake
        alternatives = _shortest_phrases((spellings - {""}) | {phrase})
        if alternatives == [phrase]:
            return end, [], None
        names = [_display_name(db, entity_id) for entity_id in found]
        return end, alternatives, Expansion(word=phrase, entities=names, spellings=[a for a in alternatives if a != phrase])
    return start, [], None


def _shortest_phrases(phrases: set[str]) -> list[str]:
    """The phrases that hold no other one: a text holding "svetlana tikhanovskaya" holds "tikhanovskaya"."""
    return sorted(p for p in phrases if not any(o != p and f" {o} " in f" {p} " for o in phrases))


def _alternatives(db: sqlite3.Connection, word: str) -> tuple[list[str], Expansion | None]:
    """The forms to search for `word`: itself, and its spellings in the names of the entities it is part of."""
    folded = unidecode(word).lower()
    if not folded or folded in TITLES:
        return [word], None
    rows = db.execute("SELECT entity_id, word, written FROM entity_words WHERE entity_id IN "
                      "(SELECT entity_id FROM entity_words WHERE word = ?)", (folded,)).fetchall()
    if not rows and len(folded) >= MIN_FUZZY_TOKEN:
        entity_ids = _entities_of_unseen_word(db, folded)
        if entity_ids:
            rows = db.execute(f"SELECT entity_id, word, written FROM entity_words WHERE entity_id IN "
                              f"({','.join('?' * len(entity_ids))})", sorted(entity_ids)).fetchall()
    matched = {other for _, other, _ in rows if other == folded or same_token(folded, other)}
    # and the entity's spellings of a matched word: a word spelled like one spelling reaches the others too
    forms = {written for _, other, written in rows if other in matched or any(same_token(m, other) for m in matched)}
    alternatives = sorted(forms | {word})
    if len(alternatives) == 1:
        return alternatives, None
    named = sorted({entity_id for entity_id, other, _ in rows if other in matched})
    names = [_display_name(db, entity_id) for entity_id in named]
    return alternatives, Expansion(word=word, entities=names, spellings=[a for a in alternatives if a != word])


def _entities_of_unseen_word(db: sqlite3.Connection, folded: str) -> set[int]:
    """Entities with a name word spelled like `folded` (sounds alike, or a close spelling of the same length)."""
    rows = db.execute(
        "SELECT entity_id, word FROM entity_words WHERE sound = ? OR (word >= ? AND word < ? AND LENGTH(word) BETWEEN ? AND ?) "
        "LIMIT ?", (sound(folded)[0], folded[0], chr(ord(folded[0]) + 1), len(folded) - 3, len(folded) + 3,
                    MAX_FUZZY_CANDIDATES)).fetchall()
    alike = {other for other in {other for _, other in rows} if same_token(folded, other)}  # each word compared once
    return {entity_id for entity_id, other in rows if other in alike}


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _snippets(db: sqlite3.Connection, table: str, rows: Sequence[int], match: str, columns: tuple[int, int]) -> dict[int, str]:
    """The snippet of each matched row, from the first of `columns` (the text, then the title) that holds a
    matched word; the first column's when neither does. One statement for the rows of a page: FTS5 seeks each
    of them (measured: a fifth cheaper than one statement a row, and one call into SQLite instead of twenty)."""
    if not rows:
        return {}
    first, second = (f"snippet({table}, {column}, ?, ?, '…', {SNIPPET_WORDS})" for column in columns)
    found = db.execute(f"SELECT rowid, {first}, {second} FROM {table} WHERE {table} MATCH ? "  # noqa: S608
                       f"AND rowid IN ({','.join('?' * len(rows))})",
                       (MARK_START, MARK_END, MARK_START, MARK_END, match, *rows)).fetchall()
    return {row: str(next((text for text in texts if text and MARK_START in text), texts[0] or ""))
            for row, *texts in found}


def _add_reports(db: sqlite3.Connection, hits: Sequence[tuple[SearchHit, int]]) -> None:
    """Name the report each hit found in a report was found in."""
    by_seq = dict((seq, hit) for hit, seq in hits)
    if not by_seq:
        return
    for seq, article_id, title, source in db.execute(
            f"SELECT seq, id, title, source FROM articles WHERE seq IN ({','.join('?' * len(by_seq))})", tuple(by_seq)):
        by_seq[seq].report_id, by_seq[seq].report_title, by_seq[seq].report_source = article_id, title, source


def marked_text(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet's text without the highlight markers, and the [start, end) offsets of what they marked."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    position, start = 0, None
    for piece in _MARKS.split(snippet):
        if piece == MARK_START:
            start = position
        elif piece == MARK_END:
            if start is not None and position > start:
                spans.append((start, position))
            start = None
        else:
            text.append(piece)
            position += len(piece)
    return "".join(text), spans
