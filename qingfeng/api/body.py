"""Reading a request body as JSON, refusing what the rest of the site cannot hold.

``json.loads`` accepts three things that later fail far from the cause: a lone surrogate
(``"\\ud800"``, valid JSON but no text UTF-8 can store, so the database write fails), a
NUL character (``"\\u0000"``, which PostgreSQL can neither store nor compare: any query
with it is a server error) and nesting deep enough to exhaust the interpreter's stack. All
are refused here, as a body that is not valid JSON, before any schema sees them.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

# No record batch nests deeper than 4 (body, records, item, value); room for more.
MAX_DEPTH = 32


class BodyError(ValueError):
    """A body refused as JSON; the message says why (in the request's language)."""


def _too_deep() -> BodyError:
    return BodyError(_("the body is nested more than %(max)s levels deep") % {"max": MAX_DEPTH})


def _check(document: Any) -> None:
    """Walk the document (without recursion): ``BodyError`` on too deep a nesting or a
    text (value or key) that is not valid Unicode or holds a NUL character."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise BodyError(_("the body holds text that is not valid Unicode")) from None
            if "\x00" in value:
                raise BodyError(_("the body holds a NUL character, which no text may hold"))
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise _too_deep()
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


class StrictJsonParser(Parser):
    """ninja's JSON parser, refusing lone surrogates, NUL characters and deep nesting
    (``BodyError``, which ninja reports as an ``HttpError`` caused by it)."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            document = json.loads(request.body)
        except RecursionError:
            raise _too_deep() from None
        _check(document)
        return document
