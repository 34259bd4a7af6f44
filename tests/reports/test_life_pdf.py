"""The PDF of a report: LibreOffice when installed, else (or when forced) WeasyPrint from
HTML made of the same .docx. Both hold the document's text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from qingfeng.documents.selectors import default_template, sample_context
from qingfeng.lib import pdf
from qingfeng.lib.documents import Picture, render_docx, tiny_png


def sample_docx(**more: object) -> bytes:
    return render_docx(default_template("filing"), {**sample_context("filing"), **more})


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_makes_the_pdf(settings: Settings) -> None:
    settings.QINGFENG_PDF_ENGINE = "soffice"
    text = text_of(pdf.docx_to_pdf(sample_docx(title="政治生态预警单位和领导干部备案名单")))
    assert "政治生态预警单位和领导干部备案名单" in text.replace("\n", "")
    assert "黎城县教育局" in text


def test_weasyprint_makes_the_pdf_from_the_same_docx(settings: Settings) -> None:
    settings.QINGFENG_PDF_ENGINE = "weasyprint"
    text = text_of(pdf.docx_to_pdf(sample_docx(title="政治生态预警单位和领导干部备案名单")))
    flat = text.replace("\n", "")
    assert "政治生态预警单位和领导干部备案名单" in flat
    assert "黎城县教育局" in flat and "中共黎城县委组织部" in flat


def test_the_html_escapes_text_and_keeps_tables_and_images() -> None:
    from docx import Document

    document = Document()
    document.add_heading("标题", level=1)
    document.add_paragraph("<script>alert(1)</script>&")
    document.add_table(rows=1, cols=2).cell(0, 1).text = "单元格"
    document.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    buffer = io.BytesIO()
    document.save(buffer)
    page = pdf.docx_html(buffer.getvalue())
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
    assert re.search(r"<h1[^>]*>标题</h1>", page) and re.search(
        r"<td[^>]*><p>单元格</p></td>", page
    )
    assert 'src="data:image/png;base64,' in page


def test_an_image_of_a_context_reaches_the_weasyprint_pdf(settings: Settings) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("{{ radar }}")
    buffer = io.BytesIO()
    document.save(buffer)
    data = render_docx(buffer.getvalue(), {"radar": Picture(tiny_png(40, 30), 60)})
    assert "data:image/png" in pdf.docx_html(data)
    settings.QINGFENG_PDF_ENGINE = "weasyprint"
    assert pdf.docx_to_pdf(data).startswith(b"%PDF-")


def test_not_a_docx_is_a_pdf_error(settings: Settings) -> None:
    settings.QINGFENG_PDF_ENGINE = "weasyprint"
    with pytest.raises(pdf.PdfError):
        pdf.docx_to_pdf(b"not a docx")


def test_the_engine_follows_the_setting_then_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.QINGFENG_PDF_ENGINE = ""
    monkeypatch.setenv("QINGFENG_PDF_ENGINE", "weasyprint")
    assert pdf.pdf_engine() == "weasyprint"
    monkeypatch.setenv("QINGFENG_PDF_ENGINE", "nonsense")
    assert pdf.pdf_engine() == "auto"


def test_without_libreoffice_auto_takes_weasyprint(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.QINGFENG_PDF_ENGINE = "auto"
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    called: list[bytes] = []
    monkeypatch.setattr(pdf, "weasyprint_pdf", lambda data: called.append(data) or b"%PDF-x")
    assert pdf.docx_to_pdf(b"docx") == b"%PDF-x" and called == [b"docx"]


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_two_conversions_at_once_each_have_their_profile() -> None:
    from concurrent.futures import ThreadPoolExecutor

    documents = [sample_docx(recipient=f"中共第{n}县委组织部") for n in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(pdf.soffice_pdf, documents))
    assert "中共第1县委组织部" in text_of(made[0]) and "中共第2县委组织部" in text_of(made[1])


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_a_conversion_past_its_time_is_stopped() -> None:
    with pytest.raises(pdf.PdfError, match="longer than"):
        pdf.soffice_pdf(sample_docx(), timeout=0.05)
