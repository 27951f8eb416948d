"""Stream readers: JSONL, feeds (files and URLs), WARC archives and folders, bad input reported by place."""

from __future__ import annotations

import json
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from corpus_files import html_page, rss, write_jsonl, write_warc
from servers import http_server

from newsweave import InputError
from newsweave.ingest import MAX_PAGE_BYTES
from newsweave.sources import fetch_article, read_reports, read_sources


@pytest.fixture(scope="module")
def seed_articles(seeds_dir):
    return read_reports([str(seeds_dir)])


@pytest.fixture()
def served(tmp_path: Path):
    """A local HTTP server over tmp_path on 127.0.0.1; yields its base URL."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    with http_server(handler) as base:
        yield base


def test_jsonl_bad_lines_are_reported_by_number_and_the_rest_read(tmp_path, seed_articles):
    path = tmp_path / "dump.jsonl"
    write_jsonl(path, [
        {"id": "a", "text": seed_articles[0].text, "url": "https://a.example/1", "source": "A", "published": "2020-09-29"},
        {"id": "no-text", "url": "https://b.example/2"},
    ])
    with open(path, "ab") as handle:
        handle.write(b"{not json\n")
        handle.write(b'{"id": "latin", "text": "caf\xe9 au lait"}\n')
        page = "<html><body><article><p>" + seed_articles[1].text.replace("\n", "</p><p>") + "</p></article></body></html>"
        handle.write(json.dumps({"id": "b", "html": page}).encode() + b"\n")
    items = list(read_sources([str(path)]))
    assert [i.article.id for i in items if i.article] == ["a", "b"]
    problems = {i.where: i.problem for i in items if i.problem}
    assert set(problems) == {f"{path} line 2", f"{path} line 3", f"{path} line 4"}
    assert "text" in problems[f"{path} line 2"] and "UTF-8" in problems[f"{path} line 4"]
    assert items[0].article.published.isoformat() == "2020-09-29"


def test_warc_html_responses_are_read_and_a_truncated_archive_reported(tmp_path, seed_articles):
    pages = [(f"https://news{n}.example/story", html_page(f"Story {n}", a.text)) for n, a in enumerate(seed_articles)]
    whole = tmp_path / "crawl.warc.gz"
    write_warc(whole, pages)
    items = list(read_sources([str(whole)]))
    assert [i.article.url for i in items] == [url for url, _ in pages]
    opening = " ".join(seed_articles[0].text.split()[:12])
    assert opening in " ".join(items[0].article.text.split())

    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    items = list(read_sources([str(cut)]))
    assert items[0].article is not None
    assert items[-1].problem and "truncated" in items[-1].problem and str(cut) in items[-1].where


def test_feed_with_full_content_is_read_from_the_file(tmp_path, seed_articles):
    feed = tmp_path / "news.rss"
    feed.write_text(rss([{"title": f"Report {n}", "link": f"https://example.org/{n}", "html": a.text.replace("\n", "<br/>")}
                         for n, a in enumerate(seed_articles)]))
    items = list(read_sources([str(feed)]))
    assert [i.article.url for i in items] == [f"https://example.org/{n}" for n in range(3)]
    assert all(i.article.source == "Example News" and i.article.published.isoformat() == "2020-09-29" for i in items)
    assert items[1].where == f"{feed} entry 2"


def test_feed_url_with_link_only_entries_fetches_the_pages(tmp_path, served, seed_articles):
    for n, article in enumerate(seed_articles):
        (tmp_path / f"story{n}.html").write_text(html_page(f"Story {n}", article.text))
    (tmp_path / "feed.xml").write_text(rss([{"title": f"Story {n}", "link": f"{served}/story{n}.html"} for n in range(3)]
                                           + [{"title": "Gone", "link": f"{served}/missing.html"}]))
    skipped_fetch = f"{served}/story1.html"
    items = list(read_sources([f"{served}/feed.xml"], skip_url=lambda url: url == skipped_fetch))
    fetched = [i.article for i in items if i.article]
    assert [a.url for a in fetched] == [f"{served}/story0.html", f"{served}/story2.html"]
    assert fetched[0].title == "Story 0" and len(fetched[0].text.split()) > 100
    problems = {i.where: i.problem for i in items if i.problem}
    assert list(problems) == [f"{served}/feed.xml entry 4"] and "HTTP 404" in problems[f"{served}/feed.xml entry 4"]


def test_feed_that_is_an_html_error_page_is_reported(tmp_path, served):
    (tmp_path / "error.xml").write_text("<html><head><title>503 Service Unavailable</title></head><body>Try later</body></html>")
    [item] = list(read_sources([f"{served}/error.xml"]))
    assert item.article is None and "HTML page" in item.problem and "503" in item.problem


def test_folder_pages_huge_and_binary_files_are_reported_and_skipped(tmp_path, seed_articles):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "one.html").write_text(html_page("One", seed_articles[0].text))
    (folder / "two.txt").write_text(seed_articles[1].text)
    with open(folder / "huge.html", "wb") as handle:
        handle.write(b"<html><body>" + b"<p>word word word</p>" * 2_500_000 + b"</body></html>")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    items = list(read_sources([str(folder)]))
    assert sorted(Path(i.article.id).name for i in items if i.article) == ["one.html", "two.txt"]
    problems = {Path(i.where).name: i.problem for i in items if i.problem}
    assert "MB" in problems["huge.html"] and "binary" in problems["binary.txt"]


def test_missing_source_is_reported():
    [item] = list(read_sources(["/no/such/place.jsonl"]))
    assert item.problem and "no such file" in item.problem


def test_a_batch_story_line_given_to_ingest_says_which_command_takes_it(tmp_path):
    path = tmp_path / "stories.jsonl"
    write_jsonl(path, [{"id": "s1", "documents": ["One report.", "Another report."]}])
    [item] = list(read_sources([str(path)]))
    assert item.article is None
    assert "brief --batch" in item.problem


# -- one reader: brief (read_reports), ingest (read_sources) and the feed links follow the same rules --------------

def test_brief_and_ingest_read_a_folder_alike_subfolders_included(tmp_path, seed_articles):
    folder = tmp_path / "reports"
    (folder / "more").mkdir(parents=True)
    (folder / "one.txt").write_text(seed_articles[0].text)
    (folder / "two.html").write_text(html_page("Two", seed_articles[1].text))
    (folder / "more" / "three").write_text(seed_articles[2].text)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))  # not a report's kind: not read
    briefed = read_reports([str(folder)])
    ingested = [item.article for item in read_sources([str(folder)])]
    assert [(a.id, a.source, a.text) for a in briefed] == [(a.id, a.source, a.text) for a in ingested]
    assert [Path(a.id).name for a in briefed] == ["three", "one.txt", "two.html"]
    assert [a.source for a in briefed[:2]] == ["three", "one"]


def test_brief_reports_an_unreadable_file_in_a_folder_instead_of_dropping_it(tmp_path, seed_articles):
    (tmp_path / "one.txt").write_text(seed_articles[0].text)
    (tmp_path / "two.txt").write_text(seed_articles[1].text)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    with pytest.raises(InputError, match="binary") as caught:
        read_reports([str(tmp_path)])
    assert caught.value.where == str(tmp_path / "broken.txt")


def test_brief_refuses_a_page_file_over_the_size_cap_as_ingest_does(tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_text("Word and word again. " * (MAX_PAGE_BYTES // 20))
    with pytest.raises(InputError, match="MB"):
        read_reports([str(huge)])
    [item] = read_sources([str(huge)])
    assert item.article is None and "MB" in item.problem


def test_a_text_file_that_starts_like_html_is_a_page_for_both(tmp_path, seed_articles):
    page = tmp_path / "saved.txt"
    page.write_text(html_page("Saved page", seed_articles[0].text))
    [briefed] = read_reports([str(page)])
    [item] = read_sources([str(page)])
    assert briefed.title == item.article.title == "Saved page"
    assert "<p>" not in briefed.text


def test_a_feed_entry_linking_to_an_image_is_refused_as_a_pasted_url_is(tmp_path, served):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    (tmp_path / "feed.xml").write_text(rss([{"title": "A photo", "link": f"{served}/photo.png"}]))
    [item] = list(read_sources([f"{served}/feed.xml"]))
    assert item.article is None and "image/png" in item.problem
    with pytest.raises(InputError, match="image/png"):
        fetch_article(f"{served}/photo.png")


def test_a_page_url_given_to_ingest_is_read_as_one_report(tmp_path, served, seed_articles):
    (tmp_path / "story.html").write_text(html_page("A story", seed_articles[0].text))
    [item] = list(read_sources([f"{served}/story.html"]))
    assert item.article is not None and item.article.title == "A story" and item.article.id == f"{served}/story.html"


def test_a_binary_jsonl_dump_is_one_problem_not_a_problem_per_line(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(bytes(range(256)) * 80)
    [item] = list(read_sources([str(dump)]))
    assert item.article is None and "binary" in item.problem
