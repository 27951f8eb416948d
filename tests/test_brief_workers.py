"""Briefs made in the background by worker processes and kept in the store; pages shown from the store."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from servers import NEWSWEAVE_COMMAND, SERVER_START_SECONDS, free_port, running_service, seed_articles

from newsweave.cli import main
from newsweave.models import Article
from newsweave.service import create_app
from newsweave.service._briefs import UPDATING_NOTE
from newsweave.service._pool import BriefQueue
from newsweave.store import Store
from newsweave.story_brief import SINGLE_SOURCE_NOTE, story_brief_json, story_reports

WAIT_SECONDS = 300
"""How long a test waits for a background brief before failing (a deadline, not a measurement)."""


# -- the queue -------------------------------------------------------------------------------------

def test_repeated_changes_of_one_story_are_queued_once_and_the_newest_change_goes_first() -> None:
    queue = BriefQueue(limit=10)
    for story in ["s-1", "s-2", "s-1", "s-3", "s-1"]:
        queue.put(story)
    assert queue.waiting() == ["s-1", "s-3", "s-2"]
    assert [queue.take(), queue.take(), queue.take()] == ["s-1", "s-3", "s-2"]


def test_a_story_a_page_waits_for_goes_before_every_background_change() -> None:
    queue = BriefQueue(limit=10)
    for story in ["s-1", "s-2", "s-3"]:
        queue.put(story)
    queue.put("s-1", urgent=True)
    queue.put("s-4")
    assert queue.take() == "s-1"
    assert queue.take() == "s-4"


def test_a_full_queue_drops_the_change_waiting_longest() -> None:
    queue = BriefQueue(limit=3)
    for story in ["s-1", "s-2", "s-3", "s-4"]:
        queue.put(story)
    assert queue.waiting() == ["s-4", "s-3", "s-2"]


def test_a_story_being_made_is_not_handed_out_twice_but_its_new_change_waits() -> None:
    queue = BriefQueue(limit=10)
    queue.put("s-1")
    assert queue.take() == "s-1"
    queue.put("s-1")  # it changed again while its brief was being made
    queue.put("s-2")
    assert queue.take() == "s-2"
    queue.done("s-1")
    assert queue.take() == "s-1"
    queue.close()
    assert queue.take() is None


# -- a real service --------------------------------------------------------------------------------

def _stored_versions(db: Path, story: str) -> list[int]:
    """The versions of a story whose brief the store holds, read as another program would (read-only)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT version FROM briefs WHERE story_id = ? ORDER BY version", (story,)).fetchall()
    return [row[0] for row in rows]


def _wait_for_stored(db: Path, story: str, version: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while version not in _stored_versions(db, story):
        assert time.monotonic() < deadline, f"no brief of {story} version {version} was stored"
        time.sleep(0.5)


def test_a_story_that_changes_gets_its_brief_made_and_stored_without_a_page_asking(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "bg.db"
    articles = seed_articles(seeds_dir)
    with running_service(db, "--brief-workers", "1") as base, httpx.Client(base_url=base, timeout=WAIT_SECONDS) as http:
        story = http.post("/api/articles", json=articles[:2]).json()["articles"][0]["story"]
        _wait_for_stored(db, story, 2)
        assert http.post("/api/articles", json=articles[2]).json()["articles"][0]["story"] == story
        _wait_for_stored(db, story, 3)
        brief = http.get(f"/api/stories/{story}").json()
    assert (brief["version"], brief["latest_version"], brief["updating"]) == (3, 3, False)
    assert len(brief["sources"]) == 3


def test_a_story_with_no_stored_brief_gets_one_made_when_asked_and_kept(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "asked.db"
    lone = seed_articles(seeds_dir)[0]
    with running_service(db, "--brief-workers", "1") as base, httpx.Client(base_url=base, timeout=WAIT_SECONDS) as http:
        story = http.post("/api/articles", json=lone).json()["articles"][0]["story"]
        brief = http.get(f"/api/stories/{story}").json()
        page = http.get(f"/stories/{story}")
    assert (brief["version"], brief["latest_version"], brief["updating"]) == (1, 1, False)
    assert brief["note"] == SINGLE_SOURCE_NOTE and escape(SINGLE_SOURCE_NOTE) in page.text
    assert _stored_versions(db, story) == [1]


@pytest.fixture
def changed_stories(tmp_path: Path, seeds_dir: Path) -> tuple[Path, str, str]:
    """A store of two stories, each with a stored brief of its version before its newest report:
    the seed story (brief of two reports, then a third) and a story of one report then a copy of it."""
    db = tmp_path / "changed.db"
    seeds = [Article(id=f"seed-{n}", text=a["text"], source=a["source"], url=a["url"])
             for n, a in enumerate(seed_articles(seeds_dir))]
    lindqvist = ("Workers at the Lindqvist paper mill in Vetlanda went on strike on Monday over pay, the union said. "
                 "About 400 employees stopped the machines at six in the morning. The company said talks would resume "
                 "on Thursday and that deliveries to customers were not yet affected.")
    with Store(db) as store:
        seed_story = store.add_articles(seeds[:2])[0].story_id
        mill_story = store.add_articles([Article(id="mill", text=lindqvist, source="Vetlanda Posten")])[0].story_id
        assert seed_story and mill_story and seed_story != mill_story
        for story in (seed_story, mill_story):
            reports = story_reports(store, story)
            store.save_brief(story, reports.version, story_brief_json(reports))
        assert store.add_articles(seeds[2:])[0].story_id == seed_story
        copy = store.add_articles([Article(id="mill-copy", text=lindqvist + " (Smaland Wire)", source="Smaland Wire")])[0]
        assert copy.story_id == mill_story and copy.duplicate_of == "mill"
        assert (store.story_version(seed_story), store.story_version(mill_story)) == (3, 2)
    return db, seed_story, mill_story


def test_a_story_changed_since_its_brief_shows_the_stored_one_marked_updating(changed_stories) -> None:
    db, seed_story, mill_story = changed_stories
    with running_service(db, "--brief-workers", "1") as base, httpx.Client(base_url=base, timeout=WAIT_SECONDS) as http:
        stale = http.get(f"/api/stories/{seed_story}").json()
        page = http.get(f"/stories/{mill_story}")
        current = http.get(f"/api/stories/{seed_story}", params={"wait": "true"}).json()
        _wait_for_stored(db, mill_story, 2)
        page_again = http.get(f"/stories/{mill_story}")
    assert (stale["version"], stale["latest_version"], stale["updating"]) == (2, 3, True)
    assert len(stale["sources"]) == 2
    assert page.status_code == 200 and escape(UPDATING_NOTE) in page.text
    assert page_again.status_code == 200 and escape(UPDATING_NOTE) not in page_again.text
    assert (current["version"], current["updating"], len(current["sources"])) == (3, False, 3)
    assert _stored_versions(db, seed_story) == [2, 3]


def test_without_brief_workers_a_brief_is_made_on_request_and_kept(changed_stories) -> None:
    db, seed_story, _ = changed_stories
    with TestClient(create_app(db, brief_workers=0)) as client:
        brief = client.get(f"/api/stories/{seed_story}").json()
    assert (brief["version"], brief["updating"], len(brief["sources"])) == (3, False, 3)
    assert _stored_versions(db, seed_story) == [2, 3]


def _descendants(pid: int) -> set[int]:
    """The processes started by `pid`, and by them, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    command = [*NEWSWEAVE_COMMAND, "serve", "--db", str(tmp_path / "stop.db"), "--port", str(port), "--brief-workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            httpx.get(f"{base}/api/stories", timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    try:
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_stopping_the_service_stops_its_brief_workers(serve_process, seeds_dir: Path) -> None:
    process, base = serve_process
    with httpx.Client(base_url=base, timeout=WAIT_SECONDS) as http:
        story = http.post("/api/articles", json=seed_articles(seeds_dir)).json()["articles"][0]["story"]
        assert http.get(f"/api/stories/{story}").status_code == 200
    workers = _descendants(process.pid)
    assert workers, "the brief was made without worker processes"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT_SECONDS) == 0
    deadline = time.monotonic() + WAIT_SECONDS
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"worker processes left running: {[p for p in workers if _alive(p)]}"
        time.sleep(0.2)
    assert "Traceback" not in (process.stdout.read() if process.stdout else "")


def test_brief_workers_end_when_the_service_is_killed(serve_process, seeds_dir: Path) -> None:
    process, base = serve_process
    with httpx.Client(base_url=base, timeout=WAIT_SECONDS) as http:
        story = http.post("/api/articles", json=seed_articles(seeds_dir)).json()["articles"][0]["story"]
        assert http.get(f"/api/stories/{story}").status_code == 200
    workers = _descendants(process.pid)
    assert workers, "the brief was made without worker processes"
    process.kill()  # SIGKILL: the service cannot stop them itself
    process.wait()
    deadline = time.monotonic() + WAIT_SECONDS
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"worker processes left running: {[p for p in workers if _alive(p)]}"
        time.sleep(0.2)


@pytest.mark.parametrize("value", ["-1", "many", "1000"])
def test_serve_refuses_a_bad_number_of_brief_workers(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--brief-workers", value])
    assert stopped.value.code == 2 and "--brief-workers" in capsys.readouterr().err

