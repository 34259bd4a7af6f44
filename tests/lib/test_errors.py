"""Domain errors: selectors raise NotFound / OutOfScope, the middleware answers 404."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from qingfeng.lib.errors import NotFound, NotFoundMiddleware, OutOfScope, get_or_not_found
from qingfeng.org.models import UnitCategory


def _middleware() -> NotFoundMiddleware:
    return NotFoundMiddleware(lambda request: HttpResponse())


@pytest.mark.django_db
def test_get_or_not_found_reads_one_row_or_raises_not_found() -> None:
    category = UnitCategory.objects.create(code="X", name="X")
    assert get_or_not_found(UnitCategory.objects.all(), code="X") == category
    with pytest.raises(NotFound):
        get_or_not_found(UnitCategory.objects.all(), code="missing")


@pytest.mark.parametrize("error", [NotFound(), OutOfScope()])
def test_the_middleware_answers_both_the_same_404(error: Exception) -> None:
    request: HttpRequest = RequestFactory().get("/")
    with pytest.raises(Http404) as raised:
        _middleware().process_exception(request, error)
    assert str(raised.value) == ""  # nothing said about what was looked for


def test_the_middleware_leaves_other_errors_alone() -> None:
    request: HttpRequest = RequestFactory().get("/")
    assert _middleware().process_exception(request, ValueError("x")) is None  # type: ignore[func-returns-value]
