"""Cross-source analysis on hand-labelled real stories: brief every story, then print the scorer's totals.

    python bench/real_clusters.py [--data ../shared/data/real-clusters-dev.jsonl] [--scorer PATH]
                                  [--max-words 150] [--out BRIEFS.jsonl] [--verbose]

Runs the same code as `newsweave brief --batch DATA --max-words 150` (`newsweave.batch.brief_lines`,
one process) and hands the briefs to the labelled set's scorer (`score_real_clusters.py`), which counts
names merged across spellings, look-alike names wrongly joined, figure disagreements found, and
verbatim summary sentences and quotes. Prints the scorer's per-story lines with `--verbose` (and its
list of misses), else its totals line only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsweave.batch import brief_lines  # noqa: E402
from newsweave.options import Options  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "real-clusters-dev.jsonl"
DEFAULT_SCORER = ROOT.parent / "shared" / "tools" / "score_real_clusters.py"
MAX_WORDS = 150


def write_briefs(data: Path, out: Path, *, max_words: int) -> int:
    """Brief every story of `data` into `out` (one Brief JSON per line); return how many lines failed."""
    failed = 0
    with data.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as briefs:
        for result in brief_lines(lines, options=Options(max_words=max_words), jobs=1):
            if result.brief_json is None:
                failed += 1
                print(f"line {result.number}: {result.error}", file=sys.stderr)
            else:
                briefs.write(result.brief_json + "\n")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled stories (JSONL)")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help="score_real_clusters.py")
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    parser.add_argument("--out", type=Path, help="keep the briefs in this file (default: a temporary file)")
    parser.add_argument("--verbose", action="store_true", help="print every story's line and every miss")
    args = parser.parse_args()
    for path, what in ((args.data, "--data"), (args.scorer, "--scorer")):
        if not path.is_file():
            print(f"{what}: no such file {path}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "briefs.jsonl"
        start = time.perf_counter()
        failed = write_briefs(args.data, out, max_words=args.max_words)
        seconds = time.perf_counter() - start
        command = [sys.executable, str(args.scorer), str(args.data), str(out)] + (["--verbose"] if args.verbose else [])
        scored = subprocess.run(command, capture_output=True, text=True, check=False)
    if scored.returncode != 0:
        print(scored.stdout + scored.stderr, file=sys.stderr)
        return 1
    lines = scored.stdout.splitlines()
    print("\n".join(lines if args.verbose else [line for line in lines if line.startswith("TOTAL")]))
    print(f"briefs: {args.data.name}, --max-words {args.max_words}, {seconds:.1f} s, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
