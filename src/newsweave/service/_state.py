"""What every route shares, held by the app under one name and handed to routes as a FastAPI dependency."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from ..ingest import AddressCheck
from ..store import Store
from ._briefs import StoryBriefs


@dataclass(frozen=True, slots=True)
class ServiceState:
    """The store, the stories' briefs, the lock that runs the pipeline in the server process, and the settings."""

    store: Store
    briefs: StoryBriefs
    pipeline_lock: threading.Lock
    max_body_bytes: int
    fetch_address_allowed: AddressCheck | None
    """Which addresses the paste form may fetch from (None: any)."""


def install_state(app: FastAPI, state: ServiceState) -> None:
    """Give `app` its state (read back with `service_state`)."""
    app.state.newsweave = state


def state_of(request: Request) -> ServiceState:
    """The state of the app serving `request`."""
    state: ServiceState = request.app.state.newsweave
    return state


async def service_state(request: Request) -> ServiceState:
    """`state_of` as a route dependency (async: FastAPI runs a plain function dependency in its thread pool, one
    more hop for every request)."""
    return state_of(request)


State = Annotated[ServiceState, Depends(service_state)]
"""A route parameter annotated `State` receives the service's state."""
