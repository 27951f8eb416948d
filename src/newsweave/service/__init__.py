"""The newsweave service: a REST API and web pages over the article store (FastAPI + uvicorn)."""

from __future__ import annotations

from ._app import DEFAULT_MAX_BODY_BYTES, create_app
from ._pool import DEFAULT_BRIEF_WORKERS

__all__ = ["DEFAULT_BRIEF_WORKERS", "DEFAULT_MAX_BODY_BYTES", "create_app"]
