"""The SQLite store: real files in temporary folders."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from newsweave import NotFoundError, StoreError
from newsweave.models import Article
from newsweave.sources import read_reports
from newsweave.store import SCHEMA_VERSION, Store, default_db_path


def _dev_articles(dev_clusters: list[dict]) -> list[Article]:
    return [
        Article(id=f"{c['id']}-{n}", text=text, source=f"outlet-{n}", url=f"https://outlet-{n}.example/{c['id']}")
        for c in dev_clusters for n, text in enumerate(c["documents"])
    ]


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "news.db") as opened:
        yield opened


def test_reports_are_stored_grouped_and_non_articles_left_out(store, dev_clusters):
    articles = _dev_articles(dev_clusters)
    results = store.add_articles(articles)
    assert [r.article_id for r in results] == [a.id for a in articles]
    dropped = {r.article_id: r.dropped_reason for r in results if r.dropped_reason}
    assert dropped["mn-val-010-1"] == "archive-notice"
    assert all(r.story_id is None for r in results if r.dropped_reason)
    by_id = {r.article_id: r.story_id for r in results}
    assert by_id["mn-val-004-0"] == by_id["mn-val-004-1"] == by_id["mn-val-004-2"]
    stories = store.stories(limit=100)
    assert sum(s.articles for s in stories) == len(articles) - len(dropped)
    assert store.dropped_counts() == {reason: list(dropped.values()).count(reason) for reason in set(dropped.values())}


def test_same_url_or_same_text_adds_nothing(store, dev_clusters):
    articles = _dev_articles(dev_clusters)
    store.add_articles(articles)
    before = store.counts()
    again = store.add_articles(articles)
    same_text = store.add_articles([Article(id="another-id", text=articles[3].text, source="elsewhere")])
    assert not any(r.added for r in again) and not same_text[0].added
    assert same_text[0].duplicate_of == articles[3].id
    assert store.counts() == before


def test_wire_copy_is_a_carrier_of_its_origin(store, seeds_dir):
    first, second, third = read_reports([str(seeds_dir)])
    store.add_articles([first, second, third])
    copy = Article(id="wire-copy", text="Breaking: Macron meets Tikhanovskaya\n" + first.text + "\nShare this story", source="carrier.example")
    [result] = store.add_articles([copy])
    origin_story = store.add_articles([first])[0].story_id
    assert result.duplicate_of == first.id and result.story_id == origin_story
    assert store.carriers(first.id) == ["wire-copy"]
    assert "wire-copy" not in [a.id for a in store.story_origins(origin_story)]
    assert "wire-copy" in [a.id for a in store.story_articles(origin_story)]


def test_wire_copy_in_the_same_batch_as_its_origin_joins_its_story_and_the_store_reopens(tmp_path, seeds_dir):
    first, second, _ = read_reports([str(seeds_dir)])
    copy = Article(id="wire-copy", text=first.text + "\nDistributed by a wire agency.", source="carrier.example")
    with Store(tmp_path / "news.db") as store:
        origin, _, carried = store.add_articles([first, second, copy])
        assert carried.duplicate_of == first.id and carried.story_id == origin.story_id is not None
    with Store(tmp_path / "news.db") as reopened:
        assert reopened.carriers(first.id) == ["wire-copy"]
        assert sum(story.articles for story in reopened.stories()) == 3


def test_story_version_changes_when_a_story_gains_a_report(store, seeds_dir):
    first = read_reports([str(seeds_dir)])[0]
    [result] = store.add_articles([first])
    version = store.story_version(result.story_id)
    # a wire copy joins its origin's story whatever the grouping makes of other outlets' reports
    [copy] = store.add_articles([Article(id="wire-copy", text=first.text + "\nDistributed by a wire agency.", source="x")])
    assert copy.story_id == result.story_id
    assert store.story_version(result.story_id) > version


def test_unknown_story_id_is_not_found_in_the_store(store):
    with pytest.raises(NotFoundError) as caught:
        store.story_articles("s-no-such-story")
    assert caught.value.where == str(store.path) and "s-no-such-story" in caught.value.message
    with pytest.raises(NotFoundError):
        store.story_version("s-no-such-story")


def test_reopened_store_keeps_grouping_where_it_stopped(tmp_path, seeds_dir):
    first, second, third = read_reports([str(seeds_dir)])
    with Store(tmp_path / "news.db") as store:
        [origin] = store.add_articles([first])
    with Store(tmp_path / "news.db") as reopened:
        [copy] = reopened.add_articles([Article(id="copy", text=first.text + "\nThis report was first published by Example News.", source="x")])
        assert copy.duplicate_of == first.id and copy.story_id == origin.story_id
        assert reopened.counts()["articles"] == 2


def test_store_file_is_in_wal_mode(tmp_path):
    Store(tmp_path / "news.db").close()
    connection = sqlite3.connect(tmp_path / "news.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_writers_lose_nothing(tmp_path, dev_clusters):
    articles = _dev_articles(dev_clusters)
    halves = [articles[::2], articles[1::2]]
    shared = Store(tmp_path / "news.db")
    other_process_like = Store(tmp_path / "news.db")
    errors: list[BaseException] = []

    def write(store: Store, part: list[Article]) -> None:
        try:
            for article in part:
                store.add_articles([article])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(s, part)) for s, part in zip((shared, other_process_like), halves, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stored = shared.counts()["articles"]
    shared.close()
    other_process_like.close()
    with Store(tmp_path / "one-writer.db") as sequential:
        sequential.add_articles(articles)
        assert stored == sequential.counts()["articles"]
    with Store(tmp_path / "news.db") as check:
        assert {r.article_id for r in check.add_articles(articles)} == {a.id for a in articles}
        assert check.counts()["articles"] == stored


def test_default_path_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "elsewhere.db"))
    assert default_db_path() == tmp_path / "elsewhere.db"
    monkeypatch.delenv("NEWSWEAVE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "newsweave" / "newsweave.db"


def test_since_filters_stories_by_day(store, seeds_dir):
    store.add_articles(read_reports([str(seeds_dir)]))
    assert store.stories()
    assert store.stories(since=__import__("datetime").date(2999, 1, 1)) == []


def test_untitled_story_is_named_by_a_line_that_names_its_subject_not_page_furniture(store, seeds_dir):
    text = "share tweet pin email\n\n" + (seeds_dir / "001_edf9315a15c5cb2b.txt").read_text(encoding="utf-8")
    [result] = store.add_articles([Article(id="furnished", text=text, source="RFE/RL")])
    [story] = [s for s in store.stories(limit=500) if s.id == result.story_id]
    # the lead "French President has promised Europe's help..." lost its name with a link: not a title
    assert story.title.startswith("“We will do our best as Europeans to help mediate,” Macron told reporters")


def test_a_date_line_in_the_text_dates_the_stored_report(store, seeds_dir):
    text = (seeds_dir / "002_f707635d398c7996.txt").read_text(encoding="utf-8")
    [result] = store.add_articles([Article(id="dated-by-its-line", text=text, source="Euronews")])
    [story] = [s for s in store.stories(limit=500) if s.id == result.story_id]
    assert story.first_seen.isoformat() == "2020-09-30"
    assert store.story_articles(result.story_id)[0].published.isoformat() == "2020-09-30"


def test_dated_and_undated_reports_of_one_event_form_one_story(store, seeds_dir):
    results = store.add_articles(read_reports([str(seeds_dir)]))  # only the third seed has a date line
    assert len({r.story_id for r in results}) == 1


def test_one_story_line_is_read_by_id(store, seeds_dir):
    results = store.add_articles(read_reports([str(seeds_dir)]))
    story = store.story(results[0].story_id)
    assert (story.articles, story.sources) == (3, 3)
    with pytest.raises(NotFoundError):
        store.story("s-nope")


def test_story_whose_first_report_has_no_line_to_title_it_is_named_by_a_later_report(store, seeds_dir):
    # the first seed is one paragraph opening with "He called for..."; the second opens with a lost name
    results = store.add_articles(read_reports([str(seeds_dir)]))
    [story] = [s for s in store.stories(limit=500) if s.id == results[0].story_id]
    assert story.articles == 3
    assert story.title.startswith("“We will do our best as Europeans to help mediate,” Macron")


_LAYOUT_1 = """
CREATE TABLE articles (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, url TEXT, text_hash TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '', title TEXT, published TEXT, seen TEXT NOT NULL, text TEXT NOT NULL, story_id TEXT,
    duplicate_of TEXT, dropped_reason TEXT, minhash BLOB);
CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX articles_text_hash ON articles(text_hash);
CREATE INDEX articles_story ON articles(story_id);
CREATE TABLE stories (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL,
    updated TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0);
CREATE INDEX stories_updated ON stories(updated);
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
INSERT INTO meta(key, value) VALUES ('schema', '1');
"""


def _layout_1_store(path: Path, seeds_dir: Path) -> str:
    """A store as newsweave 0.1 wrote it (user_version 0, meta schema '1'), holding one seed report."""
    first = read_reports([str(seeds_dir)])[0]
    connection = sqlite3.connect(path)
    connection.executescript(_LAYOUT_1)
    connection.execute("INSERT INTO articles(id, text_hash, source, seen, text, story_id) VALUES (?, 'h', 'x', '2024-01-02', ?, 's-old')",
                       (first.id, first.text))
    connection.execute("INSERT INTO stories(id, seq, title, first_seen, updated, version) VALUES ('s-old', 1, 'Old', '2024-01-02', '2024-01-02', 1)")
    connection.commit()
    connection.close()
    return first.id


def test_store_of_the_released_layout_is_brought_up_to_date_and_keeps_its_reports(tmp_path, seeds_dir):
    path = tmp_path / "old.db"
    old_id = _layout_1_store(path, seeds_dir)
    with Store(path) as store:
        [joined] = store.explain("s-old")
        assert joined.article_id == old_id and joined.placement is None  # grouped before placements were kept
        results = store.add_articles(read_reports([str(seeds_dir)])[1:])
        assert all(r.added and r.story_id for r in results)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "placement" in [row[1] for row in connection.execute("PRAGMA table_info(articles)")]


def test_store_of_layout_2_gains_the_briefs_table_and_keeps_its_reports(tmp_path, seeds_dir):
    path = tmp_path / "layout2.db"
    with Store(path) as store:
        [story_id] = {r.story_id for r in store.add_articles(read_reports([str(seeds_dir)]))}
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE briefs")
    connection.execute("PRAGMA user_version = 2")
    connection.commit()
    connection.close()
    with Store(path) as store:
        assert store.story(story_id).articles == 3
        store.save_brief(story_id, 1, {"title": "A"})
        assert store.stored_brief(story_id).brief == {"title": "A"}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_stored_briefs_are_kept_per_version_and_the_newest_is_read_by_default(tmp_path):
    with Store(tmp_path / "news.db") as store:
        assert store.stored_brief("s-1") is None
        store.save_brief("s-1", 1, {"title": "First"})
        store.save_brief("s-1", 2, {"title": "Second"})
        newest = store.stored_brief("s-1")
        assert (newest.version, newest.brief["title"]) == (2, "Second")
        assert store.stored_brief("s-1", version=1).brief["title"] == "First"
        assert newest.made.tzinfo is not None


def test_store_written_by_a_newer_newsweave_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "newer.db"
    Store(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer newsweave.*upgrade newsweave"):
        Store(path)


def test_sqlite_file_of_another_program_is_not_taken_for_a_store(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER)")
    connection.close()
    with pytest.raises(StoreError, match="not a newsweave store"):
        Store(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("photos",)]


def test_explain_says_why_each_report_is_in_its_story_and_survives_reopening(tmp_path, ecb_reports):
    lohan = [Article(id=r["id"], text=r["text"], title=r["title"] or None, source=f"outlet-{n}")
             for n, r in enumerate(ecb_reports) if r["event"] == "1ecbplus"]
    with Store(tmp_path / "news.db") as store:
        results = store.add_articles(lohan)
        story_id = max({r.story_id for r in results}, key=[r.story_id for r in results].count)
        origin = next(a for a, r in zip(lohan, results, strict=True) if r.story_id == story_id)
        copy = Article(id="wire-copy", text=origin.text + "\nDistributed by a wire agency.", source="carrier")
        assert store.add_articles([copy])[0].story_id == story_id
    with Store(tmp_path / "news.db") as reopened:
        reports = reopened.explain(story_id)
        with pytest.raises(NotFoundError):
            reopened.explain("s-no-such-story")
    by_id = {r.article_id: r for r in reports}
    assert reports[0].placement.how == "started" and reports[0].article_id == origin.id
    assert by_id["wire-copy"].duplicate_of == origin.id and by_id["wire-copy"].placement is None
    joined = [r.placement for r in reports if r.placement and r.placement.how != "started"]
    assert joined and all(p.score is not None and p.threshold is not None for p in joined)
    assert any("Lindsay Lohan" in p.names for p in joined)
    assert reports[1].to_dict()["id"] == reports[1].article_id
