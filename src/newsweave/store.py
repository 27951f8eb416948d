"""The article store of corpus mode: one SQLite file (WAL) with every report, its story, and why it was left out.

Each `add_articles` call is one transaction: a killed ingest leaves the store as it was after
the last whole batch, and running the ingest again skips what is already stored (same URL or
same text) and completes the rest. Several threads may share one Store (a lock serialises them);
several processes may write the same file (each write transaction first catches up with the
reports the others added, so grouping sees them and nothing is lost).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from ._errors import NotFoundError, StoreError
from .dedup import NearDuplicateIndex, clean_for_corpus, text_fingerprint
from .group import GroupInput, StoryGrouper, TermWeights
from .headline import names_its_subject, story_title
from .models import Article

DB_ENV_VARIABLE = "NEWSWEAVE_DB"
DEFAULT_DB_NAME = "newsweave.db"
BUSY_TIMEOUT_SECONDS = 60.0
SAVE_TERM_COUNTS_EVERY = 2000
"""Document frequencies are written to the store after this many new reports (and at close)."""
TITLE_REPORTS = 20
"""A story is titled from its first reports this many (copies left out); past them its title stays."""
_SCHEMA_VERSION = "1"
_OTHER_STORE = "give the path of a newsweave store, or of a file to create"

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
    minhash BLOB
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
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS stories_updated ON stories(updated);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
"""


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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (_SCHEMA_VERSION,))
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot be opened as a newsweave store ({error}); {_OTHER_STORE}", where=str(self.path),
                             option="db_path") from error
        except OSError as error:
            raise StoreError(f"cannot be created ({error.strerror}); {_OTHER_STORE}", where=str(self.path),
                             option="db_path") from error
        self._load_state()

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
            self._db.close()
            self._db = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def stories(self, *, since: date | None = None, limit: int = 50, offset: int = 0) -> list[StorySummary]:
        """Stories updated on or after `since`, newest first."""
        where, parameters = ("WHERE s.updated >= ? ", (since.isoformat(),)) if since else ("", ())
        return self._summaries(where + "GROUP BY s.id ORDER BY s.updated DESC, s.seq DESC LIMIT ? OFFSET ?",
                               (*parameters, limit, offset))

    def story(self, story_id: str) -> StorySummary:
        """One story's line of the table; NotFoundError for an unknown id."""
        with self._lock:
            self._require_story(story_id)
            return self._summaries("WHERE s.id = ? GROUP BY s.id", (story_id,))[0]

    def _summaries(self, tail: str, parameters: tuple) -> list[StorySummary]:
        query = (
            "SELECT s.id, s.title, COUNT(a.seq), COUNT(DISTINCT NULLIF(a.source, '')), s.first_seen, s.updated, s.version "
            "FROM stories s JOIN articles a ON a.story_id = s.id " + tail
        )
        with self._lock:
            rows = self._db.execute(query, parameters).fetchall()
        return [
            StorySummary(row[0], row[1], row[2], row[3], date.fromisoformat(row[4]), date.fromisoformat(row[5]), row[6])
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
        results: list[AddResult | None] = []
        to_group: list[tuple[int, Article, str, str, str]] = []
        batch_hashes: dict[str, str] = {}
        batch_urls: dict[str, str] = {}
        seen = datetime.now(UTC).date()
        for article in articles:
            known = self._known(article, batch_urls)
            if known is not None:
                results.append(known)
                continue
            text, reason, published = clean_for_corpus(article.text)
            article.published = article.published or published
            fingerprint = text_fingerprint(text or article.text)
            same_text = batch_hashes.get(fingerprint) or self._id_by_hash(fingerprint)
            if same_text is not None:
                results.append(AddResult(article.id, self._story_of(same_text), duplicate_of=same_text,
                                         dropped_reason=self._dropped_reason(same_text), added=False))
                continue
            article_id = self._unique_id(article.id)
            if article.url:
                batch_urls[article.url] = article_id
            batch_hashes[fingerprint] = article_id
            if reason is not None:
                self._insert(article, article_id, text, fingerprint, seen, dropped_reason=reason)
                results.append(AddResult(article_id, None, dropped_reason=reason))
                continue
            results.append(None)
            to_group.append((len(results) - 1, article, article_id, text, fingerprint))
        self._group_and_insert(to_group, results, seen)
        return [r for r in results if r is not None]

    def _group_and_insert(self, pending: list, results: list, seen: date) -> None:
        origins: list[tuple[int, Article, str, str, str, np.ndarray]] = []
        copies: list[tuple[int, Article, str, str, str, str]] = []
        for slot, article, article_id, text, fingerprint in pending:
            signature = self._duplicates.signature(text)
            origin = self._duplicates.origin_of(signature)
            if origin is not None:
                copies.append((slot, article, article_id, text, fingerprint, origin))
                continue
            self._duplicates.add(article_id, signature)
            origins.append((slot, article, article_id, text, fingerprint, signature))
        reports = [GroupInput(a_id, _group_text(article, text), article.published, seen) for _, article, a_id, text, _, _ in origins]
        story_ids = self._grouper.assign(reports)
        for (slot, article, article_id, text, fingerprint, signature), story_id in zip(origins, story_ids, strict=True):
            self._insert(article, article_id, text, fingerprint, seen, story_id=story_id, minhash=signature)
            self._touch_story(story_id, article, text, seen)
            results[slot] = AddResult(article_id, story_id)
        for slot, article, article_id, text, fingerprint, origin in copies:  # after their origins, which may be in this batch
            origin_story = self._story_of(origin)
            assert origin_story is not None, "the near-duplicate index holds grouped reports only"
            self._insert(article, article_id, text, fingerprint, seen, story_id=origin_story, duplicate_of=origin)
            self._touch_story(origin_story, article, text, seen)
            results[slot] = AddResult(article_id, origin_story, duplicate_of=origin)
        for _, members in self._grouper.pop_closed():
            self._duplicates.remove(members)

    def _known(self, article: Article, batch_urls: dict[str, str]) -> AddResult | None:
        if not article.url:
            return None
        existing = batch_urls.get(article.url)
        if existing is None:
            row = self._db.execute("SELECT id FROM articles WHERE url = ?", (article.url,)).fetchone()
            existing = row[0] if row else None
        if existing is None:
            return None
        return AddResult(article.id, self._story_of(existing), duplicate_of=existing,
                         dropped_reason=self._dropped_reason(existing), added=False)

    def _id_by_hash(self, fingerprint: str) -> str | None:
        row = self._db.execute("SELECT id FROM articles WHERE text_hash = ? ORDER BY seq LIMIT 1", (fingerprint,)).fetchone()
        return row[0] if row else None

    def _dropped_reason(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT dropped_reason FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def _story_of(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def _unique_id(self, article_id: str) -> str:
        candidate, number = article_id, 1
        while self._db.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
            number += 1
            candidate = f"{article_id}~{number}"
        return candidate

    def _insert(self, article: Article, article_id: str, text: str, fingerprint: str, seen: date, *,
                story_id: str | None = None, duplicate_of: str | None = None, dropped_reason: str | None = None,
                minhash: np.ndarray | None = None) -> None:
        self._db.execute(
            "INSERT INTO articles(id, url, text_hash, source, title, published, seen, text, story_id, duplicate_of, "
            "dropped_reason, minhash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, article.url, fingerprint, article.source or "", article.title,
             article.published.isoformat() if article.published else None, seen.isoformat(), text or article.text,
             story_id, duplicate_of, dropped_reason, minhash.astype(np.uint64).tobytes() if minhash is not None else None),
        )
        self._last_seq = self._db.execute("SELECT last_insert_rowid()").fetchone()[0]
        self._new_since_save += 1

    def _touch_story(self, story_id: str, article: Article, text: str, seen: date) -> None:
        """Create or bump a story, and name it by the rule briefs use (`headline.story_title`)."""
        day = (article.published or seen).isoformat()
        self._db.execute(
            "INSERT INTO stories(id, seq, title, first_seen, updated, version) VALUES (?, ?, '', ?, ?, 1) "
            "ON CONFLICT(id) DO UPDATE SET version = version + 1, first_seen = MIN(first_seen, excluded.first_seen), "
            "updated = MAX(updated, excluded.updated)",
            (story_id, self._last_seq, day, day),
        )
        self._retitle_story(story_id)

    def _retitle_story(self, story_id: str) -> None:
        """Title a story from its first `TITLE_REPORTS` origin reports: its most representative headline, else a lead line."""
        origins = "FROM articles WHERE story_id = ? AND duplicate_of IS NULL ORDER BY seq LIMIT ?"
        headlines = [row[0] for row in self._db.execute(f"SELECT title {origins}", (story_id, TITLE_REPORTS + 1))]
        if len(headlines) > TITLE_REPORTS:
            return
        if not any(headlines) and names_its_subject(self._db.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()[0]):
            return  # named by a line of its first reports, which comes before any line of a later report
        rows = self._db.execute(f"SELECT text, title {origins}", (story_id, TITLE_REPORTS)).fetchall()
        title = story_title([Article(id="", text=text, title=title) for text, title in rows])
        self._db.execute("UPDATE stories SET title = ? WHERE id = ?", (title, story_id))

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
        self._grouper = StoryGrouper(weights=weights)
        self._duplicates = NearDuplicateIndex()
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
            weights = self._grouper.weights
            weights.learn(weights.count([_join_title(r[2], r[1]) for r in rows]))
        self._last_seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        self._new_since_save = len(rows)

    def _reopen_stories(self) -> None:
        grouper = self._grouper
        latest = self._db.execute("SELECT MAX(updated) FROM stories").fetchone()[0]
        if latest is None:
            return
        horizon = (date.fromisoformat(latest) - timedelta(days=grouper.window_days)).isoformat()
        story_rows = self._db.execute(
            "SELECT id FROM stories WHERE updated >= ? ORDER BY updated DESC, seq DESC LIMIT ?", (horizon, grouper.max_open)
        ).fetchall()
        for (story_id,) in reversed(story_rows):
            rows = self._db.execute(
                "SELECT id, text, title, published, seen, minhash FROM articles "
                "WHERE story_id = ? AND duplicate_of IS NULL ORDER BY seq",
                (story_id,),
            ).fetchall()
            grouper.restore(story_id, [
                GroupInput(r[0], _join_title(r[2], r[1]), _date_or_none(r[3]), date.fromisoformat(r[4])) for r in rows
            ])
            for r in rows:
                if r[5] is not None:
                    self._duplicates.add(r[0], np.frombuffer(r[5], dtype=np.uint64).copy())

    def _catch_up(self) -> None:
        """Bring the in-memory state up to date with reports another process stored meanwhile."""
        newest = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        if newest != self._last_seq:
            self._load_state()

    def _maybe_save_term_counts(self) -> None:
        if self._new_since_save >= SAVE_TERM_COUNTS_EVERY:
            self._save_term_counts()

    def _save_term_counts(self) -> None:
        weights = self._grouper.weights
        values = [
            ("term_counts", weights.document_counts.astype(np.int32).tobytes()),
            ("term_documents", str(weights.documents)),
            ("term_counts_seq", str(self._last_seq)),
        ]
        self._db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values)
        self._new_since_save = 0


def _group_text(article: Article, text: str) -> str:
    return _join_title(article.title, text)


def _join_title(title: str | None, text: str) -> str:
    return f"{title}\n{text}" if title else text


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
