"""List the paragraphs that recur across the dev set's clusters: the page furniture `clean.py` learned from.

    python bench/boilerplate_survey.py [--dev ../shared/data/multinews-dev.jsonl] [--top 60]

A paragraph that appears in several unrelated clusters is not news but page furniture (footers,
widgets, credit lines). Digits are masked so that years and counts do not hide a repeat. The last
column says whether `newsweave.clean.is_furniture` already recognises it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from newsweave.clean import is_furniture

DEFAULT_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "multinews-dev.jsonl"
_LINES = re.compile(r"\s*\n\s*")
_DIGITS = re.compile(r"\d")


def recurring_paragraphs(dev: Path) -> tuple[Counter, dict[str, str]]:
    """How many clusters each (digit-masked, lower-cased) paragraph occurs in, and one original of each."""
    counts: Counter = Counter()
    example: dict[str, str] = {}
    for row in map(json.loads, dev.read_text().splitlines()):
        seen = set()
        for document in row["documents"]:
            for paragraph in filter(None, (p.strip() for p in _LINES.split(document))):
                key = _DIGITS.sub("0", paragraph.lower())[:120]
                seen.add(key)
                example.setdefault(key, paragraph)
        counts.update(seen)
    return counts, example


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    counts, example = recurring_paragraphs(args.dev)
    recurring = [(key, n) for key, n in counts.most_common() if n >= 2][: args.top]
    print("| clusters | paragraph | furniture? |\n|---:|---|---|")
    for key, n in recurring:
        text = example[key][:90].replace("|", "\\|")
        print(f"| {n} | {text} | {'yes' if is_furniture(example[key]) else 'no'} |")
    known = sum(1 for key, _ in recurring if is_furniture(example[key]))
    print(f"\n{known} of the {len(recurring)} most recurrent paragraphs are recognised as furniture.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
