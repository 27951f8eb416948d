"""What changed in a story between two of its briefs: new sources, new corroborated or disputed claims,
figures whose values changed, and new quotes.

Both briefs are Brief JSON dicts. What this returns cites sources by their numbers in the newer brief.
A brief may word a claim with another outlet's sentence once more reports are in, so a claim or quote
counts as the same as an older one when their texts are near enough (`SAME_TEXT_SCORE`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

SAME_TEXT_SCORE = 90.0
"""rapidfuzz ratio (0-100) of two texts (case and spacing ignored) from which a claim or quote of the newer
brief is one the older brief already held."""
FOLLOWED_STATUSES = ("corroborated", "disputed")
"""Claim statuses a follower is told about when a claim newly has them (single-source claims come and go)."""


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure the sources give differently whose values changed: the values before (text) and now."""

    about: str
    evolving: bool | None
    before: list[str]
    now: list[dict[str, Any]]


@dataclass(slots=True)
class BriefChanges:
    """The changes from an older brief to the newer; `everything_new` when there was no older brief."""

    everything_new: bool
    sources: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (self.sources or self.claims or self.figures or self.quotes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields: everything_new, sources, claims, figures, quotes."""
        return asdict(self)


def brief_changes(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> BriefChanges:
    """What `now` holds that `before` did not (everything `now` holds when `before` is None)."""
    if before is None:
        return BriefChanges(
            everything_new=True, sources=list(now["sources"]),
            claims=[c for c in now["claims"] if c["status"] in FOLLOWED_STATUSES],
            figures=[FigureChange(d["about"], d["evolving"], [], list(d["values"])) for d in now["disagreements"]],
            quotes=list(now["quotes"]),
        )
    known_sources = {_source_key(s) for s in before["sources"]}
    return BriefChanges(
        everything_new=False,
        sources=[s for s in now["sources"] if _source_key(s) not in known_sources],
        claims=_new_claims(before["claims"], now["claims"]),
        figures=_changed_figures(before["disagreements"], now["disagreements"]),
        quotes=[q for q in now["quotes"] if not _held(q["text"], [o["text"] for o in before["quotes"]])],
    )


def _source_key(source: Mapping[str, Any]) -> tuple[str, ...]:
    """One report across briefs: its URL, else its outlet and headline (numbers change from brief to brief)."""
    return (source["url"],) if source["url"] else (str(source["name"]), str(source["title"] or ""))


def _new_claims(before: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Claims now corroborated or disputed that the older brief did not hold with that status."""
    new = []
    for status in FOLLOWED_STATUSES:
        held = [c["text"] for c in before if c["status"] == status]
        new += [dict(c) for c in now if c["status"] == status and not _held(c["text"], held)]
    return new


def _changed_figures(before: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]) -> list[FigureChange]:
    """Disagreements that are new, or whose set of values is not the one the older brief gave."""
    earlier = {str(d["about"]): sorted({str(v["value"]) for v in d["values"]}) for d in before}
    changes = []
    for item in now:
        values = sorted({str(v["value"]) for v in item["values"]})
        previous = earlier.get(str(item["about"]), [])
        if values != previous:
            changes.append(FigureChange(str(item["about"]), item["evolving"], previous, list(item["values"])))
    return changes


def _held(text: str, texts: Sequence[str]) -> bool:
    """Whether `texts` hold `text`, or a text near enough to it."""
    if not texts:
        return False
    return process.extractOne(_plain(text), [_plain(t) for t in texts], scorer=fuzz.ratio,
                              score_cutoff=SAME_TEXT_SCORE) is not None


def _plain(text: str) -> str:
    return " ".join(text.lower().split())
