"""The brief as an HTML page: one view for `brief --format html` and for the service's brief pages.

`brief_view` reads a Brief JSON dict into what the templates print (a missing contract field is a
KeyError here, never a blank on the page); the markup is in templates/_brief.html, where Jinja2
escapes every text that comes from a report. Links are kept only when they are http(s), so a
hostile article shows as text and runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple
from urllib.parse import urlparse

from .templating import entity_href, render_template

ASSET_NAMES = ("newsweave.css", "newsweave.js", "favicon.svg")
MAX_CLAIMS_PER_STATUS = 8
MAX_COVERAGE_ROWS = 14
MAX_QUOTES_SHOWN = 8
MAX_ENTITIES_SHOWN = 14
MAX_CHANGES_SHOWN = 6
"""Items of each kind shown at once in a story's changes; the rest are folded under "N more"."""
STATUS_LABELS = {"corroborated": "Corroborated", "disputed": "Disputed", "single-source": "Single source"}
STATUS_ORDER = ("disputed", "corroborated", "single-source")
UNDATED_NOTE = "The reports give no dates or words that tell whether this figure changed over time."


class Chip(NamedTuple):
    """A numbered mark of one source, with the outlet's name (shown on hover)."""

    number: int
    name: str


@cache
def asset_text(name: str) -> str:
    """The text of one packaged page asset (stylesheet or script) from newsweave/web/."""
    if name not in ASSET_NAMES:
        raise KeyError(name)
    return (files("newsweave") / "web" / name).read_text(encoding="utf-8")


def brief_page(brief: Mapping[str, Any], *, inline_assets: bool = True) -> str:
    """The whole self-contained page of one Brief (a Brief JSON dict), as `brief --format html` writes it."""
    return render_template("brief.html", title=brief["title"] or "Story brief", inline_assets=inline_assets,
                           brief=brief_view(brief))


def brief_view(brief: Mapping[str, Any], *, kicker: str = "", note: str = "", link_entities: bool = False) -> dict[str, Any]:
    """What templates/_brief.html prints of one Brief: each section's items, with sources as numbered chips; with
    `link_entities`, each name links to its page in the service (/entities/NAME)."""
    names = _source_names(brief)
    claims = brief["claims"]
    return {
        "kicker": kicker or _default_kicker(brief), "heading": brief["title"] or "Untitled story", "note": note,
        "notes": [str(n) for n in brief.get("notes", [])],
        "summary": [_summary_sentence(item, names) for item in brief["summary"]],
        "differ": [_disagreement(d, names) for d in brief["disagreements"] if not d["evolving"]],
        "changed": [_disagreement(d, names) for d in brief["disagreements"] if d["evolving"]],
        "claim_groups": _claim_groups(claims, names), "claim_count": len(claims),
        "quotes": [_quote(q, names) for q in brief["quotes"]],
        "timeline": [{"date": str(t["date"]), "text": t["text"], "chips": _chips(t["sources"], names)}
                     for t in brief["timeline"]],
        "coverage": _coverage(claims, names),
        "sources": [_source(s, claims) for s in brief["sources"]],
        "entities": [_entity(e, names, link=link_entities) for e in brief["entities"]],
        "undated_note": UNDATED_NOTE,
        "limits": {"claims": MAX_CLAIMS_PER_STATUS, "quotes": MAX_QUOTES_SHOWN, "entities": MAX_ENTITIES_SHOWN},
    }


def changes_view(changes: Mapping[str, Any], brief: Mapping[str, Any]) -> dict[str, Any]:
    """What templates/_changes.html prints of a story's changes (`follow.brief_changes`, numbered as in `brief`)."""
    names = _source_names(brief)
    return {
        "note": changes["note"], "everything_new": changes["everything_new"], "shown": MAX_CHANGES_SHOWN,
        "sources": [_source(s, []) for s in changes["sources"]],
        "claims": [_claim(c, names) for c in changes["claims"]],
        "figures": [{"about": str(f["about"]), "before": [str(v) for v in f["before"]], "values": _figure_values(f["now"], names)}
                    for f in changes["figures"]],
        "quotes": [_quote(q, names) for q in changes["quotes"]],
    }


def safe_href(url: Any) -> str | None:
    """The URL if it is an http(s) address (to be escaped by the template), else None (no javascript: or data: links)."""
    if not isinstance(url, str):
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return None
    return url.strip()


def _source_names(brief: Mapping[str, Any]) -> dict[int, str]:
    return {s["id"]: str(s["name"] or f"Source {s['id']}") for s in brief["sources"]}


def _chips(numbers: Iterable[int], names: Mapping[int, str]) -> list[Chip]:
    return [Chip(int(n), names.get(n, f"Source {n}")) for n in numbers]


def _default_kicker(brief: Mapping[str, Any]) -> str:
    count = len(brief["sources"])
    return f"Story brief · {count} source{'s' if count != 1 else ''}"


def _summary_sentence(item: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    """One summary sentence: its text in pieces (each followed by an editorial insertion, or None) and its citations."""
    text, pieces, last = item["text"], [], 0
    for insertion in sorted(item["insertions"], key=lambda i: i["at"]):
        pieces.append((text[last:insertion["at"]], insertion["text"]))
        last = insertion["at"]
    pieces.append((text[last:], None))
    evidence = {e["source"]: e["sentence"] for e in item["evidence"]}
    return {"pieces": pieces,
            "citations": [{"chip": chip, "evidence": evidence.get(chip.number)} for chip in _chips(item["citations"], names)]}


def _disagreement(item: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    """A figure the sources give differently (or that changed over time): each value with who gives it and where."""
    return {"about": str(item["about"]), "undated": item["evolving"] is None, "values": _figure_values(item["values"], names)}


def _figure_values(values: Sequence[Mapping[str, Any]], names: Mapping[int, str]) -> list[dict[str, Any]]:
    """Each source's value of a figure: the value, the source, its date, and the sentence it stands in."""
    return [{"value": str(v["value"]), "chip": _chips([v["source"]], names)[0], "published": v["published"],
             "sentence": v["sentence"]} for v in values]


def _claim_groups(claims: Sequence[Mapping[str, Any]], names: Mapping[int, str]) -> list[dict[str, Any]]:
    """The claims by status (disputed, corroborated, single source), each with its label."""
    groups = []
    for status in STATUS_ORDER:
        members = [_claim(c, names) for c in claims if c["status"] == status]
        if members:
            groups.append({"status": status, "label": STATUS_LABELS[status], "claims": members})
    return groups


def _claim(claim: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    return {"status": claim["status"], "text": claim["text"], "chips": _chips(claim["sources"], names)}


def _quote(quote: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    return {"text": quote["text"], "speaker": quote["speaker"] or "Unattributed", "chips": _chips(quote["sources"], names)}


def _coverage(claims: Sequence[Mapping[str, Any]], names: Mapping[int, str]) -> dict[str, Any] | None:
    """Which source reports which claim: the most shared and disputed claims first (None below two sources)."""
    if not claims or len(names) < 2:
        return None
    ordered = sorted(claims, key=lambda c: (STATUS_ORDER.index(c["status"])
                                            if c["status"] in STATUS_ORDER else 3, -len(c["sources"])))
    columns = _chips(sorted(names), names)
    rows = [{"status": c["status"], "label": STATUS_LABELS.get(c["status"], c["status"]), "text": c["text"],
             "cells": [(chip.number in c["sources"], chip.name) for chip in columns]}
            for c in ordered[:MAX_COVERAGE_ROWS]]
    totals = [sum(1 for c in claims if chip.number in c["sources"]) for chip in columns]
    return {"columns": columns, "rows": rows, "totals": totals, "claims": len(claims)}


def _source(source: Mapping[str, Any], claims: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One source of the side list: number, name, http(s) link, title and date, and the claims only it reports."""
    number = source["id"]
    only = sum(1 for c in claims if c["status"] == "single-source" and c["sources"] == [number])
    facts = f"{only} claim{'s' if only != 1 else ''} only here" if claims else ""
    if source.get("copy_of"):
        facts = f"a copy of source {int(source['copy_of'])}: not counted as corroboration"
    return {"number": int(number) if isinstance(number, int) else str(number),
            "name": str(source["name"] or f"Source {number}"), "href": safe_href(source["url"]),
            "details": [str(v) for v in (source["title"], source["published"]) if v],
            "facts": facts}


def _entity(entity: Mapping[str, Any], names: Mapping[int, str], *, link: bool) -> dict[str, Any]:
    name = str(entity["name"])
    return {"name": name, "type": str(entity["type"]), "variants": [str(v) for v in entity["variants"] if str(v) != name],
            "chips": _chips(entity["sources"], names), "href": entity_href(name) if link else None}
