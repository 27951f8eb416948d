"""Atom feeds of the service: parsed by feedparser as feed readers do, and checked for every element RFC 4287
requires. The real app over a real store, with the seed story (read after two reports, then given a third)
and the hostile story."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from fastapi.testclient import TestClient
from servers import SEED_SOURCES, seed_articles
from test_web import HOSTILE_REPORTS

from newsweave.atom import AtomEntry, AtomFeed, atom_document
from newsweave.entity_lookup import stories_naming
from newsweave.service import create_app
from newsweave.store import Store

ATOM = "{http://www.w3.org/2005/Atom}"
RFC_3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[dict]:
    """The client, the seed story (its brief read after two reports, then a third report) and the hostile story."""
    articles = seed_articles(seeds_dir)
    with TestClient(create_app(tmp_path_factory.mktemp("atom") / "store.db")) as client:
        story = client.post("/api/articles", json=articles[:2]).json()["articles"][0]["story"]
        client.get(f"/api/stories/{story}").raise_for_status()
        client.post("/api/articles", json=articles[2]).raise_for_status()
        hostile = client.post("/api/articles", json=HOSTILE_REPORTS).json()["articles"][0]["story"]
        client.get(f"/api/stories/{hostile}").raise_for_status()
        yield {"client": client, "story": story, "hostile": hostile}


def _feed(client: TestClient, path: str) -> tuple[feedparser.FeedParserDict, ElementTree.Element]:
    """The feed at `path` as feedparser reads it (it must find nothing wrong) and as an XML tree."""
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, ElementTree.fromstring(answer.content)


def _missing_required_elements(feed: ElementTree.Element) -> list[str]:
    """What RFC 4287 requires that the feed lacks: one id, title and updated in the feed and in each entry
    (RFC 3339 times), an author for every entry, a link to the page each entry stands for."""
    problems = []
    if feed.tag != f"{ATOM}feed":
        return [f"the root is {feed.tag}, not an Atom feed"]
    for where, node in [("feed", feed), *((f"entry {n}", e) for n, e in enumerate(feed.findall(f"{ATOM}entry")))]:
        for tag in ("id", "title", "updated"):
            found = node.findall(f"{ATOM}{tag}")
            if len(found) != 1 or not (found[0].text or "").strip():
                problems.append(f"{where}: {len(found)} {tag}")
        updated = node.findtext(f"{ATOM}updated") or ""
        if not RFC_3339.match(updated):
            problems.append(f"{where}: updated {updated!r} is not an RFC 3339 time")
        alternates = [link for link in node.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        if where != "feed" and not alternates and node.find(f"{ATOM}content") is None:
            problems.append(f"{where}: neither content nor an alternate link")
        if where != "feed" and node.find(f"{ATOM}author/{ATOM}name") is None and feed.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"{where}: no author")
    return problems


def test_the_stories_feed_is_valid_atom_with_each_story_linked(service: dict) -> None:
    parsed, tree = _feed(service["client"], "/feeds/stories.atom")
    assert _missing_required_elements(tree) == []
    assert {link.rel for link in parsed.feed.links} == {"alternate", "self"}
    links = {urlsplit(entry.link).path for entry in parsed.entries}
    assert {f"/stories/{service['story']}", f"/stories/{service['hostile']}"} <= links
    assert all(entry.author == "newsweave" and entry.id and entry.updated for entry in parsed.entries)


def test_the_seed_storys_entry_shows_the_first_sentence_of_its_brief(service: dict) -> None:
    brief = service["client"].get(f"/api/stories/{service['story']}").json()
    parsed, _ = _feed(service["client"], "/feeds/stories.atom")
    [entry] = [e for e in parsed.entries if e.link.endswith(service["story"])]
    assert "3 outlets" in entry.summary
    assert any(item["text"] in entry.summary for item in brief["summary"][:2])


def test_a_storys_feed_has_one_entry_per_version_saying_what_it_added(service: dict) -> None:
    parsed, tree = _feed(service["client"], f"/feeds/stories/{service['story']}.atom")
    assert _missing_required_elements(tree) == []
    assert [entry.id.rsplit("#", 1)[1] for entry in parsed.entries] == ["version-3", "version-2"]
    newest, first = parsed.entries
    assert newest.title.startswith("Version 3: 1 new source") and first.title == "Version 2: first brief, 2 sources"
    assert "New sources" in newest.content[0].value and SEED_SOURCES[2] in newest.content[0].value
    assert SEED_SOURCES[0] not in newest.content[0].value.split("Newly corroborated")[0]


def test_an_entitys_feed_finds_its_stories_under_every_spelling(service: dict) -> None:
    brief = service["client"].get(f"/api/stories/{service['story']}").json()
    person = max((e for e in brief["entities"] if e["type"] == "PERSON"), key=lambda e: len(e["variants"]))
    assert len(set(person["variants"])) >= 3
    for spelling in [person["name"], *person["variants"], person["name"].upper()]:
        parsed, tree = _feed(service["client"], f"/feeds/entities/{quote(spelling)}.atom")
        assert _missing_required_elements(tree) == []
        assert [urlsplit(entry.link).path for entry in parsed.entries] == [f"/stories/{service['story']}"], spelling
        assert parsed.feed.title == f"newsweave · {person['name']}"


def test_a_feed_of_an_unknown_story_or_name_is_404(service: dict) -> None:
    client = service["client"]
    story = client.get("/feeds/stories/s-nope.atom", headers={"accept": "application/json"})
    assert story.status_code == 404 and story.json()["error"].startswith("no story 's-nope'")
    answer = client.get("/feeds/entities/Nobody%20Anywhere.atom", headers={"accept": "application/json"})
    assert answer.status_code == 404 and "no story names 'Nobody Anywhere'" in answer.json()["error"]


def test_a_feed_reader_polling_an_unchanged_feed_gets_304(service: dict) -> None:
    client = service["client"]
    path = f"/feeds/stories/{service['story']}.atom"
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, headers={"If-None-Match": '"another"'}).status_code == 200


def test_hostile_titles_are_text_in_the_feeds(service: dict) -> None:
    _, tree = _feed(service["client"], "/feeds/stories.atom")
    titles = [entry.findtext(f"{ATOM}title") for entry in tree.findall(f"{ATOM}entry")]
    hostile_title = service["client"].get("/api/stories", params={"limit": 200}).json()["stories"]
    [title] = [s["title"] for s in hostile_title if s["id"] == service["hostile"]]
    assert title in titles
    _, tree = _feed(service["client"], f"/feeds/stories/{service['hostile']}.atom")
    content = tree.find(f"{ATOM}entry/{ATOM}content").text  # the HTML a feed reader shows
    assert "&lt;script&gt;window.__pwned = 3&lt;/script&gt;Gazette" in content
    assert "<script" not in content and "<img" not in content and "javascript:" not in content


def test_pages_announce_their_feeds_for_readers_to_discover(service: dict) -> None:
    client = service["client"]
    for page, count in (("/", 1), (f"/stories/{service['story']}", 2)):
        html = client.get(page).text
        feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
        assert len(feeds) == count, page
        for href in feeds:
            _feed(client, href)


def test_control_characters_never_reach_a_feed() -> None:
    broken = "Bridge\x00 to\x07 close\x1b"
    feed = AtomFeed(id="https://news.example/feed", title=broken, link="https://news.example/", self_link="https://news.example/feed")
    entry = AtomEntry(id="https://news.example/s/1", title=broken, updated=datetime(2026, 1, 2, tzinfo=UTC),
                      link="https://news.example/s/1", summary=broken)
    parsed = feedparser.parse(atom_document(feed, [entry]))
    assert not parsed.bozo and parsed.entries[0].title == "Bridge to close"


def test_a_name_is_looked_up_in_each_storys_newest_brief_whatever_its_accents_and_case(tmp_path: Path) -> None:
    person = {"name": "Sviatlana Tsikhanouskaya", "type": "PERSON", "variants": ["Svetlana Tikhanovskaya", "Sviatlana Tsikhanouskaya"],
              "sources": [1]}
    with Store(tmp_path / "news.db") as store:
        store.save_brief("s-1", 1, {"entities": [person]})
        store.save_brief("s-2", 1, {"entities": [person]})
        store.save_brief("s-2", 2, {"entities": []})  # the story's newest brief no longer names her
        for query in ("svetlana  TIKHANOVSKAYA", "Sviatlana Tsikhanoŭskaya", "Sviatlana Tsikhanouskaya"):
            assert [(n.story_id, n.name) for n in stories_naming(store, query)] == [("s-1", "Sviatlana Tsikhanouskaya")]
        assert stories_naming(store, "Tikhanovsky") == []
