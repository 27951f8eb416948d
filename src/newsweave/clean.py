"""Remove what is not part of the report (footers, credits, widgets, link lists) and read metadata lines.

The rules were learned from the paragraphs that recur across the 250 clusters of the dev set
(`bench/boilerplate_survey.py` lists them): each pattern names a kind of page furniture, not a
literal string of one outlet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

_DATE_LINE = re.compile(
    r"^\s*(?:date|published|updated|posted)\s*:?\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+Z-]*)?\s*",
    re.IGNORECASE,
)

# A line (paragraph) matching one of these is furniture of the page, not news.
_FURNITURE_LINES = [
    r"(?:\(c\)|©|copyright)\s*(?:\d{4}|[A-Z])",
    r"all rights reserved",
    r"not responsible for the content of external (?:sites|internet sites)",
    r"^(?:please )?read (?:the )?(?:full |original )?(?:article|story)\b",
    r"^(?:read|see|click) more\b",
    r"^continue reading\b",
    r"^(?:read|see|follow|get) our (?:full |complete |latest |live )?coverage\b",
    r"^(?:story )?continue[sd]? (?:below|after)",
    r"^advertisement\b",
    r"^(?:with )?(?:additional )?(?:reporting|writing|editing|research) by\b",
    r"\bcontributed (?:reporting )?to this (?:report|story|article)\.?$",
    r"^(?:share|tweet|pin|email|e-mail|print|comment|facebook|twitter|whatsapp|linkedin|reddit)"
    r"(?:\s+(?:share|this|tweet|pin|email|e-mail|print|comments?|facebook|twitter|whatsapp|linkedin|reddit|on))*\s*$",
    r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletter|inbox|email|alerts?)\b",
    r"\b(?:newsletter|alerts?)\b.{0,60}\b(?:sign up|subscribe)\b",
    r"add location information to your tweets",
    r"^tweet with a location",
    r"learn more about (?:tweet|location)",
    r"please enable javascript",
    r"(?:feature|video) is (?:not|no longer) available",
    r"when the video has been rented",
    r"^(?:follow|like) (?:us|\w+ \w+) on (?:twitter|facebook|instagram)",
    r"have a tip we should know",
    r"^(?:related|recommended|more|top|trending|popular)(?: articles| stories| news| coverage| reading)?:?$",
    r"^\d+ (?:sayings|things|photos|pictures|ways|reasons|facts|stories)\b[^.!?]*$",
    r"^[\W_]+$",
    r"^(?:[^\s.!?]+\s?){1,3}[^.!?\"”]?$",
    r"^(?:published|updated|posted)(?: on)?:? \w+ \d",
    r"^from wikipedia\b",
    r"^text size\b",
    r"\b(?:email|inbox)\b.{0,80}\bsign up\b",
    r"^breaking news (?:emails|alerts)\b",
    r"\bdownload (?:the|our) .{0,40}\bapp\b",
    r"\badd .{0,30}as an interest\b",
    r"\w+=\"https?://",
    r"\bcrawl(?:s| data)\b.{0,80}\barchive\b",
    r"\b(?:inter-domain|highly ranked urls|slash pages from every domain)\b",
    r"^the seed for \w+ was\b",
    r"\b(?:cookies?|cookie policy|privacy policy|terms of (?:use|service))\b.{0,80}\b(?:accept|agree|consent|use)\b",
]
FURNITURE_LINE = re.compile("|".join(f"(?:{rule})" for rule in _FURNITURE_LINES), re.IGNORECASE)

# Furniture that outlets run into the last paragraph: cut from the marker to the end of the line.
_TRAILING_FOOTER = re.compile(
    r"(?:\(c\)|©|copyright)\s*\d{4}\b.*$|"
    r"(?<=[.!?\"”])\s*read (?:the )?(?:full |original )?(?:article|story)(?: here)?\.?\s*$",
    re.IGNORECASE,
)
_FURNITURE_LINE_MAX = 300
"""Longer lines are paragraphs of news; their furniture is found sentence by sentence in `analyze`."""
_FOOTER_REACH = 400
"""How far from the end of a paragraph a trailing footer marker may start."""

_SPACES = re.compile(r"[ \t\u00a0\u2009\u200b]+")


@dataclass(slots=True)
class CleanedText:
    """A report's text with furniture removed, the date its metadata line gave, and what was removed."""

    text: str
    published: date | None = None
    removed: list[str] = field(default_factory=list)


def clean_text(raw: str) -> CleanedText:
    """Strip page furniture line by line, read a leading date line, and normalise whitespace."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text, published = _read_date_line(text)
    kept: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            if kept and kept[-1]:
                kept.append("")
            continue
        if len(line) <= _FURNITURE_LINE_MAX and is_furniture(line):
            removed.append(line)
            continue
        line, footer = _cut_trailing_footer(line)
        if footer:
            removed.append(footer)
        if line:
            kept.append(line)
    return CleanedText("\n".join(kept).strip(), published, removed)


def is_furniture(line: str) -> bool:
    """Whether a line or sentence is page furniture (footer, credit, widget, link list)."""
    return FURNITURE_LINE.search(line) is not None


def _read_date_line(text: str) -> tuple[str, date | None]:
    match = _DATE_LINE.match(text)
    if not match:
        return text, None
    try:
        published = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return text, None
    return text[match.end():], published


def _cut_trailing_footer(line: str) -> tuple[str, str]:
    match = _TRAILING_FOOTER.search(line, max(0, len(line) - _FOOTER_REACH))
    if not match:
        return line, ""
    return line[: match.start()].rstrip(), line[match.start():].strip()
