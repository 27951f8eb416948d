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

# A line (paragraph) or sentence is furniture of the page, not news, when it opens like one of these ...
_FURNITURE_OPENINGS = [
    r"(?:please )?read (?:the )?(?:full |original )?(?:article|story)\b",
    r"(?:read|see|click) more\b",
    r"continue reading\b",
    r"(?:read|see|follow|get) our (?:full |complete |latest |live )?coverage\b",
    r"(?:story )?continue[sd]? (?:below|after)",
    r"advertisement\b",
    r"(?:with )?(?:additional )?(?:reporting|writing|editing|research) by\b",
    r"(?:share|tweet|pin|email|e-mail|print|comment|facebook|twitter|whatsapp|linkedin|reddit)"
    r"(?:\s+(?:share|this|tweet|pin|email|e-mail|print|comments?|facebook|twitter|whatsapp|linkedin|reddit|on))*\s*$",
    r"tweet with a location",
    r"(?:follow|like) (?:us|\w+ \w+) on (?:twitter|facebook|instagram)",
    r"(?:related|recommended|more|top|trending|popular)(?: articles| stories| news| coverage| reading)?:?$",
    r"\d+ (?:sayings|things|photos|pictures|ways|reasons|facts|stories)\b[^.!?]*$",
    r"[\W_]+$",
    r"(?:[^\s.!?]+\s?){1,3}[^.!?\"”]?$",
    r"(?:published|updated|posted)(?: on)?:? \w+ \d",
    r"from wikipedia\b",
    r"text size\b",
    r"breaking news (?:emails|alerts)\b",
    r"the seed for \w+ was\b",
    r"click (?:here )?to (?:email|share|print|tweet|save|comment)\b[^.!?]*$",
    r"most (?:popular|read|viewed|shared|emailed)\b[^.!?]*$",
]
FURNITURE_OPENING = re.compile("|".join(f"(?:{rule})" for rule in _FURNITURE_OPENINGS), re.IGNORECASE)

# ... or holds one of these anywhere. Each rule is tried only when its keyword is in the lower-cased line.
_FURNITURE_ANYWHERE = [
    ("(c)", r"\(c\)\s*(?:\d{4}|[A-Z])"),
    ("©", r"©\s*(?:\d{4}|[A-Z])"),
    ("copyright", r"copyright\s*(?:\d{4}|[A-Z]|©)"),
    ("all rights reserved", r"all rights reserved"),
    ("not responsible", r"not responsible for the content of external (?:sites|internet sites)"),
    ("contributed", r"\bcontributed (?:reporting )?to this (?:report|story|article)\.?$"),
    ("sign up", r"\bsign up\b.{0,80}\b(?:newsletter|inbox|email|alerts?)\b|\b(?:email|inbox|newsletter|alerts?)\b.{0,80}\bsign up\b"),
    ("subscribe", r"\bsubscribe\b.{0,80}\b(?:newsletter|inbox|email|alerts?)\b|\b(?:newsletter|alerts?)\b.{0,60}\bsubscribe\b"),
    ("location", r"add location information to your tweets|learn more about (?:tweet|location)"),
    ("javascript", r"please enable javascript"),
    ("available", r"(?:feature|video) is (?:not|no longer) available"),
    ("rented", r"when the video has been rented"),
    ("tip", r"have a tip we should know"),
    ("download", r"\bdownload (?:the|our) .{0,40}\bapp\b"),
    ("interest", r"\badd .{0,30}as an interest\b"),
    ("=\"http", r"\w+=\"https?://"),
    ("crawl", r"\bcrawl(?:s| data)\b.{0,80}\barchive\b"),
    ("domain", r"\b(?:inter-domain|slash pages from every domain)\b"),
    ("ranked urls", r"\bhighly ranked urls\b"),
    ("cookie", r"\bcookies?\b.{0,80}\b(?:accept|agree|consent|use)\b"),
    ("privacy", r"\bprivacy policy\b.{0,80}\b(?:accept|agree|consent|use)\b"),
    ("terms of", r"\bterms of (?:use|service)\b.{0,80}\b(?:accept|agree|consent|use)\b"),
    ("new window", r"\(opens in (?:a )?new window\)"),
    ("characters", r"\benter the characters\b"),
    ("autoplay", r"\bautoplay autoplay\b|\bcopy this code to your website\b"),
    ("shares on", r"\bshares on (?:facebook|twitter)\b"),
]
FURNITURE_ANYWHERE = [(keyword, re.compile(rule, re.IGNORECASE)) for keyword, rule in _FURNITURE_ANYWHERE]

# Furniture that outlets run into the last paragraph: cut from the marker to the end of the line.
_TRAILING_FOOTER = re.compile(
    r"(?:\(c\)|©|copyright)\s*\d{4}\b.*$|"
    r"(?<=[.!?\"”])\s*read (?:the )?(?:full |original )?(?:article|story)(?: here)?\.?\s*$",
    re.IGNORECASE,
)
# A video player's controls that some outlets leave at the start of a caption or paragraph: cut them off.
_LEADING_PLAYER_CONTROLS = re.compile(r"^(?:(?:CLOSE|Skip in Skip x Embed x Share)\s+)+(?=\S)")
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
        controls = _LEADING_PLAYER_CONTROLS.match(line)
        if controls:
            removed.append(controls[0].strip())
            line = line[controls.end():]
        line, footer = _cut_trailing_footer(line)
        if footer:
            removed.append(footer)
        if line:
            kept.append(line)
    return CleanedText("\n".join(kept).strip(), published, removed)


def is_furniture(line: str) -> bool:
    """Whether a line or sentence is page furniture (footer, credit, widget, link list)."""
    if FURNITURE_OPENING.match(line):
        return True
    lowered = line.lower()
    for keyword, rule in FURNITURE_ANYWHERE:  # a plain loop: this runs on every line of every page
        if keyword in lowered and rule.search(line):
            return True
    return False


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
