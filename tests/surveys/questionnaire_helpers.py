"""What the questionnaire tests share: a YAML questionnaire, counts of everything a
questionnaire stores (to prove an import that failed stored nothing), and county B's
commission administrator (outside county A's scope)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.surveys.models import Choice, Question, Questionnaire, QuestionnaireVersion
from tests.conftest import Org, make_user

GOOD_YAML = """\
code: SAT-TOWN
name: 镇街群众满意度调查问卷
title: 群众满意度调查
intro: 本问卷匿名填写。
categories: [township]
questions:
  - code: q1
    kind: likert
    text: 您对本镇干部作风是否满意？
  - code: q2
    kind: single
    text: 办事是否顺畅？
    required: false
    choices:
      - {label: 顺畅, score: 100}
      - {label: 基本顺畅, score: 60}
      - {label: 不了解}
  - code: q3
    kind: text
    text: 您的建议
    required: no
"""


def stored() -> tuple[int, int, int, int]:
    """How many questionnaires, versions, questions and choices the database holds."""
    return (
        Questionnaire.objects.count(),
        QuestionnaireVersion.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
    )


def admin_b(org: Org) -> User:
    """County B's commission administrator."""
    return make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b)


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx file of the sheets given (title -> rows, the header first)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


META = [["项目", "内容"], ["编码", "SAT-X"], ["名称", "满意度问卷"]]
HEADER = ["编码", "题型", "题干", "必答", "选项"]
