"""Roles and the capabilities each one grants.

Roles are fixed in code (they are the product's vocabulary); what varies per user is the
scope each role is held over, stored in ``RoleAssignment``. Later features add
capabilities here rather than checking role names in views.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    VIEW_ORG = "org.view", _("view the organisation")
    EDIT_ORG = "org.edit", _("create and edit the organisation")
    IMPORT_ORG = "org.import", _("import and export the organisation")
    VIEW_HISTORY = "history.view", _("view change history")
    ASSIGN_ROLES = "accounts.assign", _("assign roles")
    EDIT_FRAMEWORK = "framework.edit", _("edit indicator frameworks")
    RECOMPUTE = "scores.recompute", _("recompute scores")
    ENTER_RECORDS = "records.enter", _("enter records for a data station")
    REVIEW_RECORDS = "records.review", _("review records")
    SELF_ASSESS = "records.self_assess", _("enter a unit's self-assessment")
    MANAGE_PERIODS = "records.periods", _("open and close collection periods")
    MANAGE_TOKENS = "api.tokens", _("issue and revoke API tokens")
    VIEW_ANALYSIS = "analysis.view", _("view the analysis pages (overview, comparisons, problems)")
    RESPOND_WARNINGS = "monitoring.respond", _("issue responses to warnings")
    ENTER_PROBLEMS = "rectification.enter", _("enter and import problems in the ledger")
    VERIFY_PROBLEMS = "rectification.verify", _("verify and close problems")
    RECTIFY = "rectification.rectify", _("answer problems with measures and evidence")
    VIEW_DUTIES = "duties.view", _("see the duty lists, fulfilment records and reports in scope")
    FULFIL_DUTIES = "duties.fulfil", _("confirm one's duty list, record fulfilment, file reports")
    MANAGE_DUTIES = "duties.manage", _("build duty lists and keep categories, templates, ladder")
    CHECK_DUTIES = "duties.check", _("record quarterly checks and accountability steps")
    MAKE_REPORTS = "reports.make", _("generate and edit reports (diagnosis, analysis, circulars)")
    ISSUE_REPORTS = "reports.issue", _("issue reports with their number and deliver them")
    MANAGE_SURVEYS = (
        "surveys.manage",
        _("run questionnaires, survey campaigns, democratic and cross evaluations"),
    )


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    COMMISSION_ADMIN = "commission_admin", _("commission administrator")
    ANALYST = "analyst", _("analyst")
    STATION_CLERK = "station_clerk", _("station clerk")
    STATION_REVIEWER = "station_reviewer", _("station reviewer")
    DISCIPLINE_GROUP_MEMBER = "discipline_group_member", _("discipline group member")
    UNIT_LIAISON = "unit_liaison", _("unit liaison")
    LEADER = "leader", _("leader (self)")
    LEADERSHIP = "leadership", _("leadership (read only)")


ALL = frozenset(Capability)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SYSTEM_ADMIN: ALL,
    Role.COMMISSION_ADMIN: ALL,
    Role.ANALYST: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.VIEW_HISTORY,
            Capability.VIEW_ANALYSIS,
            Capability.RESPOND_WARNINGS,
            Capability.VIEW_DUTIES,
            Capability.MAKE_REPORTS,
        }
    ),
    Role.STATION_CLERK: frozenset(
        {Capability.VIEW_ORG, Capability.ENTER_RECORDS, Capability.ENTER_PROBLEMS}
    ),
    Role.STATION_REVIEWER: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.VIEW_HISTORY,
            Capability.REVIEW_RECORDS,
            Capability.VERIFY_PROBLEMS,
        }
    ),
    Role.DISCIPLINE_GROUP_MEMBER: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.VIEW_HISTORY,
            Capability.VIEW_ANALYSIS,
            Capability.VIEW_DUTIES,
            Capability.FULFIL_DUTIES,
            Capability.CHECK_DUTIES,
        }
    ),
    Role.UNIT_LIAISON: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.SELF_ASSESS,
            Capability.RECTIFY,
            Capability.VIEW_DUTIES,
            Capability.FULFIL_DUTIES,
        }
    ),
    Role.LEADER: frozenset({Capability.VIEW_ORG, Capability.VIEW_DUTIES, Capability.FULFIL_DUTIES}),
    Role.LEADERSHIP: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.VIEW_HISTORY,
            Capability.VIEW_ANALYSIS,
            Capability.VIEW_DUTIES,
        }
    ),
}


class ScopeKind(models.TextChoices):
    ALL = "all", _("the whole installation")
    REGION = "region", _("a region and everything under it")
    STATION = "station", _("a data station")
    DISCIPLINE_GROUP = "discipline_group", _("a discipline group's covered units")
    UNIT = "unit", _("one unit and its sub-units")
    PERSON = "person", _("one person")


# Which scope kinds make sense for each role; the assignment form and service enforce it.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset({ScopeKind.ALL, ScopeKind.REGION}),
    Role.COMMISSION_ADMIN: frozenset({ScopeKind.REGION}),
    Role.ANALYST: frozenset({ScopeKind.REGION}),
    Role.STATION_CLERK: frozenset({ScopeKind.STATION}),
    Role.STATION_REVIEWER: frozenset({ScopeKind.STATION}),
    Role.DISCIPLINE_GROUP_MEMBER: frozenset({ScopeKind.DISCIPLINE_GROUP}),
    Role.UNIT_LIAISON: frozenset({ScopeKind.UNIT}),
    Role.LEADER: frozenset({ScopeKind.PERSON}),
    Role.LEADERSHIP: frozenset({ScopeKind.REGION}),
}


def roles_with(capability: Capability) -> list[str]:
    """The roles that grant ``capability``."""
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
