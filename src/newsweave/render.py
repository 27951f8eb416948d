"""Render a Brief as JSON, Markdown or one self-contained HTML page."""

from __future__ import annotations

import json

from .models import Brief, ClaimItem, FigureValue, TimelineEntry

FORMATS = ("json", "md", "html")
MAX_CLAIMS_SHOWN = 12
MAX_SINGLE_SOURCE_SHOWN = 3
UNDATED_NOTE = " (the reports give no dates or words that tell whether the figure changed over time)"


def render(brief: Brief, fmt: str) -> str:
    """Render `brief` in one of `FORMATS`."""
    if fmt == "json":
        return render_json(brief)
    if fmt == "md":
        return render_markdown(brief)
    if fmt == "html":
        return render_html(brief)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_json(brief: Brief, *, indent: int | None = 2) -> str:
    """The Brief JSON contract, UTF-8 text."""
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=indent)


def render_markdown(brief: Brief) -> str:
    """A readable brief: summary with [n] citations, then the cross-source sections and the source list."""
    lines = [f"# {brief.title}", ""]
    from .headline import with_insertions  # the summarizer's modules load only when a brief is drawn

    lines += [*(f"> Note: {note}" for note in brief.notes), ""] if brief.notes else []
    lines += [" ".join(f"{with_insertions(s.text, s.insertions)} {_marks(s.citations)}" for s in brief.summary), ""]
    lines += _markdown_section("Confirmed by several sources", [
        f"- {c.text} {_marks(c.sources)}{_copies_note(c)}" for c in brief.claims if c.status == "corroborated"
    ][:MAX_CLAIMS_SHOWN])
    lines += _markdown_section("Only one source reports", _single_source_lines(brief.claims))
    lines += _markdown_section("Sources differ", [
        f"- **{d.about}**: " + "; ".join(f"{v.value} [{v.source}]" for v in d.values)
        + (UNDATED_NOTE if d.evolving is None else "")
        for d in brief.disagreements if not d.evolving
    ])
    lines += _markdown_section("Figures that changed as reports came in", [
        f"- **{d.about}**: " + " → ".join(f"{v.value} [{v.source}]{_date_note(v)}" for v in d.values)
        for d in brief.disagreements if d.evolving
    ])
    lines += _markdown_section("Who said what", [
        f"- **{q.speaker}**: “{q.text}” {_marks(q.sources)}" for q in brief.quotes
    ])
    lines += _markdown_section("Timeline", [
        f"- {t.date}{_precision_note(t)}: {t.text} {_marks(t.sources)}" for t in brief.timeline
    ])
    lines += _markdown_section("People, organisations and places", [
        f"- {e.name} ({e.type})" + (f", also written {', '.join(v for v in e.variants if v != e.name)}"
                                    if len(e.variants) > 1 else "")
        for e in brief.entities
    ])
    lines += _markdown_section("Sources", [
        f"{s.id}. {s.name}" + (f", “{s.title}”" if s.title else "")
        + (f", {s.published}" if s.published else "") + (f" <{s.url}>" if s.url else "")
        + (f" (a copy of [{s.copy_of}], not counted as corroboration)" if s.copy_of else "")
        for s in brief.sources
    ])
    return "\n".join(lines).rstrip() + "\n"


def render_html(brief: Brief) -> str:
    """One self-contained HTML page (styles and script inlined); the markup lives in webpage.py, shared with the service."""
    from .webpage import brief_page

    return brief_page(brief.to_dict(), inline_assets=True)


def _marks(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _single_source_lines(claims: list[ClaimItem]) -> list[str]:
    by_source: dict[int, list[str]] = {}
    for claim in claims:
        if claim.status == "single-source":
            by_source.setdefault(claim.sources[0], []).append(claim.text)
    return [
        f"- only in [{source}]: {text}" for source, texts in sorted(by_source.items()) for text in texts[:MAX_SINGLE_SOURCE_SHOWN]
    ]


def _copies_note(claim: ClaimItem) -> str:
    """Say which sources carry one wire story, so a copy is not read as confirmation."""
    copies = [group for group in claim.origins if len(group) > 1]
    return "".join(f" ({' and '.join(f'[{n}]' for n in group)} carry the same copy)" for group in copies)


def _date_note(value: FigureValue) -> str:
    return f" ({value.published})" if value.published else ""


def _precision_note(entry: TimelineEntry) -> str:
    return "" if entry.precision == "day" else f" ({entry.precision} only)"


def _markdown_section(heading: str, items: list[str]) -> list[str]:
    return [f"## {heading}", "", *items, ""] if items else []
