"""Following a story: the briefs kept per version, what changed since a time, and the stories updated since a visit.

Real store files, the real app (FastAPI's test client) and the seed reports, posted two then one.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from servers import SEED_SOURCES, seed_articles

from newsweave.follow import brief_changes
from newsweave.service import create_app
from newsweave.sources import read_reports
from newsweave.store import SCHEMA_VERSION, Store

STAMP_SECONDS = 1.1
"""A wait longer than the second to which the store stamps a brief, so two stamps differ."""


def later_than_stored() -> datetime:
    """A time strictly after every stamp the store has written so far."""
    time.sleep(STAMP_SECONDS)
    moment = datetime.now(UTC)
    time.sleep(STAMP_SECONDS)
    return moment


# -- the store ---------------------------------------------------------------------------------------

def test_brief_before_a_time_is_the_newest_made_by_then(tmp_path: Path) -> None:
    with Store(tmp_path / "news.db") as store:
        store.save_brief("s-1", 1, {"title": "First"})
        between = later_than_stored()
        store.save_brief("s-1", 2, {"title": "Second"})
        assert store.brief_before("s-1", between).brief["title"] == "First"
        assert store.brief_before("s-1", datetime.now(UTC) + timedelta(hours=1)).brief["title"] == "Second"
        assert store.brief_before("s-1", between - timedelta(days=1)) is None
        assert store.brief_before("s-1", between.replace(tzinfo=None)).version == 1  # a naive time is UTC


def test_a_story_records_when_it_last_gained_a_report(tmp_path: Path, seeds_dir: Path) -> None:
    reports = read_reports([str(seeds_dir)])
    with Store(tmp_path / "news.db") as store:
        [story_id] = {r.story_id for r in store.add_articles(reports[:2])}
        first = store.story(story_id).changed
        between = later_than_stored()
        store.add_articles(reports[2:])
        changed = store.story(story_id).changed
    assert first is not None and first < between < changed


def test_store_of_layout_2_gains_the_time_stories_changed(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "layout2.db"
    reports = read_reports([str(seeds_dir)])
    with Store(path) as store:
        [story_id] = {r.story_id for r in store.add_articles(reports[:2])}
    connection = sqlite3.connect(path)
    connection.execute("ALTER TABLE stories DROP COLUMN changed")
    connection.execute("PRAGMA user_version = 2")
    connection.commit()
    connection.close()
    with Store(path) as store:
        assert store.story(story_id).changed is None  # stored before the time was kept
        store.add_articles(reports[2:])
        assert store.story(story_id).changed is not None
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- comparing two briefs ----------------------------------------------------------------------------

def test_a_brief_compared_with_itself_has_no_changes(seed_brief) -> None:
    brief = seed_brief.to_dict()
    assert brief_changes(brief, brief).empty


def test_without_an_older_brief_every_corroborated_claim_and_quote_is_new(seed_brief) -> None:
    brief = seed_brief.to_dict()
    changes = brief_changes(None, brief)
    assert changes.everything_new
    assert changes.sources == brief["sources"] and changes.quotes == brief["quotes"]
    assert changes.claims == [c for c in brief["claims"] if c["status"] in ("corroborated", "disputed")]
    assert [f.about for f in changes.figures] == [d["about"] for d in brief["disagreements"]]


# -- the service -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[dict]:
    """Two seed reports read as a brief, a time, then the third report: the client, story id and that time."""
    articles = seed_articles(seeds_dir)
    with TestClient(create_app(tmp_path_factory.mktemp("follow") / "store.db")) as client:
        story = client.post("/api/articles", json=articles[:2]).json()["articles"][0]["story"]
        two = client.get(f"/api/stories/{story}", params={"wait": "true"}).json()
        since = later_than_stored()
        assert client.post("/api/articles", json=articles[2]).status_code == 201
        yield {"client": client, "story": story, "since": since, "two": two,
               "three": client.get(f"/api/stories/{story}", params={"wait": "true"}).json()}


def test_changes_since_a_time_name_the_new_outlet_and_what_it_adds(followed: dict) -> None:
    changes = followed["client"].get(f"/api/stories/{followed['story']}/changes",
                                     params={"since": followed["since"].isoformat()}).json()
    assert not changes["everything_new"] and changes["compared_with"]["version"] == 2 and changes["version"] == 3
    assert [s["name"] for s in changes["sources"]] == [SEED_SOURCES[2]]
    new_number = changes["sources"][0]["id"]
    assert changes["claims"] and all(new_number in c["sources"] for c in changes["claims"])
    older_claims = {(c["text"], c["status"]) for c in followed["two"]["claims"]}
    assert all((c["text"], c["status"]) not in older_claims for c in changes["claims"])
    assert all(q["text"] not in {o["text"] for o in followed["two"]["quotes"]} for q in changes["quotes"])
    assert {c["text"] for c in changes["claims"]} <= {c["text"] for c in followed["three"]["claims"]}


def test_changes_since_before_any_kept_brief_say_everything_is_new(followed: dict) -> None:
    changes = followed["client"].get(f"/api/stories/{followed['story']}/changes",
                                     params={"since": "2001-01-01T00:00:00Z"}).json()
    assert changes["everything_new"] and changes["compared_with"] is None
    assert "everything in it is new" in changes["note"]
    assert len(changes["sources"]) == 3


def test_changes_since_now_are_none(followed: dict) -> None:
    later = datetime.now(UTC) + timedelta(minutes=1)
    changes = followed["client"].get(f"/api/stories/{followed['story']}/changes",
                                     params={"since": later.isoformat()}).json()
    assert changes["compared_with"]["version"] == 3
    assert not (changes["sources"] or changes["claims"] or changes["figures"] or changes["quotes"])
    assert changes["note"].startswith("Nothing has changed")


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    ("/api/stories/{story}/changes", {}, 422, "since"),
    ("/api/stories/{story}/changes", {"since": "last tuesday"}, 422, "since"),
    ("/api/stories/s-nope/changes", {"since": "2026-01-01T00:00:00Z"}, 404, "GET /api/stories"),
    ("/api/stories", {"since": "yesterday"}, 422, "since"),
])
def test_bad_follow_requests_get_a_json_error(followed: dict, path: str, params: dict, status: int, words: str) -> None:
    answer = followed["client"].get(path.format(story=followed["story"]), params=params)
    assert answer.status_code == status and words in answer.json()["error"]


def test_the_story_list_marks_stories_updated_since_a_time(followed: dict) -> None:
    client = followed["client"]
    [marked] = [s for s in client.get("/api/stories", params={"since": followed["since"].isoformat()}).json()["stories"]
                if s["id"] == followed["story"]]
    assert marked["updated_since"] is True and marked["changed"] > followed["since"].isoformat()
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert all(s["updated_since"] is False for s in client.get("/api/stories", params={"since": later}).json()["stories"])
    assert all(s["updated_since"] is None for s in client.get("/api/stories").json()["stories"])


def test_the_story_page_shows_what_changed_since_the_time_given(followed: dict) -> None:
    page = followed["client"].get(f"/stories/{followed['story']}",
                                  params={"since": followed["since"].isoformat()}).text
    changes = page[page.index('id="changes"'):page.index('id="summary"')]
    assert "New sources" in changes and SEED_SOURCES[2] in changes
    assert "Newly corroborated or disputed" in changes


def test_the_story_page_links_to_the_last_24_hours_counted_from_when_it_is_shown(followed: dict) -> None:
    story = followed["story"]
    followed["client"].get(f"/stories/{story}")  # kept rendered from now on
    shown = datetime.now(UTC)
    page = followed["client"].get(f"/stories/{story}").text
    since = page.split(f'href="/stories/{story}?since=', 1)[1].split("#", 1)[0]
    linked = datetime.fromisoformat(unquote(since))
    assert shown - timedelta(days=1, minutes=2) < linked <= shown - timedelta(days=1)


def test_a_story_page_is_kept_apart_for_each_minute_its_links_count_from(followed: dict) -> None:
    from newsweave.service._follow import follow_spans

    briefs = followed["client"].app.state.newsweave.briefs
    brief = briefs.brief(followed["story"])
    minute = datetime(2026, 11, 27, 8, 15, 30, tzinfo=UTC)
    assert follow_spans(minute) == follow_spans(minute + timedelta(seconds=29))
    pages = [briefs.page(brief, lambda _, when=when: when.isoformat(), also=tuple(follow_spans(when)))
             for when in (minute, minute + timedelta(seconds=10), minute + timedelta(minutes=1))]
    assert pages == [minute.isoformat(), minute.isoformat(), (minute + timedelta(minutes=1)).isoformat()]


def test_the_story_list_marks_stories_updated_since_the_readers_previous_visit(followed: dict) -> None:
    client = followed["client"]
    client.cookies.clear()
    first = client.get("/")
    assert "updated since your last visit" not in first.text  # a first visit marks nothing
    visit = first.cookies.get("newsweave_visit")
    mark, last = visit.split(":")
    assert mark == "" and last.isdigit()
    since = int(followed["since"].timestamp())
    client.cookies.set("newsweave_visit", f"{since}:{since}")  # this visit compares with `since`
    marked = client.get("/").text
    assert marked.count("updated since your last visit") == 1
    assert f"/stories/{followed['story']}?since=" in marked
    again = client.get("/").text  # a reload within the same visit keeps the marks
    assert again.count("updated since your last visit") == 1


def test_a_look_after_a_long_gap_compares_with_the_end_of_the_previous_visit(followed: dict) -> None:
    client = followed["client"]
    hours_ago = int(time.time()) - 7200
    client.cookies.set("newsweave_visit", f":{hours_ago}")
    page = client.get("/")
    assert page.text.count("updated since your last visit") == 1
    assert page.cookies.get("newsweave_visit").startswith(f"{hours_ago}:")


def test_openapi_describes_every_field_of_a_storys_changes(followed: dict) -> None:
    schema = followed["client"].get("/openapi.json").json()
    changes = schema["paths"]["/api/stories/{story_id}/changes"]["get"]
    assert [p["name"] for p in changes["parameters"]] == ["story_id", "since"]
    assert {"404", "422"} <= set(changes["responses"])
    components = schema["components"]["schemas"]
    for name in ("StoryChanges", "FigureChangeOut", "ComparedBrief"):
        assert all("description" in field for field in components[name]["properties"].values()), name
    story = components["StoryOut"]["properties"]
    assert "description" in story["changed"] and "description" in story["updated_since"]
