"""Summary benchmark: newsweave against lead, LexRank and TextRank on the dev set, in one run.

    python bench/run.py [--dev ../shared/data/multinews-dev.jsonl] [--max-words 260]

Each system runs as a whole process over all clusters (start-up included) and is timed with its peak
memory; every summary is scored with ROUGE-1/2/Lsum F1 (rouge-score, stemming on) against the
human summary. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "data" / "multinews-dev.jsonl"
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def systems(dev: Path, max_words: int) -> dict[str, tuple[list[str], Path]]:
    """Each system's command line and the file of summaries it writes."""
    budget = ["--max-words", str(max_words)]
    newsweave = [str(BIN / "newsweave"), "brief", "--batch", str(dev), *budget, "--quiet", "--out"]
    baseline = [sys.executable, str(ROOT / "bench" / "baselines.py")]
    commands = {
        "newsweave": [*newsweave, str(OUT / "newsweave.jsonl"), "--summary-only"],
        "newsweave (1 process)": [*newsweave, str(OUT / "newsweave-1.jsonl"), "--summary-only", "--jobs", "1"],
        "newsweave (full analysis)": [*newsweave, str(OUT / "newsweave-full.jsonl")],
        "lead": [*baseline, "lead", str(dev), str(OUT / "lead.jsonl"), *budget],
        "sumy LexRank": [*baseline, "lexrank", str(dev), str(OUT / "lexrank.jsonl"), *budget],
        "sumy TextRank": [*baseline, "textrank", str(dev), str(OUT / "textrank.jsonl"), *budget],
    }
    return {name: (command, Path(next(a for a in command if a.startswith(str(OUT))))) for name, command in commands.items()}


def run_timed(command: list[str]) -> tuple[float, float]:
    """Run a command to completion; return its wall time (s) and the peak memory of its process tree (MB).

    Memory is sampled every 20 ms as the sum of the resident sets of the process and its children
    (pages shared between forked workers count in each: an upper bound).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return elapsed, peak


def _tree_rss_mb(root: int) -> float:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(children.get(pid, []))
    return total / 1e6


def rouge_f1(dev: Path, output: Path) -> dict[str, float]:
    """Mean ROUGE-1/2/Lsum F1 (x100) of a system's summaries against the references."""
    from rouge_score import rouge_scorer

    references = {row["id"]: row["summary"] for row in map(json.loads, dev.read_text().splitlines())}
    produced = {row["id"]: "\n".join(s["text"] for s in row["summary"]) for row in map(json.loads, output.read_text().splitlines())}
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeLsum": 0.0}
    for story_id, reference in references.items():
        scores = scorer.score(reference, produced.get(story_id, ""))
        for key in totals:
            totals[key] += scores[key].fmeasure
    return {key: 100 * value / len(references) for key, value in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--max-words", type=int, default=260)
    parser.add_argument("--skip", action="append", default=[], help="system names to leave out")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    clusters = sum(1 for _ in args.dev.open())
    rows = []
    for name, (command, output) in systems(args.dev, args.max_words).items():
        if name in args.skip:
            continue
        print(f"running {name} ...", file=sys.stderr)
        seconds, memory = run_timed(command)
        rows.append((name, rouge_f1(args.dev, output), seconds, memory))
    lexrank_seconds = next((s for n, _, s, _ in rows if n == "sumy LexRank"), None)
    print(f"\n{clusters} clusters, {args.max_words}-word budget, ROUGE F1 with stemming; whole runs, start-up included\n")
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | time (s) | speed vs LexRank | peak memory, all processes (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, scores, seconds, memory in rows:
        speed = f"{lexrank_seconds / seconds:.1f}x" if lexrank_seconds else "-"
        print(f"| {name} | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | {scores['rougeLsum']:.2f} "
              f"| {seconds:.1f} | {speed} | {memory:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
