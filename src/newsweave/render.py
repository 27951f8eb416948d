"""Render a Brief as JSON, Markdown or one self-contained HTML page."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .models import Brief

FORMATS = ("json", "md", "html")
MAX_CLAIMS_SHOWN = 12


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
    data = brief.to_dict()
    lines = [f"# {data['title']}", ""]
    lines += [" ".join(f"{s['text']} {_marks(s['citations'])}" for s in data["summary"]), ""]
    lines += _markdown_section("Confirmed by several sources", [
        f"- {c['text']} {_marks(c['sources'])}" for c in data["claims"] if c["status"] == "corroborated"
    ][:MAX_CLAIMS_SHOWN])
    lines += _markdown_section("Only one source reports", _single_source_lines(data))
    lines += _markdown_section("Where sources disagree", [
        f"- **{d['about']}**: " + "; ".join(f"{v['value']} [{v['source']}]" for v in d["values"])
        for d in data["disagreements"]
    ])
    lines += _markdown_section("Who said what", [
        f"- **{q['speaker']}**: “{q['text']}” {_marks(q['sources'])}" for q in data["quotes"]
    ])
    lines += _markdown_section("Timeline", [
        f"- {t['date']}: {t['text']} {_marks(t['sources'])}" for t in data["timeline"]
    ])
    lines += _markdown_section("People, organisations and places", [
        f"- {e['name']} ({e['type']})" + (f", also written {', '.join(v for v in e['variants'] if v != e['name'])}"
                                          if len(e["variants"]) > 1 else "")
        for e in data["entities"]
    ])
    lines += _markdown_section("Sources", [
        f"{s['id']}. {s['name']}" + (f", “{s['title']}”" if s.get("title") else "")
        + (f", {s['published']}" if s.get("published") else "") + (f" <{s['url']}>" if s.get("url") else "")
        for s in data["sources"]
    ])
    return "\n".join(lines).rstrip() + "\n"


def render_html(brief: Brief) -> str:
    """One self-contained HTML page (no external asset); every text from a source is escaped."""
    data = brief.to_dict()
    names = {s["id"]: s["name"] for s in data["sources"]}
    summary = " ".join(
        f"<span class=sentence>{escape(s['text'])}</span> {_html_marks(s['citations'], names)}" for s in data["summary"]
    )
    sections = [
        _html_list("Confirmed by several sources", [
            f"{escape(c['text'])} {_html_marks(c['sources'], names)}" for c in data["claims"] if c["status"] == "corroborated"
        ][:MAX_CLAIMS_SHOWN]),
        _html_list("Where sources disagree", [
            f"<b>{escape(d['about'])}</b>: " + "; ".join(
                f"{escape(str(v['value']))} {_html_marks([v['source']], names)}" for v in d["values"])
            for d in data["disagreements"]
        ]),
        _html_list("Who said what", [
            f"<b>{escape(q['speaker'])}</b>: “{escape(q['text'])}” {_html_marks(q['sources'], names)}" for q in data["quotes"]
        ]),
        _html_list("Timeline", [
            f"<time>{escape(t['date'])}</time> {escape(t['text'])} {_html_marks(t['sources'], names)}" for t in data["timeline"]
        ]),
        _html_list("People, organisations and places", [
            f"{escape(e['name'])} <small>{escape(e['type'])}</small>"
            + (f" <small>also: {escape(', '.join(v for v in e['variants'] if v != e['name']))}</small>" if len(e["variants"]) > 1 else "")
            for e in data["entities"]
        ]),
        _html_list("Sources", [_html_source(s) for s in data["sources"]], ordered=True),
    ]
    return _PAGE.format(title=escape(data["title"]), summary=summary, sections="\n".join(s for s in sections if s))


def _marks(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _single_source_lines(data: dict[str, Any]) -> list[str]:
    by_source: dict[int, list[str]] = {}
    for claim in data["claims"]:
        if claim["status"] == "single-source":
            by_source.setdefault(claim["sources"][0], []).append(claim["text"])
    return [f"- only in [{source}]: {texts[0]}" for source, texts in sorted(by_source.items())]


def _markdown_section(heading: str, items: list[str]) -> list[str]:
    return [f"## {heading}", "", *items, ""] if items else []


def _html_marks(numbers: list[int], names: dict[int, str]) -> str:
    return "".join(f'<sup class=cite title="{escape(names.get(n, str(n)))}">[{n}]</sup>' for n in numbers)


def _html_list(heading: str, items: list[str], *, ordered: bool = False) -> str:
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{item}</li>" for item in items)
    return f"<section><h2>{escape(heading)}</h2><{tag}>{body}</{tag}></section>"


def _html_source(source: dict[str, Any]) -> str:
    name = escape(source["name"])
    if source.get("url"):
        name = f'<a href="{escape(source["url"])}" rel="noopener noreferrer">{name}</a>'
    details = [escape(v) for v in (source.get("title"), source.get("published")) if v]
    return name + (f" <small>{' · '.join(details)}</small>" if details else "")


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d232b;background:#fbfbf9}}
h1{{font-size:1.6rem;line-height:1.25}} h2{{font-size:1.05rem;text-transform:uppercase;letter-spacing:.04em;color:#4a5563;margin-top:2rem}}
.summary{{font-size:1.08rem}} sup.cite{{color:#0b5cad;font-size:.72em;margin-left:1px;cursor:help}}
li{{margin:.35rem 0}} small{{color:#667085}} time{{font-variant-numeric:tabular-nums;font-weight:600;margin-right:.4rem}}
a{{color:#0b5cad}}
</style></head>
<body><main><h1>{title}</h1>
<p class=summary>{summary}</p>
{sections}
</main></body></html>
"""
