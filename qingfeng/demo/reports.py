"""The demo county's reports (issue 15): 县第一中学's diagnosis for 2026H1 issued by the
commission (its number taken, delivered: the ``liaison`` and ``leader`` accounts find it
in their inbox), and the county's half-year analysis for 2026H1 as a draft the
``analyst`` can edit, regenerate and hand on. Made through the real services (a report
is a document, not bulk data): about three seconds."""

from __future__ import annotations

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Unit
from qingfeng.reports.kinds import Subject
from qingfeng.reports.lifecycle import report_issue
from qingfeng.reports.models import Report, ReportBatch
from qingfeng.reports.services import report_generate

FRAMEWORK = "LK"
PERIOD = "2026H1"
# The unit of the demo's ``liaison`` and ``leader`` accounts.
UNIT = "县第一中学"
ANALYST_TEXT = (
    "该校党委能够落实全面从严治党主体责任，但对教辅资料征订、食堂采购等重点环节监督不够。\n"
    "建议结合本诊断书开展一次专题研讨，逐项明确整改责任人和完成时限。"
)


def demo_reports_create(*, region: Region) -> int:
    """The two reports above, when ``region`` holds the school and the framework (the
    demo county; a province's other counties get none). The number made."""
    framework = Framework.objects.filter(code=FRAMEWORK, region=region).first()
    school = Unit.objects.filter(name=UNIT, region=region).first()
    analyst = User.objects.filter(username="analyst").first()
    commission = User.objects.filter(username="commission").first()
    if framework is None or school is None or analyst is None or commission is None:
        return 0
    period = Period.parse(PERIOD)
    diagnosis = report_generate(
        kind="diagnosis",
        subject=Subject(framework=framework, period=period, region=region, unit=school),
        actor=analyst,
        analyst_text=ANALYST_TEXT,
    )
    report_issue(report=diagnosis, actor=commission)
    report_generate(
        kind="analysis_half_year",
        subject=Subject(framework=framework, period=period, region=region),
        actor=analyst,
    )
    return 2


def demo_reports_reset() -> None:
    """Delete every report and batch (each deletion in the history) before the
    frameworks, units and regions they refer to."""
    Report.objects.all().delete()
    ReportBatch.objects.all().delete()
