"""Word documents: rendering keeps hostile text as text, numbers have no gaps even under
concurrent issue, an issued document is frozen, templates are replaced only by one that
renders, and restored."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from docx import Document

from qingfeng.accounts.models import User
from qingfeng.documents.models import DocumentTemplate, IssuedDocument, NumberCounter
from qingfeng.documents.selectors import default_template, template_bytes
from qingfeng.documents.services import document_issue, template_replace, template_restore_default
from qingfeng.lib.documents import (
    TemplateError,
    chinese_date,
    clean_text,
    doc_number,
    docx_text,
    render_docx,
)
from tests.conftest import Org, client_for
from tests.documents import concurrent_issue

ROOT = Path(__file__).resolve().parents[2]

TODAY = datetime.date(2026, 12, 5)


def _docx_with(text: str) -> bytes:
    """A one-paragraph .docx saying ``text`` (a template when it holds Jinja tags)."""
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _issue(org: Org, actor: User | None = None, **context: object) -> IssuedDocument:
    return document_issue(
        kind="warning_notice",
        context={
            "paragraphs": [],
            "period": "2026年第三季度",
            "framework": "体系",
            "subject": "",
            "finding": "存在一票否决情形",
            "deadline": "2027年1月4日",
            "copy_to": "",
            **context,
        },
        unit=org.unit_a1,
        region=org.county_a,
        actor=actor,
        today=TODAY,
    )


def test_chinese_dates_and_numbers() -> None:
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(datetime.date(2026, 12, 25), numerals=True) == "二〇二六年十二月二十五日"
    assert doc_number("黎纪预", 2026, 12) == "黎纪预〔2026〕12号"


def test_rendering_keeps_hostile_text_as_text() -> None:
    template = _docx_with("单位：{{ name }}")
    for hostile in ("<w:t>x</w:t>", "{{ 7*7 }}", "{% raw %}", "&amp; <>\"'", "a\x00b\x0bc\ud800d"):
        shown = docx_text(render_docx(template, {"name": hostile}))
        assert shown == "单位：" + clean_text(hostile)
    assert clean_text("a\x00b\x0bc\ud800d\r\ne") == "abcd\ne"


def test_a_template_naming_what_the_context_lacks_is_an_error() -> None:
    with pytest.raises(TemplateError):
        render_docx(_docx_with("{{ missing }}"), {})
    with pytest.raises(TemplateError):
        render_docx(_docx_with("{{ broken "), {})
    with pytest.raises(TemplateError):
        render_docx(b"not a zip", {})


@pytest.mark.django_db
def test_the_default_template_names_its_fonts_and_their_fallback(org: Org) -> None:
    document = _issue(org)
    opened = Document(io.BytesIO(bytes(document.content)))
    table = zipfile.ZipFile(io.BytesIO(bytes(document.content))).read("word/fontTable.xml")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="Noto Serif CJK SC"/>' in table.decode()
    styles = opened.styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:sz w:val="32"' in styles


@pytest.mark.django_db
def test_an_issued_document_is_frozen_when_the_template_changes(org: Org, sysadmin: User) -> None:
    first = _issue(org)
    before = bytes(first.content)
    template_replace(
        kind="warning_notice",
        name="new.docx",
        data=_docx_with("新模板 {{ reference }}"),
        actor=sysadmin,
    )
    second = _issue(org)
    first.refresh_from_db()
    assert bytes(first.content) == before
    assert "预警通知书" in docx_text(before)
    assert docx_text(bytes(second.content)) == "新模板 黎纪预〔2026〕2号"
    assert template_restore_default(kind="warning_notice", actor=sysadmin)
    assert template_bytes("warning_notice") == default_template("warning_notice")
    assert [h.history_type for h in DocumentTemplate.history.order_by("history_date")] == ["+", "-"]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(org: Org) -> None:
    _issue(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue(org)
        raise RuntimeError("what the document was about could not be stored")
    DocumentTemplate.objects.create(
        kind="warning_notice", name="x.docx", content=_docx_with("{{ nothing }}")
    )
    with pytest.raises(ValidationError, match="无法填写"):
        _issue(org)
    DocumentTemplate.objects.all().delete()
    assert _issue(org).number == 2
    assert list(IssuedDocument.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]


@pytest.mark.django_db(transaction=True)
def test_numbers_have_no_gaps_under_concurrent_issue(org: Org, tmp_path: Path) -> None:
    """Eight threads issuing at once, half of them rolling back after taking a number:
    the numbers stored are 1..12, no gap, no repeat. On PostgreSQL the threads run here
    (row locks); on SQLite in a subprocess on a file database (the real settings:
    writers wait for each other), as the in-memory test database refuses them."""
    expected = list(range(1, concurrent_issue.THREADS // 2 * concurrent_issue.ROUNDS + 1))
    if connection.vendor != "sqlite":
        errors = concurrent_issue.run(unit=org.unit_a1, region=org.county_a)
        assert not errors, errors
        assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == expected
        assert NumberCounter.objects.get().last == len(expected)
        return
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(QINGFENG_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="qingfeng.settings")
    for command in (
        ["migrate", "--verbosity", "0"],
        ["shell", "-c", "from tests.documents.concurrent_issue import main; main()"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "numbers": expected}


# ----------------------------------------------------------------------------- pages


@pytest.mark.django_db
def test_a_bad_template_upload_is_refused_with_its_reason(org: Org, sysadmin: User) -> None:
    client = client_for(sysadmin)
    url = reverse("documents:template_replace", args=["warning_notice"])
    cases = [
        ("notice.txt", b"hello", "Word"),
        ("notice.docx", b"not a zip", "示例数据"),
        ("notice.docx", _docx_with("{{ no_such_field }}"), "no_such_field"),
        ("notice.docx", _docx_with("{% for x in %}"), "示例数据"),
    ]
    for name, data, says in cases:
        with __import__("django").utils.translation.override("en"):
            answer = client.post(
                url, {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en"
            )
        assert answer.status_code == 302
        shown = " ".join(str(m) for m in get_messages(answer.wsgi_request))
        assert says in shown, shown
        assert not DocumentTemplate.objects.exists()
    good = client.post(url, {"file": SimpleUploadedFile("ok.docx", _docx_with("{{ recipient }}"))})
    assert good.status_code == 302 and DocumentTemplate.objects.get().name == "ok.docx"
    page = client.get(reverse("documents:templates"))
    assert page.status_code == 200 and "ok.docx" in page.content.decode()


@pytest.mark.django_db
def test_only_an_installation_administrator_manages_templates(org: Org, admin_a: User) -> None:
    client = client_for(admin_a)
    assert client.get(reverse("documents:templates")).status_code == 403
    url = reverse("documents:template_restore", args=["warning_notice"])
    assert client.post(url).status_code == 403
