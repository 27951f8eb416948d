"""Run the stages in order for one story: clean, analyze, sentence space, summarize, align; assemble the Brief."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ._errors import InputError, NotEnoughSourcesError
from .analyze import ANALYSIS_LANGUAGE, mark_verbless_fragments, report_language, split_sentences, verbless_fragments
from .clean import clean_text
from .dedup import copy_origins
from .headline import name_insertions, story_title
from .ingest import article_from_document
from .limits import checked_articles, within_report_limits, without_long_sentences
from .models import Article, Brief, BriefSource, Evidence, SummaryItem
from .options import DEFAULT_OPTIONS, Options
from .space import entity_texts, sentence_space
from .summarize import SummarySentence, summarize

if TYPE_CHECKING:
    from .align import Analysis
    from .entities import EntityIndex


def make_brief(
    articles: Sequence[Article],
    *,
    options: Options = DEFAULT_OPTIONS,
    full_analysis: bool = True,
    min_sources: int = 2,
    story_id: str | None = None,
    title: str | None = None,
) -> Brief:
    """Turn reports of one event into a Brief; `full_analysis=False` fills only the summary.

    `options` holds the tunables (summary budget, similarity thresholds; see `Options`). A brief
    compares reports, so fewer than `min_sources` reports with text is refused; batch callers pass 1
    to accept stories that only one outlet covered. A stored story passes its `title`, so its brief
    is named as the list of stories names it. The articles given are left as they are.

    The limits of `newsweave.limits` apply. The analysis reads English: reports in another language
    are left out, and a brief with no English report is refused. Copies of one report
    (`dedup.copy_origins`) are one origin: the brief is made from the origins, each copy listed last
    among the sources as a carrier (`copy_of`), and fewer than `min_sources` origins is refused.
    What is left out is said in the Brief's `notes`.
    """
    articles, notes = within_report_limits(checked_articles(articles))
    readable, language_notes = _readable_articles(cleaned_articles(articles))
    origins, carriers = _one_per_origin(readable)
    _require_sources(origins, min_sources, copies=bool(carriers))
    articles, sentence_notes = without_long_sentences(split_sentences(origins))
    analysis: Analysis | None = None
    entities: EntityIndex | None = None
    if full_analysis:
        from .align import cross_source_analysis
        from .entities import analyze_entities

        articles, entities = analyze_entities(mark_verbless_fragments(articles))
        # one token per entity and word stems, so paraphrases of one fact share more words
        space = sentence_space(articles, texts=entity_texts(articles, entities), stem=True)
        chosen = summarize(articles, space, options=options)
        summary = [c.sentence for c in chosen]
        analysis = cross_source_analysis(articles, space, entities, summary=summary, options=options)
    else:  # the grammar check runs only on the best summary candidates
        space = sentence_space(articles, stem=True)
        chosen = summarize(articles, space, options=options, check=verbless_fragments)
    summary_items = [_summary_entry(c, entities) for c in chosen]
    brief = Brief(
        id=story_id or _story_id(articles),
        title=title or story_title(articles, summary_items),
        sources=[
            *(_source_entry(number, article) for number, article in enumerate(articles, start=1)),
            *(_source_entry(len(articles) + number, carrier, copy_of=origin + 1)
              for number, (carrier, origin) in enumerate(carriers, start=1)),
        ],
        summary=summary_items,
        notes=[*notes, *language_notes, *sentence_notes, *_carrier_notes(articles, carriers)],
    )
    return replace(brief, **analysis) if analysis is not None else brief


def prepare_articles(articles: Sequence[Article], *, min_sources: int = 2) -> list[Article]:
    """Cleaned and split copies of the reports (the reports given are left as they are).

    Refuses fewer than `min_sources` reports with text.
    """
    kept = cleaned_articles(articles)
    _require_sources(kept, min_sources)
    return split_sentences(kept)


def cleaned_articles(articles: Sequence[Article]) -> list[Article]:
    """Copies of the reports with page furniture removed (and a date line read); reports left without text are dropped."""
    kept: list[Article] = []
    for article in articles:
        cleaned = clean_text(article.text)
        if cleaned.text.strip():
            kept.append(replace(article, text=cleaned.text, published=article.published or cleaned.published))
    return kept


def _require_sources(articles: Sequence[Article], min_sources: int, *, copies: bool = False) -> None:
    if len(articles) >= max(1, min_sources):
        return
    if copies:
        raise NotEnoughSourcesError(
            "the reports are copies of one another (one origin), so nothing here corroborates anything; "
            "give reports of the same event from two or more outlets"
        )
    raise NotEnoughSourcesError(
        f"a brief compares reports, and there {'is one source' if articles else 'is no source'} with text here; "
        "give two or more reports of the same event"
    )


def _readable_articles(articles: Sequence[Article]) -> tuple[list[Article], list[str]]:
    """The reports the analysis can read (English), and a note for each one left out; refuses when none is English."""
    readable: list[Article] = []
    notes: list[str] = []
    left_out: list[str] = []
    for number, article in enumerate(articles, start=1):
        language = report_language(article.text)
        if language in (None, ANALYSIS_LANGUAGE):
            readable.append(article)
        else:
            left_out.append(language)
            notes.append(f"report {number} ({article.source or article.id}) is not in English (language code "
                         f"{language}) and was left out: the analysis reads English only")
    if articles and not readable:
        raise InputError(
            f"no report here is in English (language codes found: {', '.join(sorted(set(left_out)))}); "
            "the analysis reads English only: give English reports of the event"
        )
    return readable, notes


def _one_per_origin(articles: Sequence[Article]) -> tuple[list[Article], list[tuple[Article, int]]]:
    """The reports of distinct origins, and each copy with the position (among those) of the report it copies."""
    origin_of = copy_origins([article.text for article in articles])
    origins = [article for position, article in enumerate(articles) if origin_of[position] == position]
    position_among_origins = {position: rank for rank, position in enumerate(sorted(set(origin_of)))}
    carriers = [(article, position_among_origins[origin_of[position]])
                for position, article in enumerate(articles) if origin_of[position] != position]
    return origins, carriers


def _carrier_notes(origins: Sequence[Article], carriers: Sequence[tuple[Article, int]]) -> list[str]:
    return [f"{_report_name(len(origins) + number, carrier)} is a copy of {_report_name(origin + 1, origins[origin])}: "
            "listed as a carrier, never counted as corroboration"
            for number, (carrier, origin) in enumerate(carriers, start=1)]


def _report_name(number: int, article: Article) -> str:
    return f"[{number}] {article.source or article.id}"


def articles_from_documents(documents: Any) -> list[Article]:
    """Build Articles from the `documents` list of a batch-input object (strings or objects)."""
    if not isinstance(documents, list) or not documents:
        raise InputError("`documents` must be a non-empty list of report texts or objects with `text`")
    articles = []
    for number, document in enumerate(documents, start=1):
        try:
            articles.append(article_from_document(document, fallback_id=f"doc-{number}"))
        except InputError as error:
            raise InputError(f"document {number}: {error}") from error
    for number, article in enumerate(articles, start=1):
        article.source = article.source or f"Source {number}"
    return articles


def _summary_entry(chosen: SummarySentence, entities: EntityIndex | None) -> SummaryItem:
    """A summary item; `evidence` gives, per cited source, the sentence of that source that supports it,
    `insertions` the names restored where a stripped link left only a title (none without entities)."""
    return SummaryItem(
        text=chosen.sentence.text,
        citations=[i + 1 for i in chosen.supported_by],
        evidence=[Evidence(source=i + 1, sentence=chosen.evidence[i].text) for i in chosen.supported_by],
        insertions=name_insertions(chosen.sentence, entities) if entities is not None else [],
    )


def _source_entry(number: int, article: Article, *, copy_of: int | None = None) -> BriefSource:
    return BriefSource(
        id=number,
        name=article.source or article.id,
        url=article.url,
        title=article.title,
        published=article.published.isoformat() if article.published else None,
        copy_of=copy_of,
    )


def _story_id(articles: Sequence[Article]) -> str:
    digest = hashlib.sha1("\n".join(a.url or a.id for a in articles).encode()).hexdigest()
    return f"story-{digest[:12]}"
