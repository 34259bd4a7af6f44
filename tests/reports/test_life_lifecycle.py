"""A report's life: draft → edited (an uploaded .docx) → issued (numbered, frozen,
delivered); numbers without gaps; an issued report refuses every write; an upload that
is not a Word document is refused with the reason."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from docx import Document

from qingfeng.documents.models import NumberCounter
from qingfeng.inbox.models import Notice
from qingfeng.lib.documents import docx_replace_text, docx_text
from qingfeng.reports import lifecycle
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.reports.services import REFERENCE_PLACEHOLDER, report_generate
from tests.reports.life_fixtures import Life, life

pytestmark = pytest.mark.django_db
__all__ = ["life"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The services' messages in English (the site's default is Chinese)."""
    with translation.override("en"):
        yield


def draft(life: Life, text: str = "") -> Report:
    return report_generate(
        kind="filing", subject=life.subject(), actor=life.analyst, analyst_text=text
    )


def edited_copy(content: bytes, line: str = "分析人员修改的段落。") -> bytes:
    """The draft as an analyst edits it in Word: one paragraph added."""
    document = Document(io.BytesIO(content))
    document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_draft_edited_issued(life: Life) -> None:
    report = draft(life, "第一段。")
    assert report.status == ReportStatus.DRAFT and REFERENCE_PLACEHOLDER in docx_text(
        bytes(report.content)
    )
    report = lifecycle.report_upload(
        report=report,
        name="修改稿.docx",
        data=edited_copy(bytes(report.content)),
        actor=life.analyst,
    )
    assert report.status == ReportStatus.EDITED and report.edited_at is not None
    report = lifecycle.report_issue(report=report, actor=life.commission)
    text = docx_text(bytes(report.content))
    assert report.status == ReportStatus.ISSUED
    assert report.reference == f"黎纪备〔{timezone.localdate().year}〕1号"
    assert report.reference in text and REFERENCE_PLACEHOLDER not in text
    assert "分析人员修改的段落。" in text  # the upload is what is issued
    assert report.issued_by == life.commission and report.issued_at is not None
    assert report.filename.startswith(report.reference)
    # The history says who did what.
    statuses = list(report.history.order_by("history_date").values_list("status", "history_user"))
    assert statuses[0] == (ReportStatus.DRAFT, life.analyst.pk)
    assert (ReportStatus.EDITED, life.analyst.pk) in statuses
    assert statuses[-1] == (ReportStatus.ISSUED, life.commission.pk)


def test_a_draft_is_rendered_again_with_its_number(life: Life) -> None:
    report = lifecycle.report_issue(report=draft(life, "本段保留。"), actor=life.commission)
    text = docx_text(bytes(report.content))
    assert report.reference in text.splitlines()[1]  # the letterhead's number line
    assert "本段保留。" in text


def test_numbers_have_no_gaps(life: Life, monkeypatch: pytest.MonkeyPatch) -> None:
    first = lifecycle.report_issue(report=draft(life), actor=life.commission)
    # A second report (another region's filing list: county A's city) fails while
    # issuing: its number is given back.
    second = report_generate(
        kind="filing",
        subject=life.subject(person=life.org.person_a1),
        actor=life.analyst,
    )

    def broken(*args: object, **kwargs: object) -> bytes:
        raise ValidationError("模板损坏")

    monkeypatch.setattr(lifecycle, "render_report", broken)
    with pytest.raises(ValidationError):
        lifecycle.report_issue(report=second, actor=life.commission)
    monkeypatch.undo()
    second.refresh_from_db()
    assert second.status == ReportStatus.DRAFT and second.reference == ""
    second = lifecycle.report_issue(report=second, actor=life.commission)
    numbers = sorted(
        int(r.removesuffix("号").split("〕")[1]) for r in (first.reference, second.reference)
    )
    assert numbers == [1, 2]
    assert NumberCounter.objects.get(series="黎纪备").last == 2


def test_an_issued_report_never_changes(life: Life) -> None:
    report = lifecycle.report_issue(report=draft(life), actor=life.commission)
    content = bytes(report.content)
    frozen = "This report is issued: it cannot change."
    with pytest.raises(ValidationError, match=frozen):
        lifecycle.report_upload(
            report=report, name="x.docx", data=edited_copy(content), actor=life.analyst
        )
    with pytest.raises(ValidationError, match=frozen):
        lifecycle.report_text_save(report=report, text="新的话", actor=life.analyst)
    with pytest.raises(ValidationError):
        lifecycle.report_issue(report=report, actor=life.commission)
    with pytest.raises(ValidationError, match=frozen):
        report_generate(kind="filing", subject=life.subject(), actor=life.analyst)
    report.refresh_from_db()
    assert bytes(report.content) == content and report.status == ReportStatus.ISSUED
    assert NumberCounter.objects.get(series="黎纪备").last == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("报告.pdf", b"%PDF-1.4", "must be a Word document (.docx)"),
        ("报告.docx", b"", "The file is empty."),
        ("报告.docx", b"PK\x03\x04 not really a zip", "not a Word document that can be opened"),
        ("报告.docx", b"x" * (lifecycle.UPLOAD_MAX_BYTES + 1), "larger than 5 MB"),
    ],
    ids=["pdf", "empty", "broken", "large"],
)
def test_an_upload_that_is_not_a_docx_is_refused(
    life: Life, name: str, data: bytes, reason: str
) -> None:
    report = draft(life)
    with pytest.raises(ValidationError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        lifecycle.report_upload(report=report, name=name, data=data, actor=life.analyst)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_saving_words_regenerates_and_an_upload_is_discarded_only_when_told(life: Life) -> None:
    report = draft(life, "旧的话。")
    report = lifecycle.report_text_save(report=report, text="新的话。", actor=life.analyst)
    assert report.analyst_text == "新的话。" and "新的话。" in docx_text(bytes(report.content))
    report = lifecycle.report_upload(
        report=report, name="a.docx", data=edited_copy(bytes(report.content)), actor=life.analyst
    )
    with pytest.raises(ValidationError, match="uploaded Word file"):
        lifecycle.report_text_save(report=report, text="再改。", actor=life.analyst)
    report = lifecycle.report_text_save(
        report=report, text="再改。", actor=life.analyst, discard_upload=True
    )
    assert report.status == ReportStatus.DRAFT
    assert "分析人员修改的段落。" not in docx_text(bytes(report.content))


def test_only_the_commission_issues(life: Life) -> None:
    with pytest.raises(ValidationError, match="Only the commission"):
        lifecycle.report_issue(report=draft(life), actor=life.analyst)
    assert not NumberCounter.objects.exists()


def test_an_upload_without_the_placeholder_gets_the_number_first(life: Life) -> None:
    report = draft(life)
    content = docx_replace_text(bytes(report.content), REFERENCE_PLACEHOLDER, "")
    report = lifecycle.report_upload(report=report, name="a.docx", data=content, actor=life.analyst)
    report = lifecycle.report_issue(report=report, actor=life.commission)
    assert docx_text(bytes(report.content)).splitlines()[0] == report.reference


def test_the_placeholder_split_over_runs_is_replaced() -> None:
    document = Document()
    paragraph = document.add_paragraph("文号：")
    for piece in ("〔", "　　", "〕", "号"):
        paragraph.add_run(piece).bold = piece == "〔"
    document.add_table(rows=1, cols=1).cell(0, 0).text = "见〔　　〕号"
    buffer = io.BytesIO()
    document.save(buffer)
    out = docx_replace_text(buffer.getvalue(), REFERENCE_PLACEHOLDER, "黎纪备〔2026〕7号")
    text = docx_text(out)
    assert "文号：黎纪备〔2026〕7号" in text and "见黎纪备〔2026〕7号" in text
    assert REFERENCE_PLACEHOLDER not in text


def test_issuing_delivers_to_those_concerned(life: Life) -> None:
    """A1's diagnosis: A1's liaison and the account of its principal (王建国) get a notice
    linking to it; the liaison of B1 gets none."""
    report = report_generate(
        kind="diagnosis", subject=life.subject(unit=life.org.unit_a1), actor=life.analyst
    )
    report = lifecycle.report_issue(report=report, actor=life.commission)
    key = f"report-{report.pk}"
    got = set(Notice.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert got == {"liaison_a1", "leader_a1"}
    notice = Notice.objects.get(recipient=life.liaison_a1, key=key)
    assert report.reference in notice.title and notice.link == f"/reports/{report.pk}/"
