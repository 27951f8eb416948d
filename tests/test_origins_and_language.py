"""Wrong answers a brief must not give: copies read as corroboration, other languages read as English, a line listed twice.

Real texts: Multi-News dev clusters holding copies (tests/fixtures/multinews-dev-copies.jsonl: mn-val-220 is
one report given twice, mn-val-097 three reports of which two are copies, mn-val-016 a report repeating
its own lines); the French and Russian reports in tests/fixtures/other-languages were written for these tests.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsweave import InputError, NotEnoughSourcesError, make_brief
from newsweave.analyze import is_readable, report_language
from newsweave.pipeline import articles_from_documents
from newsweave.render import render_markdown
from newsweave.service import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COPIES = {row["id"]: row for row in map(json.loads, (FIXTURES / "multinews-dev-copies.jsonl").read_text().splitlines())}
FRENCH = (FIXTURES / "other-languages" / "lemonde-style-fr.txt").read_text()
RUSSIAN = (FIXTURES / "other-languages" / "tass-style-ru.txt").read_text()


def _texts(story_id: str) -> list[str]:
    return [d if isinstance(d, str) else d["text"] for d in COPIES[story_id]["documents"]]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path_factory.mktemp("origins") / "store.db")) as test_client:
        yield test_client


# -- copies are one origin -------------------------------------------------------------------------

def test_the_same_report_given_twice_is_refused_as_one_origin() -> None:
    with pytest.raises(NotEnoughSourcesError, match="copies of one another"):
        make_brief(articles_from_documents(_texts("mn-val-220")))  # two near-identical dev reports
    report = _texts("mn-val-097")[0]
    with pytest.raises(NotEnoughSourcesError, match="two or more outlets"):
        make_brief(articles_from_documents([report, report]))


def test_the_cli_refuses_two_copies_with_exit_2_and_says_why(tmp_path: Path, newsweave_command: list[str]) -> None:
    paths = []
    for number, text in enumerate(_texts("mn-val-220"), start=1):
        paths.append(tmp_path / f"report-{number}.txt")
        paths[-1].write_text(text)
    done = subprocess.run([*newsweave_command, "brief", *map(str, paths)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "copies of one another" in done.stderr and "Traceback" not in done.stderr


def test_the_service_answers_422_to_a_brief_of_two_copies(client: TestClient) -> None:
    answer = client.post("/api/brief", json={"documents": _texts("mn-val-220")})
    assert answer.status_code == 422
    assert "copies of one another" in answer.json()["error"]
    form = client.post("/brief", data={"report": _texts("mn-val-220")}, headers={"accept": "text/html"})
    assert form.status_code == 422 and "copies of one another" in form.text


def test_a_copy_among_three_reports_is_a_carrier_never_corroboration() -> None:
    brief = make_brief(articles_from_documents(_texts("mn-val-097")))
    assert [s.copy_of for s in brief.sources] == [None, None, 2]
    cited = {n for item in brief.summary for n in item.citations}
    cited |= {n for claim in brief.claims for n in claim.sources}
    assert 3 not in cited and cited <= {1, 2}
    assert any("is a copy of [2]" in note for note in brief.notes)
    assert "(a copy of [2], not counted as corroboration)" in render_markdown(brief)


# -- the analysis reads English --------------------------------------------------------------------

def test_reports_in_french_and_russian_are_recognised() -> None:
    assert report_language(FRENCH) == "fr" and report_language(RUSSIAN) == "ru"
    assert not is_readable(FRENCH) and not is_readable(RUSSIAN)


def test_a_brief_of_no_english_report_is_refused() -> None:
    with pytest.raises(InputError, match="no report here is in English"):
        make_brief(articles_from_documents([FRENCH, RUSSIAN]))


def test_the_cli_and_service_refuse_reports_in_other_languages(tmp_path: Path, newsweave_command: list[str],
                                                               client: TestClient) -> None:
    (tmp_path / "fr.txt").write_text(FRENCH)
    (tmp_path / "ru.txt").write_text(RUSSIAN)
    done = subprocess.run([*newsweave_command, "brief", str(tmp_path / "fr.txt"), str(tmp_path / "ru.txt")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "English" in done.stderr and "Traceback" not in done.stderr
    answer = client.post("/api/brief", json={"documents": [FRENCH, RUSSIAN]})
    assert answer.status_code == 422 and "English" in answer.json()["error"]


def test_a_report_in_another_language_is_left_out_with_a_note(tmp_path: Path, newsweave_command: list[str],
                                                             dev_clusters: list[dict]) -> None:
    english = [d if isinstance(d, str) else d["text"] for d in dev_clusters[0]["documents"]][:2]
    brief = make_brief(articles_from_documents([*english, RUSSIAN]))
    assert len(brief.sources) == 2
    assert brief.notes == ["report 3 (Source 3) is not in English (language code ru) and was left out: "
                           "the analysis reads English only"]
    assert "> Note: report 3" in render_markdown(brief)
    paths = []
    for number, text in enumerate([*english, FRENCH], start=1):
        paths.append(tmp_path / f"report-{number}.txt")
        paths[-1].write_text(text)
    done = subprocess.run([*newsweave_command, "brief", *map(str, paths)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "not in English (language code fr)" in done.stderr


def test_no_english_report_of_the_dev_slice_or_the_seeds_is_taken_for_another_language(
        dev_clusters: list[dict], seeds_dir: Path) -> None:
    texts = [d if isinstance(d, str) else d["text"] for c in dev_clusters for d in c["documents"]]
    texts += [p.read_text() for p in sorted(seeds_dir.iterdir()) if p.is_file()]
    for text in texts:
        assert is_readable(text), text[:80]
        for words in (5, 10, 20, 30):  # the opening lines alone: langid must not be trusted on too little
            assert is_readable(" ".join(text.split()[:words])), text[:80]


# -- one line once ---------------------------------------------------------------------------------

def test_a_sentence_printed_twice_is_listed_once_among_the_single_source_claims() -> None:
    brief = make_brief(articles_from_documents(_texts("mn-val-016")))  # its second report repeats lines
    single = Counter(claim.text for claim in brief.claims if claim.status == "single-source")
    assert single and max(single.values()) == 1
    lines = [line for line in render_markdown(brief).splitlines() if line.startswith("- only in")]
    assert len(lines) == len(set(lines))
