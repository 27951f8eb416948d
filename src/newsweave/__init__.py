"""newsweave: many news reports of one event in, one cited brief a reader can trust out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .pipeline import articles_from_documents, make_brief

__version__: str
"""The installed distribution's version (pyproject.toml is the one place it is written)."""


def __getattr__(name: str) -> Any:
    """`__version__` and the pipeline's functions, imported when first asked for: commands that make no brief
    (`cluster`, `ingest`) start without loading the summarizer's modules."""
    if name == "__version__":
        from importlib.metadata import version

        globals()[name] = version("newsweave")
        return globals()[name]
    if name in ("articles_from_documents", "make_brief"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'newsweave' has no attribute {name!r}")


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
