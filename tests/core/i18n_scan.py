"""Finds user-facing text that does not go through translation (tests/core/test_i18n.py).

Templates: each template is reduced to its HTML with every template tag and variable
replaced by a hole, and the text inside ``{% blocktranslate %}`` and ``{% comment %}``
dropped; what remains in text nodes (outside script, style and code) and in the
attributes a user sees or hears (title, placeholder, aria-label, alt, label, a button's
value) must hold no letters, bar a few names of file formats.

Python: a literal text (a string, an f-string, ``"…" % x``) given as the message of
``messages.*``, ``ValidationError``, ``add_error``, ``BadValue``, an import ``Issue``
(``Issue(…)``, ``issues.at``/``issues.add``) or an API error (``HttpError``, ``_detail``)
is shown to a user untranslated; a translated one is a call (``_("…")``), never a literal.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

HOLE = "\ue000"  # where a template tag or variable was: never text of its own
LETTERS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]+")
# Names a user reads as they are, in any language (file formats).
NAMES = frozenset({"Excel", "YAML", "xlsx"})
VISIBLE_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "label"})
HIDDEN_ELEMENTS = frozenset({"script", "style", "code", "kbd", "pre", "samp"})
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}


def words(text: str) -> list[str]:
    """The words of ``text`` a user would read untranslated (names of formats aside)."""
    return [word for word in LETTERS.findall(text.replace(HOLE, " ")) if word not in NAMES]


def skeleton(source: str) -> str:
    """The template's HTML with its tags and variables as holes, and the text of
    translation blocks and comments left out."""
    parts: list[str] = []
    until: str | None = None
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.contents.split() else ""
        if until is not None:
            if token.token_type is TokenType.BLOCK and name == until:
                until = None
                parts.append(HOLE)
            else:  # keep the line breaks, so lines are counted as in the source
                parts.append("\n" * token.contents.count("\n"))
            continue
        if token.token_type is TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type in (TokenType.BLOCK, TokenType.VAR):
            until = SKIPPED_BLOCKS.get(name) if token.token_type is TokenType.BLOCK else None
            parts.append(HOLE)
    return "".join(parts)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self.hidden.append(tag)
        shown = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and shown.get("type") in {"submit", "button", "reset"}
            )
            if visible and value and words(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.hidden and words(data):
            self.found.append((self.getpos()[0], data.replace(HOLE, "…").strip()))


def untranslated_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) of each text a user would see untranslated in a template's source."""
    finder = _Finder()
    finder.feed(skeleton(source))
    finder.close()
    return finder.found


def _literal(node: ast.expr) -> str | None:
    """The text of a literal message: a string, an f-string, ``"…" % x``, ``"…" + x``,
    ``"…".format(x)``; None for anything else (a call of ``_`` included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _literal(node.left) or _literal(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _literal(node.func.value)
    return None


def _message(call: ast.Call) -> ast.expr | None:
    """The argument of ``call`` that a user reads, if it is a call that shows one."""
    func, args = call.func, call.args
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )
    owner = (
        func.value.id
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        else ""
    )
    position = {
        # (owner or "" for any, name) → position of the message, and its keyword
        ("messages", "debug"): (1, "message"),
        ("messages", "info"): (1, "message"),
        ("messages", "success"): (1, "message"),
        ("messages", "warning"): (1, "message"),
        ("messages", "error"): (1, "message"),
        ("messages", "add_message"): (2, "message"),
        ("", "ValidationError"): (0, "message"),
        ("", "add_error"): (1, "error"),
        ("", "BadValue"): (0, ""),
        ("", "Issue"): (3, "message"),
        ("", "HttpError"): (1, "message"),
        ("", "_detail"): (1, "message"),
    }
    found = position.get((owner, name)) or position.get(("", name))
    if found is None:
        # Issues.at(row, column, message) and Issues.add(sheet, row, column, message).
        if name == "at" and len(args) == 3:
            return args[2]
        if name == "add" and len(args) == 4:
            return args[3]
        return None
    index, keyword = found
    return args[index] if len(args) > index else keywords.get(keyword)


def untranslated_in_python(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal message shown to a user in a Python module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            argument = _message(node)
            text = _literal(argument) if argument is not None else None
            if text and words(text):
                found.append((node.lineno, text))
    return found


def scan(root: Path) -> list[str]:
    """Every untranslated user-facing text under ``root``'s templates and code."""
    problems: list[str] = []
    for path in sorted((root / "templates").rglob("*.html")):
        for line, text in untranslated_in_template(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(root)}:{line}: {text}")
    for path in sorted((root / "qingfeng").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in untranslated_in_python(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(root)}:{line}: {text}")
    return problems
