"""Shared pieces of the fuzz tests (issue 10): hostile values and the forms of a page.

``hostile_text`` is what a user (or a script posing as one) can type or paste into a
field: any Unicode (control characters, NUL, lone surrogates sent as the bytes a
careless client encodes them to), numbers Python reads but the site must refuse (NaN,
inf, 1e309, huge or negative), very long texts. ``page_forms`` reads the forms of a page
as a browser does, so a fuzz test posts exactly the fields the page offers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples per fuzz test: modest, so that all of them together stay within seconds;
# ``QINGFENG_FUZZ_EXAMPLES`` raises it for a longer search (docs/testing.md).
FUZZ_EXAMPLES = int(os.environ.get("QINGFENG_FUZZ_EXAMPLES", "0")) or None

TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1" * 40,
    "9" * 400,
    "0x1F",
    "１２",  # full-width digits
    "3,5",
    "1_000",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "2026Q5",
    "true",
    "None",
    "null",
    "[]",
    "{}",
    "%s",
    "{0}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\x00b",
    "\x00",
    "\ud800",
    "\u202e反向",
    "\r\n",
    "x" * 5000,
    "黎城县" * 300,
]


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings of a fuzz test: ``examples`` (or ``QINGFENG_FUZZ_EXAMPLES``),
    no deadline (a request may be slow on a busy machine), derandomised so that CI sees
    the same examples on every run, and no example database to write to."""
    return settings(
        max_examples=FUZZ_EXAMPLES or examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def hostile_text() -> st.SearchStrategy[str]:
    """A value a user could put in any field."""
    return st.one_of(
        st.sampled_from(TRICKY),
        st.text(max_size=30),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    )


def encode(values: dict[str, Any]) -> str:
    """A form body or query string; a lone surrogate becomes the bytes a lax client sends
    for it (CESU-8), which Django must decode without failing."""
    return urlencode(values, doseq=True, encoding="utf-8", errors="surrogatepass")


@dataclass
class Form:
    """One ``<form>`` of a page: its method, action (None: the page itself) and fields
    (name → the values the page offers, e.g. a select's options)."""

    method: str
    action: str | None
    fields: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            method = (found.get("method") or "get").lower()
            self.forms.append(Form(method, found.get("action") or None))
            return
        if not self.forms:
            return
        fields = self.forms[-1].fields
        name = found.get("name")
        if tag in ("input", "textarea", "select") and name and name != "csrfmiddlewaretoken":
            if found.get("type") in ("file", "submit", "button", "image", "reset"):
                return
            fields.setdefault(name, [])
            if found.get("value"):
                fields[name].append(found["value"] or "")
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select is not None:
            fields[self.select].append(found.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def page_forms(html: str) -> list[Form]:
    """The forms of a page with at least one field."""
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.fields]


def form_values(form: Form) -> st.SearchStrategy[dict[str, str]]:
    """Values for some of a form's fields: what the page offers, or anything at all."""
    per_field = {
        name: st.one_of(st.sampled_from(offered), hostile_text()) if offered else hostile_text()
        for name, offered in form.fields.items()
    }
    return st.fixed_dictionaries({}, optional=per_field)
