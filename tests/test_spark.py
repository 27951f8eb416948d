"""`newsweave spark` on a local Spark (local[2]): the same decisions as `cluster`, Parquet tables, import-parquet.

One SparkSession serves the whole test session (starting the JVM is the slow part); jobs run on small inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_files import html_page, write_jsonl, write_warc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.spark

STORY_A = ("Flooding forced thousands of residents of the river town of Belmond to leave their homes on Monday, "
           "officials said. The river rose four metres overnight after three days of heavy rain, and the mayor of "
           "Belmond ordered the evacuation of the lower districts. Rescue crews used boats to reach families on "
           "rooftops, and two shelters opened in school buildings. The regional governor said the army would send "
           "trucks and engineers to strengthen the levees before more rain arrives on Wednesday.")
STORY_A_OTHER = ("The mayor of Belmond ordered an evacuation on Monday as the river burst its banks after days of "
                 "heavy rain, forcing thousands of residents from their homes. Boats carried families from rooftops "
                 "to two shelters set up in schools, and the regional governor promised army engineers to shore up "
                 "the levees of Belmond before the rain returns on Wednesday, officials said.")
STORY_B = ("The national orchestra of Varenia named the conductor Ilse Marrow as its new music director on Friday, "
           "ending a two-year search. Marrow, who has led opera houses in three countries, will take up the post "
           "next season and conduct twelve concerts a year. The orchestra's board said her contract runs for five "
           "years and includes a tour of Asia. Musicians welcomed the choice in a statement, praising her work "
           "with young players and her commitment to new music by living composers.")
STORY_B_OTHER = ("Conductor Ilse Marrow will become music director of the Varenia national orchestra next season, "
                 "the orchestra's board announced on Friday after a two-year search. Marrow has led opera houses in "
                 "three countries; her five-year contract includes twelve concerts a year and a tour of Asia, and "
                 "the orchestra's musicians praised her work with young players and with new music.")
def dated_page(title: str, text: str, day: str) -> str:
    """A news page whose markup gives its publication day (as most news pages do)."""
    return html_page(title, text).replace("<head>", f'<head><meta property="article:published_time" content="{day}">')


ERROR_PAGE = "404 Not Found. The page you are looking for does not exist or has been moved."


@pytest.fixture(scope="session")
def spark():
    from newsweave.spark.job import spark_session

    session = spark_session("local[2]", partitions=2, settings={"spark.ui.enabled": "false"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> list[str]:
    """A JSONL dump (a bad line, an error page, a repeat, a syndicated copy) and a WARC of two pages."""
    folder = tmp_path_factory.mktemp("corpus")
    write_jsonl(folder / "dump.jsonl", [
        {"id": "a1", "text": STORY_A, "source": "Daily Post", "published": "2024-03-04", "url": "https://post.example/a1"},
        {"id": "b1", "text": STORY_B, "source": "Arts Weekly", "published": "2024-03-08", "url": "https://arts.example/b1"},
        {"id": "a1-copy", "text": STORY_A + "\nDistributed by Wire Service.", "source": "Valley News",
         "published": "2024-03-04", "url": "https://valley.example/a1"},
        {"id": "a1-again", "text": STORY_A, "source": "Daily Post", "published": "2024-03-04"},
        {"id": "gone", "text": ERROR_PAGE, "source": "Daily Post", "published": "2024-03-05"},
        {"id": "no-text", "title": "a line without text or html"},
    ])
    with (folder / "dump.jsonl").open("a", encoding="utf-8") as dump:
        dump.write("{not json\n")
    write_warc(folder / "crawl.warc.gz", [
        ("https://river.example/belmond", dated_page("Belmond evacuated as river bursts banks", STORY_A_OTHER, "2024-03-05")),
        ("https://music.example/marrow", dated_page("Marrow to lead Varenia orchestra", STORY_B_OTHER, "2024-03-08")),
    ])
    return [str(folder / "dump.jsonl"), str(folder / "crawl.warc.gz")]


def _table(folder: Path, name: str) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(str(folder / name)).to_pylist()


@pytest.fixture(scope="session")
def small_job(spark, small_corpus, tmp_path_factory) -> Path:
    from newsweave.spark.job import run_job

    out = tmp_path_factory.mktemp("tables")
    run_job(spark, small_corpus, str(out), briefs=True)
    return out


def test_spark_job_ties_repeats_and_copies_to_their_origin_and_groups_jsonl_with_warc_pages(small_job):
    articles = {row["id"]: row for row in _table(small_job, "articles")}
    assert articles["a1-again"]["repeat"] and articles["a1-again"]["origin"] == "a1"
    assert articles["a1-copy"]["origin"] == "a1" and not articles["a1-copy"]["repeat"]
    assert articles["gone"]["left_out"] == "error-page" and articles["gone"]["story"] is None
    story_a = articles["a1"]["story"]
    assert story_a and story_a != articles["b1"]["story"]
    assert articles["https://river.example/belmond"]["story"] == story_a
    assert articles["https://music.example/marrow"]["story"] == articles["b1"]["story"]
    assert articles["a1-copy"]["story"] == story_a and articles["a1-again"]["story"] == story_a
    assert [row["seq"] for row in sorted(articles.values(), key=lambda r: r["seq"])] == list(range(len(articles)))


def test_spark_job_writes_each_bad_record_to_rejects_with_its_reason(small_job):
    rejects = _table(small_job, "rejects")
    reasons = {row["where"].rsplit("/", 1)[-1]: row["reason"] for row in rejects}
    assert set(reasons) == {"dump.jsonl line 6", "dump.jsonl line 7"}
    assert "not valid JSON" in reasons["dump.jsonl line 7"] and "text" in reasons["dump.jsonl line 6"]


def test_spark_job_writes_stories_and_cited_briefs(small_job):
    stories = {row["story"]: row for row in _table(small_job, "stories")}
    articles = {row["id"]: row for row in _table(small_job, "articles")}
    story_a = stories[articles["a1"]["story"]]
    assert story_a["reports"] == 3 and story_a["sources"] == 3 and story_a["title"]
    assert str(story_a["first_seen"]) == "2024-03-04"
    briefs = {row["story"]: json.loads(row["brief"]) for row in _table(small_job, "briefs")}
    assert set(briefs) == set(stories)
    brief = briefs[articles["a1"]["story"]]
    assert {source["name"] for source in brief["sources"]} >= {"Daily Post"} and brief["summary"]
    texts = STORY_A + STORY_A_OTHER
    assert all(item["text"] in texts for item in brief["summary"])


def test_spark_tables_do_not_depend_on_the_partitioning(spark, small_corpus, small_job, tmp_path):
    from newsweave.spark.job import run_job

    run_job(spark, small_corpus, str(tmp_path), partitions=5)
    for table in ("articles", "stories", "rejects"):
        assert _table(tmp_path, table) == _table(small_job, table), table


def test_import_parquet_makes_a_store_that_stories_and_brief_read(small_job, tmp_path):
    from newsweave.cli import main
    from newsweave.store import Store

    db = tmp_path / "news.db"
    assert main(["import-parquet", str(small_job), "--db", str(db)]) == 0
    articles = {row["id"]: row for row in _table(small_job, "articles")}
    with Store(db) as store:
        counts = store.counts()
        story = store.story(articles["a1"]["story"])
        assert store.carriers("a1") == ["a1-copy"]
        assert store.stored_brief(story.id) is not None
    assert counts["articles"] == len(articles) - 1  # the repeat is not stored, as ingest stores none
    assert story.articles == 3
    result = subprocess.run([sys.executable, "-m", "newsweave", "brief", "--story", story.id, "--db", str(db), "--format", "json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == story.id


def test_spark_stories_agree_with_cluster_on_the_multinews_dev_stream(spark, tmp_path):
    from grouping import DEFAULT_DEV, b_cubed, build_stream, write_stream

    from newsweave.spark.job import run_job

    if not DEFAULT_DEV.exists():
        pytest.skip(f"no dev data at {DEFAULT_DEV}")
    stream = tmp_path / "stream.jsonl"
    write_stream(build_stream(DEFAULT_DEV, seed=0, dated=True)[0], stream)
    clustered = tmp_path / "clustered.jsonl"
    subprocess.run([sys.executable, "-m", "newsweave", "cluster", str(stream), "--out", str(clustered), "--quiet"],
                   check=True, timeout=600)
    run_job(spark, [str(stream)], str(tmp_path / "tables"))
    theirs = [json.loads(line) for line in clustered.read_text().splitlines()]
    ours = {row["id"]: row for row in _table(tmp_path / "tables", "articles")}
    assert len(ours) == len(theirs)
    truth = {line["id"]: line["story"] or f"alone:{line['id']}" for line in theirs}
    predicted = {key: row["story"] or f"alone:{key}" for key, row in ours.items()}
    assert b_cubed(predicted, truth)[2] >= 0.98
    assert {line["id"]: (line.get("duplicate_of"), line.get("dropped")) for line in theirs} == \
        {key: (row["origin"], row["left_out"]) for key, row in ours.items()}


def test_commands_other_than_spark_never_import_pyspark():
    code = ("import sys; from newsweave.cli import main, build_parser; build_parser(); "
            "import newsweave.spark.tables, newsweave.spark.stages; print('pyspark' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def test_spark_job_tells_each_step_as_it_ends_and_counts_its_time(spark, small_corpus, tmp_path, capsys):
    from newsweave.spark.job import STEP_DONE, StepClock, run_job

    counts = run_job(spark, small_corpus, str(tmp_path), clock=StepClock(say=True))
    told = [line[len(STEP_DONE):].rsplit(" ", 2)[0] for line in capsys.readouterr().err.splitlines()
            if line.startswith(STEP_DONE)]
    assert told == [step for step, _ in counts.steps]
    assert told[0] == "read, clean and sign the pages" and "repeats and copies" in told and "articles table" in told
    assert all(seconds >= 0 for _, seconds in counts.steps)


def test_every_repeat_of_a_text_copies_its_first_appearance_and_other_texts_stay_origins():
    import numpy as np

    from newsweave.spark import stages

    def member(order: int, page_id: str, text: str) -> tuple:
        return (0, 0, order), page_id, stages._signer().signature(text).astype(np.uint64).tobytes()

    repeated = [member(k, f"a{k}", f"{STORY_A}\nEdition {k}.") for k in range(30)]
    other = [member(30, "b", STORY_B)]
    copies = dict(stages.copies_in_set(repeated + other))
    assert set(copies) == {(0, 0, k) for k in range(1, 30)}
    assert set(copies.values()) == {((0, 0, 0), "a0")}
    one_index = list(stages.copies_in_sets([((0, 0, 0), repeated), ((0, 0, 30), other), ((0, 0, 0), repeated)]))
    assert one_index == list(stages.copies_in_set(repeated)) * 2  # an index reused for the next set starts empty
