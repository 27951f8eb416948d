"""The SQLite store: real files in temporary folders."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from newsweave import NotFoundError
from newsweave.ingest import read_reports
from newsweave.models import Article
from newsweave.store import Store, default_db_path


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
