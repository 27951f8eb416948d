"""The one stream pipeline of corpus mode: each page in, one decision out."""

from __future__ import annotations

from newsweave.models import Article
from newsweave.stream import StreamGrouper, batches


def _articles(dev_clusters: list[dict]) -> list[Article]:
    return [Article(id=f"{c['id']}-{n}", text=text) for c in dev_clusters for n, text in enumerate(c["documents"])]


def test_every_page_gets_one_decision_in_order_with_a_story_or_a_reason(dev_clusters):
    articles = _articles(dev_clusters)
    decisions = StreamGrouper().decide(articles)
    assert [d.article_id for d in decisions] == [a.id for a in articles]
    by_id = {d.article_id: d for d in decisions}
    assert by_id["mn-val-010-1"].dropped_reason == "archive-notice" and by_id["mn-val-010-1"].story_id is None
    assert all((d.story_id is None) == (d.dropped_reason is not None) for d in decisions)
    assert all(d.placement is not None for d in decisions if d.story_id and not d.duplicate_of)


def test_repeats_and_copies_take_their_origins_story_in_the_same_batch_and_later(seeds_dir):
    from newsweave.sources import read_reports

    first, second, third = read_reports([str(seeds_dir)])
    stream = StreamGrouper()
    copy = Article(id="copy", text=first.text + "\nDistributed by a wire agency.")
    origin, _, copied = stream.decide([first, second, copy])
    assert copied.duplicate_of == first.id and copied.story_id == origin.story_id and not copied.repeat
    [repeat] = stream.decide([Article(id="again", text=first.text)])
    assert repeat.repeat and repeat.duplicate_of == first.id and repeat.story_id == origin.story_id
    [late_copy] = stream.decide([Article(id="late", text=first.text + "\nThis report first appeared elsewhere.")])
    assert late_copy.duplicate_of == first.id and late_copy.story_id == origin.story_id


def test_the_same_stream_in_batches_of_any_size_leaves_out_and_copies_the_same_pages(dev_clusters):
    articles = _articles(dev_clusters)
    whole = StreamGrouper().decide(articles)
    stream = StreamGrouper()
    in_parts = [d for batch in batches(articles, 7) for d in stream.decide(batch)]
    assert [(d.dropped_reason, d.duplicate_of) for d in whole] == [(d.dropped_reason, d.duplicate_of) for d in in_parts]


def test_pages_read_by_two_processes_are_decided_as_by_one(dev_clusters, monkeypatch):
    import newsweave.stream as stream

    monkeypatch.setattr(stream, "PARALLEL_MIN_PAGES", 1)
    articles = _articles(dev_clusters)
    copies = [Article(id=a.id, text=a.text) for a in articles]
    alone = [(d.article_id, d.story_id, d.duplicate_of, d.dropped_reason, d.placement)
             for d in StreamGrouper().decide(articles)]
    two = [(d.article_id, d.story_id, d.duplicate_of, d.dropped_reason, d.placement)
           for d in StreamGrouper(jobs=2).decide(copies)]
    assert two == alone
    assert len({story for _, story, _, _, _ in alone if story}) > 1


def test_a_page_read_in_one_pass_is_fingerprinted_signed_and_read_as_by_each_step_alone(dev_clusters):
    import numpy as np

    from newsweave.dedup import NUM_PERM, clean_for_corpus, minhash_signature, text_fingerprint
    from newsweave.group import read_report
    from newsweave.stream import group_text, read_page

    articles = _articles(dev_clusters[:20])
    articles[0].title = "A headline of the report"
    for article in articles:
        page = read_page(article, NUM_PERM)
        text, reason, published = clean_for_corpus(article.text)
        assert (page.text, page.reason, page.published) == (text, reason, published)
        assert page.fingerprint == text_fingerprint(text or article.text) == read_page(article).fingerprint
        if reason is not None:
            assert page.signature is None and page.reading is None
            continue
        assert np.array_equal(page.signature, minhash_signature(text))
        alone = read_report(group_text(article.title, text), article.published or published)
        assert page.reading.facts == alone.facts
        assert np.array_equal(page.reading.terms.columns, alone.terms.columns)
        assert np.array_equal(page.reading.terms.counts, alone.terms.counts)
    assert sum(read_page(a, NUM_PERM).reading is not None for a in articles) > 10
