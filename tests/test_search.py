"""Search and entities over a real store: full text, names found in every spelling, entity pages, API and CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from servers import seed_articles

from newsweave._errors import NotFoundError
from newsweave.ingest import article_from_document
from newsweave.service import create_app
from newsweave.store import Store
from newsweave.story_brief import save_story_brief

SPELLS_IT_ANOTHER_WAY = [
    {"text": "Belarusian opposition leader Sviatlana Tsikhanouskaya addressed the Council of Europe in Strasbourg on "
             "Monday and asked its members to send observers to the trials of jailed protesters. Tsikhanouskaya, "
             "who lives in exile in Vilnius, said more than two hundred political prisoners were awaiting trial. "
             "The assembly's president promised a debate on the request in April.",
     "source": "Strasbourg Courier", "url": "https://courier.example/2021/council", "published": "2021-03-15",
     "title": "Exiled leader asks Council of Europe for trial observers"},
    {"text": "Speaking in Strasbourg on Monday, Tsikhanouskaya urged the Council of Europe to watch the trials of "
             "protesters in Belarus. She told the assembly that more than two hundred political prisoners were "
             "waiting to be tried, and asked for observers to be sent. A debate is planned for April.",
     "source": "Rhine Post", "url": "https://rhinepost.example/council-observers", "published": "2021-03-15"},
]
SURNAME_ONLY = {
    "text": "Lithuania's interior minister said on Thursday that Tsikhanouskaya would stay under police protection in "
            "her home after threats were made against her online. The European Union has offered to pay for the guards, "
            "the minister added, and the police will review the threats every month.",
    "source": "Baltic Wire", "url": "https://balticwire.example/protection", "published": "2021-06-10",
    "title": "Police protection extended for exiled opposition leader",
}
HOSTILE_REPORT = {
    "text": "The harbour authority of Eastport said on Friday that the ferry terminal would close for repairs. "
            "A notice on its site read <mark>closed</mark> and <script>window.__pwned = 1</script> before it was "
            "taken down. The ferry terminal will reopen in June, the harbour authority said.",
    "source": "Eastport <b>Gazette</b>", "url": "https://gazette.example/ferry", "published": "2022-06-01",
    "title": "Ferry terminal to close <img src=x onerror=alert(1)>",
}


def _articles(documents: list[dict]) -> list:
    return [article_from_document(d, fallback_id=d.get("url") or d["id"]) for d in documents]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A store of four stories: the seeds (brief stored), a later story spelling only "Tsikhanouskaya" (no brief
    stored), one naming her by that surname alone, and a story whose report holds markup."""
    path = tmp_path_factory.mktemp("search") / "store.db"
    with Store(path) as store:
        seeds = store.add_articles(_articles(seed_articles(seeds_dir)))[0].story_id
        other = store.add_articles(_articles(SPELLS_IT_ANOTHER_WAY))[0].story_id
        store.add_articles(_articles([HOSTILE_REPORT]))
        surname_only = store.add_articles(_articles([SURNAME_ONLY]))[0].story_id
        assert len({seeds, other, surname_only}) == 3
        save_story_brief(store, seeds)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path) as opened:
        yield opened


def _found_titles(store: Store, query: str) -> list[str]:
    found, stories = store.search(query)
    return [stories[hit.story_id].title for hit in found.hits]


def _story_with(store: Store, words: str) -> str:
    return next(s.id for s in store.stories() if words in s.title)


# -- names in every spelling -------------------------------------------------------------------------

def test_a_name_finds_the_story_that_only_spells_it_another_way(store: Store) -> None:
    found, stories = store.search("Tikhanovskaya")
    titles = [stories[hit.story_id].title for hit in found.hits]
    assert found.total == 3
    assert any("Council of Europe" in title for title in titles)
    assert found.expansions[0].entities == ["Svyatlana Tsikhanouskaya"]
    assert "tsikhanouskaya" in found.expansions[0].spellings


def test_without_a_stored_brief_a_name_finds_only_its_own_spelling(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        store.add_articles(_articles(seed_articles(seeds_dir)))
        store.add_articles(_articles(SPELLS_IT_ANOTHER_WAY))
        found, _ = store.search("Tikhanovskaya")
    assert found.total == 1
    assert found.expansions == []


def test_a_spelling_no_outlet_used_is_matched_to_the_name(store: Store) -> None:
    found, _ = store.search("Tsikhanovskaja")
    assert found.total == 3
    assert found.expansions[0].entities == ["Svyatlana Tsikhanouskaya"]


def test_a_first_and_last_name_in_other_spellings_finds_the_story(store: Store) -> None:
    assert _found_titles(store, "Sviatlana Tikhanovskaya") == _found_titles(store, "Svetlana Tsikhanouskaya")
    assert len(_found_titles(store, "Svetlana Tsikhanouskaya")) == 2


def test_a_full_name_is_not_widened_to_a_surname_alone(store: Store) -> None:
    titles = _found_titles(store, "Svetlana Tikhanovskaya")
    assert len(titles) == 2 and not any("Police protection" in title for title in titles)
    assert any("Police protection" in title for title in _found_titles(store, "Tikhanovskaya"))


def test_a_short_form_a_brief_merged_finds_the_long_one(store: Store) -> None:
    assert any("Police protection" in title for title in _found_titles(store, "EU"))  # it writes "European Union"
    assert store.search("EU")[0].expansions[0].spellings == ["european union"]


def test_a_word_that_is_no_name_is_searched_as_written(store: Store) -> None:
    found, _ = store.search("ferry terminal")
    assert found.total == 1
    assert found.expansions == []


# -- full text, ranking, snippets ---------------------------------------------------------------------

def test_every_word_must_match_and_results_come_in_pages(store: Store) -> None:
    assert store.search("Strasbourg observers")[0].total == 1
    assert store.search("Strasbourg Macron")[0].total == 0
    everything, _ = store.search("the")
    assert everything.total == 4
    first, _ = store.search("the", limit=3)
    rest, _ = store.search("the", limit=3, offset=3)
    assert len(first.hits) == 3 and len(rest.hits) == 1
    assert {h.story_id for h in first.hits} | {h.story_id for h in rest.hits} == {h.story_id for h in everything.hits}
    scores = [hit.score for hit in everything.hits]
    assert scores == sorted(scores)


def test_highlights_are_the_offsets_of_the_matched_words(store: Store) -> None:
    found, _ = store.search("Tikhanovskaya")
    for hit in found.hits:
        assert hit.highlights
        marked = {hit.snippet[start:end].lower() for start, end in hit.highlights}
        assert marked <= {"tikhanovskaya", "tsikhanouskaya"}


def test_query_text_is_never_read_as_search_syntax(store: Store) -> None:
    for query in ['ferry"', "NEAR(ferry", "ferry OR", "ferry*", "-ferry", "title:ferry", "ferry AND NOT terminal"]:
        found, _ = store.search(query)
        assert found.total <= 1


def test_a_query_without_words_is_refused_with_what_to_do(store: Store) -> None:
    from newsweave._errors import InputError

    with pytest.raises(InputError, match="give one or more words"):
        store.search(" ?! ")
    with pytest.raises(InputError, match="at most"):
        store.search(" ".join(f"word{n}" for n in range(20)))


def test_new_reports_and_briefs_are_searchable_at_once(tmp_path: Path, seeds_dir: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        assert store.search("Strasbourg")[0].total == 0
        story = store.add_articles(_articles(SPELLS_IT_ANOTHER_WAY))[0].story_id
        assert store.search("Strasbourg")[0].total == 1
        save_story_brief(store, story)
        found, _ = store.search("Tsikhanouskaya")
        assert [hit.story_id for hit in found.hits] == [story]


def test_a_store_made_before_search_gets_its_index_when_opened(tmp_path: Path, store_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(store_path) as source, sqlite3.connect(old) as copy:
        source.backup(copy)
    with sqlite3.connect(old) as db:
        for table in ("report_search", "story_search", "entity_stories", "entity_words", "entity_spellings", "entities"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM meta WHERE key = 'search_index'")
    with Store(old) as store:
        assert store.search("Tikhanovskaya")[0].total == 3
        assert store.entity("Lukashenka")[0].name == "Alexander Lukashenko"


def test_a_kept_answer_is_dropped_when_another_connection_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store(path) as reader, Store(path) as writer:  # two connections, as a watcher or a worker process has
        assert reader.search("Strasbourg")[0].total == 0
        assert reader.search("Strasbourg")[0].total == 0  # asked again: the kept answer
        story = writer.add_articles(_articles(SPELLS_IT_ANOTHER_WAY))[0].story_id
        assert reader.search("Strasbourg")[0].total == 1
        with pytest.raises(NotFoundError):
            reader.entity("Tsikhanouskaya")
        save_story_brief(writer, story)
        assert reader.entity("Tsikhanouskaya")[0].story_ids == [story]
        assert reader.search("Tsikhanowskaja")[0].total == 1


def test_a_word_only_in_a_reports_headline_gets_the_headline_as_snippet(store: Store) -> None:
    found, _ = store.search("onerror")
    [hit] = found.hits
    assert hit.found_in == "report" and hit.snippet.startswith("Ferry terminal to close")
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["onerror"]


def test_a_page_of_the_story_list_counts_the_reports_of_its_stories(store: Store) -> None:
    every = store.stories(limit=100)
    assert len(every) == 4
    for by_change in (False, True):
        ordered = store.stories(limit=100, by_change=by_change)
        assert [store.stories(limit=1, offset=n, by_change=by_change)[0] for n in range(4)] == ordered
    assert sorted(story.articles for story in every) == [1, 1, 2, 3]
    assert store.stories(limit=2, offset=4) == []


# -- entities across stories ---------------------------------------------------------------------------

def _brief(title: str, *entities: tuple[str, str, list[str]], quotes: tuple = ()) -> dict:
    return {"title": title, "sources": [{"id": 1, "name": "Wire"}], "summary": [],
            "entities": [{"name": n, "type": t, "variants": v, "sources": [1]} for n, t, v in entities],
            "quotes": [{"speaker": s, "text": q, "sources": [1]} for s, q in quotes]}


@pytest.fixture
def four_stories(tmp_path: Path, ecb_reports: list[dict]) -> Iterator[tuple[Store, list[str]]]:
    """A store of four stories from four ECB+ topics (real reports), in the order stored."""
    with Store(tmp_path / "store.db") as store:
        ids: list[str] = []
        for report in ecb_reports:
            story = store.add_articles(_articles([report]))[0].story_id
            if story and story not in ids:
                ids.append(story)
            if len(ids) == 4:
                break
        yield store, ids


def test_a_surname_alone_joins_the_only_person_of_that_name(four_stories: tuple[Store, list[str]]) -> None:
    store, (one, two, *_) = four_stories
    store.save_brief(one, 1, _brief("One", ("Maria Ortega", "PERSON", ["Maria Ortega", "Ortega"])))
    store.save_brief(two, 1, _brief("Two", ("Ortega", "PERSON", ["Ortega"])))
    profile, _ = store.entity("Ortega")
    assert sorted(profile.story_ids) == sorted([one, two])


def test_a_surname_alone_stays_apart_when_two_people_share_it(four_stories: tuple[Store, list[str]]) -> None:
    store, (one, two, three, _) = four_stories
    store.save_brief(one, 1, _brief("One", ("Maria Ortega", "PERSON", ["Maria Ortega"])))
    store.save_brief(two, 1, _brief("Two", ("Daniel Ortega", "PERSON", ["Daniel Ortega"])))
    store.save_brief(three, 1, _brief("Three", ("Ortega", "PERSON", ["Ortega"])))
    assert store.entity("Maria Ortega")[0].story_ids == [one]
    assert store.entity("Daniel Ortega")[0].story_ids == [two]


def test_people_with_the_same_surname_and_other_first_names_stay_apart(four_stories: tuple[Store, list[str]]) -> None:
    store, (one, two, *_) = four_stories
    store.save_brief(one, 1, _brief("One", ("Maria Ortega", "PERSON", ["Maria Ortega", "Ortega"])))
    store.save_brief(two, 1, _brief("Two", ("Daniel Ortega", "PERSON", ["Daniel Ortega", "Ortega"])))
    assert store.entity("Maria Ortega")[0].story_ids == [one]
    assert store.entity("Daniel Ortega")[0].story_ids == [two]


def test_a_brief_naming_two_known_spellings_as_one_merges_them(four_stories: tuple[Store, list[str]]) -> None:
    store, (one, two, three, _) = four_stories
    store.save_brief(one, 1, _brief("One", ("Alexander Lukashenko", "PERSON", ["Alexander Lukashenko"])))
    store.save_brief(two, 1, _brief("Two", ("Alyaksandr Lukashenka", "PERSON", ["Alyaksandr Lukashenka"])))
    store.save_brief(three, 1, _brief("Three", ("Alexander Lukashenko", "PERSON",
                                                ["Alexander Lukashenko", "Alyaksandr Lukashenka"])))
    profile, _ = store.entity("Lukashenka")
    assert sorted(profile.story_ids) == sorted([one, two, three])
    assert profile.name == "Alexander Lukashenko"


def test_a_place_and_a_person_of_one_name_stay_apart(four_stories: tuple[Store, list[str]]) -> None:
    store, (one, two, *_) = four_stories
    store.save_brief(one, 1, _brief("One", ("Jordan", "GPE", ["Jordan"])))
    store.save_brief(two, 1, _brief("Two", ("Michael Jordan", "PERSON", ["Michael Jordan", "Jordan"])))
    assert store.entity("Jordan")[0].type in ("GPE", "PERSON")
    assert store.entity("Michael Jordan")[0].story_ids == [two]


def test_an_entity_page_has_its_stories_newest_first_quotes_and_company(four_stories: tuple[Store, list[str]]) -> None:
    store, ids = four_stories
    for number, story in enumerate(ids):
        store.save_brief(story, 1, _brief(f"Story {number}", ("Maria Ortega", "PERSON", ["Maria Ortega"]),
                                          ("Lisbon", "GPE", ["Lisbon"]) if number % 2 else ("Porto", "GPE", ["Porto"]),
                                          quotes=(("Maria Ortega", f"words of story {number}"), ("Porto", "not hers"))))
    profile, stories = store.entity("maría ortega")
    newest_first = [s.id for s in store.stories(limit=10) if s.id in ids]
    assert profile.story_ids == newest_first
    assert set(stories) == set(ids)
    assert sorted(q["text"] for q in profile.quotes) == [f"words of story {n}" for n in range(4)]
    assert [(r["name"], r["stories"]) for r in profile.related] == [("Lisbon", 2), ("Porto", 2)]  # ties by name


def test_an_unknown_name_is_not_found(store: Store) -> None:
    from newsweave._errors import NotFoundError

    with pytest.raises(NotFoundError, match="no stored brief names 'Nobody Atall'"):
        store.entity("Nobody Atall")


# -- the API --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    copy = tmp_path_factory.mktemp("api-search") / "store.db"
    with sqlite3.connect(store_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with TestClient(create_app(copy)) as test_client:
        yield test_client


def test_the_search_api_answers_ranked_stories_with_snippets(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "Tikhanovskaya", "limit": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 3 and len(body["results"]) == 1 and body["next_offset"] == 1
    hit = body["results"][0]
    assert hit["story"]["sources"] >= 2
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].lower() in {"tikhanovskaya", "tsikhanouskaya"}
    assert body["expanded"][0]["entities"] == ["Svyatlana Tsikhanouskaya"]
    last = client.get("/api/search", params={"q": "Tikhanovskaya", "limit": 1, "offset": 2}).json()
    assert last["next_offset"] is None and last["results"][0]["story"]["id"] != hit["story"]["id"]


def test_the_search_api_refuses_a_query_without_words(client: TestClient) -> None:
    for params in ({}, {"q": "  "}, {"q": "ferry", "limit": 0}):
        answer = client.get("/api/search", params=params)
        assert answer.status_code == 422
        assert answer.json()["error"]


def test_the_entity_api_resolves_any_spelling(client: TestClient) -> None:
    by_one = client.get("/api/entities/Tikhanovskaya").json()
    by_other = client.get("/api/entities/Sviatlana Tsikhanouskaya").json()
    assert by_one == by_other
    assert by_one["type"] == "PERSON" and "Svetlana Tikhanovskaya" in by_one["spellings"]
    assert by_one["quotes"] and all(q["speaker"] == "Svyatlana Tsikhanouskaya" for q in by_one["quotes"])
    assert {r["name"] for r in by_one["related"]} >= {"Alexander Lukashenko", "Belarus"}


def test_an_unknown_entity_is_a_404_that_points_to_search(client: TestClient) -> None:
    answer = client.get("/api/entities/Nobody Atall")
    assert answer.status_code == 404
    assert "GET /api/search?q=Nobody%20Atall" in answer.json()["error"]
    page = client.get("/entities/Nobody Atall", headers={"accept": "text/html"})
    assert page.status_code == 404 and 'href="/search?q=Nobody+Atall"' in page.text


def test_a_name_with_a_slash_has_its_api_answer_and_page(tmp_path: Path, ecb_reports: list[dict]) -> None:
    with Store(tmp_path / "store.db") as store:
        story = store.add_articles(_articles(ecb_reports[:1]))[0].story_id
        store.save_brief(story, 1, _brief("One", ("Reuters/Ipsos", "ORG", ["Reuters/Ipsos"])))
    with TestClient(create_app(tmp_path / "store.db", brief_workers=0)) as slashed:
        href = "/entities/" + quote("Reuters/Ipsos", safe="")
        assert slashed.get("/api" + href).json()["stories"][0]["id"] == story
        page = slashed.get(href)
        assert page.status_code == 200 and "Reuters/Ipsos" in page.text


def test_openapi_describes_search_and_entities(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"q", "limit", "offset"} == {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert "404" in schema["paths"]["/api/entities/{name}"]["get"]["responses"]
    components = schema["components"]["schemas"]
    for model in ("SearchOut", "SearchHitOut", "ExpansionOut", "EntityOut", "EntityQuoteOut", "RelatedEntityOut"):
        assert components[model]["description"]
    assert components["SearchHitOut"]["properties"]["highlights"]["description"]


def test_opening_a_story_stores_its_brief_and_links_its_names(client: TestClient) -> None:
    story = client.get("/api/search", params={"q": "Strasbourg"}).json()["results"][0]["story"]["id"]
    assert client.get("/api/entities/Tsikhanouskaya").json()["total_stories"] == 1
    page = client.get(f"/stories/{story}")
    assert client.get("/api/entities/Tsikhanouskaya").json()["total_stories"] == 2
    for entity in client.get(f"/api/stories/{story}").json()["entities"]:
        href = "/entities/" + quote(entity["name"], safe="")
        assert f'href="{href}"' in page.text
        assert client.get(href).status_code == 200


def test_the_results_page_escapes_report_text_around_its_highlights(client: TestClient) -> None:
    page = client.get("/search", params={"q": "closed ferry"})
    assert page.status_code == 200
    assert "<script>window.__pwned" not in page.text and "<b>Gazette" not in page.text
    assert "&lt;mark&gt;<mark>closed</mark>" in page.text
    assert page.text.count("<mark>") == 2  # "ferry" and "closed": the report's own <mark> shows as text


# -- the command line ------------------------------------------------------------------------------------

def test_the_search_command_prints_results_and_json(newsweave_command: list[str], store_path: Path) -> None:
    text = subprocess.run([*newsweave_command, "search", "Tikhanovskaya", "--db", str(store_path)],
                          capture_output=True, text=True, check=True).stdout
    assert "3 stories found" in text and "[Tsikhanouskaya]" in text
    as_json = subprocess.run([*newsweave_command, "search", "ferry", "--db", str(store_path), "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(as_json)["results"][0]["report"]["source"] == "Eastport <b>Gazette</b>"


def test_the_search_command_says_what_is_wrong(newsweave_command: list[str], store_path: Path, tmp_path: Path) -> None:
    empty = subprocess.run([*newsweave_command, "search", "?", "--db", str(store_path)], capture_output=True, text=True)
    assert empty.returncode == 2 and "give one or more words" in empty.stderr
    missing = subprocess.run([*newsweave_command, "search", "x", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no store at" in missing.stderr and "Traceback" not in missing.stderr


def test_the_briefs_command_stores_missing_briefs_so_search_knows_their_names(
        newsweave_command: list[str], tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store(path) as store:
        store.add_articles(_articles(SPELLS_IT_ANOTHER_WAY))
    before = subprocess.run([*newsweave_command, "search", "Tsikhanowskaja", "--db", str(path)],
                            capture_output=True, text=True, check=True).stdout
    assert "0 stories found" in before
    made = subprocess.run([*newsweave_command, "briefs", "--db", str(path), "--quiet"], capture_output=True, text=True,
                          check=True)
    assert "1 briefs made" in made.stderr
    after = subprocess.run([*newsweave_command, "search", "Tsikhanowskaja", "--db", str(path)],
                           capture_output=True, text=True, check=True).stdout
    assert "1 story found" in after
    again = subprocess.run([*newsweave_command, "briefs", "--db", str(path), "--quiet"], capture_output=True, text=True,
                           check=True)
    assert "0 briefs made" in again.stderr
