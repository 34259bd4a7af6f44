"""Reads of the one-stop query (一站查询): one keyword over units, people and records.

Scope: units are ``analysis_units(user)``; people are those holding or having held a post
in them (``visible_people`` with the analysis capability); records are the records of those
units, whatever their status. The keyword matches a unit's code or name, a person's code or
name, and a record's note, problem type, indicator code or unit name. The date range, the
problem type, the data station and the framework narrow the records only; units and people
are found by the keyword alone.

For a user who may see duty records (``VIEW_DUTIES``), a fourth group holds the fulfilment
records and personal reports in the duty scope (``duties.file_search``: the keyword, the
date range and a subject filter; a subject filter asks for that group alone).

The keyword is looked up in the search index (``qingfeng.lib.search_index``: character
bigrams, docs/search.md), which narrows each group to a few candidates; the ``icontains``
filters then check them on the real columns, so the results are exactly those of a full
scan, at the cost of the candidates only. A keyword without any letter or digit (only
punctuation) is searched by the full scan alone.

Each group is read with one query with a LIMIT, which also counts every match (a scalar
subquery run once; for the records found in two parts, by their unit's name and by their
own text, a window over the union of the parts' ids and dates: ``record_page``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard.access import analysis_units
from qingfeng.duties import file_search
from qingfeng.framework.models import FrameworkVersion
from qingfeng.framework.selectors import IN_FORCE_STATUSES, in_force_among
from qingfeng.lib import search_index
from qingfeng.lib.periods import Period
from qingfeng.org.models import Person, Post, PostRole, Unit
from qingfeng.records.models import Record
from qingfeng.scoring.models import Snapshot

PAGE_SIZE = 50
EXPORT_CAP = 100_000
KINDS = ("all", "units", "people", "records", "duties")
GROUPS = ("units", "people", "records")
# The group of duty records (fulfilment and reports), for users who may see them.
DUTIES = "duties"

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for (already validated)."""

    text: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    problem_type: str = ""
    station_id: int | None = None
    framework_id: int | None = None
    kind: str = "all"
    duty_subject: str = ""
    with_duties: bool = False

    @property
    def narrows_records(self) -> bool:
        """True when a filter other than the keyword is set (they apply to records)."""
        return bool(
            self.date_from
            or self.date_to
            or self.problem_type
            or self.station_id
            or self.framework_id
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to search for: the page shows only the form and a hint."""
        return not self.text and not self.narrows_records and not self.duty_subject

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups asked for: all (three, and the duty records for a user who sees
        them), or the one named by ``kind``; only the duty records with a subject filter."""
        duties = (DUTIES,) if self.with_duties else ()
        if self.duty_subject or self.kind == DUTIES:
            return duties
        return (*GROUPS, *duties) if self.kind not in GROUPS else (self.kind,)

    def duty_filters(self) -> dict[str, Any]:
        """The keyword arguments of ``duties.file_search``'s finders."""
        return {
            "text": self.text,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "subject": self.duty_subject,
        }


def indexed(queryset: QuerySet[M], *, kind: str, text: str) -> QuerySet[M]:
    """``queryset`` narrowed to the objects the search index finds for ``text`` (a
    superset of the matches: the callers keep their ``icontains`` filters); unchanged when
    the text has no letter or digit for the index to look up."""
    found = search_index.matching(kind=kind, text=text)
    return queryset if found is None else queryset.filter(pk__in=found)


def name_rank(text: str) -> Case:
    """0 for a name equal to the keyword (or a code equal to it), 1 for a name beginning
    with it, 2 for the rest: the exact unit or leader comes first."""
    return Case(
        When(Q(name__iexact=text) | Q(code__iexact=text), then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def found_units(*, user: Any, query: SearchQuery) -> QuerySet[Unit]:
    """Units the user may analyse whose code or name contains the keyword, the exact name
    first, then the names beginning with it, each by code; none without a keyword."""
    if not query.text:
        return Unit.objects.none()
    text = query.text
    units = indexed(analysis_units(user), kind="unit", text=text)
    return (
        units.filter(Q(code__icontains=text) | Q(name__icontains=text))
        .select_related("category", "region", "parent")
        .annotate(search_rank=name_rank(text))
        .order_by("search_rank", "code")
    )


def scope_posts(*, user: Any) -> QuerySet[Post]:
    """Current posts in the units the user may analyse (a post elsewhere is not shown)."""
    return Post.objects.filter(
        end__isnull=True, unit__in=analysis_units(user).values("pk")
    ).select_related("unit")


def found_people(*, user: Any, query: SearchQuery) -> QuerySet[Person]:
    """People who hold or held a post in a unit the user may analyse, whose code or name
    contains the keyword, ranked as units are (``name_rank``), each with ``current_posts``
    (in scope) prefetched; none without a keyword."""
    if not query.text:
        return Person.objects.none()
    text = query.text
    current = scope_posts(user=user).order_by("unit__code", "-role")
    people = indexed(scope.visible_people(user, Capability.VIEW_ANALYSIS), kind="person", text=text)
    return (
        people.filter(Q(code__icontains=text) | Q(name__icontains=text))
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
        .annotate(search_rank=name_rank(text))
        .order_by("search_rank", "code")
    )


def record_parts(*, user: Any, query: SearchQuery) -> list[QuerySet[Record]]:
    """The records found, as one or two querysets whose union is the result: records of
    the units the user may analyse (any status) matching the keyword and the filters. A
    record matches by its note, problem type or indicator code, or by its unit's name.

    With the search index, two parts: the records of the units in scope whose name has the
    keyword (the name and the scope checked once per unit, not once per record: 215 units
    against their 17,974 records for 教育), and the records the index finds by their own
    text, checked on their columns and their unit's scope (tested on ``unit_id + 0`` so
    that SQLite, which has no statistics, starts from the index's candidates and not from
    every record of a province-wide scope). A record in both parts is one result. Without
    the index (a keyword of punctuation only, or none), one part: a scan."""
    in_scope = analysis_units(user).values("pk")
    text = query.text
    own_text = (
        Q(note__icontains=text)
        | Q(problem_type__icontains=text)
        | Q(indicator_code__icontains=text)
    )
    own = search_index.matching(kind="record", text=text) if text else None
    of_unit = search_index.matching(kind="unit", text=text) if text else None
    if own is not None and of_unit is not None:
        named_units = analysis_units(user).filter(pk__in=of_unit, name__icontains=text)
        by_unit = Record.objects.filter(unit__in=named_units.values("pk"))
        by_own = Record.objects.alias(
            scope_unit=ExpressionWrapper(F("unit_id") + 0, output_field=BigIntegerField())
        ).filter(own_text, pk__in=own, scope_unit__in=in_scope)
        return [_narrowed(by_unit, query), _narrowed(by_own, query)]
    records = Record.objects.filter(unit__in=in_scope)
    if text:
        # The unit's name first: short, and all a record found by it needs.
        records = records.filter(Q(unit__name__icontains=text) | own_text)
    return [_narrowed(records, query)]


def _narrowed(records: QuerySet[Record], query: SearchQuery) -> QuerySet[Record]:
    """``records`` with the filters other than the keyword (date range, problem type,
    data station, framework), unordered."""
    if query.date_from:
        records = records.filter(date__gte=query.date_from)
    if query.date_to:
        records = records.filter(date__lte=query.date_to)
    if query.problem_type:
        records = records.filter(problem_type=query.problem_type)
    if query.station_id:
        records = records.filter(station_id=query.station_id)
    if query.framework_id:
        records = records.filter(framework_id=query.framework_id)
    return records.order_by()


def found_records(*, user: Any, query: SearchQuery) -> QuerySet[Record]:
    """Every record found (``record_parts``) as one queryset, newest first."""
    parts = record_parts(user=user, query=query)
    if len(parts) == 1:
        return parts[0].order_by("-date", "-pk")
    ids = parts[0].values("pk").union(*(part.values("pk") for part in parts[1:]), all=True)
    return Record.objects.filter(pk__in=ids).order_by("-date", "-pk")


def record_page(*, user: Any, query: SearchQuery, page: int = 1) -> tuple[list[int], int]:
    """(the ids of page ``page`` of the records found, newest first; how many in all).

    Two parts (``record_parts``) are read in one query: their (id, date) pairs, the union
    counted by a window and cut by a LIMIT, so each part is read once, by its own index (a
    filter ``id IN (union)`` made PostgreSQL fetch every matching record twice, once in
    the part and once for its date). One part (a scan, maybe of a whole quarter) is read
    as every other group is (``group_page``): a window over it would keep every row."""
    parts = record_parts(user=user, query=query)
    if len(parts) == 1:
        group = group_page("records", parts[0].order_by("-date", "-pk").only("pk"), page=page)
        return [row.pk for row in group.rows], group.count
    pairs = [part.values_list("pk", "date") for part in parts]
    found = pairs[0].union(*pairs[1:])
    sql, params = found.query.sql_with_params()
    start = (page - 1) * PAGE_SIZE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT found.pk, COUNT(*) OVER () FROM ({sql}) AS found "
            "ORDER BY found.date DESC, found.pk DESC LIMIT %s OFFSET %s",
            (*params, PAGE_SIZE, start),
        )
        rows = cursor.fetchall()
    if not rows:
        return [], (found.count() if page > 1 else 0)
    return [pk for pk, _ in rows], rows[0][1]


@dataclass
class Group:
    """One page of one group of results, and how many matched in all."""

    kind: str
    rows: list[Any]
    count: int
    number: int = 1

    @property
    def more(self) -> int:
        """Matches not shown on this page and before it (the "N more — refine" figure)."""
        return max(self.count - (self.number - 1) * PAGE_SIZE - len(self.rows), 0)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * PAGE_SIZE < self.count

    @property
    def num_pages(self) -> int:
        return max((self.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def group_page(kind: str, queryset: QuerySet[M], *, page: int = 1) -> Group:
    """Page ``page`` (from 1) of PAGE_SIZE rows with the number of all matches, in one
    query: the count is a scalar subquery the database runs once beside the LIMIT query
    (a window ``COUNT(*) OVER ()`` made SQLite keep every matching row, all columns, before
    sorting; a LIMIT alone keeps only the best rows). A page past the end falls back to a
    plain count."""
    start = (page - 1) * PAGE_SIZE
    total = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    counted = queryset.annotate(search_total=Subquery(total))
    rows = list(counted[start : start + PAGE_SIZE])
    if not rows:
        return Group(kind, rows, queryset.count() if page > 1 else 0, page)
    return Group(kind, rows, rows[0].search_total, page)


@dataclass
class RecordHit:
    """A record found, with the period whose stored snapshot counted it (None if none)."""

    record: Record
    period: str | None = None


def counted_periods(records: Sequence[Record]) -> dict[int, str]:
    """{record pk: period} for the records a stored snapshot counted.

    The rule (simplest honest one): the quarter containing the record's date if the unit's
    snapshot of that quarter, under the version in force, lists the record; else the year's
    snapshot if it lists it; else nothing (a draft or returned record, or a period not
    scored). Two queries, whatever the number of records.
    """
    if not records:
        return {}
    framework_ids = {r.framework_id for r in records}
    versions: dict[int, list[FrameworkVersion]] = {}
    for version in FrameworkVersion.objects.filter(
        framework_id__in=framework_ids, status__in=IN_FORCE_STATUSES
    ).only("pk", "framework_id", "year", "number"):
        versions.setdefault(version.framework_id, []).append(version)

    def in_force(framework_id: int, year: int) -> int | None:
        version = in_force_among(versions.get(framework_id, []), year)
        return version.pk if version is not None else None

    wanted: dict[int, tuple[int, list[str]]] = {}
    for r in records:
        version_id = in_force(r.framework_id, r.date.year)
        if version_id is not None:
            quarter = Period(r.date.year, "Q", (r.date.month - 1) // 3 + 1)
            wanted[r.pk] = (version_id, [str(quarter), str(r.date.year)])
    if not wanted:
        return {}
    counted: dict[tuple[int, int, str], set[int]] = {}
    snapshots = Snapshot.objects.filter(
        version_id__in={v for v, _ in wanted.values()},
        unit_id__in={r.unit_id for r in records},
        period__in={p for _, periods in wanted.values() for p in periods},
    ).values_list("version_id", "unit_id", "period", "record_ids")
    for version_id, unit_id, period, ids in snapshots:
        counted[(version_id, unit_id, period)] = set(ids or [])
    found = {}
    for r in records:
        if r.pk not in wanted:
            continue
        version_id, periods = wanted[r.pk]
        for period in periods:
            if r.pk in counted.get((version_id, r.unit_id, period), ()):
                found[r.pk] = period
                break
    return found


def record_hits(records: Sequence[Record]) -> list[RecordHit]:
    """The records with the period of the portrait that shows them."""
    periods = counted_periods(records)
    return [RecordHit(r, periods.get(r.pk)) for r in records]


@dataclass
class SearchResults:
    """The groups asked for (all three on one page each, or one group paginated)."""

    query: SearchQuery
    groups: list[Group] = field(default_factory=list)

    def group(self, kind: str) -> Group | None:
        return next((g for g in self.groups if g.kind == kind), None)


def search(*, user: Any, query: SearchQuery, page: int = 1) -> SearchResults:
    """The results page: each group asked for, ``page`` of it when only one is asked for."""
    results = SearchResults(query)
    if query.is_empty:
        return results
    page = page if query.kind in (*GROUPS, DUTIES) else 1
    for kind in query.groups:
        if kind == DUTIES:
            found = file_search.duty_page(
                user=user, page=page, page_size=PAGE_SIZE, **query.duty_filters()
            )
            group = Group(kind, list(found.rows), found.count, page)
        elif kind == "units":
            group = group_page(kind, found_units(user=user, query=query), page=page)
        elif kind == "people":
            group = group_page(kind, found_people(user=user, query=query), page=page)
        else:
            # The page's ids and the count first, then those rows with their unit,
            # framework and station: joined into the matching query, PostgreSQL (which
            # cannot estimate how many records the index finds) planned the station's
            # join as a scan of every station per record, seconds for a common word.
            ids, count = record_page(user=user, query=query, page=page)
            shown = Record.objects.select_related("unit", "framework", "station").in_bulk(ids)
            group = Group(kind, record_hits([shown[pk] for pk in ids]), count, page)
        results.groups.append(group)
    return results


# ---- export: every match, as plain rows -------------------------------------------------


def unit_rows(*, user: Any, query: SearchQuery) -> Iterator[tuple[Any, ...]]:
    """Every unit found: code, name, category, region, parent unit, headcount."""
    units = found_units(user=user, query=query).values_list(
        "code", "name", "category__name", "region__name", "parent__name", "headcount"
    )
    for code, name, category, region, parent, headcount in units.iterator(chunk_size=2000):
        yield code, name, category, region, parent or "", headcount


def people_rows(*, user: Any, query: SearchQuery) -> Iterator[tuple[Any, ...]]:
    """Every person found: code, name, cadre rank, current posts in scope (one line each).
    Two queries: the people, and the current posts of all of them."""
    people = found_people(user=user, query=query)
    posts: dict[int, list[str]] = {}
    current = (
        scope_posts(user=user)
        .filter(person__in=people.values("pk"))
        .order_by("unit__code", "-role")
        .values_list("person_id", "unit__name", "title", "role")
    )
    for person_id, unit_name, title, role in current.iterator(chunk_size=2000):
        posts.setdefault(person_id, []).append(f"{unit_name} · {title or PostRole(role).label}")
    rows = people.prefetch_related(None).values_list("pk", "code", "name", "rank")
    for pk, code, name, rank in rows.iterator(chunk_size=2000):
        yield code, name, rank, "\n".join(posts.get(pk, []))


def record_rows(
    *, user: Any, query: SearchQuery, cap: int | None = None
) -> tuple[list[tuple[Any, ...]], bool]:
    """Every record found, up to ``cap`` (EXPORT_CAP by default): (rows, capped). A row is
    date, unit code, unit name, framework, indicator, problem type, note, points, quantity,
    grade, value, status, data station."""
    cap = EXPORT_CAP if cap is None else cap
    records = found_records(user=user, query=query).values_list(
        "date",
        "unit__code",
        "unit__name",
        "framework__code",
        "indicator_code",
        "problem_type",
        "note",
        "points",
        "quantity",
        "grade",
        "value",
        "status",
        "station__name",
    )
    rows = list(records[: cap + 1])
    return rows[:cap], len(rows) > cap
