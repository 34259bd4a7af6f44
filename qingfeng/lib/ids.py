"""Row ids as a query string or a form sends them: text anyone can type."""

from __future__ import annotations

# The largest id a BigAutoField (settings.DEFAULT_AUTO_FIELD) holds, on every database.
MAX_ID = 2**63 - 1


def parse_id(text: object) -> int | None:
    """The id written in ``text`` (ASCII digits, 1 to ``MAX_ID``), else None.

    ``int()`` is too lenient for an id from a request: it takes " 12", "+12", "1_000" and
    "١٢", and any size, while a filter on a number no id column holds is a server error
    (SQLite's OverflowError, PostgreSQL's "out of range"). A view answers None as it
    answers an unknown id.
    """
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
