"""What an importing or exporting user may see and change, as the organisation interchange
needs it. The org app does not know roles (``accounts`` builds on ``org``, not the other
way round): the caller works the scope out with ``accounts.selectors.org_scope`` and
passes it in; ``None`` instead of a scope means the command line, with no limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from qingfeng.org.models import DisciplineGroup, Person, Region, Station, Unit

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


@dataclass(frozen=True)
class OrgScope:
    """One user's reach over the organisation: what they may do, edit and see."""

    user: User
    may_import: bool
    may_edit_categories: bool
    edits_everywhere: bool
    editable_regions: QuerySet[Region]
    editable_people: QuerySet[Person]
    units: QuerySet[Unit]
    regions: QuerySet[Region]
    stations: QuerySet[Station]
    discipline_groups: QuerySet[DisciplineGroup]
