"""The corpus-mode commands end to end: ingest, stories, brief --story, cluster, and a killed ingest resumed."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time

import pytest
from corpus_files import write_jsonl

from newsweave.cli import main
from newsweave.service._schemas import StoryOut
from newsweave.sources import read_reports


def _dev_records(dev_clusters: list[dict]) -> list[dict]:
    return [{"id": f"{c['id']}-{n}", "text": text, "source": f"outlet-{n}", "url": f"https://outlet-{n}.example/{c['id']}"}
            for c in dev_clusters for n, text in enumerate(c["documents"])]


def test_ingest_then_stories_then_brief_of_a_story(tmp_path, seeds_dir, dev_clusters, capsys):
    db = tmp_path / "news.db"
    dump = tmp_path / "dev.jsonl"
    write_jsonl(dump, _dev_records(dev_clusters))
    assert main(["ingest", str(seeds_dir), str(dump), "--db", str(db), "--quiet"]) == 0
    assert "stored" in capsys.readouterr().err
    assert main(["stories", "--db", str(db), "--format", "json", "--limit", "100"]) == 0
    stories = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    seed_story = next(s for s in stories if s["articles"] == 3 and s["sources"] == 3)
    assert list(seed_story) == list(StoryOut.model_fields)  # a line of the service's story list
    assert main(["stories", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["story", "title", "articles"] and seed_story["id"] in table
    out = tmp_path / "brief.json"
    assert main(["brief", "--db", str(db), "--story", seed_story["id"], "--format", "json", "--out", str(out), "--summary-only"]) == 0
    brief = json.loads(out.read_text())
    assert brief["id"] == seed_story["id"] and len(brief["sources"]) == 3 and brief["summary"]
    assert brief["title"] == seed_story["title"]  # the page and the list name a story alike


def test_stories_explain_prints_why_each_report_of_a_story_joined(tmp_path, seeds_dir, capsys):
    db = tmp_path / "news.db"
    main(["ingest", str(seeds_dir), "--db", str(db), "--quiet"])
    assert main(["stories", "--db", str(db), "--format", "json"]) == 0
    story = json.loads(capsys.readouterr().out.splitlines()[0])["id"]
    assert main(["stories", "--db", str(db), "--explain", story]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["report", "title", "score"] and "started the story" in table[2]
    assert all(">=" in line for line in table[3:]) and len(table) == 5
    assert main(["stories", "--db", str(db), "--explain", story, "--format", "json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["how"] for line in lines][0] == "started" and all(line["score"] for line in lines[1:])
    assert main(["stories", "--db", str(db), "--explain", "s-nothing"]) == 2
    assert "newsweave stories" in capsys.readouterr().err


def test_second_ingest_of_the_same_sources_adds_nothing(tmp_path, seeds_dir, capsys):
    db = tmp_path / "news.db"
    main(["ingest", str(seeds_dir), "--db", str(db), "--quiet"])
    capsys.readouterr()
    main(["ingest", str(seeds_dir), "--db", str(db), "--quiet"])
    err = capsys.readouterr().err
    assert "0 stored" in err and "3 already stored" in err
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3


def test_bad_pages_are_reported_with_their_place_and_the_rest_ingested(tmp_path, seeds_dir, capsys):
    dump = tmp_path / "dump.jsonl"
    write_jsonl(dump, [{"id": "ok", "text": read_reports([str(seeds_dir)])[0].text}, {"id": "empty"}])
    code = main(["ingest", str(dump), "--db", str(tmp_path / "news.db"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and f"{dump} line 2: skipped" in err and "1 stored" in err


def test_unknown_story_and_missing_store_are_errors_not_tracebacks(tmp_path, seeds_dir, capsys):
    assert main(["stories", "--db", str(tmp_path / "none.db")]) == 2
    assert "newsweave ingest" in capsys.readouterr().err
    db = tmp_path / "news.db"
    main(["ingest", str(seeds_dir), "--db", str(db), "--quiet"])
    assert main(["brief", "--db", str(db), "--story", "s-nothing"]) == 2
    assert "newsweave stories" in capsys.readouterr().err


def test_a_file_that_is_not_a_store_is_refused_naming_the_db_flag(tmp_path, capsys):
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("shopping list: bread, milk\n" * 100)
    assert main(["stories", "--db", str(not_a_store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsweave: error: {not_a_store}: cannot be opened as a newsweave store")
    assert err.rstrip().endswith("(--db)")


def test_cluster_gives_every_id_once_and_null_for_non_articles(tmp_path, dev_clusters):
    records = _dev_records(dev_clusters)
    stream = tmp_path / "stream.jsonl"
    write_jsonl(stream, records + [{"id": "no-text"}])
    out = tmp_path / "groups.jsonl"
    assert main(["cluster", str(stream), "--out", str(out), "--quiet"]) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in records] + ["no-text"]
    by_id = {line["id"]: line for line in lines}
    assert by_id["mn-val-010-1"]["story"] is None and by_id["mn-val-010-1"]["dropped"] == "archive-notice"
    assert by_id["no-text"]["story"] is None
    assert by_id["mn-val-004-0"]["story"] == by_id["mn-val-004-2"]["story"] is not None
    main(["cluster", str(stream), "--out", str(tmp_path / "again.jsonl"), "--quiet"])
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()


@pytest.mark.slow
def test_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes_it(tmp_path, dev_clusters, newsweave_command):
    records = []
    for copy in range(12):  # a long stream: the dev slice many times over, each copy a distinct report
        for record in _dev_records(dev_clusters):
            words = record["text"].split()
            records.append({**record, "id": f"{record['id']}-v{copy}", "url": f"{record['url']}/v{copy}",
                            "text": " ".join(words[copy * 7:] + words[: copy * 7]) + f" Edition {copy}."})
    dump = tmp_path / "long.jsonl"
    write_jsonl(dump, records)
    db = tmp_path / "news.db"
    command = [*newsweave_command, "ingest", str(dump), "--db", str(db), "--quiet", "--batch-size", "10"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                stored = sqlite3.connect(db, timeout=5).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
            if stored >= 30:
                break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    connection = sqlite3.connect(db)
    killed_at = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < killed_at < len(records)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()

    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{killed_at} already stored" in rerun.stderr
    connection = sqlite3.connect(db)
    ids = [row[0] for row in connection.execute("SELECT id FROM articles")]
    assert len(ids) == len(set(ids)) == len(records) - _exact_repeats(records)
    orphans = connection.execute(
        "SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id WHERE a.story_id IS NOT NULL AND s.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0


def _exact_repeats(records: list[dict]) -> int:
    from newsweave.dedup import clean_for_corpus, text_fingerprint

    seen, repeats = set(), 0
    for record in records:
        text = clean_for_corpus(record["text"])[0]
        fingerprint = text_fingerprint(text or record["text"])
        repeats += fingerprint in seen
        seen.add(fingerprint)
    return repeats


def test_ingest_of_a_jsonl_with_a_lone_surrogate_line_stores_the_ten_good_ones(tmp_path, dev_clusters, capsys):
    records = _dev_records(dev_clusters)[:10]
    lines = [json.dumps(r) for r in records]
    lines.insert(4, '{"id": "half", "text": "A report with half a character \\udfff in it, long enough to be news."}')
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "news.db"
    assert main(["ingest", str(dump), "--db", str(db), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "dump.jsonl line 5: skipped: `text` holds a lone surrogate escape (\\udfff)" in err
    assert "10 reports read" in err and "1 pages skipped" in err
    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM articles")}
    assert stored == {r["id"] for r in records}
