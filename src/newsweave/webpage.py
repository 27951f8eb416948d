"""The brief as an HTML page: one markup for `brief --format html` and for the service's story page.

Every text that comes from a report is escaped here, and links are kept only when they are http(s),
so a hostile article shows as text and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape as _html_escape
from importlib.resources import files
from typing import Any
from urllib.parse import urlparse

from markupsafe import Markup

from .ingest import without_control_characters
from .templating import render_template

ASSET_NAMES = ("newsweave.css", "newsweave.js", "favicon.svg")
MAX_CLAIMS_PER_STATUS = 8
MAX_COVERAGE_ROWS = 14
MAX_QUOTES_SHOWN = 8
MAX_ENTITIES_SHOWN = 14
STATUS_LABELS = {"corroborated": "Corroborated", "disputed": "Disputed", "single-source": "Single source"}
STATUS_ORDER = ("disputed", "corroborated", "single-source")
UNDATED_NOTE = "The reports give no dates or words that tell whether this figure changed over time."


def escape(text: str, quote: bool = True) -> str:
    """`html.escape`, and control characters removed: a NUL or escape character never reaches the page raw."""
    return _html_escape(without_control_characters(text), quote=quote)


@cache
def asset_text(name: str) -> str:
    """The text of one packaged page asset (stylesheet or script) from newsweave/web/."""
    if name not in ASSET_NAMES:
        raise KeyError(name)
    return (files("newsweave") / "web" / name).read_text(encoding="utf-8")


def page(title: str, body: str, *, inline_assets: bool, header: str = "") -> str:
    """A whole HTML document around `body` (already escaped markup); assets inlined or linked from /static/."""
    return render_template("base.html", title=title, body=Markup(body), header=Markup(header), inline_assets=inline_assets)


def brief_page(brief: Mapping[str, Any], *, inline_assets: bool = True, header: str = "", kicker: str = "",
               note: str = "") -> str:
    """The whole page of one Brief (a Brief JSON dict)."""
    return page(brief["title"] or "Story brief", brief_markup(brief, kicker=kicker, note=note),
                inline_assets=inline_assets, header=header)


def brief_markup(brief: Mapping[str, Any], *, kicker: str = "", note: str = "") -> str:
    """The markup of one Brief: summary with checkable citations, claims, disagreements, quotes, timeline, coverage."""
    sources = {s["id"]: s for s in brief["sources"]}
    kicker = kicker or _default_kicker(brief)
    head = (
        f'<header class=brief-head><p class=kicker>{escape(kicker)}</p>'
        f'<h1>{escape(brief["title"] or "Untitled story")}</h1>'
        + (f"<p class=note>{escape(note)}</p>" if note else "")
        + "".join(f"<p class=note>{escape(str(text))}</p>" for text in brief.get("notes", ()))
        + "</header>"
    )
    main = "".join([
        _summary_section(brief["summary"], sources),
        _disagreements_section(brief["disagreements"], sources),
        _claims_section(brief["claims"], sources),
        _quotes_section(brief["quotes"], sources),
        _timeline_section(brief["timeline"], sources),
        _coverage_section(brief["claims"], sources),
    ])
    side = _sources_section(brief["sources"], brief["claims"]) + _entities_section(
        brief["entities"], sources)
    return f"<article class=brief>{head}<div class=layout><div class=main>{main}</div><aside class=side>{side}</aside></div></article>"


def safe_href(url: Any) -> str | None:
    """The URL escaped for an href if it is an http(s) address, else None (no javascript: or data: links)."""
    if not isinstance(url, str):
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    return escape(url.strip(), quote=True)


def source_chips(numbers: Iterable[int], sources: Mapping[int, Mapping[str, Any]]) -> str:
    """Small numbered marks naming the sources (the outlet shows on hover)."""
    return "<span class=chips>" + "".join(
        f'<span class=chip title="{escape(_source_name(sources, n))}">{int(n)}</span>' for n in numbers
    ) + "</span>"


def _default_kicker(brief: Mapping[str, Any]) -> str:
    count = len(brief["sources"])
    return f"Story brief · {count} source{'s' if count != 1 else ''}"


def _section(key: str, heading: str, body: str, *, count: int | None = None, extra: str = "") -> str:
    badge = f" <span class=count>{count}</span>" if count is not None else ""
    return f'<section class=card id={key}><h2>{escape(heading)}{badge}</h2>{extra}{body}</section>'


def _source_name(sources: Mapping[int, Mapping[str, Any]], number: int) -> str:
    source = sources.get(number)
    return str(source["name"] or f"Source {number}") if source else f"Source {number}"


def _with_marked_insertions(text: str, insertions: Sequence[Mapping[str, Any]]) -> str:
    """Escaped sentence text with each editorial insertion as `<span class=insertion>[Name]</span>`."""
    marked, last = [], 0
    for insertion in sorted(insertions, key=lambda i: i["at"]):
        at = insertion["at"]
        marked += [escape(text[last:at]), f" <span class=insertion>[{escape(insertion['text'])}]</span>"]
        last = at
    return "".join(marked) + escape(text[last:])


def _summary_section(summary: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not summary:
        return _section("summary", "Summary", "<p class=empty>No summary could be written from these reports.</p>")
    sentences = []
    for number, item in enumerate(summary):
        evidence = {e["source"]: e["sentence"] for e in item["evidence"]}
        marks = "".join(_citation(number, n, sources, evidence.get(n)) for n in item["citations"])
        text = _with_marked_insertions(item["text"], item["insertions"])
        sentences.append(f"<span class=sentence>{text}</span><span class=cites>{marks}</span>")
    hint = "<p class=hint>Click a number to see the sentence of that source behind the summary sentence.</p>"
    return _section("summary", "Summary", f"<p class=summary-text>{' '.join(sentences)}</p>{hint}")


def _citation(sentence: int, number: int, sources: Mapping[int, Mapping[str, Any]], evidence: str | None) -> str:
    ident = f"ev-{sentence}-{int(number)}"
    name = escape(_source_name(sources, number))
    quote = f"<q>{escape(evidence)}</q>" if evidence else "<span class=muted>This source supports the sentence.</span>"
    return (
        f'<span class=cite-wrap><button type=button class=cite aria-expanded=false aria-controls={ident} '
        f'aria-label="Source {int(number)}: {name}">{int(number)}</button>'
        f"<span class=evidence id={ident} role=tooltip><span class=outlet>{int(number)} · {name}</span>{quote}</span></span>"
    )


def _claims_section(claims: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not claims:
        return ""
    groups = []
    for status in STATUS_ORDER:
        members = [c for c in claims if c["status"] == status]
        if not members:
            continue
        items = [_claim_item(c, sources) for c in members]
        groups.append(f'<h3 class="status-head {status}">{STATUS_LABELS[status]} <span class=count>{len(members)}</span></h3>'
                      + _with_more(items, MAX_CLAIMS_PER_STATUS, "ul class=claims"))
    legend = ("<p class=hint>Corroborated: stated by two or more sources. Single source: only one outlet reports it. "
              "Disputed: sources give different values.</p>")
    return _section("claims", "Claims", "".join(groups), count=len(claims), extra=legend)


def _claim_item(claim: Mapping[str, Any], sources: Mapping[int, Mapping[str, Any]]) -> str:
    status = claim["status"]
    return (f'<li class="claim {escape(status)}" data-status="{escape(status)}">'
            f"<span class=claim-text>{escape(claim['text'])}</span>{source_chips(claim['sources'], sources)}</li>")


def _disagreements_section(disagreements: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    """Figures the sources give differently, side by side; figures that changed over time, as a dated progression."""
    differ = [d for d in disagreements if not d["evolving"]]
    changed = [d for d in disagreements if d["evolving"]]
    blocks = []
    for item in differ:
        cards = "".join(f"<div class=side-card>{_figure_value(v, sources)}</div>" for v in item["values"])
        undated = (f"<p class=note>{escape(UNDATED_NOTE)}</p>" if item["evolving"] is None
                   else "")
        blocks.append(f"<div class=disagreement><h3>{escape(str(item['about']))}</h3>{undated}"
                      f"<div class=versus>{cards}</div></div>")
    steps = []
    for item in changed:
        entries = "".join(f"<li>{_figure_value(v, sources)}</li>" for v in item["values"])
        steps.append(f"<div class=progression><h3>{escape(str(item['about']))}</h3><ol>{entries}</ol></div>")
    return (_section("disagreements", "Sources differ", "".join(blocks), count=len(differ)) if differ else "") + (
        _section("changed-figures", "Figures that changed as reports came in", "".join(steps), count=len(changed))
        if changed else "")


def _figure_value(value: Mapping[str, Any], sources: Mapping[int, Mapping[str, Any]]) -> str:
    """One value of a disagreement: the figure, who gives it (and when), and the sentence it stands in."""
    return (f'<p class=value>{escape(str(value["value"]))}</p>'
            f'<p class=by>{source_chips([value["source"]], sources)} {escape(_source_name(sources, value["source"]))}'
            f'{_published_note(value)}</p><p class=quote>{escape(value["sentence"])}</p>')


def _published_note(value: Mapping[str, Any]) -> str:
    return f" · {escape(str(value['published']))}" if value["published"] else ""


def _quotes_section(quotes: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not quotes:
        return ""
    items = [
        f"<figure class=quote-item><blockquote>{escape(q['text'])}</blockquote>"
        f"<figcaption><span class=speaker>{escape(q['speaker'] or 'Unattributed')}</span>"
        f"{source_chips(q['sources'], sources)}</figcaption></figure>"
        for q in quotes
    ]
    return _section("quotes", "Who said what", _with_more(items, MAX_QUOTES_SHOWN, "div"), count=len(quotes))


def _timeline_section(timeline: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not timeline:
        return ""
    items = "".join(
        f'<li><time datetime="{escape(str(t["date"]))}">{escape(str(t["date"]))}</time>'
        f"<span class=event>{escape(t['text'])}</span>{source_chips(t['sources'], sources)}</li>"
        for t in timeline
    )
    return _section("timeline", "Timeline", f"<ol class=timeline>{items}</ol>", count=len(timeline))


def _coverage_section(claims: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not claims or len(sources) < 2:
        return ""
    rows = sorted(claims, key=lambda c: (STATUS_ORDER.index(c["status"])
                                         if c["status"] in STATUS_ORDER else 3, -len(c["sources"])))
    rows = rows[:MAX_COVERAGE_ROWS]
    numbers = sorted(sources)
    head = "".join(f'<th scope=col title="{escape(_source_name(sources, n))}"><span class=chip>{n}</span>'
                   f"<span class=col-name>{escape(_source_name(sources, n))}</span></th>" for n in numbers)
    body = []
    for claim in rows:
        reported = set(claim["sources"])
        cells = "".join(
            f'<td class="{"yes" if n in reported else "no"}" title="{escape(_source_name(sources, n))}">'
            f'{"<span class=dot aria-label=reports>●</span>" if n in reported else "<span class=sr>not reported</span>"}</td>'
            for n in numbers
        )
        status = claim["status"]
        body.append(f'<tr><th scope=row><span class="badge {escape(status)}">{escape(STATUS_LABELS.get(status, status))}</span>'
                    f"<span class=row-text>{escape(claim['text'])}</span></th>{cells}</tr>")
    totals = "".join(f"<td>{sum(1 for c in claims if n in c['sources'])}</td>" for n in numbers)
    table = (f"<div class=grid-scroll><table class=coverage><thead><tr><th scope=col>Claim</th>{head}</tr></thead>"
             f"<tbody>{''.join(body)}</tbody><tfoot><tr><th scope=row>Claims reported (all {len(claims)})</th>{totals}</tr></tfoot></table></div>")
    hint = "<p class=hint>Which source reports which claim; the most shared and disputed claims first.</p>"
    return _section("coverage", "Coverage", table, extra=hint)


def _sources_section(sources: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]]) -> str:
    if not sources:
        return ""
    items = []
    for source in sources:
        number = source["id"]
        name = escape(str(source["name"] or f"Source {number}"))
        href = safe_href(source["url"])
        link = f'<a href="{href}" rel="noopener noreferrer nofollow" target=_blank>{name}</a>' if href else name
        details = [escape(str(v)) for v in (source["title"], source["published"]) if v]
        only = sum(1 for c in claims if c["status"] == "single-source" and c["sources"] == [number])
        facts = f"{only} claim{'s' if only != 1 else ''} only here" if claims else ""
        if source.get("copy_of"):
            facts = f"a copy of source {int(source['copy_of'])}: not counted as corroboration"
        items.append(
            f"<li><span class=chip>{int(number) if isinstance(number, int) else escape(str(number))}</span>"
            f"<div><p class=source-name>{link}</p>"
            + (f"<p class=source-meta>{' · '.join(details)}</p>" if details else "")
            + (f"<p class=source-meta>{facts}</p>" if facts else "")
            + "</div></li>"
        )
    return _section("sources", "Sources", f"<ol class=sources>{''.join(items)}</ol>", count=len(sources))


def _entities_section(entities: Sequence[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]) -> str:
    if not entities:
        return ""
    items = []
    for entity in entities:
        name = str(entity["name"])
        variants = [str(v) for v in entity["variants"] if str(v) != name]
        also = f"<p class=variants>also written {escape(', '.join(variants))}</p>" if variants else ""
        items.append(
            f"<li><p><span class=entity-name>{escape(name)}</span> <span class=type>{escape(str(entity['type']))}</span>"
            f"{source_chips(entity['sources'], sources)}</p>{also}</li>"
        )
    return _section("entities", "People, organisations, places", _with_more(items, MAX_ENTITIES_SHOWN, "ul class=entities"),
                    count=len(entities))


def _with_more(items: Sequence[str], shown: int, container: str) -> str:
    """The first `shown` items in `container`, the rest folded under "N more"."""
    tag = container.split()[0]
    first = f"<{container}>{''.join(items[:shown])}</{tag}>"
    rest = items[shown:]
    return first + (f"<details class=more><summary>{len(rest)} more</summary><{container}>{''.join(rest)}</{tag}></details>"
                    if rest else "")
