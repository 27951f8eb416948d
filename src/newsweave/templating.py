"""The Jinja2 templates of every HTML page (newsweave/templates/), rendered with autoescaping on.

A page extends `base.html` (blocks `head`, `header`, `main`), or `_site.html` for a page of the service
(base.html with the service's top bar); `_macros.html` holds small shared pieces (source chips, card
sections). Every value from a report is escaped by Jinja2 itself, and only markup this package built is
marked safe.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .ingest import without_control_characters

STATIC_PREFIX = "/static/"


@cache
def environment() -> Environment:
    """The one Jinja2 environment: package templates, autoescaping for .html, undefined names an error."""
    from .webpage import asset_text

    env = Environment(loader=PackageLoader("newsweave", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=_without_control_characters)
    env.globals.update(asset=asset_text, static=STATIC_PREFIX, entity_href=entity_href)
    env.filters["day"] = day
    return env


def entity_href(name: str) -> str:
    """The address of the service's page of a person, organisation or place."""
    return "/entities/" + quote(name, safe="")


def render_template(name: str, **context: Any) -> str:
    """The text of template `name` filled with `context`."""
    return environment().get_template(name).render(**context)


def day(value: date) -> str:
    """A date as pages show it: 29 Sep 2020 (the `day` filter of the templates)."""
    return f"{value.day} {value:%b %Y}"


def _without_control_characters(value: Any) -> Any:
    """Every printed value loses its control characters (a NUL never reaches a page), escaped or not."""
    if isinstance(value, Markup):
        return Markup(without_control_characters(str(value)))
    return without_control_characters(value) if isinstance(value, str) else value
