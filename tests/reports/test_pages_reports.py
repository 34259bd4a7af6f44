"""The report pages: the list (filtered, scoped), a new report generated from the form,
the report's page (preview, words, upload, issue), its Word and PDF files; a liaison
reads only what was issued to their unit, anyone else gets 404."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from qingfeng.accounts.roles import Role
from qingfeng.inbox.models import Notice
from qingfeng.lib.documents import DOCX_CONTENT_TYPE, docx_text
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.reports.services import report_generate
from tests.conftest import client_for, english, make_user
from tests.reports.life_fixtures import PERIOD, Life, life

pytestmark = pytest.mark.django_db
__all__ = ["life"]


@pytest.fixture(autouse=True)
def weasyprint(settings: object) -> None:
    """The PDF of the pages by WeasyPrint: quick, and there on every machine."""
    settings.QINGFENG_PDF_ENGINE = "weasyprint"  # type: ignore[attr-defined]


def draft(life: Life, **more: object) -> Report:
    return report_generate(kind="filing", subject=life.subject(**more), actor=life.analyst)


def texts(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def messages_of(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_the_analyst_generates_a_filing_list_from_the_form(life: Life) -> None:
    client = client_for(life.analyst)
    form = client.get(reverse("reports:new") + "?kind=filing&framework=T&period=2025Q1")
    assert form.status_code == 200 and 'value="2025Q1"' in texts(form)
    response = client.post(
        reverse("reports:new"),
        {"kind": "filing", "framework": "T", "period": PERIOD, "text": "请<b>参考</b>。"},
    )
    # Framework T is the city's: an analyst of county A may not make its region reports.
    assert response.status_code == 200
    assert "不是整个地区" in texts(response) or "whole region" in texts(response)
    assert not Report.objects.exists()
    # The city's analyst makes it: the draft's page opens.
    city = client_for(make_user("analyst_city", Role.ANALYST, region=life.org.city))
    response = city.post(
        reverse("reports:new"),
        {"kind": "filing", "framework": "T", "period": PERIOD, "text": "请<b>参考</b>。"},
        follow=True,
    )
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reports:detail", args=[report.pk])
    assert report.status == ReportStatus.DRAFT and report.region == life.org.city
    assert "请&lt;b&gt;参考&lt;/b&gt;。" in texts(response) and "草稿已生成" in texts(response)


def test_the_form_offers_the_scored_periods_in_words(life: Life) -> None:
    page = texts(client_for(life.analyst).get(reverse("reports:new")))
    assert '<option value="2025Q1">2025年第一季度</option>' in page
    client = english(client_for(life.analyst))
    response = client.post(
        reverse("reports:new"), {"kind": "filing", "framework": "T", "period": "2025X9"}
    )
    assert "Select a valid choice" in texts(response)


def test_a_report_page_with_its_files(life: Life) -> None:
    report = draft(life)
    Report.objects.filter(pk=report.pk).update(analyst_text="")
    client = client_for(life.analyst)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    body = texts(page)
    assert page.status_code == 200 and report.title in body
    assert "中共黎城县委组织部" in body  # the preview of the text
    assert 'data-testid="issue"' not in body  # the analyst does not issue
    docx = client.get(reverse("reports:docx", args=[report.pk]))
    assert docx["Content-Type"] == DOCX_CONTENT_TYPE
    assert "中共黎城县委组织部" in docx_text(docx.content)
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert ".pdf" in pdf["Content-Disposition"]


def test_the_preview_escapes_stored_text(life: Life) -> None:
    report = report_generate(
        kind="filing",
        subject=life.subject(),
        actor=life.analyst,
        analyst_text="<script>alert(1)</script>",
    )
    body = texts(client_for(life.analyst).get(reverse("reports:detail", args=[report.pk])))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_words_upload_and_issue_through_the_pages(life: Life) -> None:
    report = draft(life)
    analyst, commission = client_for(life.analyst), client_for(life.commission)
    url = reverse("reports:detail", args=[report.pk])
    # The words: saved, the draft regenerated.
    response = analyst.post(
        reverse("reports:text", args=[report.pk]), {"text": "新的分析。"}, follow=True
    )
    assert "新的分析。" in texts(response)
    # A file that is not a Word document: refused, said in Chinese.
    bad = SimpleUploadedFile("报告.docx", b"not a zip")
    response = analyst.post(reverse("reports:upload", args=[report.pk]), {"file": bad}, follow=True)
    assert any("不是可以打开的Word文档" in m for m in messages_of(response)), messages_of(response)
    # The edited draft.
    document = Document(io.BytesIO(bytes(Report.objects.get(pk=report.pk).content)))
    document.add_paragraph("人工修改。")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("修改稿.docx", buffer.getvalue())
    analyst.post(reverse("reports:upload", args=[report.pk]), {"file": upload})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.EDITED
    # The analyst cannot issue; the commission can.
    response = analyst.post(reverse("reports:issue", args=[report.pk]), follow=True)
    assert any("只有纪委" in m for m in messages_of(response)), messages_of(response)
    assert commission.get(url).content.count(b'data-testid="issue"') == 1
    response = commission.post(reverse("reports:issue", args=[report.pk]), follow=True)
    issued = Report.objects.get(pk=report.pk)
    assert issued.status == ReportStatus.ISSUED and issued.reference in texts(response)
    assert "人工修改。" in docx_text(bytes(issued.content))
    # Frozen: the pages refuse every change, saying why.
    before = bytes(issued.content)
    response = analyst.post(reverse("reports:text", args=[report.pk]), {"text": "改"}, follow=True)
    assert any("已下发" in m or "不能" in m for m in messages_of(response)), messages_of(response)
    again = SimpleUploadedFile("再改.docx", buffer.getvalue())
    analyst.post(reverse("reports:upload", args=[report.pk]), {"file": again})
    commission.post(reverse("reports:issue", args=[report.pk]))
    after = Report.objects.get(pk=report.pk)
    assert bytes(after.content) == before and after.reference == issued.reference
    body = texts(analyst.get(url))
    assert 'data-testid="text-form"' not in body and 'data-testid="upload-form"' not in body


def test_the_liaison_reads_only_what_was_issued_to_the_unit(life: Life) -> None:
    report = report_generate(
        kind="diagnosis", subject=life.subject(unit=life.org.unit_a1), actor=life.analyst
    )
    liaison_a1, liaison_b1 = client_for(life.liaison_a1), client_for(life.liaison_b1)
    names = ("reports:detail", "reports:docx", "reports:pdf")
    # A draft: no one but its makers.
    for name in names:
        assert liaison_a1.get(reverse(name, args=[report.pk])).status_code == 404
    assert report.title not in texts(liaison_a1.get(reverse("reports:list")))
    client_for(life.commission).post(reverse("reports:issue", args=[report.pk]))
    report.refresh_from_db()
    notice = Notice.objects.get(recipient=life.liaison_a1, key=f"report-{report.pk}")
    page = liaison_a1.get(notice.link)
    assert page.status_code == 200 and report.reference in texts(page)
    assert 'data-testid="text-form"' not in texts(page)
    assert liaison_a1.get(reverse("reports:docx", args=[report.pk])).status_code == 200
    assert liaison_a1.get(reverse("reports:pdf", args=[report.pk])).status_code == 200
    assert report.title in texts(liaison_a1.get(reverse("reports:list")))
    # The liaison of another unit: 404 on the page and both files, nothing in the list.
    for name in names:
        assert liaison_b1.get(reverse(name, args=[report.pk])).status_code == 404
    assert report.title not in texts(liaison_b1.get(reverse("reports:list")))
    # A liaison posting anything: 404 (they do not make reports).
    assert liaison_b1.post(reverse("reports:issue", args=[report.pk])).status_code == 404
    assert liaison_a1.get(reverse("reports:new")).status_code == 404


def test_the_list_filters(life: Life) -> None:
    report = draft(life)
    client = client_for(life.analyst)
    url = reverse("reports:list")
    assert report.title in texts(
        client.get(url + "?kind=filing&status=draft&period=2025Q1&framework=T")
    )
    assert report.title not in texts(client.get(url + "?status=issued"))
    assert report.title not in texts(client.get(url + "?period=2025Q2"))
    assert report.title in texts(client.get(url + "?kind=nonsense&period=garbage"))


def test_out_of_scope_users_get_404(life: Life, admin_b: object) -> None:
    report = draft(life)
    outsider = client_for(admin_b)  # type: ignore[arg-type]
    for name in ("reports:detail", "reports:docx", "reports:pdf"):
        assert outsider.get(reverse(name, args=[report.pk])).status_code == 404
    for name in ("reports:text", "reports:upload", "reports:issue"):
        assert outsider.post(reverse(name, args=[report.pk])).status_code == 404
    assert Client().get(reverse("reports:detail", args=[report.pk])).status_code == 302


def test_the_templates_page_lists_each_kinds_own_sample(sysadmin: object) -> None:
    body = texts(client_for(sysadmin).get(reverse("documents:templates")))  # type: ignore[arg-type]
    filing = body[body.index('data-kind="filing"') :]
    assert "units[].response" in filing and "leaders[].why" in filing and "recipient" in filing
    notice = body[
        body.index('data-kind="warning_notice"') : body.index('data-kind="recommendation"')
    ]
    assert "copy_to" in notice and "units[]" not in notice


def test_the_portrait_links_to_the_new_diagnosis_prefilled(life: Life) -> None:
    org, code = life.org, life.scored.framework.code
    url = reverse("dashboard:portrait", args=[code, PERIOD, org.unit_a1.pk])
    body = texts(client_for(life.analyst).get(url))
    query = f"kind=diagnosis&amp;framework={code}&amp;period={PERIOD}&amp;unit={org.unit_a1.pk}"
    link = f"/reports/new/?{query}"
    assert link in body
    form = texts(client_for(life.analyst).get(link.replace("&amp;", "&")))
    assert f'<option value="{org.unit_a1.pk}" selected>' in form
    assert '<option value="diagnosis" selected>' in form
