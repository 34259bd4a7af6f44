"""Framework import and export (YAML and .xlsx): the public entry points.

The format is docs/design.md's public framework format; the .xlsx layout and the choices
docs/design.md leaves open are in ``docs/interchange-framework.md``. Reading lives in
``interchange_read``, writing in ``interchange_write``, the format's vocabulary and the
naming of places in ``interchange_format``, the rules in ``validation``.

``framework_import`` is all or nothing: the file is read and checked completely first,
every problem is collected as a located ``Issue``, and only a file without any is
applied, in one transaction, through ``qingfeng.framework.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, regions_held_with
from qingfeng.framework import services
from qingfeng.framework.interchange_format import (
    Source,
    XlsxRows,
    located,
    setting_where,
)
from qingfeng.framework.interchange_read import read_spec
from qingfeng.framework.interchange_write import Format, framework_export, version_to_spec
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.framework.services import ContentCounts
from qingfeng.framework.validation import validate_spec
from qingfeng.lib.tabular import FILE, Issue
from qingfeng.org.models import Region, code_validator

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

__all__ = [
    "Format",
    "FrameworkImportResult",
    "Issue",
    "framework_export",
    "framework_import",
    "read_framework_file",
    "version_to_spec",
]


@dataclass
class FrameworkImportResult:
    """What an import did, or (with issues) why it did nothing."""

    issues: list[Issue] = field(default_factory=list)
    version: FrameworkVersion | None = None
    framework_created: bool = False
    draft_replaced: bool = False
    counts: ContentCounts = field(default_factory=ContentCounts)

    @property
    def ok(self) -> bool:
        """True when the file had no problem (and so was applied)."""
        return not self.issues

    def summary(self) -> str:
        """One line: the version written and the indicator counts."""
        if self.version is None:
            return _("nothing was imported")
        values = {
            "code": self.version.framework.code,
            "number": self.version.number,
            "status": self.version.get_status_display(),
            "created": self.counts.created,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "deleted": self.counts.deleted,
        }
        return (
            _(
                "framework %(code)s, version %(number)s (%(status)s): %(created)s indicators "
                "created, %(updated)s updated, %(unchanged)s unchanged, %(deleted)s deleted"
            )
            % values
        )


def read_framework_file(*, data: bytes, filename: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Read and check a framework file (.yaml, .yml or .xlsx, by ``filename``).

    Returns the spec (None if the file cannot be read at all) and every problem found.
    Nothing is stored.
    """
    spec, source, rows, issues = read_spec(data, filename)
    if spec is None:
        return None, issues
    return spec, issues + validate_spec(spec, source=source, rows=rows)


def framework_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    region: Region | None = None,
    publish: bool = False,
) -> FrameworkImportResult:
    """Import a framework file, all or nothing, as a draft version.

    A new framework code creates the framework in ``region`` (else the actor's single
    editable region; on the command line the installation's only top-level region, else
    the choice is listed as an issue) with version 1. For an existing
    framework the content of its latest draft is replaced, or, if it has no draft, a new
    draft is made (number = highest + 1, based on the latest version); published and
    archived versions are never changed. With ``publish`` the version is then published.

    With an ``actor`` (the upload page) the actor needs ``Capability.EDIT_FRAMEWORK`` over
    the framework's region (``regions_held_with``); ``actor=None`` (the command line) has
    no scope limit.
    """
    result = FrameworkImportResult()
    if actor is not None and not has_capability(actor, Capability.EDIT_FRAMEWORK):
        message = _("you are not allowed to import indicator frameworks")
        result.issues.append(Issue(FILE, None, None, message))
        return result
    spec, source, rows, issues = read_spec(data, filename)
    if spec is None:
        result.issues = issues
        return result
    framework, target, scope_issues = _target(spec, source, rows, actor, region)
    issues = scope_issues + issues + validate_spec(spec, source=source, rows=rows, region=target)
    if issues:
        result.issues = issues
        return result
    assert target is not None  # a region is found whenever there is no issue
    try:
        with transaction.atomic():
            _apply(spec, framework, target, actor, publish, result)
    except ValidationError as exc:
        where = setting_where("code", source=source, rows=rows)
        result.issues = [located(where, message) for message in exc.messages]
        result.version = None
        result.framework_created = result.draft_replaced = False
        result.counts = ContentCounts()
    return result


def _apply(
    spec: dict[str, Any],
    framework: Framework | None,
    region: Region,
    actor: User | None,
    publish: bool,
    result: FrameworkImportResult,
) -> None:
    if framework is None:
        framework = services.framework_create(
            code=spec["code"], name=spec["name"], region=region, actor=actor
        )
        result.framework_created = True
    draft = framework.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
    if draft is not None:
        result.counts = services.version_replace(version=draft, spec=spec, actor=actor)
        result.version = draft
        result.draft_replaced = True
    else:
        latest = framework.versions.order_by("-number").first()
        result.version, result.counts = services.version_create(
            framework=framework, spec=spec, based_on=latest, actor=actor
        )
    if publish:
        services.version_publish(version=result.version, actor=actor)


def _target(
    spec: dict[str, Any],
    source: Source,
    rows: XlsxRows | None,
    actor: User | None,
    region: Region | None,
) -> tuple[Framework | None, Region | None, list[Issue]]:
    """The framework the file names (None: a new one), the region it belongs to, and the
    scope problems."""
    code = spec.get("code")
    if not isinstance(code, str) or not code:
        return None, region, []
    try:
        code_validator(code)
    except ValidationError:
        return None, region, []
    where = setting_where("code", source=source, rows=rows)
    issues: list[Issue] = []
    editable = regions_held_with(actor, Capability.EDIT_FRAMEWORK) if actor is not None else None
    framework = Framework.objects.select_related("region").filter(code=code).first()
    if framework is not None:
        if editable is not None and not editable.filter(pk=framework.region_id).exists():
            message = _('the framework code "%(code)s" is taken by a framework outside your scope')
            return framework, None, [located(where, message % {"code": code})]
        if region is not None and region.pk != framework.region_id:
            message = _('the framework "%(code)s" belongs to region "%(region)s", not "%(other)s"')
            values = {"code": code, "region": framework.region.code, "other": region.code}
            issues.append(located(where, message % values))
        return framework, framework.region, issues
    if region is not None:
        if editable is not None and not editable.filter(pk=region.pk).exists():
            message = _('outside your scope: region "%(code)s"') % {"code": region.code}
            return None, None, [located(where, message)]
        return None, region, []
    if editable is not None:
        held = list(editable.only("pk", "parent_id", "code"))
        ids = {r.pk for r in held}
        roots = [r for r in held if r.parent_id not in ids]
        if len(roots) == 1:
            return None, roots[0], []
        message = _(
            'a new framework "%(code)s" needs a region: say which region it belongs to '
            "(on the command line: --region CODE)"
        )
        return None, None, [located(where, message % {"code": code})]
    # The command line: the installation's only top-level region, else the choice is listed.
    tops = list(Region.objects.filter(parent=None).order_by("code").values_list("code", flat=True))
    if len(tops) == 1:
        return None, Region.objects.get(code=tops[0]), []
    if not tops:
        message = _(
            'a new framework "%(code)s" needs a region, and there is none yet: import the '
            "organisation first"
        )
        return None, None, [located(where, message % {"code": code})]
    message = _(
        'a new framework "%(code)s" needs a region: the installation has several top-level '
        "regions (%(choices)s); say which with --region CODE"
    )
    return None, None, [located(where, message % {"code": code, "choices": ", ".join(tops)})]
