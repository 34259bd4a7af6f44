"""Emptying a database of its demo organisation (``seed_demo --reset``): every deletion
leaves its history row, as a user's deletion would."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from qingfeng.accounts.models import User
from qingfeng.demo import CHANGE_REASON
from qingfeng.demo import records as records_demo
from qingfeng.demo.accounts import DEMO_USERNAMES
from qingfeng.demo.duties import demo_duties_reset
from qingfeng.demo.ledger import demo_ledger_reset
from qingfeng.demo.reports import demo_reports_reset
from qingfeng.demo.surveys import demo_surveys_reset
from qingfeng.demo.warnings import demo_warnings_reset
from qingfeng.org.models import DisciplineGroup, InCharge, Person, Post, Region, Station, Unit


def has_org_data() -> bool:
    """True if the database already has units or any of the demo accounts."""
    return Unit.objects.exists() or User.objects.filter(username__in=DEMO_USERNAMES).exists()


def _delete_all(model: type[Model]) -> None:
    """Delete every row of ``model``, leaving a "deleted" history row for each.

    When no other row refers to them (a tree's own parent links aside), one SQL DELETE
    after one bulk insert of history rows; otherwise the ORM, with its cascades and
    signals (slower: one history insert per row).
    """
    manager = model._default_manager
    referred = any(
        relation.field.model._default_manager.filter(
            **{f"{relation.field.name}__isnull": False}
        ).exists()
        for relation in model._meta.related_objects
        if relation.field.model is not model
    )
    if referred:
        manager.all().delete()
        return
    history = get_history_manager_for_model(model).model
    now = timezone.now()
    fields = [f.attname for f in history.tracked_fields]
    history._default_manager.bulk_create(
        (
            history(
                history_date=now,
                history_type="-",
                history_change_reason=CHANGE_REASON,
                **{name: getattr(row, name) for name in fields},
            )
            for row in manager.all().iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def reset_demo() -> None:
    """Delete all organisation data and the demo accounts (history records each deletion).

    Unit categories stay: later features (frameworks) refer to them.
    """
    demo_surveys_reset()  # surveys refer to frameworks, units, people, regions and users
    demo_reports_reset()  # reports refer to frameworks, units, regions and users
    demo_duties_reset()  # duty lists refer to units, people, groups and users
    demo_ledger_reset()  # problems refer to users, units, records, warnings and regions
    demo_warnings_reset()  # warnings refer to frameworks and units, responses to users
    User.objects.filter(username__in=DEMO_USERNAMES).delete()
    records_demo.demo_content_reset()  # records and frameworks refer to units and regions
    DisciplineGroup.objects.all().delete()
    Station.objects.all().delete()
    for model in (InCharge, Post, Person, Unit):
        _delete_all(model)
    # A parent region is protected while it has children: delete the leaves first.
    while Region.objects.exists():
        Region.objects.filter(children__isnull=True).delete()
