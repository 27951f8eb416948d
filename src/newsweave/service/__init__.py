"""The newsweave service: a REST API and web pages over the article store (FastAPI + uvicorn)."""

from __future__ import annotations

from ._app import DEFAULT_MAX_BODY_BYTES, create_app

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]
