"""Servers for the tests and the service benchmark: a local HTTP server, a real `newsweave serve`, seed reports."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

SEED_SOURCES = ("RFE/RL", "Belsat", "Euronews")
NEWSWEAVE_COMMAND = (sys.executable, "-m", "newsweave")
"""The command line as a subprocess runs it: this interpreter, so this checkout's newsweave."""
SERVER_START_SECONDS = 60


def seed_articles(seeds_dir: Path) -> list[dict]:
    """The three seed reports as API article objects, with outlet names and URLs."""
    paths = sorted(seeds_dir.glob("*.txt"))
    return [
        {"text": path.read_text(encoding="utf-8"), "source": name, "url": f"https://example.org/seed/{number}"}
        for number, (path, name) in enumerate(zip(paths, SEED_SOURCES), start=1)
    ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free 127.0.0.1 port in a thread; yield the base URL; stop after."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def running_service(db_path: Path, *extra: str) -> Iterator[str]:
    """Run `newsweave serve` (real uvicorn) on a free 127.0.0.1 port; yield its base URL; stop it after."""
    port = free_port()
    command = [*NEWSWEAVE_COMMAND, "serve", "--db", str(db_path), "--port", str(port), *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise AssertionError(f"newsweave serve exited with {process.returncode}: {process.stdout.read()}")
            try:
                if httpx.get(f"{base}/api/stories", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"newsweave serve did not answer within {SERVER_START_SECONDS} s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
