"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, user_assignments
from qingfeng.inbox.selectors import unread_count
from qingfeng.rectification.selectors import can_see_ledger
from qingfeng.surveys import selectors as surveys


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation bar needs: which menus the user's roles open, and the number of
    unread notices in the inbox (one count; nothing is read for an anonymous visitor)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_roles": sorted({a.get_role_display() for a in user_assignments(user)}),
        "can_edit_org": has_capability(user, Capability.EDIT_ORG),
        "can_import_org": has_capability(user, Capability.IMPORT_ORG),
        "can_assign_roles": has_capability(user, Capability.ASSIGN_ROLES),
        "can_enter_records": has_capability(user, Capability.ENTER_RECORDS),
        "can_review_records": has_capability(user, Capability.REVIEW_RECORDS),
        "can_self_assess": has_capability(user, Capability.SELF_ASSESS),
        "can_manage_tokens": has_capability(user, Capability.MANAGE_TOKENS),
        "can_view_analysis": has_capability(user, Capability.VIEW_ANALYSIS),
        "can_make_reports": has_capability(user, Capability.MAKE_REPORTS),
        "can_see_ledger": can_see_ledger(user),
        "can_enter_problems": has_capability(user, Capability.ENTER_PROBLEMS),
        "can_rectify": has_capability(user, Capability.RECTIFY),
        "can_view_duties": has_capability(user, Capability.VIEW_DUTIES),
        "can_fulfil_duties": has_capability(user, Capability.FULFIL_DUTIES),
        "can_manage_duties": has_capability(user, Capability.MANAGE_DUTIES),
        "can_check_duties": has_capability(user, Capability.CHECK_DUTIES),
        "can_read_surveys": surveys.may_read(user),
        "can_manage_surveys": surveys.may_manage(user),
        "inbox_unread": unread_count(user),
    }
