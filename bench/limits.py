"""Cost of one brief at the largest input it accepts, beside the seed reports, and of the hostile inputs of issue 12.

    python bench/limits.py [--dev ../shared/data/multinews-dev.jsonl] [--unbounded]

Each case is one full brief (`make_brief`, full analysis) in a fresh process that first loads the
models with a small brief, so "seconds" is the brief alone; "peak MB" is the process's max RSS (the
models included: the seed case shows that floor). The largest accepted inputs are real news text:
distinct Multi-News dev reports joined until each report reaches its size. The hostile cases are
the issue's: two files each holding one 300 KB sentence (numbers in it that read as years), and two
500 KB reports. `--unbounded` adds the 300 KB-sentence case with the limits lifted (how it was
before them; the 500 KB case unbounded takes minutes and GBs, so it is left out).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DEV = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
SEEDS = ROOT / "examples" / "belarus-2020-09"
HOSTILE_SENTENCE_CHARS = 300_000
HOSTILE_REPORT_CHARS = 500_000


def dev_texts(dev: Path) -> list[str]:
    """Every report text of the dev clusters, in file order."""
    texts = []
    for line in dev.read_text(encoding="utf-8").splitlines():
        for document in json.loads(line)["documents"]:
            texts.append(document if isinstance(document, str) else document.get("text", ""))
    return [t for t in texts if t.strip()]


def joined_reports(texts: list[str], count: int, size: int) -> list[str]:
    """`count` reports of `size` characters, each made of distinct dev reports joined by blank lines."""
    reports, cursor = [], 0
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 2 for p in parts) < size:
            parts.append(texts[cursor % len(texts)])
            cursor += 1
        reports.append("\n\n".join(parts)[:size])
    return reports


def one_sentence(size: int, offset: int) -> str:
    """One grammatical sentence of `size` characters whose clauses name numbers that read as years, as in the issue."""
    clauses = (f"a crowd of about {n + offset:,} people marched from the square to the river in {1900 + n % 120}"
               for n in itertools.count(1))
    sentence = "Witnesses said that "
    while len(sentence) < size:
        sentence += next(clauses) + ", and "
    return sentence[: size - 1] + "."


def cases(dev: Path, unbounded: bool) -> dict[str, list[str]]:
    """The input texts of every case, by name."""
    from newsweave.limits import MAX_BRIEF_CHARS, MAX_REPORT_CHARS, MAX_REPORTS_PER_BRIEF

    texts = dev_texts(dev)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    at_report_limit = MAX_BRIEF_CHARS // MAX_REPORT_CHARS
    chosen = {
        "seeds (3 reports)": seeds,
        f"{at_report_limit} x {MAX_REPORT_CHARS:,} chars (report limit)": joined_reports(texts, at_report_limit, MAX_REPORT_CHARS),
        f"{MAX_REPORTS_PER_BRIEF} x {MAX_BRIEF_CHARS // MAX_REPORTS_PER_BRIEF:,} chars (count limit)":
            joined_reports(texts[500:], MAX_REPORTS_PER_BRIEF, MAX_BRIEF_CHARS // MAX_REPORTS_PER_BRIEF),
        "2 x 300 KB one sentence": [one_sentence(HOSTILE_SENTENCE_CHARS, 0), one_sentence(HOSTILE_SENTENCE_CHARS, 7)],
        "2 x 500 KB reports": joined_reports(texts[100:], 2, HOSTILE_REPORT_CHARS),
    }
    if unbounded:
        chosen["2 x 300 KB one sentence, no limits"] = chosen["2 x 300 KB one sentence"]
    return chosen


def measure(texts: list[str], unbounded: bool) -> dict:
    """One full brief of `texts` after a warm-up brief: seconds, the process's peak RSS, output size, notes."""
    from newsweave import articles_from_documents, limits, make_brief
    from newsweave.render import render_json

    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    make_brief(articles_from_documents(seeds))  # loads the models
    if unbounded:
        limits.MAX_REPORT_CHARS = limits.MAX_BRIEF_CHARS = limits.MAX_SENTENCE_CHARS = 10**9
    started = time.perf_counter()
    brief = make_brief(articles_from_documents(texts))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "output_kb": len(render_json(brief).encode()) / 1024, "notes": len(brief.notes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--unbounded", action="store_true", help="add the 300 KB-sentence case without the limits")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = cases(args.dev, args.unbounded)
    if args.child:
        print(json.dumps(measure(chosen[args.child], "no limits" in args.child)))
        return
    rows = []
    for name, texts in chosen.items():
        run = subprocess.run([sys.executable, __file__, "--dev", str(args.dev), "--child", name,
                              *(["--unbounded"] if args.unbounded else [])], capture_output=True, text=True, check=True)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append((name, f"{sum(len(t) for t in texts):,}", f"{result['seconds']:.1f}", f"{result['peak_mb']:.0f}",
                     f"{result['output_kb']:.0f}", str(result["notes"])))
        print(" | ".join(rows[-1]), file=sys.stderr)
    header = ("input (one full brief)", "chars given", "seconds", "peak MB", "brief JSON KB", "notes")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
