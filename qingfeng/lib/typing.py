"""Typing helpers shared by the apps: requests as the views receive them, form fields as
they are.

Middleware and authentication add attributes to Django's ``HttpRequest`` that its type
does not declare; a view annotating its request with one of these classes reads them
without casts or ``type: ignore``. Likewise ``choice_field`` and ``model_choice_field``
give a form's field with the type that has ``choices`` and ``queryset``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.forms import BaseForm
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from qingfeng.accounts.models import User
    from qingfeng.api.models import StationToken


class Request(HttpRequest):
    """A request of the site's pages, as the middleware leaves it: ``htmx`` (django-htmx's
    ``HtmxMiddleware``) is truthy when htmx sent it (``request.htmx.target`` … tell more)."""

    htmx: HtmxDetails


class AuthedRequest(Request):
    """A request whose user is logged in (views behind ``@login_required``)."""

    user: User


class ApiRequest(HttpRequest):
    """A request of the HTTP API that ``TokenAuth`` accepted: ``auth`` is its token."""

    auth: StationToken


def choice_field(form: BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name`` as the choice field it is, to set its ``choices``
    (``form.fields`` is typed as plain ``Field``)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


def model_choice_field(form: BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name`` as the model choice field it is, to set its ``queryset``."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field
