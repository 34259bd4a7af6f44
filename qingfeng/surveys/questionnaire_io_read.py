"""Reading questionnaire files (YAML or .xlsx) into a ``VersionSpec``, with the problems
only a file can have (not YAML, unknown keys, sheets and columns, a list that is no list),
located by YAML path or by sheet, row and column. The shared readers of
``qingfeng.lib.tabular`` do the reading, as for the framework and organisation imports.

The format (docs/surveys-questionnaires.md):

* YAML: ``code, name, title, intro, categories: [township, …], questions: [{code, kind:
  likert|single|multiple|text, text, required, choices: [{label, score}]}]``;
* .xlsx: a sheet 问卷 of key/value rows (项目, 内容) and a sheet 题目 of one row per
  question (编码, 题型, 题干, 必答, 选项), the choices in one cell as
  ``满意=100；基本满意=60；不了解`` (a choice without ``=score`` scores nothing).

Sheet and column names are Chinese (the English keys are read as well).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.lib.tabular import (
    FILE,
    BadValue,
    Issue,
    Issues,
    boolean,
    read_header,
    read_items,
    read_xlsx,
    read_yaml_mapping,
    sheet_where,
    text,
    unknown_sheet,
    within_size,
)
from qingfeng.surveys.questionnaire_spec import (
    KIND_WORDS,
    ChoiceSpec,
    Locate,
    QuestionSpec,
    VersionSpec,
    parse_choices,
    to_score,
)

# The sheets and columns of the .xlsx format, by their Chinese names (the English key of
# each is read too).
META_SHEET = "问卷"
QUESTION_SHEET = "题目"
SHEET_KEYS = {"questionnaire": META_SHEET, "questions": QUESTION_SHEET}
META_COLUMNS = ("项目", "内容")
META_COLUMN_KEYS = {"key": "项目", "value": "内容"}
META_KEYS = {
    "code": "编码",
    "name": "名称",
    "title": "标题",
    "intro": "说明",
    "categories": "适用单位类别",
}
QUESTION_COLUMNS = ("编码", "题型", "题干", "必答", "选项")
QUESTION_COLUMN_KEYS = {
    "code": "编码",
    "kind": "题型",
    "text": "题干",
    "required": "必答",
    "choices": "选项",
}
# A field of the spec -> the column that holds it (a choice's score is in 选项 too).
FIELD_COLUMNS = {**QUESTION_COLUMN_KEYS, "score": "选项"}
KIND_ALIASES = {
    **{word: kind for kind, word in KIND_WORDS.items()},
    "量表": "likert",
    "满意度": "likert",
    "单选题": "single",
    "多选题": "multiple",
    "文本": "text",
    "填空": "text",
    "简答题": "text",
}
YAML_KEYS = ("code", "name", "title", "intro", "categories", "questions")
QUESTION_KEYS = ("code", "kind", "text", "required", "choices")
CHOICE_KEYS = ("label", "score")
_CODES = re.compile(r"[,，、;；\s]+")


def kind_of(value: Any) -> Any:
    """A question's kind from its code or Chinese word (any case); other text stays, for
    the checks to report."""
    written = text(value) if not isinstance(value, list | dict | bool) else None
    if written is None:
        return None
    return KIND_ALIASES.get(written, written.lower())


def _required(value: Any, problem: Callable[[str], None]) -> bool:
    try:
        converted = boolean(value)
    except BadValue as exc:
        problem(str(exc))
        return True
    return True if converted is None else converted


def _text(value: Any, problem: Callable[[str], None]) -> str | None:
    try:
        return text(value)
    except BadValue as exc:
        problem(str(exc))
        return None


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(part).strip() for part in value if part is not None and str(part).strip()]
    return [part for part in _CODES.split(str(value)) if part]


def read_questionnaire(
    data: bytes, filename: str
) -> tuple[VersionSpec | None, Locate, list[Issue]]:
    """Read a questionnaire file by its extension: the spec (None when it cannot be read),
    how places in it are worded for the checks, and the reading problems."""
    issues = Issues()
    if not within_size(data, issues):
        return None, yaml_where, issues.items
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return _read_yaml(data, issues), yaml_where, issues.items
    if name.endswith(".xlsx"):
        spec, rows = _read_xlsx(data, issues)
        return spec, xlsx_locator(rows), issues.items
    issues.add(FILE, None, None, _("unsupported file type; use .yaml, .yml or .xlsx"))
    return None, yaml_where, issues.items


# ---------------------------------------------------------------------------------------
# YAML


def yaml_where(question: int | None, field: str | None, choice: int | None) -> str:
    """A place in a YAML file as its path: ``questions[3].choices[2].score`` (from 1)."""
    if question is None:
        return field or ""
    path = f"questions[{question + 1}]"
    if choice is not None:
        path += f".choices[{choice + 1}]"
        return f"{path}.{field}" if field in ("label", "score") else path
    return f"{path}.{field}" if field else path


def _at(issues: Issues, place: str, message: str) -> None:
    issues.items.append(Issue("", None, None, message, place=place))


def _reporter(issues: Issues, place: str) -> Callable[[str], None]:
    """A callback recording a message at a YAML ``place``."""

    def report(message: str) -> None:
        _at(issues, place, message)

    return report


def _cell_reporter(issues: Issues, sheet: str, row: int, column: str) -> Callable[[str], None]:
    """A callback recording a message at a cell."""

    def report(message: str) -> None:
        issues.add(sheet, row, column, message)

    return report


def _unknown_keys(issues: Issues, where: str, keys: object, known: tuple[str, ...]) -> None:
    for key in keys:  # type: ignore[attr-defined]
        if str(key) not in known:
            message = _('unknown key "%(key)s"; expected one of: %(expected)s') % {
                "key": key,
                "expected": ", ".join(known),
            }
            _at(issues, f"{where}.{key}" if where else str(key), message)


def _read_yaml(data: bytes, issues: Issues) -> VersionSpec | None:
    document = read_yaml_mapping(data, issues)
    if document is None:
        return None
    _unknown_keys(issues, "", document.keys(), YAML_KEYS)
    spec = VersionSpec()
    for key in ("code", "name", "title", "intro"):
        value = _text(document.get(key), _reporter(issues, key))
        setattr(spec, key, value)
    categories = document.get("categories")
    if categories is not None and not isinstance(categories, list | str):
        _at(issues, "categories", _("expected a list of unit category codes"))
    else:
        spec.categories = _codes(categories)
    questions = document.get("questions")
    if questions is None:
        questions = []
    if not isinstance(questions, list):
        _at(issues, "questions", _("expected a list of questions"))
        return spec
    for index, raw in enumerate(questions):
        where = yaml_where(index, None, None)
        if not isinstance(raw, dict):
            _at(issues, where, _("expected a mapping with code, kind, text and choices"))
            continue
        _unknown_keys(issues, where, raw.keys(), QUESTION_KEYS)
        question = QuestionSpec(
            code=_text(raw.get("code"), _reporter(issues, yaml_where(index, "code", None))),
            kind=kind_of(raw.get("kind")),
            text=_text(raw.get("text"), _reporter(issues, yaml_where(index, "text", None))),
            required=_required(
                raw.get("required"),
                _reporter(issues, yaml_where(index, "required", None)),
            ),
        )
        choices = raw.get("choices")
        if choices is None:
            choices = []
        if not isinstance(choices, list):
            _at(issues, yaml_where(index, "choices", None), _("expected a list of choices"))
            choices = []
        for at, item in enumerate(choices):
            if isinstance(item, str):
                question.choices += parse_choices(item)[:1] or [ChoiceSpec("", None)]
            elif isinstance(item, dict):
                _unknown_keys(issues, yaml_where(index, None, at), item.keys(), CHOICE_KEYS)
                label = _text(
                    item.get("label"),
                    _reporter(issues, yaml_where(index, "label", at)),
                )
                question.choices.append(ChoiceSpec(label or "", to_score(item.get("score"))))
            else:
                _at(
                    issues,
                    yaml_where(index, None, at),
                    _("expected a mapping with label and score"),
                )
        spec.questions.append(question)
    return spec


# ---------------------------------------------------------------------------------------
# .xlsx


def xlsx_locator(rows: dict[str, Any]) -> Locate:
    """Places in a workbook: a question by its row of 题目, a setting by its row of 问卷
    (``rows`` says which row each came from)."""

    def locate(question: int | None, field: str | None, choice: int | None) -> str:
        if question is None:
            if field in META_KEYS:
                row = rows.get("meta", {}).get(field)
                return sheet_where(META_SHEET, row, "内容" if row else None)
            return sheet_where(QUESTION_SHEET)
        question_rows = rows.get("questions", [])
        row = question_rows[question] if question < len(question_rows) else None
        where = sheet_where(QUESTION_SHEET, row, FIELD_COLUMNS.get(field or ""))
        if choice is not None:
            where += _(" (choice %(number)s)") % {"number": choice + 1}
        return where

    return locate


def _header_keys(cells: list[Any], keys: dict[str, str]) -> list[Any]:
    # An English key in a header cell reads as its Chinese column.
    return [
        keys.get(str(value).strip().lower(), value) if value is not None else None
        for value in cells
    ]


def _read_xlsx(data: bytes, issues: Issues) -> tuple[VersionSpec | None, dict[str, Any]]:
    rows: dict[str, Any] = {"meta": {}, "questions": []}
    workbook = read_xlsx(data, issues)
    if workbook is None:
        return None, rows
    sheets: dict[str, list[list[Any]]] = {}
    for title, cells in workbook.items():
        name = SHEET_KEYS.get(title.strip().lower(), title.strip())
        if name not in (META_SHEET, QUESTION_SHEET):
            issues.add(FILE, None, None, unknown_sheet(title, (META_SHEET, QUESTION_SHEET)))
            continue
        sheets[name] = cells
    spec = VersionSpec()
    _read_meta(sheets.get(META_SHEET), spec, rows, issues)
    if QUESTION_SHEET not in sheets:
        issues.add(
            FILE, None, None, _('the sheet "%(sheet)s" is missing') % {"sheet": QUESTION_SHEET}
        )
        return spec, rows
    cells = sheets[QUESTION_SHEET]
    if not cells:
        return spec, rows
    header = _header_keys(cells[0], QUESTION_COLUMN_KEYS)
    names = read_header(header, sheet=QUESTION_SHEET, columns=QUESTION_COLUMNS, issues=issues)
    for item in read_items(cells, names, sheet=QUESTION_SHEET, issues=issues):
        row = item.row

        def problem(column: str, row: int = row) -> Callable[[str], None]:
            return _cell_reporter(issues, QUESTION_SHEET, row, column)

        values = item.values
        spec.questions.append(
            QuestionSpec(
                code=_text(values.get("编码"), problem("编码")),
                kind=kind_of(values.get("题型")),
                text=_text(values.get("题干"), problem("题干")),
                required=_required(values.get("必答"), problem("必答")),
                choices=parse_choices(_text(values.get("选项"), problem("选项"))),
            )
        )
        rows["questions"].append(row)
    return spec, rows


def _read_meta(
    cells: list[list[Any]] | None, spec: VersionSpec, rows: dict[str, Any], issues: Issues
) -> None:
    if cells is None:
        issues.add(FILE, None, None, _('the sheet "%(sheet)s" is missing') % {"sheet": META_SHEET})
        return
    if not cells:
        return
    header = _header_keys(cells[0], META_COLUMN_KEYS)
    names = read_header(header, sheet=META_SHEET, columns=META_COLUMNS, issues=issues)
    by_word = {word: key for key, word in META_KEYS.items()}
    for item in read_items(cells, names, sheet=META_SHEET, issues=issues):
        written = (
            text(item.values.get("项目")) if not isinstance(item.values.get("项目"), bool) else None
        )
        key = by_word.get(written or "", (written or "").lower())
        if key not in META_KEYS:
            message = _('unknown item "%(item)s"; expected one of: %(expected)s') % {
                "item": written or "",
                "expected": "、".join(META_KEYS.values()),
            }
            issues.add(META_SHEET, item.row, "项目", message)
            continue
        if key in rows["meta"]:
            issues.add(META_SHEET, item.row, "项目", _("this item is listed twice"))
            continue
        rows["meta"][key] = item.row
        value = item.values.get("内容")
        if key == "categories":
            spec.categories = _codes(value)
        else:
            converted = _text(value, _cell_reporter(issues, META_SHEET, item.row, "内容"))
            setattr(spec, key, converted)
