"""Reports are read from text files, HTML pages, folders and http(s) URLs; bad input says what is wrong."""

from __future__ import annotations

import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from servers import as_if_public, free_port, http_server, inner_server, redirecting_handler

from newsweave import FetchError, InputError
from newsweave.ingest import MAX_PAGE_BYTES, public_address
from newsweave.sources import fetch_article, read_reports

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
RFERL_PAGE = PAGES / "rferl-macron-vilnius.html"
BBC_PAGE = PAGES / "bbc-macron-tikhanovskaya.html"
WESTERN_REPORT = (
    "Le président français Emmanuel Macron a rencontré mardi à Vilnius l'opposante biélorusse Svetlana Tikhanovskaïa. "
    "Il a appelé à une transition pacifique et à de nouvelles élections, a déclaré l'Élysée."
)
LEGACY_PAGE = f"<html><head><title>Macron in Vilnius</title></head><body><article><p>{WESTERN_REPORT}</p></article></body></html>"


class _NewsSite(BaseHTTPRequestHandler):
    """A small site on 127.0.0.1: a news page, a text report, a 404, a huge page, a slow page, a binary."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        routes = {
            "/belarus/macron.html": (200, "text/html; charset=utf-8", RFERL_PAGE.read_bytes()),
            "/report.txt": (200, "text/plain; charset=utf-8", b"Police said 12 people were hurt on Monday."),
            "/huge.html": (200, "text/html", b"<p>" + b"x" * (MAX_PAGE_BYTES + 10) + b"</p>"),
            "/photo.jpg": (200, "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(2000)),
            "/legacy.html": (200, "text/html; charset=windows-1252", LEGACY_PAGE.encode("cp1252")),
        }
        if self.path == "/slow.html":
            time.sleep(3)
        status, content_type, body = routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def news_site():
    with http_server(_NewsSite) as base:
        yield base


def test_html_page_gives_main_text_title_date_and_site_name():
    article = read_reports([str(RFERL_PAGE)])[0]
    assert article.source == "RFE/RL"
    assert article.title.startswith("Macron Promises Europe's Help")
    assert article.published == date(2020, 9, 29)
    assert "We will do our best as Europeans to help mediate" in article.text
    assert "cookie policy" not in article.text
    assert "Podcasts" not in article.text


def test_a_year_named_in_the_text_of_an_undated_page_is_not_its_date(tmp_path):
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in [
        "Lukashenko has ruled Belarus since 1994 and claimed a sixth term in the August election.",
        "Opposition leader Sviatlana Tsikhanouskaya left the country for Lithuania after the vote.",
        "Protests against the result have drawn tens of thousands of people every weekend since 2020 began to end.",
    ])
    page.write_text(f"<html><head><title>Belarus</title></head><body><article>{paragraphs}</article></body></html>")
    assert read_reports([str(page)])[0].published is None


def test_html_page_furniture_never_reaches_the_brief():
    from newsweave import Options, make_brief

    brief = make_brief(read_reports([str(RFERL_PAGE), str(BBC_PAGE)]), options=Options(max_words=400), full_analysis=False)
    text = " ".join(s.text for s in brief.summary)
    assert "location information to your Tweets" not in text
    assert "not responsible for the content" not in text
    assert {s.name for s in brief.sources} == {"RFE/RL", "BBC News"}
    assert all(s.published == "2020-09-29" for s in brief.sources)


def test_folder_is_read_in_name_order_with_paths_as_ids_and_file_names_as_sources(seeds_dir):
    articles = read_reports([str(seeds_dir)])
    assert [a.id for a in articles] == sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert [a.source for a in articles] == sorted(p.stem for p in seeds_dir.glob("*.txt"))


def test_url_of_a_news_page_is_fetched_and_extracted(news_site):
    article = fetch_article(f"{news_site}/belarus/macron.html")
    assert article.source == "RFE/RL"
    assert "Tsikhanouskaya" in article.text


def test_url_of_a_text_report_is_read_as_text(news_site):
    article = read_reports([f"{news_site}/report.txt"])[0]
    assert article.text == "Police said 12 people were hurt on Monday."
    assert article.source == "127.0.0.1"


def test_missing_page_says_the_status_and_names_the_url_apart(news_site):
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        fetch_article(f"{news_site}/gone.html")
    assert caught.value.where == f"{news_site}/gone.html"
    assert not caught.value.message.startswith(news_site)


def test_page_over_the_size_cap_is_refused(news_site):
    with pytest.raises(FetchError, match="larger than"):
        fetch_article(f"{news_site}/huge.html")


def test_slow_server_times_out_with_a_clear_message(news_site):
    with pytest.raises(FetchError, match="no answer within"):
        fetch_article(f"{news_site}/slow.html", timeout=0.5)


def test_binary_content_is_refused(news_site):
    with pytest.raises(FetchError, match="image/jpeg"):
        fetch_article(f"{news_site}/photo.jpg")


def test_unreachable_host_is_reported():
    with pytest.raises(FetchError, match="could not be fetched"):
        fetch_article(f"http://127.0.0.1:{free_port()}/page.html", timeout=2)


def test_missing_path_is_reported_with_the_path_kept_apart_from_the_message(tmp_path):
    missing = tmp_path / "nothing.txt"
    with pytest.raises(InputError) as caught:
        read_reports([str(missing)])
    assert (caught.value.where, caught.value.message) == (str(missing), "no such file or folder")
    assert str(caught.value) == f"{missing}: no such file or folder"


def test_empty_file_is_reported(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="empty"):
        read_reports([str(empty)])


def test_binary_file_is_reported(tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    with pytest.raises(InputError, match="binary"):
        read_reports([str(binary)])


def test_folder_without_reports_is_reported(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="no readable report"):
        read_reports([str(tmp_path)])


def test_windows_1252_report_keeps_its_accents(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(WESTERN_REPORT.encode("cp1252"))
    assert read_reports([str(report)])[0].text == WESTERN_REPORT


def test_utf16_report_with_a_byte_order_mark_is_read(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(WESTERN_REPORT.encode("utf-16"))
    assert read_reports([str(report)])[0].text == WESTERN_REPORT


def test_page_declaring_its_charset_in_a_meta_tag_is_decoded_by_it(tmp_path):
    page = tmp_path / "page.html"
    russian = "Президент Франции Эммануэль Макрон встретился во вторник в Вильнюсе со Светланой Тихановской."
    page.write_bytes(f'<html><head><meta charset="windows-1251"></head><body><article><p>{russian}</p>'
                     f"</article></body></html>".encode("cp1251"))
    assert russian in read_reports([str(page)])[0].text


def test_page_wrongly_declaring_utf16_is_not_read_as_utf16(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(f'<html><head><meta charset="utf-16"></head><body><article><p>{WESTERN_REPORT}</p>'
                     f"</article></body></html>".encode("cp1252"))
    assert read_reports([str(page)])[0].text == WESTERN_REPORT


def test_page_served_with_a_legacy_charset_is_decoded_by_the_header(news_site):
    assert fetch_article(f"{news_site}/legacy.html").text == WESTERN_REPORT


def test_undecodable_text_is_reported(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(bytes(range(0x80, 0x100)) * 20)
    with pytest.raises(InputError, match="encoding could not be recognised"):
        read_reports([str(report)])


def test_public_fetch_refuses_local_addresses(news_site):
    with pytest.raises(FetchError, match="private or local address"):
        fetch_article(f"{news_site}/belarus/macron.html", allowed_address=public_address)


# -- redirects, checked at every hop ---------------------------------------------------------------

def test_a_redirect_to_an_internal_address_is_refused_before_connecting():
    with inner_server() as (inner, visits), http_server(redirecting_handler({
            "/story": f"{inner}/admin", "/metadata": "http://169.254.169.254/latest/meta-data/"})) as site:
        with pytest.raises(FetchError, match=r"redirects to .*/admin, which points to a private or local address \(127\.0\.0\.2\)"):
            fetch_article(f"{site}/story", allowed_address=as_if_public)
        with pytest.raises(FetchError, match=r"private or local address \(169\.254\.169\.254\)"):
            fetch_article(f"{site}/metadata", allowed_address=as_if_public)
    assert visits == []


def test_redirects_are_followed_to_an_allowed_page(news_site):
    with http_server(redirecting_handler({"/short": f"{news_site}/belarus/macron.html"})) as site:
        article = fetch_article(f"{site}/short", allowed_address=as_if_public)
    assert "Tsikhanouskaya" in article.text or "Tikhanovskaya" in article.text


def test_endless_redirects_are_given_up(news_site):
    with http_server(redirecting_handler({"/a": "/b", "/b": "/a"})) as site:
        with pytest.raises(FetchError, match="more than 5 redirects"):
            fetch_article(f"{site}/a")


def test_the_address_actually_connected_to_is_checked(news_site):
    checked: list[object] = []

    def allowed_once(address) -> bool:  # the name resolves to an allowed address, the connection reaches a refused one
        checked.append(address)
        return len(checked) == 1

    with pytest.raises(FetchError, match="private or local address"):
        fetch_article(f"{news_site}/belarus/macron.html", allowed_address=allowed_once)
    assert len(checked) == 2


def test_each_control_character_is_removed_or_made_a_line_break_and_a_text_without_any_is_kept_whole():
    from newsweave.ingest import without_control_characters

    kept = "Tab\tnew line\ncarriage return\r and é, ’, 中文"
    assert without_control_characters(kept) is kept
    for code in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]:
        assert without_control_characters(f"a{chr(code)}b") == "ab"
    assert without_control_characters("a\x0bb\x0cc") == "a\nb\nc"
