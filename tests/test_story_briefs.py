"""A story of one report has a brief everywhere (`brief --story`, `brief --batch`, the service), with one note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.batch import brief_lines
from newsweave.cli import main
from newsweave.models import Article
from newsweave.store import Store
from newsweave.story_brief import SINGLE_SOURCE_NOTE, story_brief_json, story_reports


@pytest.fixture
def lone_story(tmp_path: Path, seeds_dir: Path) -> tuple[Path, str, str]:
    """A store holding one story of one report (the first seed report): its path, the story id and the text."""
    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    db = tmp_path / "lone.db"
    with Store(db) as store:
        story = store.add_articles([Article(id="lone", text=text, source="RFE/RL")])[0].story_id
    assert story is not None
    return db, story, text


def test_brief_of_a_stored_story_of_one_report_is_written_with_the_note(lone_story, tmp_path, capsys) -> None:
    db, story, _ = lone_story
    out = tmp_path / "brief.json"
    assert main(["brief", "--db", str(db), "--story", story, "--format", "json", "--out", str(out), "--summary-only"]) == 0
    brief = json.loads(out.read_text())
    assert brief["id"] == story and len(brief["sources"]) == 1 and brief["summary"]
    assert SINGLE_SOURCE_NOTE in capsys.readouterr().err


def test_batch_line_of_one_report_carries_the_same_note(lone_story) -> None:
    _, _, text = lone_story
    [result] = list(brief_lines([json.dumps({"id": "one", "documents": [text]})], full_analysis=False, jobs=1))
    assert result.error is None and result.note == SINGLE_SOURCE_NOTE


def test_stored_story_brief_json_of_one_report_carries_the_same_note(lone_story) -> None:
    db, story, _ = lone_story
    with Store(db) as store:
        brief = story_brief_json(story_reports(store, story))
    assert brief["id"] == story and brief["note"] == SINGLE_SOURCE_NOTE
