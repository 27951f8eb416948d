"""The clean stage of corpus mode: non-articles are named, copies of a report are found."""

from __future__ import annotations

from newsweave.dedup import NearDuplicateIndex, clean_for_corpus, non_article_reason, text_fingerprint
from newsweave.ingest import read_reports

# Real "documents" of the MultiNews dev set (full set), kept verbatim.
TWEET_EMBED = (
    "Add a location to your Tweets \n \n When you tweet with a location, Twitter stores that location. "
    "You can switch location on/off before each Tweet and always have the option to delete your location history. "
    "Learn more"
)
COOKIE_WALL = (
    "We use cookies to personalise content and ads, to provide social media features and to analyse our traffic.\n"
    "By continuing to use our site you agree to our cookie policy.\n"
    "Accept all cookies\nManage cookie preferences"
)
ERROR_PAGE = "404 - Page not found\nSorry, the page you are looking for does not exist or has been moved.\nGo to the homepage"
LINK_LIST = "\n".join(
    ["Top stories", "Election results live", "Markets close lower", "Storm hits the coast", "Sports roundup",
     "Weather for the weekend", "Opinion: the week in review", "Video: the best goals of the season",
     "Podcast: inside the newsroom", "Photos: the week in pictures"] * 2
)


def _dev_document(dev_clusters: list[dict], cluster: int, number: int) -> str:
    return dev_clusters[cluster]["documents"][number]


def test_archive_notice_of_the_dev_set_is_not_an_article(dev_clusters):
    text = _dev_document(dev_clusters, 10, 1)
    assert text.startswith("Starting in 1996, Alexa Internet")
    assert clean_for_corpus(text)[1] == "archive-notice"


def test_mailing_list_form_of_the_dev_set_is_too_short(dev_clusters):
    assert clean_for_corpus(_dev_document(dev_clusters, 0, 1))[1] == "too-short"


def test_tweet_embed_cookie_wall_error_page_and_link_list_are_named():
    assert non_article_reason(clean_for_corpus(TWEET_EMBED)[0]) == "tweet-embed"
    assert clean_for_corpus(COOKIE_WALL)[1] == "cookie-wall"
    assert clean_for_corpus(ERROR_PAGE)[1] == "error-page"
    assert clean_for_corpus(LINK_LIST)[1] == "link-list"


def test_real_reports_are_articles(seeds_dir, dev_clusters):
    for article in read_reports([str(seeds_dir)]):
        assert clean_for_corpus(article.text)[1] is None, article.id
    assert clean_for_corpus(_dev_document(dev_clusters, 4, 0))[1] is None


def test_syndicated_copy_with_new_headline_and_footer_is_a_near_duplicate(seeds_dir):
    origin, other, _ = read_reports([str(seeds_dir)])
    copy = "Macron meets exiled Belarus opposition leader\n" + origin.text + "\nDistributed by a wire agency. All rights reserved."
    index = NearDuplicateIndex()
    index.add("origin", index.signature(origin.text))
    index.add("other", index.signature(other.text))
    assert index.origin_of(index.signature(copy)) == "origin"
    assert index.origin_of(index.signature(other.text + " Updated.")) == "other"


def test_reports_of_the_same_event_by_other_outlets_are_not_copies(seeds_dir):
    first, second, third = read_reports([str(seeds_dir)])
    index = NearDuplicateIndex()
    index.add("first", index.signature(first.text))
    assert index.origin_of(index.signature(second.text)) is None
    assert index.origin_of(index.signature(third.text)) is None


def test_removed_reports_are_forgotten(seeds_dir):
    first = read_reports([str(seeds_dir)])[0]
    index = NearDuplicateIndex()
    index.add("first", index.signature(first.text))
    index.remove(["first"])
    assert len(index) == 0 and index.origin_of(index.signature(first.text)) is None


def test_fingerprint_ignores_case_and_spacing():
    assert text_fingerprint("The  Cat sat.\n") == text_fingerprint("the cat SAT")
    assert text_fingerprint("the cat sat") != text_fingerprint("the dog sat")
