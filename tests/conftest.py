"""Shared fixtures: the bundled seed reports and a slice of the dev set, both real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servers import NEWSWEAVE_COMMAND

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "belarus-2020-09"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEV_SLICE = FIXTURES / "multinews-dev-12.jsonl"
ECB_SLICE = FIXTURES / "ecbplus-dev-4topics.jsonl"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The three seed reports of 29 Sept 2020 (Macron meets Tikhanovskaya), as bundled in examples/."""
    return SEEDS


@pytest.fixture(scope="session")
def newsweave_command() -> list[str]:
    """The `newsweave` command line to run in a subprocess (`python -m newsweave` of this interpreter)."""
    return list(NEWSWEAVE_COMMAND)


@pytest.fixture(scope="session")
def seed_brief():
    """The full Brief of the three seed reports, computed once for the session."""
    from newsweave import make_brief
    from newsweave.sources import read_reports

    return make_brief(read_reports([str(SEEDS)]))


@pytest.fixture(scope="session")
def dev_clusters() -> list[dict]:
    """The first 12 clusters of the MultiNews dev set (real articles with human summaries)."""
    return [json.loads(line) for line in DEV_SLICE.read_text().splitlines()]


@pytest.fixture(scope="session")
def ecb_reports() -> list[dict]:
    """ECB+ topics 1, 7, 20 and 22 (Cybulska & Vossen 2014, CC BY 3.0): 99 real reports, each labelled with
    the real event it covers, two similar events per topic (two actresses' rehab check-ins, two Klitschko title
    defences, two earthquakes on one island, two double killings)."""
    return [json.loads(line) for line in ECB_SLICE.read_text(encoding="utf-8").splitlines()]
