"""The clean stage of corpus mode: non-articles are named, copies of a report are found."""

from __future__ import annotations

from newsweave.dedup import NearDuplicateIndex, clean_for_corpus, non_article_reason, text_fingerprint
from newsweave.sources import read_reports

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

# Pages of the full dev set that are not reports, kept verbatim (mn-val-175 #1, mn-val-164 #1, mn-val-099 #0).
MISSING_PAGE = (
    "this data is currently not publicly accessible. \n \n "
    "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. Flowing in every day, these data are added to the Wayback Machine after an embargo period. \n \n "
    "Sorry, the page you requested could not be found. \n \n "
    "If you are trying to reach a page from a bookmark, the page URL may have changed. Please choose a community from the navigation at the top of this page. \n \n "
    "If you are looking for an older news story, it may no longer be here. Free archives of stories are maintained on our site for one month. \n \n "
    "If you still have trouble finding what you need, please contact our webmaster"
)
SIGN_IN_PAGE = (
    "Sign in using you account with: {* loginWidget *} \n \n "
    "Sign in using your wfxt profile \n \n "
    "Welcome back. Please sign in \n \n "
    "Why are we asking this? \n \n "
    "By submitting your registration information, you agree to our Terms of Service and Privacy Policy . \n \n "
    "Already have an account? \n \n "
    "We have sent a confirmation email to {* data_emailAddress *}. Please check your email and click on the link to activate your account. \n \n "
    "Thank you for registering! \n \n "
    "Thank you for registering! \n \n "
    "We look forward to seeing you on [website] frequently. Visit us and sign in to update your profile, receive the latest news and keep up to date with mobile alerts. \n \n "
    "Click here to return to the page you were visiting."
)
CRAWL_DESCRIPTION = (
    "Web wide crawl with initial seedlist and crawler configuration from March 2011. This uses the new HQ software for distributed crawling by Kenji Nagahashi. \n \n "
    "What’s in the data set: \n \n "
    "\n \n Crawl start date: 09 March, 2011 \n \n "
    "Crawl end date: 23 December, 2011 \n \n "
    "Number of captures: 2,713,676,341 \n \n "
    "Number of unique URLs: 2,273,840,159 \n \n "
    "Number of hosts: 29,032,069 \n \n "
    "The seed list for this crawl was a list of Alexa’s top 1 million web sites, retrieved close to the crawl start date. We used Heritrix (3.1.1-SNAPSHOT) crawler software and respected robots.txt directives. The scope of the crawl was not limited except for a few manually excluded sites. \n \n "
    "However this was a somewhat experimental crawl for us, as we were using newly minted software to feed URLs to the crawlers, and we know there were some operational issues with it. For example, in many cases we may not have crawled all of the embedded and linked objects in a page since the URLs for these resources were added into queues that quickly grew bigger than the intended size of the crawl (and therefore we never got to them). We also included repeated crawls of some Argentinian government sites, so looking at results by country will be somewhat skewed. \n \n "
    "We have made many changes to how we do these wide crawls since this particular example, but we wanted to make the data available “warts and all” for people to experiment with. We have also done some further analysis of the content. \n \n "
    "If you would like access to this set of crawl data, please contact us at info at archive dot org and let us know who you are and what you’re hoping to do with it. We may not be able to say “yes” to all requests, since we’re just figuring out whether this is a good idea, but everyone will be considered."
)


def _dev_document(dev_clusters: list[dict], cluster: int, number: int) -> str:
    return dev_clusters[cluster]["documents"][number]


def test_archive_notice_of_the_dev_set_is_not_an_article(dev_clusters):
    text = _dev_document(dev_clusters, 10, 1)
    assert text.startswith("Starting in 1996, Alexa Internet")
    assert clean_for_corpus(text)[1] == "archive-notice"


def test_mailing_list_form_of_the_dev_set_is_too_short(dev_clusters):
    assert clean_for_corpus(_dev_document(dev_clusters, 0, 1))[1] == "too-short"


def test_one_paragraph_news_brief_is_a_report_but_a_short_form_is_not(ecb_reports, dev_clusters):
    brief = next(r["text"] for r in ecb_reports if r["id"] == "22_6ecb")
    assert len(brief.split()) < 40 and clean_for_corpus(brief)[1] is None
    assert clean_for_corpus("You need to enable JavaScript to use this player. Reload the page to listen again now.")[1] == "too-short"
    assert clean_for_corpus(_dev_document(dev_clusters, 0, 1))[1] == "too-short"


def test_tweet_embed_cookie_wall_error_page_and_link_list_are_named():
    assert non_article_reason(clean_for_corpus(TWEET_EMBED)[0]) == "tweet-embed"
    assert clean_for_corpus(COOKIE_WALL)[1] == "cookie-wall"
    assert clean_for_corpus(ERROR_PAGE)[1] == "error-page"
    assert clean_for_corpus(LINK_LIST)[1] == "link-list"


def test_missing_page_sign_in_page_and_crawl_description_of_the_dev_set_are_named():
    assert clean_for_corpus(MISSING_PAGE)[1] == "error-page"
    assert clean_for_corpus(SIGN_IN_PAGE)[1] == "sign-in-page"
    assert clean_for_corpus(CRAWL_DESCRIPTION)[1] == "archive-notice"


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
