"""newsweave: many news reports of one event in, one cited brief a reader can trust out."""

from __future__ import annotations

from importlib.metadata import version

from ._errors import (
    FetchError,
    InputError,
    NewsweaveError,
    NotEnoughSourcesError,
    NotFoundError,
    SetupError,
    StoreError,
)
from .models import Article, Brief, Sentence, Story
from .options import Options
from .pipeline import articles_from_documents, make_brief

__version__ = version("newsweave")
"""The installed distribution's version (pyproject.toml is the one place it is written)."""

__all__ = [
    "Article",
    "Brief",
    "FetchError",
    "InputError",
    "NewsweaveError",
    "NotEnoughSourcesError",
    "NotFoundError",
    "Options",
    "Sentence",
    "SetupError",
    "Story",
    "StoreError",
    "articles_from_documents",
    "make_brief",
]
