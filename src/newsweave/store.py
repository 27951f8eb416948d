"""The article store of corpus mode: one SQLite file (WAL) with every report, its story, and why it was left out.

Each `add_articles` call is one transaction: a killed ingest leaves the store as it was after
the last whole batch, and running the ingest again skips what is already stored (same URL or
same text) and completes the rest. Several threads may share one Store (a lock serialises them);
several processes may write the same file (each write transaction first catches up with the
reports the others added, so grouping sees them and nothing is lost).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np

from . import search as _search
from ._errors import NotFoundError, StoreError
from .group import GroupInput, Placement, StoryGrouper, TermWeights
from .models import Article
from .stream import Decision, Earlier, StreamGrouper, group_text

_Answer = TypeVar("_Answer")

DB_ENV_VARIABLE = "NEWSWEAVE_DB"
DEFAULT_DB_NAME = "newsweave.db"
BUSY_TIMEOUT_SECONDS = 60.0
READER_MMAP_BYTES = 1 << 30
"""How much of the file a read-only connection reads through the OS's memory map instead of copies into its own
page cache (address space only; the pages are shared by every connection): searches read the FTS5 index often."""
SAVE_TERM_COUNTS_EVERY = 2000
"""Document frequencies are written to the store after this many new reports (and at close)."""
TITLE_REPORTS = 20
"""A story is titled from its first reports this many (copies left out); past them its title stays."""
_OTHER_STORE = "give the path of a newsweave store, or of a file to create"
SCHEMA_VERSION = 3
"""The layout of the file, kept in SQLite's `PRAGMA user_version`. Older layouts are brought up to date when
opened: layout 1 (newsweave 0.1, user_version 0, meta 'schema' = '1') gains the column of placements, and
layout 2 gains the tables added since (every table of `_SCHEMA` is created if missing)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    text_hash TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    title TEXT,
    published TEXT,
    seen TEXT NOT NULL,
    text TEXT NOT NULL,
    story_id TEXT,
    duplicate_of TEXT,
    dropped_reason TEXT,
    minhash BLOB,
    placement TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS articles_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    changed TEXT
);
CREATE INDEX IF NOT EXISTS stories_updated ON stories(updated);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS briefs (
    story_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    made TEXT NOT NULL,
    brief TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    fetch_url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    http_status INTEGER,
    new_last_round INTEGER NOT NULL DEFAULT 0,
    new_total INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at TEXT,
    errors_total INTEGER NOT NULL DEFAULT 0,
    failures_in_a_row INTEGER NOT NULL DEFAULT 0,
    note TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS report_search USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS report_stories (seq INTEGER PRIMARY KEY, story_id TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS story_search USING fts5(
    story_id UNINDEXED, title, brief, tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS entities (id INTEGER PRIMARY KEY, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entity_spellings (
    entity_id INTEGER NOT NULL, spelling TEXT NOT NULL, folded TEXT NOT NULL, type TEXT NOT NULL, initial TEXT NOT NULL,
    PRIMARY KEY (entity_id, spelling)
);
CREATE INDEX IF NOT EXISTS entity_spellings_folded ON entity_spellings(folded);
CREATE INDEX IF NOT EXISTS entity_spellings_initial ON entity_spellings(type, initial);
CREATE TABLE IF NOT EXISTS entity_words (
    entity_id INTEGER NOT NULL, word TEXT NOT NULL, written TEXT NOT NULL, sound TEXT NOT NULL,
    PRIMARY KEY (entity_id, written)
);
CREATE INDEX IF NOT EXISTS entity_words_word ON entity_words(word);
CREATE INDEX IF NOT EXISTS entity_words_sound ON entity_words(sound);
CREATE TABLE IF NOT EXISTS entity_stories (
    entity_id INTEGER NOT NULL, story_id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (entity_id, story_id)
);
CREATE INDEX IF NOT EXISTS entity_stories_story ON entity_stories(story_id);
CREATE TABLE IF NOT EXISTS entity_quotes (
    entity_id INTEGER NOT NULL, story_id TEXT NOT NULL, position INTEGER NOT NULL, speaker TEXT NOT NULL,
    text TEXT NOT NULL, sources TEXT NOT NULL, PRIMARY KEY (story_id, position)
);
CREATE INDEX IF NOT EXISTS entity_quotes_entity ON entity_quotes(entity_id);
CREATE TABLE IF NOT EXISTS failed_pages (
    url TEXT PRIMARY KEY,
    lasting INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    last_failed TEXT NOT NULL,
    next_try TEXT
);
"""
_LAYOUT_1_TO_2 = ("ALTER TABLE articles ADD COLUMN placement TEXT",)
_LAYOUT_2_TO_3: tuple[str, ...] = ("ALTER TABLE stories ADD COLUMN changed TEXT",)
"""Columns added to existing tables in layout 3 (new tables come from `_SCHEMA` itself)."""


@dataclass(slots=True)
class AddResult:
    """What became of one report given to `Store.add_articles`."""

    article_id: str
    story_id: str | None
    duplicate_of: str | None = None
    dropped_reason: str | None = None
    added: bool = True
    """False when the store already held this report (same URL or same text): nothing was written."""


@dataclass(slots=True)
class StorySummary:
    """One line of the story table: how big a story is and when it was seen."""

    id: str
    title: str
    articles: int
    sources: int
    first_seen: date
    updated: date
    version: int = 0
    changed: datetime | None = None
    """When the story last gained a report in this store (UTC); None for stories stored before layout 3."""


@dataclass(slots=True)
class JoinedReport:
    """One report of a story and why it is there: its placement, or the report it copies."""

    article_id: str
    title: str
    source: str
    duplicate_of: str | None
    placement: Placement | None
    """None for a copy, and for a report grouped before placements were kept (a store of layout 1)."""

    def to_dict(self) -> dict:
        """JSON-ready fields: id, title, source, duplicate_of, and the placement's score, threshold, names, places, dates."""
        fields = {"id": self.article_id, "title": self.title, "source": self.source, "duplicate_of": self.duplicate_of}
        return {**fields, **(self.placement.to_dict() if self.placement else {"score": None})}


@dataclass(slots=True)
class StoredBrief:
    """A Brief JSON kept by the store: the story version it was made from and when it was made (UTC)."""

    story_id: str
    version: int
    made: datetime
    brief: dict


@dataclass(slots=True)
class FeedState:
    """What the store keeps of one watched feed (table `feeds`): where it is fetched, its validators, how it went."""

    url: str
    """The address as listed in the feeds file (the key)."""
    fetch_url: str
    """Where it is fetched now: `url`, or the address a permanent redirect (301, 308) moved it to."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators of the last answer read in full, sent back as If-None-Match / If-Modified-Since."""
    last_fetch: datetime | None = None
    status: str = "new"
    """new (never fetched), ok (read), unchanged (304), moved (read at a new address), failed."""
    http_status: int | None = None
    new_last_round: int = 0
    new_total: int = 0
    pages_failed: int = 0
    """Linked pages of the last round not read that may be read later (failures that may pass, tried again after
    a wait); pages that failed for good are remembered apart (`page_failure`) and not counted here."""
    last_error: str | None = None
    last_error_at: datetime | None = None
    errors_total: int = 0
    failures_in_a_row: int = 0
    note: str | None = None
    """A lasting remark, e.g. the permanent redirect that moved the feed."""


_FEED_COLUMNS = tuple(field.name for field in fields(FeedState))


@dataclass(slots=True)
class PageFailure:
    """A linked page a watched feed pointed to that could not be read (table `failed_pages`)."""

    url: str
    lasting: bool
    """True when asking again will not help (HTTP 404 or 410, not a page, a refused address): it is not asked again."""
    failures: int
    last_error: str
    last_failed: datetime
    next_try: datetime | None = None
    """When a failure that may pass (a time-out, HTTP 5xx) may be tried again; None for a lasting one."""


def default_db_path() -> Path:
    """Where the store lives: $NEWSWEAVE_DB, else ~/.local/share/newsweave/newsweave.db (XDG_DATA_HOME honoured)."""
    configured = os.environ.get(DB_ENV_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "newsweave" / DEFAULT_DB_NAME


class Store:
    """A SQLite store of reports grouped into stories, safe to share between threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._read_only = StoreReader(self.path)
        self._answers = _search.AnswerCache(_search.KEPT_ANSWERS)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._open_layout()
        except sqlite3.DatabaseError as error:
            self._close_quietly()
            raise StoreError(f"cannot be opened as a newsweave store ({error}); {_OTHER_STORE}", where=str(self.path),
                             option="db_path") from error
        except OSError as error:
            raise StoreError(f"cannot be created ({error.strerror}); {_OTHER_STORE}", where=str(self.path),
                             option="db_path") from error
        except StoreError:
            self._close_quietly()
            raise
        self._load_state()

    def _open_layout(self) -> None:
        """Create the tables of a new file, bring a store of layout 1 up to date, refuse any other file."""
        with self._transaction(immediate=True):
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                self._run(tuple(_SCHEMA.split(";")))  # the tables added to layout 3 since this file was made
                _search.build_missing(self._db)
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"written by a newer newsweave (store layout {version}; this version reads layouts "
                    f"up to {SCHEMA_VERSION}): upgrade newsweave, or {_OTHER_STORE}", where=str(self.path), option="db_path")
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and version == 0 and self._is_layout_1(tables):
                self._run(_LAYOUT_1_TO_2 + _LAYOUT_2_TO_3)
            elif tables and version == 2:
                self._run(_LAYOUT_2_TO_3)
            elif tables:
                raise StoreError(f"an SQLite file but not a newsweave store; {_OTHER_STORE}", where=str(self.path),
                                 option="db_path")
            self._run(tuple(_SCHEMA.split(";")))
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            _search.build_missing(self._db)

    def _run(self, statements: Sequence[str]) -> None:
        for statement in statements:
            if statement.strip():
                try:
                    self._db.execute(statement)
                except sqlite3.OperationalError as error:
                    if "duplicate column name" not in str(error):  # a column some copy of this layout already has
                        raise

    def _is_layout_1(self, tables: set[str]) -> bool:
        if not {"articles", "stories", "meta"} <= tables:
            return False
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return row is not None and str(row[0]) == "1"

    def _close_quietly(self) -> None:
        if getattr(self, "_db", None) is not None:
            self._db.close()
            self._db = None  # type: ignore[assignment]

    # -- writing -----------------------------------------------------------------------------

    def add_articles(self, articles: Sequence[Article]) -> list[AddResult]:
        """Store new reports in one transaction; drop non-articles, link copies to their origin, group the rest."""
        with self._lock:
            try:
                with self._transaction(immediate=True):
                    self._catch_up()
                    results = self._add(articles)
                    self._maybe_save_term_counts()
            except sqlite3.Error as error:
                self._load_state()
                raise StoreError(f"the reports could not be stored ({error})", where=str(self.path)) from error
            except BaseException:
                self._load_state()
                raise
            return results

    def import_grouped(self, decisions: Iterable[Decision], stories: Iterable[StorySummary], *, seen: date) -> int:
        """Write reports and stories decided elsewhere (the Spark job's tables, `newsweave import-parquet`) in one
        transaction, then reopen the open stories from them. A report whose id or URL is stored already is not
        written again; a story keeps the title and dates given. Returns how many reports were written."""
        written = 0
        with self._lock:
            try:
                with self._transaction(immediate=True):
                    for decision in decisions:
                        article = decision.article
                        if self._db.execute("SELECT 1 FROM articles WHERE id = ? OR url = ?", (article.id, article.url)).fetchone():
                            continue
                        self._insert(decision, seen)
                        written += 1
                    self._db.executemany(
                        "INSERT INTO stories(id, seq, title, first_seen, updated, version) "
                        "SELECT ?, MIN(seq), ?, ?, ?, COUNT(*) FROM articles WHERE story_id = ? GROUP BY story_id "
                        "ON CONFLICT(id) DO UPDATE SET version = excluded.version, first_seen = MIN(first_seen, excluded.first_seen), "
                        "updated = MAX(updated, excluded.updated)",
                        ((s.id, s.title, s.first_seen.isoformat(), s.updated.isoformat(), s.id) for s in stories))
                    self._load_state()
                    self._save_term_counts()
            except sqlite3.Error as error:
                self._load_state()
                raise StoreError(f"the reports could not be imported ({error})", where=str(self.path)) from error
        return written

    def knows_url(self, url: str) -> bool:
        """Whether a report with this URL is already stored (to skip fetching it again)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None

    def close(self) -> None:
        """Save the learned term counts and close the file."""
        with self._lock:
            if self._db is None:
                return
            try:
                with self._transaction(immediate=True):
                    self._save_term_counts()
            except sqlite3.Error:
                pass
            self._read_only.close()
            self._db.close()
            self._db = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def stories(self, *, since: date | None = None, limit: int = 50, offset: int = 0,
                by_change: bool = False) -> list[StorySummary]:
        """Stories updated on or after `since`, newest first (`by_change`: the last to gain a report here first)."""
        where, parameters = ("WHERE s.updated >= ? ", (since.isoformat(),)) if since else ("", ())
        order = f"{'COALESCE(s.changed, s.updated)' if by_change else 's.updated'} DESC, s.seq DESC"
        # the page of stories first, then the reports of those stories only are counted
        page = f"(SELECT * FROM stories s {where}ORDER BY {order} LIMIT ? OFFSET ?)"
        return self._summaries(f"GROUP BY s.id ORDER BY {order}", (*parameters, limit, offset), stories=page)

    def story(self, story_id: str) -> StorySummary:
        """One story's line of the table; NotFoundError for an unknown id."""
        with self._lock:
            self._require_story(story_id)
            return self._summaries("WHERE s.id = ? GROUP BY s.id", (story_id,))[0]

    def _summaries(self, tail: str, parameters: tuple, *, reader: sqlite3.Connection | None = None,
                   stories: str = "stories") -> list[StorySummary]:
        query = (
            "SELECT s.id, s.title, COUNT(a.seq), COUNT(DISTINCT NULLIF(a.source, '')), s.first_seen, s.updated, s.version, "
            "s.changed "
            f"FROM {stories} s JOIN articles a ON a.story_id = s.id " + tail
        )
        if reader is not None:
            rows = reader.execute(query, parameters).fetchall()
        else:
            with self._lock:
                rows = self._db.execute(query, parameters).fetchall()
        return [
            StorySummary(row[0], row[1], row[2], row[3], date.fromisoformat(row[4]), date.fromisoformat(row[5]), row[6],
                         datetime.fromisoformat(row[7]) if row[7] else None)
            for row in rows
        ]

    def story_articles(self, story_id: str) -> list[Article]:
        """The reports of a story in the order they were stored (origins and carriers alike)."""
        return self._story_reports(story_id, origins_only=False)

    def story_origins(self, story_id: str) -> list[Article]:
        """The reports of a story without the copies of another report (each claim counted once)."""
        return self._story_reports(story_id, origins_only=True)

    def _story_reports(self, story_id: str, *, origins_only: bool) -> list[Article]:
        copies = " AND duplicate_of IS NULL" if origins_only else ""
        with self._lock:
            self._require_story(story_id)
            rows = self._db.execute(
                f"SELECT id, text, source, url, title, published FROM articles WHERE story_id = ?{copies} ORDER BY seq",
                (story_id,),
            ).fetchall()
        return [Article(id=r[0], text=r[1], source=r[2], url=r[3], title=r[4], published=_date_or_none(r[5])) for r in rows]

    def explain(self, story_id: str) -> list[JoinedReport]:
        """Why each report of a story is in it, in the order they were stored: its placement, or the report it copies."""
        with self._lock:
            self._require_story(story_id)
            rows = self._db.execute(
                "SELECT id, title, source, duplicate_of, placement FROM articles WHERE story_id = ? ORDER BY seq", (story_id,)
            ).fetchall()
        return [JoinedReport(r[0], r[1] or "", r[2] or "", r[3], Placement.from_dict(story_id, json.loads(r[4])) if r[4] else None)
                for r in rows]

    @property
    def open_stories(self) -> int:
        """How many stories can still take reports (the others are closed: the stream has moved past them)."""
        with self._lock:
            return self._stream.grouper.open_stories

    def carriers(self, article_id: str) -> list[str]:
        """The ids of the stored copies of a report (other outlets carrying the same text)."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY seq", (article_id,)).fetchall()
        return [row[0] for row in rows]

    def story_version(self, story_id: str) -> int:
        """A number that changes whenever the story gains a report (for caching its brief)."""
        with self._lock:
            return self._require_story(story_id)

    def dropped_counts(self) -> dict[str, int]:
        """How many stored pages were left out of stories, by reason."""
        with self._lock:
            rows = self._db.execute(
                "SELECT dropped_reason, COUNT(*) FROM articles WHERE dropped_reason IS NOT NULL GROUP BY 1 ORDER BY 1"
            ).fetchall()
        return dict(rows)

    def counts(self) -> dict[str, int]:
        """Totals: articles, stories, duplicates (carriers), dropped."""
        with self._lock:
            articles, carriers, dropped = self._db.execute(
                "SELECT COUNT(*), COUNT(duplicate_of), COUNT(dropped_reason) FROM articles"
            ).fetchone()
            stories = self._db.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        return {"articles": articles, "stories": stories, "duplicates": carriers, "dropped": dropped}

    # -- stored briefs -----------------------------------------------------------------------

    def save_brief(self, story_id: str, version: int, brief: dict) -> None:
        """Keep the Brief JSON made from a story at `version` (one row per version, so changes can be followed)."""
        made = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._transaction(immediate=True):
            self._db.execute("INSERT OR REPLACE INTO briefs (story_id, version, made, brief) VALUES (?, ?, ?, ?)",
                             (story_id, version, made, json.dumps(brief, ensure_ascii=False)))
            _search.index_brief(self._db, story_id, brief)

    def stored_brief(self, story_id: str, *, version: int | None = None) -> StoredBrief | None:
        """The stored brief of a story at `version` (the newest stored one when None); None when none is stored."""
        with self._lock:
            return _stored_brief(self._db, story_id, version)

    def stored_briefs(self, story_id: str, *, limit: int) -> list[StoredBrief]:
        """The newest `limit` stored briefs of a story, newest version first."""
        with self._lock:
            rows = self._db.execute("SELECT version, made, brief FROM briefs WHERE story_id = ? ORDER BY version DESC LIMIT ?",
                                    (story_id, limit)).fetchall()
        return [StoredBrief(story_id, row[0], datetime.fromisoformat(row[1]), json.loads(row[2])) for row in rows]

    def newest_briefs(self) -> Iterator[StoredBrief]:
        """The newest stored brief of every story that has one."""
        with self._lock:
            rows = self._db.execute(
                "SELECT b.story_id, b.version, b.made, b.brief FROM briefs b JOIN "
                "(SELECT story_id, MAX(version) AS version FROM briefs GROUP BY story_id) n "
                "ON n.story_id = b.story_id AND n.version = b.version").fetchall()
        for row in rows:
            yield StoredBrief(row[0], row[1], datetime.fromisoformat(row[2]), json.loads(row[3]))

    def brief_before(self, story_id: str, when: datetime) -> StoredBrief | None:
        """The newest stored brief of a story made at or before `when` (naive: UTC); None when none is that old."""
        made = as_utc(when).isoformat(timespec="seconds")
        with self._lock:
            row = self._db.execute(
                "SELECT version, made, brief FROM briefs WHERE story_id = ? AND made <= ? ORDER BY made DESC, version DESC "
                "LIMIT 1", (story_id, made)).fetchone()
        if row is None:
            return None
        return StoredBrief(story_id, row[0], datetime.fromisoformat(row[1]), json.loads(row[2]))

    # -- watched feeds -----------------------------------------------------------------------

    def feed_states(self) -> list[FeedState]:
        """Every watched feed, in the order they were first watched."""
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds ORDER BY rowid").fetchall()
        return [_feed_state(row) for row in rows]

    def feed_state(self, url: str) -> FeedState | None:
        """The kept state of the feed listed as `url`; None when it was never watched."""
        with self._lock:
            row = self._db.execute(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed_state(row) if row else None

    def save_feed_state(self, state: FeedState) -> None:
        """Keep (insert or replace) the state of one feed."""
        values = [getattr(state, column) for column in _FEED_COLUMNS]
        values = [value.isoformat(timespec="seconds") if isinstance(value, datetime) else value for value in values]
        placeholders = ", ".join("?" for _ in _FEED_COLUMNS)
        updates = ", ".join(f"{column} = excluded.{column}" for column in _FEED_COLUMNS[1:])
        with self._lock, self._transaction(immediate=True):
            self._db.execute(f"INSERT INTO feeds ({', '.join(_FEED_COLUMNS)}) VALUES ({placeholders}) "
                             f"ON CONFLICT(url) DO UPDATE SET {updates}", values)

    def page_failure(self, url: str) -> PageFailure | None:
        """What is kept of a linked page that could not be read; None when it never failed (or was read since)."""
        with self._lock:
            row = self._db.execute("SELECT url, lasting, failures, last_error, last_failed, next_try FROM failed_pages "
                                   "WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return PageFailure(row[0], bool(row[1]), row[2], row[3], datetime.fromisoformat(row[4]),
                           datetime.fromisoformat(row[5]) if row[5] else None)

    def save_page_failure(self, failure: PageFailure) -> None:
        """Keep (insert or replace) the failure of a linked page."""
        next_try = failure.next_try.isoformat(timespec="seconds") if failure.next_try else None
        with self._lock, self._transaction(immediate=True):
            self._db.execute("INSERT OR REPLACE INTO failed_pages (url, lasting, failures, last_error, last_failed, next_try) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (failure.url, int(failure.lasting), failure.failures,
                                                          failure.last_error, failure.last_failed.isoformat(timespec="seconds"),
                                                          next_try))

    def forget_page_failure(self, url: str) -> None:
        """Drop the failure kept of a page (it has been read)."""
        with self._lock, self._transaction(immediate=True):
            self._db.execute("DELETE FROM failed_pages WHERE url = ?", (url,))

    # -- search ------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> tuple[_search.SearchPage, dict[str, StorySummary]]:
        """Stories matching `query` (names by all their spellings; `search.search`), and the line of each found story;
        answered again from memory while the store is unchanged (`search.AnswerCache`): the answer is shared, do
        not change it."""
        def answer(reader: sqlite3.Connection) -> tuple[_search.SearchPage, dict[str, StorySummary]]:
            found = _search.search(reader, query, limit=limit, offset=offset)
            return found, self._summaries_of(reader, [hit.story_id for hit in found.hits])

        return self._kept_answer(("search", query, limit, offset), answer)

    def entity(self, name: str, *, limit: int = 50, offset: int = 0) -> tuple[_search.EntityProfile, dict[str, StorySummary]]:
        """What the stored briefs say of the entity `name` stands for (any spelling), and the line of each of its
        stories on the page (kept and shared as `search`'s answers); NotFoundError when no stored brief names it."""
        def answer(reader: sqlite3.Connection) -> tuple[_search.EntityProfile, dict[str, StorySummary]]:
            entity_id = _search.find_entity(reader, name)
            if entity_id is None:
                raise NotFoundError(f"no stored brief names {name!r}", where=str(self.path))
            profile = _search.entity_profile(reader, entity_id, limit=limit, offset=offset)
            return profile, self._summaries_of(reader, profile.story_ids)

        return self._kept_answer(("entity", name, limit, offset), answer)

    def _kept_answer(self, question: tuple, answer: Callable[[sqlite3.Connection], _Answer]) -> _Answer:
        """The answer to `question` kept since the store last changed, else `answer` on this thread's reader, kept."""
        version = self._read_only.data_version()
        kept = self._answers.get(version, question)
        if kept is None:
            kept = answer(self._reader())
            self._answers.put(version, question, kept)
        return kept

    def _summaries_of(self, reader: sqlite3.Connection, story_ids: Sequence[str]) -> dict[str, StorySummary]:
        if not story_ids:
            return {}
        marks = ",".join("?" * len(story_ids))
        return {s.id: s for s in self._summaries(f"WHERE s.id IN ({marks}) GROUP BY s.id", tuple(story_ids), reader=reader)}

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection: searches run beside each other and beside a write (WAL) instead
        of waiting for the store's lock."""
        return self._read_only.connection()

    # -- internals ---------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, immediate: bool = False) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _require_story(self, story_id: str) -> int:
        row = self._db.execute("SELECT version FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id!r}", where=str(self.path))
        return int(row[0])

    def _add(self, articles: Sequence[Article]) -> list[AddResult]:
        """Decide the batch (`StreamGrouper`), then write each new report, its story and why it is there."""
        results: dict[int, AddResult] = {}
        batch_urls: dict[str, str] = {}
        batch_ids: set[str] = set()
        new: list[tuple[int, Article]] = []
        for position, article in enumerate(articles):
            known = self._known(article, batch_urls)
            if known is not None:
                results[position] = known
                continue
            stored = replace(article, id=self._unique_id(article.id, batch_ids))
            batch_ids.add(stored.id)
            if article.url:
                batch_urls[article.url] = stored.id
            new.append((position, stored))
        seen = datetime.now(UTC).date()
        decisions = self._stream.decide([stored for _, stored in new], arrived=seen)
        for (position, _), decision in zip(new, decisions, strict=True):
            results[position] = self._keep(decision, articles[position].id, seen)
        return [results[position] for position in range(len(articles))]

    def _keep(self, decision: Decision, given_id: str, seen: date) -> AddResult:
        """Write one decided report (a repeat of a stored one is not written again)."""
        if decision.repeat:
            return AddResult(given_id, decision.story_id, duplicate_of=decision.duplicate_of,
                             dropped_reason=decision.dropped_reason, added=False)
        self._insert(decision, seen)
        if decision.story_id is not None:
            self._touch_story(decision.story_id, decision.article, decision.text, seen)
        return AddResult(decision.article_id, decision.story_id, duplicate_of=decision.duplicate_of,
                         dropped_reason=decision.dropped_reason)

    def _known(self, article: Article, batch_urls: dict[str, str]) -> AddResult | None:
        if not article.url:
            return None
        existing = batch_urls.get(article.url)
        if existing is None:
            row = self._db.execute("SELECT id FROM articles WHERE url = ?", (article.url,)).fetchone()
            existing = row[0] if row else None
        if existing is None:
            return None
        story_id, dropped_reason = self._db.execute(
            "SELECT story_id, dropped_reason FROM articles WHERE id = ?", (existing,)).fetchone() or (None, None)
        return AddResult(article.id, story_id, duplicate_of=existing, dropped_reason=dropped_reason, added=False)

    def _same_text(self, fingerprint: str) -> Earlier | None:
        row = self._db.execute("SELECT id, story_id, dropped_reason FROM articles WHERE text_hash = ? ORDER BY seq LIMIT 1",
                               (fingerprint,)).fetchone()
        return Earlier(*row) if row else None

    def _unique_id(self, article_id: str, taken: set[str]) -> str:
        candidate, number = article_id, 1
        while candidate in taken or self._db.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
            number += 1
            candidate = f"{article_id}~{number}"
        return candidate

    def _insert(self, decision: Decision, seen: date) -> None:
        article = decision.article
        signature = decision.signature.astype(np.uint64).tobytes() if decision.signature is not None else None
        placement = json.dumps(decision.placement.to_dict(), ensure_ascii=False) if decision.placement else None
        self._db.execute(
            "INSERT INTO articles(id, url, text_hash, source, title, published, seen, text, story_id, duplicate_of, "
            "dropped_reason, minhash, placement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.url, decision.fingerprint, article.source or "", article.title,
             article.published.isoformat() if article.published else None, seen.isoformat(), decision.text or article.text,
             decision.story_id, decision.duplicate_of, decision.dropped_reason, signature, placement),
        )
        self._last_seq = self._db.execute("SELECT last_insert_rowid()").fetchone()[0]
        if decision.story_id is not None and decision.duplicate_of is None:
            _search.index_report(self._db, self._last_seq, decision.story_id, article.title, decision.text or article.text)
        self._new_since_save += 1

    def _touch_story(self, story_id: str, article: Article, text: str, seen: date) -> None:
        """Create or bump a story, and name it by the rule briefs use (`headline.story_title`)."""
        day = (article.published or seen).isoformat()
        changed = datetime.now(UTC).isoformat(timespec="microseconds")
        self._db.execute(
            "INSERT INTO stories(id, seq, title, first_seen, updated, version, changed) VALUES (?, ?, '', ?, ?, 1, ?) "
            "ON CONFLICT(id) DO UPDATE SET version = version + 1, first_seen = MIN(first_seen, excluded.first_seen), "
            "updated = MAX(updated, excluded.updated), changed = excluded.changed",
            (story_id, self._last_seq, day, day, changed),
        )
        self._retitle_story(story_id)

    def _retitle_story(self, story_id: str) -> None:
        """Title a story from its first `TITLE_REPORTS` origin reports: its most representative headline, else a lead line."""
        from .headline import names_its_subject, story_title  # loaded when a story is stored, not by `cluster`

        origins = "FROM articles WHERE story_id = ? AND duplicate_of IS NULL ORDER BY seq LIMIT ?"
        headlines = [row[0] for row in self._db.execute(f"SELECT title {origins}", (story_id, TITLE_REPORTS + 1))]
        if len(headlines) > TITLE_REPORTS:
            return
        if not any(headlines) and names_its_subject(self._db.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()[0]):
            return  # named by a line of its first reports, which comes before any line of a later report
        rows = self._db.execute(f"SELECT text, title {origins}", (story_id, TITLE_REPORTS)).fetchall()
        title = story_title([Article(id="", text=text, title=title) for text, title in rows])
        self._db.execute("UPDATE stories SET title = ? WHERE id = ?", (title, story_id))
        _search.index_story_title(self._db, story_id, title)

    # -- in-memory state: near-duplicate index and open stories, rebuilt from the file ---------

    def _load_state(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'term_counts'").fetchone()
        saved = self._db.execute("SELECT value FROM meta WHERE key = 'term_counts_seq'").fetchone()
        documents = self._db.execute("SELECT value FROM meta WHERE key = 'term_documents'").fetchone()
        weights = TermWeights()
        self._counted_seq = 0
        if row and saved and documents:
            weights = TermWeights(np.frombuffer(row[0], dtype=np.int32).copy(), int(documents[0]))
            self._counted_seq = int(saved[0])
        self._stream = StreamGrouper(grouper=StoryGrouper(weights=weights), same_text=self._same_text)
        self._new_since_save = 0
        self._last_seq = self._counted_seq
        self._catch_up_counts()
        self._reopen_stories()

    def _catch_up_counts(self) -> None:
        rows = self._db.execute(
            "SELECT seq, text, title FROM articles WHERE seq > ? AND story_id IS NOT NULL AND duplicate_of IS NULL ORDER BY seq",
            (self._counted_seq,),
        ).fetchall()
        if rows:
            weights = self._stream.grouper.weights
            weights.learn(weights.count([group_text(r[2], r[1]) for r in rows]))
        self._last_seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        self._new_since_save = len(rows)

    def _reopen_stories(self) -> None:
        grouper = self._stream.grouper
        latest = self._db.execute("SELECT MAX(updated) FROM stories").fetchone()[0]
        if latest is None:
            return
        horizon = (date.fromisoformat(latest) - timedelta(days=grouper.published_span_days)).isoformat()
        story_rows = self._db.execute(
            "SELECT id FROM stories WHERE updated >= ? ORDER BY updated DESC, seq DESC LIMIT ?", (horizon, grouper.max_open)
        ).fetchall()
        for (story_id,) in reversed(story_rows):
            rows = self._db.execute(
                "SELECT id, text, title, published, seen, minhash FROM articles "
                "WHERE story_id = ? AND duplicate_of IS NULL ORDER BY seq",
                (story_id,),
            ).fetchall()
            reports = [GroupInput(r[0], group_text(r[2], r[1]), _date_or_none(r[3]), date.fromisoformat(r[4])) for r in rows]
            signatures = [np.frombuffer(r[5], dtype=np.uint64).copy() if r[5] is not None else None for r in rows]
            self._stream.reopen(story_id, reports, signatures)

    def _catch_up(self) -> None:
        """Bring the in-memory state up to date with reports another process stored meanwhile."""
        newest = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        if newest != self._last_seq:
            self._load_state()

    def _maybe_save_term_counts(self) -> None:
        if self._new_since_save >= SAVE_TERM_COUNTS_EVERY:
            self._save_term_counts()

    def _save_term_counts(self) -> None:
        weights = self._stream.grouper.weights
        values = [
            ("term_counts", weights.document_counts.astype(np.int32).tobytes()),
            ("term_documents", str(weights.documents)),
            ("term_counts_seq", str(self._last_seq)),
        ]
        self._db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values)
        self._new_since_save = 0


def _feed_state(row: Sequence) -> FeedState:
    values = dict(zip(_FEED_COLUMNS, row, strict=True))
    for key in ("last_fetch", "last_error_at"):
        values[key] = datetime.fromisoformat(values[key]) if values[key] else None
    return FeedState(**values)


class StoreReader:
    """Reads of story versions and stored briefs on read-only connections of its own (one per thread), which never
    wait for a `Store` writing the same file (SQLite's WAL: a reader sees the last committed state)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._version = 0
        self._guard = threading.Lock()

    def story_version(self, story_id: str) -> tuple[int, date]:
        """A story's version (as `Store.story_version`) and the day of its newest report; NotFoundError for an unknown id."""
        row = self.connection().execute("SELECT version, updated FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id!r}", where=str(self.path))
        return int(row[0]), date.fromisoformat(row[1])

    def stored_brief(self, story_id: str, *, version: int | None = None) -> StoredBrief | None:
        """As `Store.stored_brief`."""
        return _stored_brief(self.connection(), story_id, version)

    def data_version(self) -> int:
        """A number that grows whenever the store is written, by any connection of any process: it moves on when
        this thread's connection sees a commit (SQLite's `PRAGMA data_version` changed since it last looked), so
        the first look of any thread after a write moves it; a thread's first look ever moves it too."""
        seen = self.connection().execute("PRAGMA data_version").fetchone()[0]
        if seen != getattr(self._local, "data_version", None):
            self._local.data_version = seen
            with self._guard:
                self._version += 1
        return self._version

    def close(self) -> None:
        """Close the connections of every thread."""
        with self._guard:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
            self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """This thread's read-only connection to the store, opened on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            with self._guard:
                self._connections.append(connection)
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                         timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
            connection.execute(f"PRAGMA mmap_size = {READER_MMAP_BYTES}")
            return connection
        except sqlite3.Error as error:
            raise StoreError(f"cannot be read ({error})", where=str(self.path)) from error


def _stored_brief(db: sqlite3.Connection, story_id: str, version: int | None) -> StoredBrief | None:
    """The stored brief of a story at `version` (the newest stored one when None), read on `db`."""
    where, parameters = ("AND version = ?", (story_id, version)) if version is not None else ("", (story_id,))
    row = db.execute(f"SELECT version, made, brief FROM briefs WHERE story_id = ? {where} ORDER BY version DESC LIMIT 1",
                     parameters).fetchone()
    if row is None:
        return None
    return StoredBrief(story_id, row[0], datetime.fromisoformat(row[1]), json.loads(row[2]))


def as_utc(when: datetime) -> datetime:
    """`when` in UTC (a naive time is taken as UTC)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
