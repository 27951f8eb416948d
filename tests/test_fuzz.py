"""Property-based fuzzing (hypothesis) of every reader of outside input: the batch reader, the ingest readers and
the API's bodies. Whatever the input: no traceback, no 500, and every good item among bad ones is kept.

Each test runs a fixed number of generated inputs (`max_examples`, derandomized so CI runs the same ones);
BENCHMARKS.md ("Fuzzing") states the counts.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave import InputError
from newsweave.batch import brief_lines
from newsweave.service import create_app
from newsweave.sources import json_lines, read_sources

BATCH_EXAMPLES = 15
SOURCES_EXAMPLES = 25
API_ARTICLE_EXAMPLES = 60
API_BRIEF_EXAMPLES = 30
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SENTENCES = [
    "Firefighters in Oulu put out a blaze at a sawmill on Sunday night after four hours of work.",
    "No one was hurt, the rescue service said, and the police are investigating the cause of the fire.",
    "About forty firefighters from three stations fought the flames, which spread to a storage hall.",
    "The sawmill employs 120 people and its owner said production would stop for several weeks.",
]
HOSTILE_TEXTS = ["\ud800", "a\udfffb", "\x00", "\x1b[31m", "\u202e", "<script>alert(1)</script>", "\ufeff", "\r", "\u2028",
                 "{", "9" * 400, "é" * 3]
"""Strings a hostile or broken client sends: lone surrogates, control characters, markup, odd line ends."""

hostile_text = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_TEXTS),
                         st.lists(st.sampled_from(HOSTILE_TEXTS + SENTENCES), max_size=4).map("".join))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4),
    max_leaves=12,
)
good_text = st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=4, unique=True).map(" ".join)


def _json_bytes(value: object) -> bytes:
    """JSON as a client sends it: non-ASCII escaped, so a lone surrogate becomes the escape "\\ud800"."""
    return json.dumps(value, ensure_ascii=True).encode()


hostile_line = st.one_of(
    st.binary(max_size=60).filter(lambda b: b"\n" not in b and b"\x00" not in b),
    json_values.map(_json_bytes),
    st.fixed_dictionaries({"id": hostile_text, "documents": st.lists(st.one_of(hostile_text, json_values), max_size=3)})
    .map(_json_bytes),
)


@st.composite
def batch_files(draw: st.DrawFn) -> tuple[bytes, set[str]]:
    """A batch file's bytes mixing good story lines (ids good-N) with hostile ones, and the good ids."""
    lines: list[bytes] = []
    good: set[str] = set()
    for number in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            good.add(f"good-{number}")
            lines.append(_json_bytes({"id": f"good-{number}", "documents": [draw(good_text), draw(good_text)]}))
        else:
            lines.append(draw(hostile_line))
    return draw(st.sampled_from([b"\n", b"\r\n"])).join(lines) + b"\n", good


@settings(FUZZ, max_examples=BATCH_EXAMPLES)
@given(batch_files())
def test_batch_reader_briefs_every_good_line_and_reports_the_others(batch: tuple[bytes, set[str]]) -> None:
    data, good = batch
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(data)
        results = list(brief_lines(json_lines(path), full_analysis=False, jobs=1))
    briefed = {json.loads(r.brief_json)["id"] for r in results if r.brief_json}
    assert good <= briefed
    assert all(r.error or r.brief_json for r in results)
    assert [r.number for r in results] == sorted(r.number for r in results)


@settings(FUZZ, max_examples=BATCH_EXAMPLES)
@given(st.tuples(st.binary(max_size=100), st.binary(max_size=100)).map(b"\x00".join))
def test_a_batch_file_with_binary_data_is_refused_at_once(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(data)
        with pytest.raises(InputError, match="binary"):
            list(json_lines(path))


SUFFIXES = [".txt", ".html", ".md", "", ".jsonl", ".xml", ".rss", ".warc", ".warc.gz", ".jsonl.gz"]


@st.composite
def source_folders(draw: st.DrawFn) -> tuple[dict[str, bytes], set[str]]:
    """Files of a folder to ingest (good reports and hostile bytes under every suffix), and the good reports' ids."""
    files: dict[str, bytes] = {}
    good: set[str] = set()
    for number in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["page", "jsonl", "hostile"]))
        if kind == "page":
            files[f"good-{number}.txt"] = draw(good_text).encode()
            good.add(f"good-{number}.txt")
        elif kind == "jsonl":
            lines = [_json_bytes({"id": f"line-{number}", "text": draw(good_text)}), draw(hostile_line)]
            files[f"dump-{number}.jsonl"] = b"\n".join(draw(st.permutations(lines)))
            good.add(f"line-{number}")
        else:
            content = draw(st.one_of(st.binary(max_size=300), json_values.map(_json_bytes), hostile_text.map(
                lambda t: t.encode("utf-8", "surrogatepass"))))
            files[f"bad-{number}{draw(st.sampled_from(SUFFIXES))}"] = content
    return files, good


@settings(FUZZ, max_examples=SOURCES_EXAMPLES)
@given(source_folders())
def test_ingest_readers_keep_every_good_report_and_report_the_rest(folder_files: tuple[dict[str, bytes], set[str]]) -> None:
    files, good = folder_files
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        items = list(read_sources([folder]))
    read = {Path(i.article.id).name for i in items if i.article}
    assert good <= read
    assert all((i.article is None) != (i.problem is None) for i in items)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path_factory.mktemp("fuzz") / "store.db"), raise_server_exceptions=False) as test_client:
        yield test_client


@st.composite
def article_lists(draw: st.DrawFn) -> tuple[list[object], set[int]]:
    """A posted list of articles: good ones (their indices returned) among hostile values."""
    items: list[object] = []
    good: set[int] = set()
    for index in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            good.add(index)
            items.append({"text": draw(good_text) + f" Report {draw(st.integers(0, 10**9))}.", "source": "Fuzz Daily"})
        else:
            items.append(draw(st.one_of(json_values, st.fixed_dictionaries(
                {"text": hostile_text}, optional={"published": hostile_text, "url": hostile_text, "id": hostile_text}))))
    return items, good


@settings(FUZZ, max_examples=API_ARTICLE_EXAMPLES)
@given(article_lists())
def test_posted_articles_never_get_a_500_and_every_good_one_is_stored(client: TestClient,
                                                                      posted: tuple[list[object], set[int]]) -> None:
    items, good = posted
    answer = client.post("/api/articles", content=_json_bytes(items), headers={"content-type": "application/json"})
    assert answer.status_code in (201, 422), answer.text
    body = answer.json()
    kept = {a["index"] for a in body.get("articles", [])}
    assert good <= kept and (answer.status_code == 201) == bool(kept)
    assert kept | {e["index"] for e in body["errors"]} == set(range(len(items)))


@settings(FUZZ, max_examples=API_ARTICLE_EXAMPLES)
@given(st.one_of(st.binary(max_size=200), json_values.map(_json_bytes)))
def test_any_body_posted_to_the_api_gets_a_json_answer_not_a_500(client: TestClient, body: bytes) -> None:
    for route in ("/api/articles", "/api/brief"):
        answer = client.post(route, content=body, headers={"content-type": "application/json"})
        assert answer.status_code < 500, (route, answer.text)
        assert answer.status_code in (200, 201) or "error" in answer.json()


@settings(FUZZ, max_examples=API_BRIEF_EXAMPLES)
@given(st.fixed_dictionaries(
    {"documents": st.lists(st.one_of(good_text, good_text.map(lambda t: t + " \ud800"), hostile_text, json_values),
                           min_size=1, max_size=3)},
    optional={"id": hostile_text, "max_words": st.integers(-5, 6000)}))
def test_brief_requests_never_get_a_500(client: TestClient, request_body: dict) -> None:
    answer = client.post("/api/brief", content=_json_bytes(request_body), headers={"content-type": "application/json"})
    assert answer.status_code in (200, 422), answer.text
    assert answer.status_code == 200 or answer.json()["error"]
