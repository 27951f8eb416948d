"""newsweave: many news reports of one event in, one cited brief a reader can trust out."""

from __future__ import annotations

from ._errors import FetchError, InputError, NewsweaveError, NotEnoughSourcesError, NotFoundError, StoreError
from .models import Article, Brief, Sentence, Story
from .options import Options
from .pipeline import articles_from_documents, make_brief

__version__ = "0.1.0"

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
    "Story",
    "StoreError",
    "articles_from_documents",
    "make_brief",
]
