"""The `newsweave` command line: one module per group of subcommands, one error policy for all."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from .._errors import NewsweaveError, NotFoundError
from . import _brief, _corpus, _search, _serve, _spark, _watch
from ._output import EXIT_BAD_INPUT

EXIT_INTERRUPTED = 130
"""128 + SIGINT."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a command whose reader closed the pipe."""
_COMMAND_MODULES = [_brief, _corpus, _serve, _watch, _search, _spark]
OPTION_FLAGS = {"max_words": "--max-words", "db_path": "--db", "every": "--every"}
"""The flag that sets each library option an error can name (`NewsweaveError.option`)."""
STORIES_HINT = "`newsweave stories` lists the stored ones"
"""Told with every unknown story id: the command that lists the ids there are."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="newsweave", description="Many news reports of one event in, one cited brief out."
    )
    parser.add_argument("--version", action="version", version=f"newsweave {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; a NewsweaveError prints its message and exits with code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except NewsweaveError as error:
        print(f"newsweave: error: {error_message(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("newsweave: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output (`| head`) has gone: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def error_message(error: NewsweaveError) -> str:
    """The error as the command line shows it: where, what, and the flag of the option at fault."""
    if isinstance(error, NotFoundError):
        error = error.with_hint(STORIES_HINT)
    flag = OPTION_FLAGS.get(error.option or "")
    return f"{error} ({flag})" if flag else str(error)
