"""The HTTP API (django-ninja): other systems push records and read frameworks and scores.

Every request carries ``Authorization: Bearer <token>``; the token acts for one data
station and sees what the station's clerks see: frameworks of the station's region or of a
region above it, and the units of the station's region subtree. Described for users in
``docs/api.md``; the OpenAPI description is served at /api/openapi.json and /api/docs.
Answers are in Chinese unless the request asks for English (``qingfeng.api.wording``);
the descriptions here are lazy translations, worded when the document is asked for.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from qingfeng.accounts.selectors import token_units
from qingfeng.api.batch import records_push
from qingfeng.api.body import BodyError, StrictJsonParser
from qingfeng.api.docs import OfflineSwagger, docs_asset
from qingfeng.api.models import StationToken
from qingfeng.api.schemas import BatchIn, batch_issues
from qingfeng.api.tokens import token_lookup, token_touch
from qingfeng.api.wording import STATUS_PHRASES, parameter_errors, unauthorized
from qingfeng.framework.interchange_write import version_to_spec
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.json_response import FiniteJsonRenderer
from qingfeng.lib.periods import Period
from qingfeng.lib.tabular import Issue
from qingfeng.lib.typing import ApiRequest
from qingfeng.lib.uploads import shown_issues
from qingfeng.org.models import Region
from qingfeng.records.models import CollectionPeriod
from qingfeng.scoring.selectors import period_snapshots, score_rows

if TYPE_CHECKING:
    # ninja and pydantic type their descriptions as str; a lazy translation serves as one
    # (the OpenAPI document is written per request, in the request's language).
    from django.utils.translation import gettext as gettext_lazy
else:
    from django.utils.translation import gettext_lazy

RATE_WINDOW = 60  # seconds


class ApiError(Exception):
    """An error answered as JSON with ``status`` (and optional extra headers)."""

    def __init__(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(payload)
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _detail(status: int, message: str, **headers: str) -> ApiError:
    return ApiError(status, {"detail": message}, headers)


class TokenAuth(HttpBearer):
    """Bearer token of a data station: unknown or revoked → 401; then the rate and body
    size limits, which need to know the token (the rate) or apply to every call."""

    def authenticate(self, request: HttpRequest, token: str) -> StationToken | None:
        found = token_lookup(token)
        if found is None:
            return None
        _throttle(found)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            raise _too_large()
        token_touch(found)
        return found


def _too_large() -> ApiError:
    limit = settings.API_MAX_BODY_BYTES
    return _detail(413, _("the request body is larger than %(max)s bytes") % {"max": limit})


def _throttle(token: StationToken) -> None:
    """A fixed one-minute window per token, counted in Django's cache, which is the
    database (settings.CACHES), so every server process shares the count. The increment
    is a read then a write: two requests landing in the same instant may count once,
    which lets a burst overshoot by a request or two, never by a factor of the workers."""
    now = time.time()
    window = int(now // RATE_WINDOW)
    key = f"qingfeng:api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW * 2)
        count = 1
    if count > settings.API_RATE_PER_MINUTE:
        retry = max(1, int((window + 1) * RATE_WINDOW - now) + 1)
        message = _("more than %(max)s requests in a minute; try again later") % {
            "max": settings.API_RATE_PER_MINUTE
        }
        raise _detail(429, message, **{"Retry-After": str(retry)})


class QingfengApi(NinjaAPI):
    """ninja's API whose OpenAPI document names each answer in the request's language."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # One group for every endpoint (ninja names it "default").
                operation["tags"] = [_("Data station")]
                for status, answer in operation.get("responses", {}).items():
                    phrase = STATUS_PHRASES.get(int(status))
                    if phrase is not None:
                        answer["description"] = phrase
        return schema


api = QingfengApi(
    title=gettext_lazy("Qingfeng API"),
    version="1",
    description=gettext_lazy(
        "Push records and read frameworks and scores for one data station. Every request "
        "carries the header Authorization: Bearer <token>, a token of the station issued "
        "on the API tokens page. Answers and error messages are in Chinese; send "
        "Accept-Language: en for English. See docs/api.md."
    ),
    urls_namespace="ninja",
    auth=TokenAuth(),
    docs=OfflineSwagger(settings={"validatorUrl": None}),
    parser=StrictJsonParser(),
    renderer=FiniteJsonRenderer(),
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(request, exc.payload, status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A records body that is not well-formed: 422 with every item's errors, worded and
    located as the Excel import's; other parameters keep ninja's answer."""
    if exc.errors and all(tuple(error.get("loc") or ())[:1] == ("body",) for error in exc.errors):
        return api.create_response(request, _errors(batch_issues(exc.errors)), status=422)
    return api.create_response(request, {"detail": parameter_errors(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja answers a body it cannot parse with 400; the API has always said 422 there,
    # as an error of the whole batch.
    if isinstance(exc, AuthenticationError):
        return api.create_response(request, {"detail": unauthorized()}, status=401)
    cause = exc.__cause__
    if isinstance(cause, ValueError):  # JSON and UTF-8 decoding errors, ``BodyError``
        message = str(cause) if isinstance(cause, BodyError) else _("the body is not valid JSON")
        return api.create_response(request, _errors([Issue("", None, None, message)]), status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django's own body limit (DATA_UPLOAD_MAX_MEMORY_SIZE), met when it is below the API's.
    return _api_error(request, _too_large())


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset_get(request: HttpRequest, name: str) -> FileResponse:
    """Swagger UI's files for the docs page, served by this API: no CDN (the intranet has
    no Internet access, and ``ninja`` need not be an installed app)."""
    return docs_asset(request, name)


# ---------------------------------------------------------------------------------------
# Schemas


def _described(text: str) -> ConfigDict:
    """A schema's description in the OpenAPI document (a lazy translation; the class
    docstring stays for the code's readers)."""
    return ConfigDict(json_schema_extra={"description": text})


def _field(text: str, **kwargs: Any) -> Any:
    """A field described in the OpenAPI document (a lazy translation)."""
    return Field(description=text, **kwargs)


class ErrorOut(Schema):
    """An error of the request as a whole (401, 404, 413, 429)."""

    model_config = _described(
        gettext_lazy("An error of the request as a whole (401, 404, 413, 429).")
    )
    detail: str = _field(gettext_lazy("What went wrong, in the request's language."))


class ParameterErrorsOut(Schema):
    """A query parameter that is not valid (``year=soon``): 422 with ninja's own list of
    errors, each locating the parameter (``["query", "year"]``)."""

    model_config = _described(
        gettext_lazy(
            "A query parameter that is not valid (e.g. year=soon): the list of its errors, "
            'each with its location (["query", "year"]), its type and a message.'
        )
    )
    detail: list[dict[str, Any]] = _field(
        gettext_lazy("One object per error: loc (where), type (a code) and msg (the message).")
    )


class ItemErrorOut(Schema):
    """One error of a pushed batch, located like a cell of the Excel import."""

    model_config = _described(gettext_lazy("One error of the batch, located by record and field."))
    index: int | None = _field(
        gettext_lazy("The record's position in the batch, from 0; null for the batch as a whole.")
    )
    field: str | None = _field(gettext_lazy("The field in error; null for the record as a whole."))
    message: str = _field(gettext_lazy("What is wrong, in the request's language."))


class ItemErrorsOut(Schema):
    """The 422 of a push: every error found, nothing stored."""

    model_config = _described(
        gettext_lazy("The batch was refused and nothing was stored: every error found, by record.")
    )
    errors: list[ItemErrorOut] = _field(gettext_lazy("The errors, by record, at most 200."))
    # errors found but not listed (past ``ISSUES_SHOWN``)
    more: int = _field(gettext_lazy("How many more errors were found but not listed."), default=0)


class PeriodOut(Schema):
    """A collection period of the framework."""

    model_config = _described(gettext_lazy("A collection period of the framework."))
    period: str = _field(gettext_lazy("The period's code: 2026, 2026H1, 2026Q3 or 2026M07."))
    status: str = _field(gettext_lazy("open (records accepted) or closed."))


class NodeScoreOut(Schema):
    """One indicator's score for a unit."""

    model_config = _described(gettext_lazy("One indicator's score for the unit."))
    score: float | None = _field(gettext_lazy("The points scored; null if not assessed."))
    max: float | None = _field(gettext_lazy("The most points the indicator can give this unit."))
    band: str | None = _field(gettext_lazy("The warning band: green, blue, yellow, orange or red."))
    unreported: bool = _field(
        gettext_lazy(
            "True if the indicator's data station neither entered records nor filed a nil "
            "return for the unit."
        ),
        default=False,
    )


class ScoreRowOut(Schema):
    """One unit's stored scores for the period."""

    model_config = _described(gettext_lazy("One unit's stored scores for the period."))
    unit: str = _field(gettext_lazy("The unit's code."))
    category: str = _field(gettext_lazy("The unit's category code."))
    total: float | None = _field(
        gettext_lazy("The total on the framework's scale; null if nothing was assessed.")
    )
    raw: float | None = _field(gettext_lazy("The points scored on the indicators that apply."))
    applicable_max: float | None = _field(
        gettext_lazy("The most points of the indicators that apply to the unit.")
    )
    band: str | None = _field(gettext_lazy("The warning band: green, blue, yellow, orange or red."))
    rank: int | None = _field(
        gettext_lazy("The rank among all units the framework assesses (ties share a rank).")
    )
    category_rank: int | None = _field(
        gettext_lazy("The rank among the units of the same category.")
    )
    vetoed: bool = _field(
        gettext_lazy("True if the unit is vetoed: it ranks after all others, in the worst band.")
    )
    completeness: float | None = _field(
        gettext_lazy(
            "The share (0 to 1) of the indicators its data stations owe the unit that they "
            "reported on; null if none is owed."
        ),
        default=None,
    )
    nodes: dict[str, NodeScoreOut] = _field(
        gettext_lazy("Each indicator's score, by indicator code.")
    )


class PushOut(Schema):
    """What a push stored."""

    model_config = _described(gettext_lazy("The batch was accepted."))
    created: int = _field(gettext_lazy("Records stored by this request."))
    existing: int = _field(gettext_lazy("Records skipped: their external_id was already sent."))
    ids: list[int] = _field(gettext_lazy("The record ids, in the order of the batch."))
    nil_returns: int = _field(
        gettext_lazy(
            "Nil returns filed by this request from its nil items (one per indicator and "
            "collection period); a nil item's id in ids is its nil return's."
        ),
        default=0,
    )


# ---------------------------------------------------------------------------------------
# Endpoints


def _framework(request: ApiRequest, code: str) -> Framework:
    """The framework of ``code`` if the token's station is assessed by it (its region is
    the station's region or one above it); else 404, as for an unknown code."""
    if "\x00" in code:
        # No code holds a NUL, and PostgreSQL refuses to compare text with one.
        raise _detail(404, _('unknown framework "%(code)s"') % {"code": code})
    token = request.auth
    regions = Region.objects.lineage(token.station.region)
    framework = (
        Framework.objects.filter(code=code, region__in=regions).select_related("region").first()
    )
    if framework is None:
        raise _detail(404, _('unknown framework "%(code)s"') % {"code": code})
    return framework


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        raise _detail(404, _('unknown period "%(period)s"') % {"period": text}) from None


CODE = Path(..., description=gettext_lazy("The framework's code, e.g. LK."))


@api.get(
    "/frameworks/{code}",
    response={
        200: dict[str, Any],
        401: ErrorOut,
        404: ErrorOut,
        422: ParameterErrorsOut,
        429: ErrorOut,
    },
    summary=gettext_lazy("The framework version in force for a year"),
    description=gettext_lazy(
        "The version in force for the year (default: this year), in the framework "
        "interchange shape: the YAML file's structure, as JSON."
    ),
)
def framework_get(
    request: ApiRequest,
    code: str = CODE,
    year: int | None = Query(
        None, description=gettext_lazy("The year, e.g. 2026; default: this year.")
    ),
) -> Any:
    """The version in force for ``year`` (default: this year) in the framework interchange
    shape (the YAML file's structure, as JSON)."""
    framework = _framework(request, code)
    year = year or timezone.localdate().year
    version = version_in_force(framework=framework, period=Period(year, "Y", 1))
    if version is None:
        message = _('the framework "%(framework)s" has no published version for %(year)s')
        raise _detail(404, message % {"framework": code, "year": year})
    return version_to_spec(version)


@api.get(
    "/frameworks/{code}/periods",
    response={200: list[PeriodOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary=gettext_lazy("The framework's collection periods"),
    description=gettext_lazy(
        "Collection periods, newest first; records are accepted for dates in open ones."
    ),
)
def periods_list(request: ApiRequest, code: str = CODE) -> Any:
    """Collection periods, newest first; records are accepted for dates in open ones."""
    framework = _framework(request, code)
    periods = CollectionPeriod.objects.filter(framework=framework).order_by("-period")
    return [{"period": p.period, "status": p.status} for p in periods]


@api.get(
    "/frameworks/{code}/scores/{period}",
    response={200: list[ScoreRowOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary=gettext_lazy("Scores of a period for the station's units"),
    description=gettext_lazy(
        "The stored scores of the units in the station's region, by rank. Reading never "
        "recomputes: scores change when records are approved and the period is scored."
    ),
)
def scores_get(
    request: ApiRequest,
    code: str = CODE,
    period: str = Path(
        ..., description=gettext_lazy("The period's code: 2026, 2026H1, 2026Q3 or 2026M07.")
    ),
) -> Any:
    """The stored scores (as ``score --format json`` prints them) of the units in the
    station's region subtree, by rank. Reading never recomputes."""
    framework = _framework(request, code)
    parsed = _period(period)
    token = request.auth
    version = version_in_force(framework=framework, period=parsed)
    if version is None:
        return []
    snapshots = period_snapshots(framework=framework, period=parsed).filter(
        unit__in=token_units(token).values("pk")
    )
    return score_rows(snapshots, version)


@api.post(
    "/frameworks/{code}/records",
    response={
        201: PushOut,
        401: ErrorOut,
        404: ErrorOut,
        413: ErrorOut,
        422: ItemErrorsOut,
        429: ErrorOut,
    },
    summary=gettext_lazy("Push a batch of records (all or nothing, idempotent by external_id)"),
    description=gettext_lazy(
        "Every record is checked with the rules of the Excel import; any error answers "
        "422 with every error by record and stores nothing. Records whose external_id "
        "the station already sent are skipped, so a batch sent twice is stored once. "
        "Stored records are submitted: they count once a reviewer of the station "
        'approves them. An item with "nil": true is a nil return: nothing to '
        "report for its unit on its indicator in the open collection period containing its "
        "date; a unit has either records or a nil return for an indicator and period."
    ),
)
def records_post(request: ApiRequest, code: str = CODE, *, batch: BatchIn) -> Any:
    """Every item is checked; any error → 422 with every error by item index and nothing
    stored. Items whose external_id the station already sent are skipped. Stored records
    are *submitted*: they count once a reviewer of the station approves them."""
    framework = _framework(request, code)
    result = records_push(framework=framework, token=request.auth, items=batch.records)
    if result.errors:
        return Status(422, _errors(result.errors))
    return Status(
        201,
        {
            "created": result.created,
            "existing": result.existing,
            "ids": result.ids,
            "nil_returns": result.nil_returns,
        },
    )


def _errors(issues: list[Issue]) -> dict[str, Any]:
    """The 422 body: each issue with the item's index, the field and the message, the
    first ``ISSUES_SHOWN`` of them, and how many more there are (a batch of 20,000 bad
    items would otherwise answer megabytes of errors)."""
    shown, more = shown_issues(issues)
    return {
        "errors": [
            {"index": issue.row, "field": issue.column, "message": issue.message} for issue in shown
        ],
        "more": more,
    }


# Endpoints kept in modules of their own register on ``api`` as they load (after it exists).
import qingfeng.api.completeness  # noqa: E402, F401
