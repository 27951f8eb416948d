"""How well a search for a name reaches the other spellings of it, on real stories labelled by hand.

    python bench/search_names.py [--data ../shared/data/real-clusters-dev.jsonl]

The reports of each real cluster are stored (`Store.add_articles`) and each story's brief is made and stored, so
the store links the names the analysis merged. Then for each hand-labelled group of spellings of one entity
(`expect.entity_variants`), each spelling is searched (the FTS5 query `search.fts_query` builds) against each other
spelling of the group as a one-line text: a spelling is *reached* when the query matches it. For each pair of
look-alike names of different entities (`expect.entity_distinct`), a query for one must not reach the other
(*false reach*). Beside it, in the same run, the same queries without the names (plain full text: each word as
written, case and accents folded). Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "real-clusters-dev.jsonl"


def reaches(match: str, texts: list[str]) -> list[bool]:
    """Which of `texts` the FTS5 query `match` matches, in an index built like the store's."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", [(n, text) for n, text in enumerate(texts)])
    found = {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))}
    return [n in found for n in range(len(texts))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", action="store_true", help="print each spelling a name search does not reach")
    args = parser.parse_args()
    from newsweave.ingest import article_from_document
    from newsweave.search import fts_query
    from newsweave.store import Store
    from newsweave.story_brief import save_story_brief

    clusters = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {"names": [0, 0, 0], "plain": [0, 0, 0]}  # pairs reached, pairs, false reaches
    distinct_pairs = 0
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "real.db") as store:
        plain = Store(Path(folder) / "plain.db")  # an empty store: no names known, every word searched as written
        for cluster in clusters:
            articles = [article_from_document(d, fallback_id=f"{cluster['id']}-{n}") for n, d in enumerate(cluster["documents"])]
            stories = {r.story_id for r in store.add_articles(articles) if r.story_id}
            for story_id in stories:
                save_story_brief(store, story_id)
        for cluster in clusters:
            expect = cluster["expect"]
            for group in expect.get("entity_variants") or []:
                for query in group:
                    others = [spelling for spelling in group if spelling != query]
                    for name, opened in (("names", store), ("plain", plain)):
                        reached = reaches(fts_query(opened._db, query)[0], others)
                        counts[name][0] += sum(reached)
                        counts[name][1] += len(others)
                        missed = [other for other, hit in zip(others, reached, strict=True) if not hit]
                        if args.verbose and name == "names" and missed:
                            print(f"{cluster['id']}: {query!r} does not reach {missed}")
            for first, second in expect.get("entity_distinct") or []:
                distinct_pairs += 2
                for name, opened in (("names", store), ("plain", plain)):
                    for query, other in ((first, second), (second, first)):
                        false = reaches(fts_query(opened._db, query)[0], [other])[0]
                        counts[name][2] += false
                        if args.verbose and name == "names" and false:
                            print(f"{cluster['id']}: {query!r} reaches {other!r}, another entity")
        plain.close()
    print(f"{len(clusters)} real stories: {counts['names'][1]} (query, other spelling) pairs of one entity, "
          f"{distinct_pairs} (query, look-alike name of another entity) pairs\n")
    print("| search | other spellings reached | look-alikes of other entities reached |")
    print("|---|---:|---:|")
    for name, label in (("plain", "plain full text (baseline)"), ("names", "with the names of the stored briefs")):
        reached, pairs, false = counts[name]
        print(f"| {label} | {reached}/{pairs} ({100 * reached / pairs:.1f}%) | "
              f"{false}/{distinct_pairs} ({100 * false / max(1, distinct_pairs):.1f}%) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
