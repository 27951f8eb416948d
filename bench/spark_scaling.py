"""Cost of `newsweave spark` as work grows, beside the single-machine store ingest of the same stream.

    python bench/spark_scaling.py [--sizes 10000 100000 1000000] [--master local[2]] [--parts 8] [--no-baseline]
                                  [--driver-memory 4g] [--src OTHER_CHECKOUT/src]

Each size: the synthetic stream of bench/scaling.py (dev articles copied as new events, light edits,
dated, in date order) is written as `--parts` JSONL files, then `newsweave spark` runs on them in a
fresh process (`--master`, default local[2]) and, as the baseline in the same run, bench/scaling.py's
single-process ingest into a SQLite store of the same stream. Memory: the peak resident memory of the
Spark job's executor, sampled every `SAMPLE_SECONDS` over its process tree (in local mode the JVM that
is driver and executor, plus its Python workers), with the largest Python worker apart. CPU time: user
and system time of the whole process tree (JVM and Python workers), which a busy shared machine
does not inflate the way it inflates wall time; reports per CPU-second is the per-core rate.

Where the time goes: the job runs with `--timings`, which tells each step's end on stderr as it happens
(also the bench's progress, with the elapsed time and memory); the bench notes the tree's CPU time at each
step's end, so each step gets its wall time and its CPU time (sampled every `SAMPLE_SECONDS`). `--src DIR`
runs the job from another checkout's `src` (e.g. `git archive` of an earlier commit), for a before/after in
the same minutes; a job without `--timings` gets no step table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scaling import DEFAULT_DEV, build_stream  # noqa: E402

SAMPLE_SECONDS = 0.5
STEP_LINE = re.compile(r"^newsweave: step done: (?P<step>.+) (?P<seconds>[0-9.]+) s$")
"""The job's line at the end of each step (job.STEP_DONE, with --timings)."""


def write_parts(dev: Path, size: int, folder: Path, parts: int) -> list[Path]:
    """The stream of `size` articles as `parts` JSONL files, in stream order (file k holds the k-th slice)."""
    paths = [folder / f"part-{k:05d}.jsonl" for k in range(parts)]
    handles = [path.open("w", encoding="utf-8") for path in paths]
    per_part = -(-size // parts)
    for number, article in enumerate(build_stream(dev, size)):
        record = {"id": article.id, "text": article.text, "source": article.source, "url": article.url,
                  "published": article.published.isoformat()}
        handles[number // per_part].write(json.dumps(record) + "\n")
    for handle in handles:
        handle.close()
    return paths


class TreeMemory:
    """Samples the resident memory of a process and its descendants: peak of the tree, and of its largest Python."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total = 0
        self.peak_python = 0
        self._cpu_ticks: dict[int, int] = {}
        """The CPU time (user + system, clock ticks) each process of the tree had used when last seen."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        """CPU time the whole tree used (processes that ended between samples lose their last half second)."""
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            sizes = self._tree()
            if sizes:
                self.peak_total = max(self.peak_total, sum(size for _, size, _ in sizes))
                self.peak_python = max([self.peak_python] + [size for command, size, _ in sizes if "pyspark.daemon" in command
                                                             or "pyspark.worker" in command])

    def _tree(self) -> list[tuple[str, int, int]]:
        children: dict[int, list[int]] = defaultdict(list)
        info: dict[int, tuple[str, int, int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                rss_pages = int((entry / "statm").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
            fields = stat.rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(entry.name))
            info[int(entry.name)] = (command, rss_pages * os.sysconf("SC_PAGE_SIZE"), int(fields[11]) + int(fields[12]))
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            if pid in info:
                found.append(info[pid])
                self._cpu_ticks[pid] = info[pid][2]
            todo.extend(children.get(pid, []))
        return found


def run_spark(files: list[Path], out: Path, master: str, driver_memory: str, src: Path | None = None) -> dict:
    """Run `newsweave spark --timings` in a fresh process; wall time, CPU time, peak memory, what it printed, and
    each step's (name, wall seconds, CPU seconds). Tells its progress on stderr."""
    env = dict(os.environ)
    env["PYSPARK_SUBMIT_ARGS"] = f"--driver-memory {driver_memory} --conf spark.ui.enabled=false pyspark-shell"
    if src is not None:
        env["PYTHONPATH"] = str(src)
    timings = src is None or "--timings" in (src / "newsweave" / "cli" / "_spark.py").read_text()
    script = Path(sys.executable).parent / "newsweave"
    command = [str(script), "spark", *map(str, files), "--out", str(out), "--master", master,
               *(["--timings"] if timings else [])]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    steps: list[tuple[str, float, float]] = []
    lines: list[str] = []
    with TreeMemory(process.pid) as memory:
        assert process.stderr is not None
        last_cpu = 0.0
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            found = STEP_LINE.match(lines[-1])
            if found:
                cpu = memory.cpu_seconds
                steps.append((found["step"], float(found["seconds"]), cpu - last_cpu))
                last_cpu = cpu
                print(f"  [{time.perf_counter() - start:7.0f} s] {found['step']}: {found['seconds']} s, CPU {cpu:.0f} s "
                      f"so far, peak memory {memory.peak_total / 2**20:.0f} MB", file=sys.stderr, flush=True)
        process.wait()
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 2):
        raise SystemExit("newsweave spark failed:\n" + "\n".join(lines[-60:]))
    summary = next((line for line in lines if line.startswith("newsweave: ") and "pages read" in line), "")
    return {"seconds": seconds, "peak_mb": memory.peak_total / 2**20, "python_mb": memory.peak_python / 2**20,
            "cpu_seconds": memory.cpu_seconds, "summary": summary, "steps": steps}


def print_steps(size: int, spark: dict) -> None:
    """Where the time of one run went: each step's wall and CPU time, and its share of the whole."""
    if not spark["steps"]:
        return
    print(f"\nWhere the time goes, {size} reports (wall and CPU time of each step; CPU of the whole process tree):\n")
    print("| step | wall (s) | share of wall | CPU (s) | share of CPU | CPU ms per report |")
    print("|---|---:|---:|---:|---:|---:|")
    wall = sum(seconds for _, seconds, _ in spark["steps"])
    cpu = sum(cpu for _, _, cpu in spark["steps"])
    for step, seconds, step_cpu in spark["steps"]:
        print(f"| {step} | {seconds:.1f} | {seconds / wall:.0%} | {step_cpu:.1f} | {step_cpu / max(cpu, 1e-9):.0%} | "
              f"{1000 * step_cpu / size:.2f} |")
    print(f"| all | {wall:.1f} | | {cpu:.1f} | | {1000 * cpu / size:.2f} |", flush=True)


def run_baseline(dev: Path, size: int) -> dict:
    """bench/scaling.py's single-process ingest of the same stream, in a fresh process."""
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "scaling.py"), "--one", str(size), "--dev", str(dev)],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Print the table, then where the time of each size went."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--parts", type=int, default=8, help="JSONL files the stream is written as")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-machine ingest (slow at 1M)")
    parser.add_argument("--src", type=Path, help="run the job from this source tree (another checkout's src)")
    args = parser.parse_args()
    print("| reports | master | Spark time (s) | Spark reports/s | CPU time (s) | reports per CPU-second | executor peak RSS (MB) | "
          "largest Python worker (MB) | single-machine ingest (s) | ingest reports/s | Spark time / ingest time |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    runs = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="newsweave-spark-bench-") as folder:
            print(f"spark_scaling: writing {size} reports as {args.parts} JSONL files", file=sys.stderr, flush=True)
            files = write_parts(args.dev, size, Path(folder), args.parts)
            print(f"spark_scaling: newsweave spark on {size} reports ({args.master})", file=sys.stderr, flush=True)
            spark = run_spark(files, Path(folder) / "tables", args.master, args.driver_memory, args.src)
            runs.append((size, spark))
        if not args.no_baseline:
            print(f"spark_scaling: single-machine ingest of {size} reports", file=sys.stderr, flush=True)
        base = None if args.no_baseline else run_baseline(args.dev, size)
        base_cells = (f"{base['seconds']:.0f} | {size / base['seconds']:.0f} | {spark['seconds'] / base['seconds']:.1f}"
                      if base else "- | - | -")
        print(f"| {size} | {args.master} | {spark['seconds']:.0f} | {size / spark['seconds']:.0f} | {spark['cpu_seconds']:.0f} | "
              f"{size / max(spark['cpu_seconds'], 1e-9):.0f} | {spark['peak_mb']:.0f} | {spark['python_mb']:.0f} | {base_cells} |",
              flush=True)
    for size, spark in runs:
        print(f"\n{size} reports: {spark['summary']}")
        print_steps(size, spark)


if __name__ == "__main__":
    main()
