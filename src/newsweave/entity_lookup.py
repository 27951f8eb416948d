"""Which stories name an entity, under any of the spellings their briefs merged into one name.

Read from the briefs the store keeps (the newest of each story), so a story is found once its brief
has been made. The one place the service looks a name up; a search index may replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from unidecode import unidecode

from .store import Store


@dataclass(frozen=True, slots=True)
class NamedIn:
    """A story whose brief names the entity: its name there, the spellings its outlets use, and the brief's time."""

    story_id: str
    name: str
    type: str
    variants: list[str]
    made: datetime


def name_key(name: str) -> str:
    """A name as compared across spellings: in ASCII (unidecode), case and spacing ignored."""
    return " ".join(unidecode(name).casefold().split())


def stories_naming(store: Store, name: str) -> list[NamedIn]:
    """The stories whose newest kept brief has an entity named `name` or written so by an outlet."""
    key = name_key(name)
    found = []
    for stored in store.newest_briefs():
        for entity in stored.brief.get("entities", []):
            if key in {name_key(str(n)) for n in [entity["name"], *entity["variants"]]}:
                found.append(NamedIn(stored.story_id, str(entity["name"]), str(entity["type"]),
                                     [str(v) for v in entity["variants"]], stored.made))
                break
    return found
