"""Forms whose valid POST calls a service: the service's ``ValidationError`` is shown on
the form, a success is announced and redirected."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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


def save_posted(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], Any],
    *,
    done: str,
    next_url: Callable[[Any], str],
    field_of: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """For a valid POST of ``form``: call ``save``, show ``done`` and redirect to
    ``next_url`` of what ``save`` returned. None when the form is to be shown (again): not
    posted, invalid, or refused by the service (its errors are then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as error:
        add_service_errors(form, error, field_of=field_of)
        return None
    messages.success(request, done)
    return redirect(next_url(saved))
