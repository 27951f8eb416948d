"""Servers for the tests and the service benchmark: a local HTTP server, a real `newsweave serve`, seed reports."""

from __future__ import annotations

import ipaddress
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
TEST_SITE_ADDRESS = ipaddress.ip_address("127.0.0.1")
"""Where `http_server` listens; fetch tests treat it as a public site."""
INNER_ADDRESS = "127.0.0.2"
"""A second loopback address, where `inner_server` plays a page of the internal network."""


def seed_articles(seeds_dir: Path) -> list[dict]:
    """The three seed reports as API article objects, with outlet names and URLs."""
    paths = sorted(seeds_dir.glob("*.txt"))
    return [
        {"text": path.read_text(encoding="utf-8"), "source": name, "url": f"https://example.org/seed/{number}"}
        for number, (path, name) in enumerate(zip(paths, SEED_SOURCES, strict=True), start=1)
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


def as_if_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """The fetch policy of a service bound beyond loopback, with the test site on 127.0.0.1 standing in for a public host."""
    from newsweave.ingest import public_address

    return address == TEST_SITE_ADDRESS or public_address(address)


def redirecting_handler(targets: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    """A handler answering 302 to `targets[path]` (to the path itself when it is not listed)."""

    class Redirector(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(302)
            self.send_header("Location", targets.get(self.path, self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Redirector


@contextmanager
def inner_server() -> Iterator[tuple[str, list[str]]]:
    """A page of the internal network (an admin panel, a metadata service) on 127.0.0.2; yield its URL and its visits."""
    visits: list[str] = []

    class Inner(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            visits.append(self.path)
            body = b"<html><body><article><p>Internal credentials: hunter2. Never to be fetched.</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((INNER_ADDRESS, 0), Inner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{INNER_ADDRESS}:{server.server_address[1]}", visits
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


class FeedSite:
    """A news site on 127.0.0.1 that a test changes between polls: each path gives the answer last set for it,
    honours If-None-Match / If-Modified-Since with 304, and every request is counted by path."""

    def __init__(self) -> None:
        self.answers: dict[str, dict] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()

    def put(self, path: str, body: str | bytes, content_type: str, *, etag: str | None = None,
            last_modified: str | None = None, delay: float = 0.0) -> None:
        """Serve `body` at `path` (after `delay` seconds), with these validators."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.answers[path] = {"status": 200, "body": data, "type": content_type, "etag": etag,
                              "last_modified": last_modified, "delay": delay}

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        """Answer `path` with a redirect to `target`."""
        self.answers[path] = {"status": status, "location": target}

    def fail(self, path: str, status: int = 500) -> None:
        """Answer `path` with an error status and a short HTML error page."""
        self.answers[path] = {"status": status, "body": b"<html><body>Internal Server Error</body></html>",
                              "type": "text/html", "etag": None, "last_modified": None, "delay": 0.0}

    def count(self, path: str) -> int:
        """How many requests `path` has had."""
        with self._lock:
            return sum(1 for requested, _ in self.requests if requested == path)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler serving this site."""
        site = self

        class Site(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with site._lock:
                    site.requests.append((self.path, dict(self.headers.items())))
                answer = site.answers.get(self.path)
                if answer is None:
                    self._send(404, b"not here", "text/plain")
                elif "location" in answer:
                    self.send_response(answer["status"])
                    self.send_header("Location", answer["location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self._unchanged(answer):
                    self.send_response(304)
                    self.end_headers()
                else:
                    time.sleep(answer["delay"])
                    self._send(answer["status"], answer["body"], answer["type"], answer)

            def _unchanged(self, answer: dict) -> bool:
                etag, modified = answer.get("etag"), answer.get("last_modified")
                return bool((etag and self.headers.get("If-None-Match") == etag)
                            or (modified and self.headers.get("If-Modified-Since") == modified))

            def _send(self, status: int, body: bytes, content_type: str, answer: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for header, key in (("ETag", "etag"), ("Last-Modified", "last_modified")):
                    if answer and answer.get(key):
                        self.send_header(header, answer[key])
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a time-out under test)

            def log_message(self, *args: object) -> None:
                pass

        return Site
