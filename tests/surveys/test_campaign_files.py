"""The QR codes (SVG on the page and as a file) and the printable A4 sheets (.docx, PDF)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import segno
from docx import Document
from PIL import Image

from qingfeng.surveys.qr import qr_png, qr_svg_file, qr_svg_inline
from qingfeng.surveys.sheets import Sheet, sheets_docx
from tests.conftest import client_for
from tests.surveys.conftest import SurveyWorld, make_campaign

URL = "https://qingfeng.example.cn/s/AbCdEfGhIjKlMnOpQrStUv/"


def test_it_draws_a_valid_svg_that_holds_the_link() -> None:
    root = ET.fromstring(qr_svg_file(URL, title="黎侯镇 <问卷>"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "黎侯镇 <问卷>"  # type: ignore[union-attr]
    inline = qr_svg_inline(URL)
    ET.fromstring(inline)  # well-formed
    assert inline.startswith("<svg") and "viewBox" in inline and "qf-qr" in inline
    assert URL not in inline and "<script" not in inline  # nothing of the URL in the markup
    # No QR decoder is installed here: the code is the one segno makes of the link (and
    # not of another), drawn by the SVG and the PNG alike.
    assert inline == segno.make(URL, error="m", micro=False).svg_inline(
        scale=4, border=2, omitsize=True, svgclass="qf-qr"
    )
    assert inline != qr_svg_inline(URL.replace("AbC", "XyZ"))
    assert segno.make(URL, error="m").designator.endswith("-M")
    image = Image.open(io.BytesIO(qr_png(URL)))
    assert image.size[0] == image.size[1] > 300


def test_the_page_shows_each_units_link_and_qr(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    page = client_for(survey_world.admin).get(f"/surveys/campaigns/{campaign.pk}/")
    text = page.content.decode()
    for link in campaign.links.all():
        assert f'value="http://testserver/s/{link.token}/"' in text
    assert text.count('class="qf-qr"') == 2
    assert "data-qf-select-on-focus" in text  # the copy affordance


def test_it_downloads_one_units_qr_as_an_svg_file(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    answer = client_for(survey_world.admin).get(
        f"/surveys/campaigns/{campaign.pk}/qr/{org.unit_a2.pk}.svg"
    )
    assert answer["Content-Type"] == "image/svg+xml"
    assert "%E9%BB%8E%E4%BE%AF%E9%95%87" in answer["Content-Disposition"]  # 黎侯镇
    assert ET.fromstring(answer.content).tag.endswith("svg")


def test_the_sheets_open_in_word_with_each_units_name_link_and_qr(
    survey_world: SurveyWorld,
) -> None:
    data = sheets_docx(
        title="2025年第三季度群众满意度调查",
        period="2025Q3",
        sheets=[Sheet("黎城县教育局", URL), Sheet("黎侯镇", URL.replace("AbC", "XyZ"))],
    )
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts.count("2025年第三季度群众满意度调查") == 2
    assert "黎城县教育局" in texts and "黎侯镇" in texts and URL in texts
    assert texts.count("请用手机扫描二维码，匿名填写问卷") == 2
    assert "调查期间：2025年第三季度" in texts
    assert len(document.inline_shapes) == 2
    section = document.sections[0]
    assert (round(section.page_width.cm), round(section.page_height.cm, 1)) == (21, 29.7)


def test_the_sheets_page_answers_word_for_all_or_one_unit(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    client = client_for(survey_world.admin)
    every = client.get(f"/surveys/campaigns/{campaign.pk}/sheets/")
    assert every["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in every["Content-Disposition"]
    assert len(Document(io.BytesIO(every.content)).inline_shapes) == 2
    one = client.get(f"/surveys/campaigns/{campaign.pk}/sheets/?unit={org.unit_a2.pk}")
    document = Document(io.BytesIO(one.content))
    assert "黎侯镇" in [p.text for p in document.paragraphs]
    assert "黎城县教育局" not in [p.text for p in document.paragraphs]
    assert len(document.inline_shapes) == 1
    outside = client.get(f"/surveys/campaigns/{campaign.pk}/sheets/?unit={org.unit_b1.pk}")
    assert outside.status_code == 404


def test_the_pdf_is_made_or_a_message_says_why(survey_world: SurveyWorld, settings: object) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    settings.QINGFENG_PDF_ENGINE = "weasyprint"  # type: ignore[attr-defined]
    client = client_for(survey_world.admin)
    answer = client.get(
        f"/surveys/campaigns/{campaign.pk}/sheets/?format=pdf&unit={org.unit_a2.pk}"
    )
    assert answer["Content-Type"] == "application/pdf" and answer.content.startswith(b"%PDF")
    from qingfeng.lib import pdf

    def broken(data: bytes) -> bytes:
        raise pdf.PdfError("no engine")

    from qingfeng.surveys import views_campaigns

    original = views_campaigns.docx_to_pdf
    views_campaigns.docx_to_pdf = broken  # type: ignore[assignment]
    try:
        refused = client.get(f"/surveys/campaigns/{campaign.pk}/sheets/?format=pdf", follow=True)
    finally:
        views_campaigns.docx_to_pdf = original  # type: ignore[assignment]
    assert "PDF" in refused.content.decode() and refused.redirect_chain
