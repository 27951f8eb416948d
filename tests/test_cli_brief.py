"""`newsweave brief` on the command line: formats, batch mode, and bad input with exit code 2."""

from __future__ import annotations

import json
import subprocess
from importlib.metadata import version

import pytest

from newsweave import InputError
from newsweave.cli import error_message, main

BRIEF_FIELDS = {"id", "title", "sources", "summary", "entities", "claims", "disagreements", "quotes", "timeline"}


def test_markdown_brief_of_the_bundled_example(seeds_dir, capsys):
    assert main(["brief", str(seeds_dir), "--summary-only"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ")
    assert "[1]" in out and "## Sources" in out
    assert "1. 000_eb8db19fe92c484b" in out


def test_json_brief_follows_the_contract(seeds_dir, tmp_path):
    target = tmp_path / "brief.json"
    assert main(["brief", str(seeds_dir), "--format", "json", "--out", str(target)]) == 0
    brief = json.loads(target.read_text())
    assert set(brief) >= BRIEF_FIELDS
    assert [s["id"] for s in brief["sources"]] == [1, 2, 3]
    assert all(set(s) >= {"id", "name", "url", "title", "published"} for s in brief["sources"])
    assert all(item["citations"] for item in brief["summary"])


def test_html_brief_is_one_self_contained_page(seeds_dir, tmp_path):
    target = tmp_path / "brief.html"
    assert main(["brief", str(seeds_dir), "--format", "html", "--out", str(target), "--summary-only"]) == 0
    page = target.read_text()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert 'src="http' not in page and "<link rel=\"stylesheet\" href=\"http" not in page
    assert "Tsikhanouskaya" in page


def test_max_words_is_honoured(seeds_dir, capsys):
    assert main(["brief", str(seeds_dir), "--format", "json", "--max-words", "30", "--summary-only"]) == 0
    brief = json.loads(capsys.readouterr().out)
    assert sum(len(s["text"].split()) for s in brief["summary"]) <= 30


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_python_dash_m_newsweave_is_the_command_line_with_the_installed_version(newsweave_command):
    result = _run([*newsweave_command, "--version"])
    assert (result.returncode, result.stdout) == (0, f"newsweave {version('newsweave')}\n")


def test_missing_path_exits_2_without_traceback(tmp_path, newsweave_command):
    result = _run([*newsweave_command, "brief", str(tmp_path / "nowhere")])
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_single_report_says_there_is_one_source(seeds_dir, newsweave_command):
    result = _run([*newsweave_command, "brief", str(seeds_dir / "000_eb8db19fe92c484b.txt")])
    assert result.returncode == 2
    assert "one source" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary\x00" * 20, "binary")],
)
def test_empty_or_binary_file_exits_2(tmp_path, seeds_dir, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["brief", str(bad), str(seeds_dir / "000_eb8db19fe92c484b.txt")]) == 2
    assert message in capsys.readouterr().err


def test_an_error_about_a_library_option_is_shown_with_its_flag():
    error = InputError("max_words must be a positive number of words, not 0", option="max_words")
    assert error_message(error) == "max_words must be a positive number of words, not 0 (--max-words)"
    assert error_message(InputError("the file is empty", where="a.txt")) == "a.txt: the file is empty"


def test_no_paths_at_all_exits_2(capsys):
    assert main(["brief"]) == 2
    assert "give two or more report files" in capsys.readouterr().err


def test_batch_writes_good_lines_and_reports_bad_ones_by_number(dev_clusters, tmp_path, capsys):
    lines = [json.dumps({"id": c["id"], "documents": c["documents"]}) for c in dev_clusters[:4]]
    lines.insert(1, "{this is not json")
    lines.insert(3, json.dumps({"id": "no-documents"}))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    target = tmp_path / "out.jsonl"
    code = main(["brief", "--batch", str(source), "--out", str(target), "--max-words", "100", "--quiet", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 2: skipped: not valid JSON" in err
    assert "line 4: skipped" in err and "documents" in err
    briefs = [json.loads(line) for line in target.read_text().splitlines()]
    assert [b["id"] for b in briefs] == [c["id"] for c in dev_clusters[:4]]
    for brief in briefs:
        assert set(brief) >= BRIEF_FIELDS
        assert sum(len(s["text"].split()) for s in brief["summary"]) <= 100


def test_batch_on_two_processes_gives_the_same_briefs_in_order(dev_clusters, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(c) + "\n" for c in dev_clusters[:6]))
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out-{jobs}.jsonl"
        assert main(["brief", "--batch", str(source), "--out", str(target), "--summary-only", "--quiet", "--jobs", jobs]) == 0
        outputs.append(target.read_text())
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[0].splitlines()] == [c["id"] for c in dev_clusters[:6]]


def test_batch_input_that_does_not_exist_exits_2(tmp_path, capsys):
    assert main(["brief", "--batch", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_batch_without_out_exits_2(tmp_path, capsys):
    assert main(["brief", "--batch", str(tmp_path / "in.jsonl")]) == 2
    assert "--out" in capsys.readouterr().err


@pytest.mark.slow
def test_output_cut_short_by_its_reader_ends_quietly(tmp_path, dev_clusters, newsweave_command):
    batch = tmp_path / "stories.jsonl"
    batch.write_text("".join(json.dumps({**c, "id": f"{c['id']}-{n}"}) + "\n" for n in range(8) for c in dev_clusters))
    command = [*newsweave_command,
               "brief", "--batch", str(batch), "--out", "/dev/stdout", "--summary-only", "--jobs", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(process.stdout.readline())["summary"]
    process.stdout.close()  # as `| head -1` does; the rest (far over a pipe's buffer) has nowhere to go
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141
    assert "Traceback" not in stderr and "Error" not in stderr


def _with_control_characters(text: str) -> str:
    """The text with a NUL, a bell and an escape put between its words (as a broken feed or a hostile post sends)."""
    words = text.split(" ")
    return " ".join(f"{word}\x00" if n % 7 == 3 else f"\x1b{word}\x07" if n % 11 == 5 else word
                    for n, word in enumerate(words))


def test_control_characters_in_reports_never_reach_the_html(seeds_dir, tmp_path):
    for path in sorted(seeds_dir.glob("*.txt")):
        # after the first 4 KB, where a NUL does not make the file look binary
        (tmp_path / path.name).write_text(" " * 4100 + _with_control_characters(path.read_text(encoding="utf-8")))
    out = tmp_path / "brief.html"
    assert main(["brief", str(tmp_path), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Tsikhanouskaya" in page
    assert not any(character in page for character in "\x00\x07\x1b")


def test_control_characters_in_batch_documents_are_removed(seeds_dir, tmp_path):
    texts = [_with_control_characters(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "nul", "documents": [*texts[:2], {"text": texts[2], "source": "Euro\x00news"}]}) + "\n")
    out = tmp_path / "briefs.jsonl"
    assert main(["brief", "--batch", str(batch), "--out", str(out), "--jobs", "1"]) == 0
    brief = json.loads(out.read_text())
    assert brief["summary"] and brief["sources"][2]["name"] == "Euronews"
    assert not any(c in json.dumps(brief, ensure_ascii=False) for c in "\x00\x07\x1b")


def test_a_lone_surrogate_escape_skips_its_line_and_keeps_the_others_on_two_processes(dev_clusters, tmp_path, capsys):
    lines = [json.dumps({"id": c["id"], "documents": c["documents"]}) for c in dev_clusters[:3]]
    lines.insert(1, '{"id": "half", "documents": ["Half a character \\ud800 here.", "Another report."]}')
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    target = tmp_path / "out.jsonl"
    code = main(["brief", "--batch", str(source), "--out", str(target), "--summary-only", "--quiet", "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "line 2: skipped: `documents[0]` holds a lone surrogate escape (\\ud800)" in err
    assert "1 of 4 lines skipped" in err
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == [c["id"] for c in dev_clusters[:3]]


def test_a_binary_batch_file_is_refused_at_once_with_one_message(tmp_path, capsys):
    source = tmp_path / "photo.jsonl"
    source.write_bytes(bytes(range(256)) * 80)  # 20 KB holding every byte, \r and \n among them
    assert main(["brief", "--batch", str(source), "--out", str(tmp_path / "out.jsonl"), "--quiet"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "binary file" in line and "not valid JSON" not in line


def test_a_batch_line_that_is_not_utf8_is_reported_by_number_and_counted_right(seeds_dir, tmp_path, capsys):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    good = json.dumps({"id": "good", "documents": texts[:2]}).encode()
    latin1 = '{"id": "latin-1", "documents": ["Caf\u00e9 de Flore, Paris.", "Un autre."]}'.encode("latin-1")
    source = tmp_path / "in.jsonl"
    source.write_bytes(good + b"\n" + latin1 + b"\r\n\r\n" + good.replace(b'"good"', b'"again"') + b"\n")
    target = tmp_path / "out.jsonl"
    assert main(["brief", "--batch", str(source), "--out", str(target), "--summary-only", "--quiet", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "line 2: skipped: not UTF-8 text" in err and "1 of 3 lines skipped" in err
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == ["good", "again"]


def test_brief_of_a_report_over_a_million_characters_is_cut_with_a_note(seeds_dir, tmp_path, capsys):
    first, second = sorted(seeds_dir.glob("*.txt"))[:2]
    text = first.read_text(encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text("\n\n".join([text] * (1_100_000 // len(text) + 1)), encoding="utf-8")
    assert main(["brief", str(huge), str(second), "--summary-only"]) == 0
    out = capsys.readouterr().out
    assert "> Note: report 1 (huge) has 1,1" in out and "the brief reads its first 50,000" in out
