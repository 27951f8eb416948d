"""`newsweave serve`: the REST API and the web pages over the store, on uvicorn."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InputError

if TYPE_CHECKING:
    from ..ingest import AddressCheck
    from ..watch import BackgroundWatch

TOKEN_ENV_VARIABLE = "NEWSWEAVE_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY_MB = 10
DEFAULT_WATCH_EVERY = "15m"
MAX_BRIEF_WORKERS = 32
"""More brief workers than this is a typo: each holds its own spaCy model (about 200 MB)."""


def add_parser(commands: Any) -> None:
    """Register `serve` and its options."""
    parser = commands.add_parser(
        "serve",
        help="run the web service: post articles, read stories as briefs in a browser",
        description="Serve the REST API (/api/...) and the web pages over the article store.",
    )
    parser.add_argument("--db", help="the store file (default: $NEWSWEAVE_DB or ~/.local/share/newsweave/newsweave.db)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument("--token", help=f"require `Authorization: Bearer TOKEN` on writes (default: ${TOKEN_ENV_VARIABLE})")
    parser.add_argument("--max-body-mb", type=float, default=DEFAULT_MAX_BODY_MB,
                        help=f"largest request body accepted, in MB (default: {DEFAULT_MAX_BODY_MB})")
    parser.add_argument("--watch", metavar="FEEDS.txt",
                        help="poll the feeds of this file into the store while serving (as `newsweave watch` does)")
    parser.add_argument("--every", metavar="DURATION", help=f"with --watch: time between rounds, like 90s, 15m, 1h (default: {DEFAULT_WATCH_EVERY})")
    parser.add_argument("--brief-workers", type=_workers, default=None, metavar="N",
                        help="processes making the briefs of changed stories in the background (default: one per core, "
                             "at most 4); 0 makes each brief when its page is asked for, in the server process")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the store and serve until interrupted."""
    import uvicorn

    from ..ingest import public_address
    from ..service import DEFAULT_BRIEF_WORKERS, create_app
    from ..store import default_db_path

    if args.max_body_mb <= 0:
        raise InputError("--max-body-mb must be a positive number")
    token = args.token or os.environ.get(TOKEN_ENV_VARIABLE) or None
    _check_port_free(args.host, args.port)
    if not token and not _is_loopback(args.host):
        print(f"newsweave: warning: listening on {args.host} without a token; anyone who can reach it can post. "
              f"Give --token or set ${TOKEN_ENV_VARIABLE}.", file=sys.stderr)
    db_path = args.db or default_db_path()
    fetch_address_allowed = None if _is_loopback(args.host) else public_address
    app = create_app(
        db_path,
        token=token,
        max_body_bytes=int(args.max_body_mb * 1_000_000),
        fetch_address_allowed=fetch_address_allowed,
        watch=_background_watch(args, db_path, fetch_address_allowed),
        brief_workers=DEFAULT_BRIEF_WORKERS if args.brief_workers is None else args.brief_workers,
    )
    print(f"newsweave: serving {db_path} on http://{args.host}:{args.port}/"
          + (" (writes need the token)" if token else ""), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _background_watch(args: argparse.Namespace, db_path: str | Path, allowed_address: AddressCheck | None) -> BackgroundWatch | None:
    """The watcher of `--watch FEEDS.txt` (linked pages held to the paste form's address check), or None."""
    from ..watch import BackgroundWatch, WatchSettings, parse_duration, read_feed_list

    if not args.watch:
        if args.every:
            raise InputError("--every is the time between two rounds of --watch; give --watch FEEDS.txt too")
        return None
    every = args.every or DEFAULT_WATCH_EVERY
    seconds = parse_duration(every)
    feeds = read_feed_list(args.watch, problem=lambda message: print(f"newsweave: {message}", file=sys.stderr))
    print(f"newsweave: watching {len(feeds)} feed{'s' if len(feeds) != 1 else ''} every {every}", file=sys.stderr)
    return BackgroundWatch(db_path, feeds, WatchSettings(every=seconds, allowed_address=allowed_address))


def _check_port_free(host: str, port: int) -> None:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host") from error


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _workers(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 0 <= number <= MAX_BRIEF_WORKERS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_BRIEF_WORKERS}")
    return number


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return number
