"""Read the Spark job's Parquet tables into the SQLite store (`newsweave import-parquet DIR --db news.db`).

Needs pyarrow (in the `spark` extra), not pyspark or Java: the tables can be copied from a cluster and
imported on any machine. Rows are read a batch at a time, in `seq` order (the job wrote them so).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import InputError
from ..group import Placement
from ..models import Article
from ..store import Store, StorySummary
from ..stream import Decision

TABLES = ("articles", "stories", "briefs", "rejects")
READ_BATCH_ROWS = 10_000
"""Rows read from a Parquet table at a time."""
MISSING_PYARROW = "reading Parquet needs pyarrow: run `pip install 'newsweave[spark]'`"


@dataclass(slots=True)
class Imported:
    """What an import wrote: reports (repeats are not stored, as `ingest` stores none), stories and briefs."""

    reports: int
    skipped_repeats: int
    stories: int
    briefs: int


def import_tables(folder: str | Path, store: Store) -> Imported:
    """Load DIR/articles, DIR/stories and (when present) DIR/briefs into the store."""
    folder = Path(folder)
    for table in ("articles", "stories"):
        if not (folder / table).exists():
            raise InputError(f"no {table} table here; give the --out DIR of `newsweave spark`", where=str(folder))
    seen = datetime.now(UTC).date()
    repeats = sum(1 for row in _rows(folder / "articles", ["repeat"]) if row["repeat"])
    stories = [_story(row, seen) for row in _rows(folder / "stories")]
    written = store.import_grouped((_decision(row) for row in _rows(folder / "articles") if not row["repeat"]), stories,
                                   seen=seen)
    briefs = 0
    if (folder / "briefs").exists():
        for row in _rows(folder / "briefs"):
            store.save_brief(row["story"], store.story_version(row["story"]), json.loads(row["brief"]))
            briefs += 1
    return Imported(written, repeats, len(stories), briefs)


def _rows(table: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    try:
        import pyarrow.dataset as ds
    except ImportError as error:
        raise InputError(MISSING_PYARROW) from error
    try:
        dataset = ds.dataset(str(table), format="parquet")
        scanner = dataset.scanner(columns=columns, batch_size=READ_BATCH_ROWS)
        batches = list(scanner.to_batches()) if columns else scanner.to_batches()
        for batch in batches:
            yield from batch.to_pylist()
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"not a Parquet table of `newsweave spark` ({error})", where=str(table)) from error


def _decision(row: dict[str, Any]) -> Decision:
    article = Article(id=row["id"], text=row["text"], source=row["source"] or "", url=row["url"], title=row["title"],
                      published=row["published"])
    signature = np.frombuffer(row["signature"], dtype=np.uint64).copy() if row["signature"] is not None else None
    placement = Placement.from_dict(row["story"], json.loads(row["placement"])) if row["placement"] and row["story"] else None
    return Decision(article, row["text"], row["fingerprint"], story_id=row["story"], duplicate_of=row["origin"],
                    dropped_reason=row["left_out"], signature=signature, placement=placement)


def _story(row: dict[str, Any], seen: date) -> StorySummary:
    return StorySummary(row["story"], row["title"], int(row["reports"]), int(row["sources"]), row["first_seen"] or seen,
                        row["last_seen"] or seen, int(row["reports"]))
