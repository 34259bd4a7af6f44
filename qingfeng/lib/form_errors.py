"""Showing a service's ``ValidationError`` on the form that called it."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_errors(
    form: BaseForm, error: ValidationError, *, field_of: Mapping[str, str] | None = None
) -> None:
    """Put each field's messages on the form's field of that name (``field_of`` maps a
    model field to the form field that edits it); messages without a field, or for a field
    the form does not have, go above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = (field_of or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)
