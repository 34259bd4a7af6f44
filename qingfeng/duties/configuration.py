"""The installation-wide configuration of the two-responsibilities platform: duty
categories, the template items of each subject kind and the accountability ladder.

Only ``lists_selectors.can_configure_duties`` users (a global or root-region holder of
``MANAGE_DUTIES``) change them; every service here refuses anyone else. Restoring the
shipped templates and ladder is ``duties.services.defaults_restore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from qingfeng.duties import lists_selectors as rules
from qingfeng.duties.models import (
    AccountabilityStep,
    DutyCategory,
    DutyTask,
    LadderStep,
    TemplateItem,
)
from qingfeng.duties.services import defaults_restore
from qingfeng.lib.history import save_validated, stamp

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

M = TypeVar("M", DutyCategory, TemplateItem, LadderStep)


def _refuse_unless_configurer(actor: User) -> None:
    if not rules.can_configure_duties(actor):
        raise ValidationError(_("Only an administrator of the whole installation can change this."))


@transaction.atomic
def config_save(*, obj: M, actor: User) -> M:
    """Save a category, template item or ladder step (new or changed)."""
    _refuse_unless_configurer(actor)
    if obj.pk is None and not obj.order:
        last = type(obj).objects.aggregate(top=models.Max("order"))["top"]
        obj.order = (last or 0) + 1
    save_validated(obj, actor)
    return obj


@transaction.atomic
def config_move(*, obj: M, up: bool, actor: User) -> None:
    """Swap an item with its neighbour above (``up``) or below in the shown order (a
    template item among those of its kind); the orders are renumbered 1, 2, 3 … first."""
    _refuse_unless_configurer(actor)
    siblings = type(obj).objects.all()
    if isinstance(obj, TemplateItem):
        siblings = siblings.filter(kind=obj.kind)
    items = list(siblings)
    at = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(items):
        return
    items[at], items[other] = items[other], items[at]
    for order, item in enumerate(items, start=1):
        if item.order != order:
            item.order = order
            save_validated(item, actor)


@transaction.atomic
def category_delete(*, category: DutyCategory, actor: User) -> None:
    """Delete a category no task or template item uses; one in use is refused (deactivate
    it instead: it stays on the lists that have it)."""
    _refuse_unless_configurer(actor)
    if (
        DutyTask.objects.filter(category=category).exists()
        or TemplateItem.objects.filter(category=category).exists()
    ):
        raise ValidationError(_("This category is in use: deactivate it instead."))
    stamp(category, actor)
    category.delete()


@transaction.atomic
def template_item_delete(*, item: TemplateItem, actor: User) -> None:
    """Delete a template item (lists already built keep their tasks)."""
    _refuse_unless_configurer(actor)
    stamp(item, actor)
    item.delete()


@transaction.atomic
def ladder_step_delete(*, step: LadderStep, actor: User) -> None:
    """Delete a ladder step no accountability step uses (else deactivate it)."""
    _refuse_unless_configurer(actor)
    if AccountabilityStep.objects.filter(step=step).exists():
        raise ValidationError(_("This step is in use: deactivate it instead."))
    stamp(step, actor)
    step.delete()


def shipped_restore(*, actor: User, kinds: list[str], ladder: bool = False) -> None:
    """Put back the shipped template of ``kinds`` and, with ``ladder``, the shipped
    ladder (``duties.services.defaults_restore``), for a configurer only."""
    _refuse_unless_configurer(actor)
    defaults_restore(actor=actor, kinds=kinds, ladder=ladder)
