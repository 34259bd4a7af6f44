"""Chinese everywhere a user looks: every page of the demo county, walked as every demo role,
shows no ASCII word of two or more letters outside a short allow-list; nor do the Excel
templates', the error workbook's and the organisation and framework .xlsx exports' sheet
names and headers.

"Visible" is what a reader sees: the text nodes of the rendered HTML outside script, style
and template elements, plus the title, placeholder, alt and aria-label attributes and the
value of buttons. The walk starts at each role's home page and at every page of
tests/test_every_url.py's URL list that needs no object, and follows the links reachable
from there (a few pages per URL name: the pages of one name share a template), so a new page
is walked as soon as a link leads to it.
"""

from __future__ import annotations

import datetime
import io
import re
import time
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.demo.accounts import DEMO_USERNAMES
from qingfeng.documents.models import DocumentKind
from qingfeng.documents.selectors import sample_rows
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.framework.services import version_copy
from qingfeng.lib.periods import Period
from qingfeng.org.models import DisciplineGroup, Region, Station, Unit, UnitCategory
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record, RecordStatus
from qingfeng.surveys.models import Appraisal, Campaign, CrossEvaluation, Questionnaire
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z]{2,}")
PERIOD_CODE = re.compile(r"\b\d{4}(?:Q[1-4]|H[12]|M(?:0[1-9]|1[0-2]))\b")
# The hints of the fields where a user types a period's code show examples of them.
EXAMPLE = re.compile(r"2026H1、2026Q3|2025H1（")

# Words a Chinese user reads as they are. Kept short; each with its reason. The codes of
# the demo's own data (units, indicators, frameworks, regions, stations: LK, PG, LS…) and
# the demo usernames are allowed from the database (``data_words``): they are identifiers
# users type and see in their files, not prose. Not the unit categories' codes (township,
# school…): pages name a category by its name.
ALLOWED = {
    # Names of products and file types, as Chinese software writes them (Excel 模板,
    # .xlsx 或 .csv 文件, 支持 PDF、Word 文件) and the user meets them in the file dialog.
    "Excel",
    "Word",
    "PDF",
    "xlsx",
    "csv",
    "YAML",  # the interchange files' format (docs/design.md), named on the import pages
    "API",  # the interface's name (接口 API), on the token pages
    "MB",  # the unit of a file size (不超过 50 MB), as any Chinese page writes it
    "HHI",  # the Herfindahl index's abbreviation, beside its name (赫芬达尔指数（HHI）)
    "docx",  # the Word file type (上传 .docx 替换), as xlsx
}
# The fields a Word template names ({{ recipient }}…): identifiers an administrator types
# into the template, listed on the templates page beside their sample values.
ALLOWED |= {
    word
    for kind in DocumentKind.values
    for key, _value in sample_rows(kind)
    for word in WORD.findall(key)
}

# Pages not walked, with the reason.
SKIPPED_PREFIXES = (
    "/admin/",  # Django's admin, for system administrators only (Django's own translation)
    "/api/",  # the API and its docs: JSON for machines (tests/api checks its messages)
    "/static/",
    "/media/",
    "/i18n/",  # the language switch
    "/accounts/logout",  # would end the walking session
)
# Pages walked per URL name, by one role and by all: the pages of one name share a template.
PER_NAME = 1
PER_NAME_ALL = 4
# Downloads (by URL name): workbooks, checked below by their sheet names and headers.
DOWNLOADS = ("_xlsx", ":export", ":version_export", ":excel_template", ":excel_errors")
MAX_PAGES = 140  # per role, a bound on the walk's time


class VisibleText(HTMLParser):
    """The visible text of a page (see the module's docstring), and its links."""

    HIDDEN = {"script", "style", "template", "noscript"}
    ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.placeholders: list[str] = []  # examples of what to type (a period's code)
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in self.HIDDEN:
            self.hidden += 1
        self.texts.extend(values[name] for name in self.ATTRIBUTES if values.get(name))
        if values.get("placeholder"):
            self.placeholders.append(values["placeholder"])
        is_button = tag == "button" or values.get("type") in {"submit", "button", "reset"}
        if is_button and values.get("value") and tag == "input":
            self.texts.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data)


def data_words() -> set[str]:
    """The demo's own identifiers (see ``ALLOWED``)."""
    words: set[str] = set(DEMO_USERNAMES)
    for model in (
        Unit,
        Indicator,
        Framework,
        Region,
        Station,
        DisciplineGroup,
        Questionnaire,
        Campaign,
        Appraisal,
        CrossEvaluation,
    ):
        for code in model.objects.values_list("code", flat=True).distinct():
            words.update(WORD.findall(code))
    return words


# The pages of the unit categories themselves, where a category's code is shown beside its
# name as the identifier the frameworks use (applies_to); every other page names them.
CATEGORY_PAGES = {"org:category_list", "org:category_edit", "core:history"}


def category_codes() -> set[str]:
    """The words of the unit categories' codes."""
    words: set[str] = set()
    for code in UnitCategory.objects.values_list("code", flat=True):
        words.update(WORD.findall(code))
    return words


def english_in(texts: list[str], allowed: set[str]) -> list[str]:
    """The texts of ``texts`` with a disallowed word or a period's code (2026Q3: pages say
    2026年第三季度), each with its words."""
    found = []
    for text in texts:
        words = [word for word in WORD.findall(text) if word not in allowed]
        if not EXAMPLE.search(text):
            words += PERIOD_CODE.findall(text)
        if words:
            found.append(f"{' '.join(text.split())[:100]!r} {sorted(set(words))}")
    return found


def walkable(href: str) -> str | None:
    """The site path of a link worth walking, else None."""
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return href


def start_pages() -> list[str]:
    """Every page of tests/test_every_url.py's list that takes no argument."""
    from tests.test_every_url import URLS

    pages = []
    for name in URLS:
        try:
            pages.append(reverse(name))
        except Exception:  # a URL with arguments: reached by links
            continue
    return [page for page in pages if walkable(page)]


def walk(
    client: Client, starts: list[str], allowed: set[str], overall: Counter[str]
) -> tuple[dict[str, str], Counter[str]]:
    """Walk from ``starts``; the disallowed texts (with the first page showing each), and
    the pages walked per URL name."""
    queue = deque(starts)
    seen: set[str] = set(starts)
    per_name: Counter[str] = Counter()
    problems: dict[str, str] = {}
    walked = 0
    while queue and walked < MAX_PAGES:
        url = queue.popleft()
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if name.endswith(DOWNLOADS) or per_name[name] >= PER_NAME:
            continue
        if overall[name] >= PER_NAME_ALL and name != "core:home":
            continue
        response = client.get(url)
        walked += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_name[name] += 1
        overall[name] += 1
        parser = VisibleText()
        parser.feed(response.content.decode())
        page_allowed = allowed | category_codes() if name in CATEGORY_PAGES else allowed
        texts = [text for text in parser.texts if text not in parser.placeholders]
        texts += [text for text in parser.placeholders if not PERIOD_CODE.fullmatch(text)]
        for text in english_in(texts, page_allowed):
            problems.setdefault(text, url)
        for href in parser.links:
            link = walkable(href)
            if link and link not in seen:
                seen.add(link)
                queue.append(link)
    return problems, per_name


def with_work_in_progress() -> None:
    """The demo as a working day finds it: a draft framework version (its editing pages and
    diff), and records of the clerk's and the reviewer's stations in every status (their
    edit and return pages). The demo itself holds only approved records."""
    commission = User.objects.get(username="commission")
    published = FrameworkVersion.objects.filter(
        framework__code="LK", status=VersionStatus.PUBLISHED
    ).first()
    assert published is not None
    draft = version_copy(version=published, actor=commission)
    # Changes for the diff to show: a rule, a maximum, categories and the bands.
    leaf = Indicator.objects.filter(version=draft, rule__type="deduct").first()
    assert leaf is not None
    Indicator.objects.filter(pk=leaf.pk).update(
        rule={"type": "deduct", "per": 4, "cap": 15}, max=leaf.max + 1, applies_to=["school"]
    )
    FrameworkVersion.objects.filter(pk=draft.pk).update(
        bands=[{"level": "blue", "below": 0.95}, {"level": "red", "below": 0.5}]
    )
    clerk = User.objects.get(username="clerk")
    for station, statuses in (
        ("ST-ORG", (RecordStatus.DRAFT, RecordStatus.RETURNED)),
        ("ST-CASE", (RecordStatus.SUBMITTED,)),
    ):
        records = Record.objects.filter(station__code=station).order_by("-date", "pk")
        for status, record in zip(statuses, records, strict=False):
            Record.objects.filter(pk=record.pk).update(
                status=status, date=open_period_start(), created_by=clerk
            )


def open_period_start() -> datetime.date:
    """The first day of the demo's open collection period."""
    collection = CollectionPeriod.objects.filter(status=PeriodStatus.OPEN).first()
    assert collection is not None
    return Period.parse(collection.period).start


def test_every_page_speaks_chinese_to_every_role(demo_county: DemoCounty) -> None:
    with_work_in_progress()
    started = time.monotonic()
    allowed = ALLOWED | data_words()
    starts = start_pages()
    report: dict[str, str] = {}
    names: Counter[str] = Counter()
    overall: Counter[str] = Counter()
    for username in DEMO_USERNAMES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        problems, walked = walk(client, [reverse("core:home"), *starts], allowed, overall)
        assert walked["core:home"] == 1, username
        names.update(walked)
        for text, url in problems.items():
            report.setdefault(text, f"{username} {url}")
    lines = [f"{text}  ({where})" for text, where in sorted(report.items())]
    assert not lines, f"{len(lines)} texts:\n" + "\n".join(lines)
    # Pages of every kind were walked (the pages reached only by a form's POST, downloads
    # and JSON are not pages to read).
    assert {"dashboard:portrait", "framework:version_diff", "records:entry_edit"} <= set(names)
    assert {"records:review_return", "framework:indicator_edit", "org:unit_detail"} <= set(names)
    print(f"walked {names.total()} pages in {time.monotonic() - started:.1f} s")
    assert time.monotonic() - started < 60, sorted(names.items())


# ---------------------------------------------------------------------------------------
# The workbooks


def workbook_english(content: bytes, allowed: set[str]) -> list[str]:
    """Disallowed words in a workbook's sheet names and header rows (its first row)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    texts = []
    for sheet in workbook.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(min_row=1, max_row=1, values_only=True):
            texts.extend(str(cell) for cell in row if isinstance(cell, str))
    return english_in(texts, allowed)


def test_the_excel_templates_and_the_error_workbook_speak_chinese(
    demo_county: DemoCounty,
) -> None:
    allowed = ALLOWED | data_words()
    clerk = Client()
    clerk.force_login(User.objects.get(username="clerk"))
    template = clerk.get(reverse("records:excel_template"))
    assert template.status_code == 200
    assert workbook_english(template.content, allowed) == []
    # The error workbook of a file with a bad row.
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    sheet.append(["ZZ", "ZZ", "not a date", None, "abc"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = clerk.post(
        reverse("records:excel"), {"file": SimpleUploadedFile("filled.xlsx", buffer.getvalue())}
    )
    errors = clerk.get(str(response.context["errors_url"]))
    assert errors.status_code == 200
    assert workbook_english(errors.content, allowed) == []


def test_the_organisation_and_framework_exports_speak_chinese(demo_county: DemoCounty) -> None:
    """The .xlsx exports people open in Excel name their sheets and columns in Chinese (the
    YAML exports, the machine format, keep the codes)."""
    client = Client()
    client.force_login(User.objects.get(username="commission"))
    version = FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).latest("number")
    for url in (
        reverse("org:export", args=["xlsx"]),
        reverse("framework:version_export", args=[version.pk, "xlsx"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        # No ASCII word at all, not even the demo's codes: headers are names, not data.
        assert workbook_english(response.content, set()) == [], url
