"""The typed body of a records push, and its errors worded as the Excel import words them.

Each field of ``RecordIn`` is converted by the records import's own cell converters
(``qingfeng.lib.tabular``), so a value the Excel upload refuses is refused here with the
same message, in the request's language; ``batch_issues`` turns what ninja reports into
located ``Issue`` objects (the item's index as the row, the field as the column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from qingfeng.api.wording import error_message
from qingfeng.lib.numbers import POINTS_LIMIT, QUANTITY_LIMIT, VALUE_LIMIT
from qingfeng.lib.tabular import BadValue, Issue, bounded, number_within, text
from qingfeng.records.imports import COLUMNS
from qingfeng.records.models import Record

EXTERNAL_ID_MAX = Record._meta.get_field("external_id").max_length or 100
# The order a record's errors are listed in: its id, then the columns of the import.
FIELD_ORDER: tuple[str, ...] = ("external_id", *COLUMNS)
_ERROR = "qingfeng"  # the pydantic error type of the messages worded here


def _refuse(message: str) -> PydanticCustomError:
    # The message goes in the context, not the template: a value quoted in it may hold
    # braces, which a template would try to fill.
    return PydanticCustomError(_ERROR, "{message}", {"message": message})


def _cell(convert: Callable[[Any], Any], *, required: bool = False) -> Callable[[Any], Any]:
    """A pydantic validator converting a value as the Excel import converts its cell."""

    def validate(value: Any) -> Any:
        try:
            converted = convert(value)
        except BadValue as exc:
            raise _refuse(str(exc)) from None
        if required and converted is None:
            raise _refuse(_("this field is required"))
        return converted

    return validate


def _external_id(value: Any) -> str:
    if value is None:
        raise _refuse(_("this field is required"))
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _refuse(_("expected text"))
    written = str(value).strip()
    if not written:
        raise _refuse(_("this field is required"))
    if len(written) > EXTERNAL_ID_MAX:
        raise _refuse(_("at most %(max)s characters") % {"max": EXTERNAL_ID_MAX})
    return written


# A required text: something besides blanks (the import trims a cell, then needs a value).
REQUIRED_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S"}

Text = Annotated[str, BeforeValidator(_cell(text, required=True)), WithJsonSchema(REQUIRED_TEXT)]
OptionalText = Annotated[str | None, BeforeValidator(_cell(text))]


def _optional_text(max_length: int) -> dict[str, Any]:
    """How the OpenAPI document says an optional text of at most ``max_length``."""
    return {"anyOf": [{"type": "string", "maxLength": max_length}, {"type": "null"}]}


GRADE_MAX = 32
PROBLEM_TYPE_MAX = Record._meta.get_field("problem_type").max_length or 100


def _number_schema(limit: float) -> dict[str, Any]:
    """How the OpenAPI document says a number field: a number within the bounds of
    ``qingfeng.lib.numbers`` (the import's converter checks them), numeric text, or null."""
    return {
        "anyOf": [
            {"type": "number", "minimum": -limit, "maximum": limit},
            {"type": "string"},
            {"type": "null"},
        ]
    }


Points = Annotated[
    float | None,
    BeforeValidator(_cell(number_within(POINTS_LIMIT))),
    WithJsonSchema(_number_schema(POINTS_LIMIT)),
]
Quantity = Annotated[
    float | None,
    BeforeValidator(_cell(number_within(QUANTITY_LIMIT))),
    WithJsonSchema(_number_schema(QUANTITY_LIMIT)),
]
Value = Annotated[
    float | None,
    BeforeValidator(_cell(number_within(VALUE_LIMIT))),
    WithJsonSchema(_number_schema(VALUE_LIMIT)),
]
# The date stays text here: the import's checks convert it (and also accept 2026/8/3).
DateText = Annotated[
    str,
    BeforeValidator(_cell(text, required=True)),
    WithJsonSchema({"type": "string", "format": "date"}),
]


# What each field of a record means, in the OpenAPI document (lazy: worded per request).
RECORD_FIELDS = {
    "external_id": gettext_lazy(
        "The sending system's own id of the record, unique for the station: a record sent "
        "again under the same id is skipped."
    ),
    "unit": gettext_lazy("The unit's code."),
    "indicator": gettext_lazy("The code of a leaf indicator of the framework."),
    "date": gettext_lazy(
        "The date of the fact, YYYY-MM-DD; it must fall in an open collection period."
    ),
    "points": gettext_lazy(
        "Points, for the rules that take them (deduct, bonus, direct); at most 10,000."
    ),
    "quantity": gettext_lazy(
        "How many items were found (deduct or bonus with points per item); more than 0, default 1."
    ),
    "grade": gettext_lazy("A grade of the bonus rule's table of grades."),
    "value": gettext_lazy("The value, for a rate or a survey (satisfaction 0–100)."),
    "problem_type": gettext_lazy(
        "The type of the problem found: one of the managed list of problem types (active ones)."
    ),
    "note": gettext_lazy("A note (text)."),
    "nil": gettext_lazy(
        "true: a nil return, not a record: the station has nothing to report for "
        "the unit on the indicator in the open collection period containing the date. "
        "Leave points, quantity, grade, value and problem_type out. Default false."
    ),
}


def _nil_flag(value: Any) -> bool:
    """A nil item's flag: JSON true or false (null: false), nothing else."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _refuse(_("expected true or false"))
    return value


def _describe_record(schema: dict[str, Any]) -> None:
    schema["description"] = gettext_lazy(
        "One record, as a row of the Excel import, plus the sending system's id."
    )
    for name, meaning in RECORD_FIELDS.items():
        if name in schema.get("properties", {}):
            schema["properties"][name]["description"] = meaning


def _describe_batch(schema: dict[str, Any]) -> None:
    schema["description"] = gettext_lazy("A batch of records, stored all or nothing.")
    schema["properties"]["records"]["description"] = gettext_lazy(
        "The records: at least one, at most API_MAX_BATCH (20,000 by default)."
    )


class RecordIn(Schema):
    """One record, as in the records interchange format, plus the sender's id."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_describe_record)

    external_id: Annotated[
        str,
        BeforeValidator(_external_id),
        # Text, or a whole number taken as its digits (``_external_id``).
        WithJsonSchema(
            {"anyOf": [{**REQUIRED_TEXT, "maxLength": EXTERNAL_ID_MAX}, {"type": "integer"}]}
        ),
    ]
    unit: Text
    indicator: Text
    date: DateText
    points: Points = None
    quantity: Quantity = None
    grade: Annotated[
        str | None,
        BeforeValidator(_cell(bounded(GRADE_MAX))),
        WithJsonSchema(_optional_text(GRADE_MAX)),
    ] = None
    value: Value = None
    problem_type: Annotated[
        str | None,
        BeforeValidator(_cell(bounded(PROBLEM_TYPE_MAX))),
        WithJsonSchema(_optional_text(PROBLEM_TYPE_MAX)),
    ] = None
    note: OptionalText = None
    nil: Annotated[
        bool,
        BeforeValidator(_nil_flag),
        WithJsonSchema({"type": "boolean", "default": False}),
    ] = False


def max_batch() -> int:
    """The most records one batch may hold."""
    return int(settings.API_MAX_BATCH)


class BatchIn(Schema):
    """The body of a push: ``{"records": [RecordIn, …]}``."""

    model_config = ConfigDict(json_schema_extra=_describe_batch)

    # ``min_length`` only describes the rule in the OpenAPI document (``minItems: 1``):
    # ``_size`` below refuses an empty batch first, with the Excel import's wording.
    records: Annotated[list[RecordIn], Field(min_length=1)]

    @field_validator("records", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        # Checked before the items, so an oversized batch is refused without reading them.
        if isinstance(value, list):
            if not value:
                raise _refuse(_("the batch contains no records"))
            if len(value) > max_batch():
                raise _refuse(_("a batch may hold at most %(max)s records") % {"max": max_batch()})
        return value


def batch_issues(errors: Iterable[dict[str, Any]]) -> list[Issue]:
    """ninja's validation errors of a records body as located issues: the item's index
    as the row (None for the whole batch), the field as the column, the Excel import's
    messages; ordered by item, then field."""
    issues: list[Issue] = []
    for error in errors:
        loc = tuple(error.get("loc") or ())[2:]  # drop ("body", <parameter name>)
        kind = error.get("type")
        message = (error.get("ctx") or {}).get("message") if kind == _ERROR else None
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        field = str(loc[2]) if index is not None and len(loc) > 2 else None
        if index is None:
            field = "records"
            if message is None and kind == "list_type" and loc:
                message = _("expected a list of records")
            elif message is None:
                message = _('expected an object with "records"')
        elif message is None and field is None:
            message = _("expected an object")
        elif message is None and kind == "missing":
            message = _("this field is required")
        elif message is None and kind == "extra_forbidden":
            message = _("unknown field")
        issues.append(Issue("", index, field, str(message or error_message(error))))
    order = {name: position for position, name in enumerate(FIELD_ORDER)}
    return sorted(
        issues,
        key=lambda issue: (
            -1 if issue.row is None else issue.row,
            order.get(issue.column or "", len(order)),
        ),
    )
