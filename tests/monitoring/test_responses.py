"""Responses to warnings: the ladder, the generated notice, the inbox, the problem it
opens, talks, the state a response takes from its problem, and who may see what."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from qingfeng.documents.models import IssuedDocument
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.lib.documents import docx_text
from qingfeng.monitoring.models import (
    Response,
    ResponseKind,
    ResponseState,
    WarningPolicy,
    WarningState,
)
from qingfeng.monitoring.responses import ladder_kind, talk_record
from qingfeng.rectification.models import Problem, ProblemState
from qingfeng.rectification.responses import responses_issue_with_problems
from qingfeng.rectification.services import (
    problem_accept_measures,
    problem_close,
    problem_report_done,
    problem_send_back,
    problem_submit_measures,
)
from tests.conftest import client_for
from tests.monitoring.conftest import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


def _issue(world: World, *warnings, **kw):  # type: ignore[no-untyped-def]
    return responses_issue_with_problems(
        warnings=list(warnings or [world.red]), actor=world.analyst, today=TODAY, **kw
    )


def test_the_ladder_follows_the_versions_bands_and_the_veto(world: World) -> None:
    assert ladder_kind(world.yellow) == ResponseKind.WARNING_NOTICE
    assert ladder_kind(world.red) == ResponseKind.RECOMMENDATION
    assert ladder_kind(world.veto) == ResponseKind.ACCOUNTABILITY


def test_a_notice_is_generated_with_its_number_unit_warning_deadline_and_copy(
    world: World,
) -> None:
    [response] = _issue(
        world, kind=ResponseKind.WARNING_NOTICE, text="请重点说明信访举报上升的原因。"
    )
    document = response.document
    assert document is not None
    assert document.reference == "黎纪预〔2026〕1号"
    opened = Document(io.BytesIO(bytes(document.content)))
    text = "\n".join(p.text for p in opened.paragraphs)
    assert "黎纪预〔2026〕1号" in text
    assert "预警通知书" in text
    assert "黎城县教育局：" in text
    assert "2026年第三季度" in text and "得55.5分（满分100分），处于红色预警区间" in text
    assert "请重点说明信访举报上升的原因。" in text
    # The default answer time is the policy's 30 days.
    assert response.due == TODAY + datetime.timedelta(days=30)
    assert "于2027年1月4日前" in text
    assert "抄送：赵志刚（副县长）。" in text
    assert "中共黎城县纪律检查委员会" in text and "2026年12月5日" in text


def test_a_notice_goes_to_the_liaisons_inbox_with_a_copy_to_the_leader_and_opens_a_problem(
    world: World,
) -> None:
    [response] = _issue(world)
    notice = Notice.objects.get(recipient=world.liaison)
    assert notice.kind == NoticeKind.NOTICE and notice.due == response.due
    assert "黎纪建〔2026〕1号" in notice.title
    assert Notice.objects.get(recipient=world.leader).kind == NoticeKind.COPY
    assert not Notice.objects.filter(recipient=world.liaison_b).exists()
    problem = Problem.objects.get(response=response)
    assert problem.unit == world.org.unit_a1 and problem.due == response.due
    # One notice (the problem opened with it sends none of its own), leading to where the
    # unit answers: the problem's page.
    assert notice.link == reverse("rectification:problem_detail", args=[problem.pk])


def test_numbers_run_per_kind_and_year(world: World) -> None:
    first = _issue(world, world.red, world.yellow, kind=ResponseKind.WARNING_NOTICE)
    [veto] = _issue(world, world.veto)
    assert [r.document.reference for r in first] == ["黎纪预〔2026〕1号", "黎纪预〔2026〕2号"]  # type: ignore[union-attr]
    assert veto.document.reference == "黎纪责〔2026〕1号"  # type: ignore[union-attr]


def test_a_failed_issue_stores_nothing_and_leaves_no_gap(world: World) -> None:
    world.veto.state = WarningState.CLEARED
    world.veto.save()
    with pytest.raises(ValidationError, match="已解除"):
        _issue(world, world.red, world.veto, kind=ResponseKind.WARNING_NOTICE)
    assert not Response.objects.exists()
    assert not IssuedDocument.objects.exists()
    assert not Problem.objects.exists()
    assert not Notice.objects.exists()
    [response] = _issue(world, kind=ResponseKind.WARNING_NOTICE)
    assert response.document.number == 1  # type: ignore[union-attr]


def test_a_deadline_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="不能早于今天"):
        _issue(world, due=TODAY - datetime.timedelta(days=1))
    assert not Response.objects.exists()


def test_hostile_text_in_names_and_paragraphs_stays_text(world: World) -> None:
    unit = world.org.unit_a1
    unit.name = '黎城县<w:t>教育局</w:t>{{ issuer }}&"\x07'
    unit.save()
    text = "{% for x in range(9) %}{{ x }}{% endfor %} <w:p/> \x1b\x00 完"
    [response] = _issue(world, kind=ResponseKind.WARNING_NOTICE, text=text)
    shown = docx_text(bytes(response.document.content))  # type: ignore[union-attr]
    assert '黎城县<w:t>教育局</w:t>{{ issuer }}&"：' in shown
    assert "{% for x in range(9) %}{{ x }}{% endfor %} <w:p/>  完" in shown
    assert "\x07" not in shown and "\x1b" not in shown


def test_a_response_follows_its_problem(world: World) -> None:
    [response] = _issue(world)
    problem = Problem.objects.get(response=response)
    actor = world.liaison

    def state() -> str:
        response.refresh_from_db()
        return response.state

    problem_submit_measures(problem=problem, measures="建立台账，逐项整改。", actor=actor)
    assert state() == ResponseState.ANSWERED
    problem_send_back(problem=problem, reason="措施不具体", actor=world.analyst)
    assert state() == ResponseState.ISSUED
    problem_submit_measures(problem=problem, measures="细化到人到月。", actor=actor)
    problem_accept_measures(problem=problem, actor=world.analyst)
    problem_report_done(problem=problem, result="已整改到位。", actor=actor)
    assert state() == ResponseState.ANSWERED
    problem_close(problem=problem, actor=world.analyst)
    assert state() == ResponseState.CLOSED
    assert problem.state == ProblemState.CLOSED
    assert [h.state for h in response.history.order_by("history_date")][-1] == "closed"  # type: ignore[attr-defined]


def test_a_talk_is_recorded_and_closes_the_talk_issued(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    [issued] = _issue(world, world.yellow, kind=ResponseKind.ADMONITION)
    assert issued.document is None and not Problem.objects.exists()
    talk = talk_record(
        warning=world.yellow,
        held_on=TODAY - datetime.timedelta(days=1),
        held_by="县纪委副书记 李明",
        attendees="黎侯镇党委书记、镇长",
        minutes="指出问题三项，提出要求两条。",
        attachment=SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 minutes"),
        actor=world.analyst,
    )
    assert talk.pk == issued.pk
    assert talk.state == ResponseState.CLOSED and talk.attachment_name == "谈话记录.pdf"
    # Another talk on the same warning is a response of its own.
    again = talk_record(
        warning=world.yellow,
        held_on=TODAY,
        held_by="李明",
        attendees="镇长",
        minutes="回头看。",
        actor=world.analyst,
    )
    assert again.pk != issued.pk and Response.objects.count() == 2


def test_a_talk_needs_its_facts(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        talk_record(
            warning=world.red,
            held_on=TODAY + datetime.timedelta(days=400),
            held_by=" ",
            attendees="",
            minutes="",
            actor=world.analyst,
        )
    assert set(caught.value.message_dict) == {"held_on", "held_by", "attendees", "minutes"}
    assert not Response.objects.exists()


# ----------------------------------------------------------------------------- pages


def test_the_warning_page_shows_the_warning_its_responses_and_the_forms(world: World) -> None:
    [response] = _issue(world)
    page = client_for(world.analyst).get(reverse("monitoring:warning", args=[world.red.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("黎城县教育局", "2026年第三季度", "55.5 / 100", "红色", "黎纪建〔2026〕1号"):
        assert text in html
    assert reverse("documents:download", args=[response.document.pk]) in html  # type: ignore[union-attr]
    assert 'data-testid="issue-form"' in html and 'data-testid="talk-form"' in html
    # The ladder's response is preselected.
    assert '<option value="recommendation" selected>' in html


def test_the_liaison_reads_its_warning_and_document_another_unit_gets_404(world: World) -> None:
    [response] = _issue(world)
    download = reverse("documents:download", args=[response.document.pk])  # type: ignore[union-attr]
    detail = reverse("monitoring:warning", args=[world.red.pk])
    liaison = client_for(world.liaison)
    page = liaison.get(detail)
    assert page.status_code == 200 and 'data-testid="issue-form"' not in page.content.decode()
    got = liaison.get(download)
    assert got.status_code == 200
    assert "黎纪建〔2026〕1号" in docx_text(got.content)
    assert client_for(world.leader).get(download).status_code == 200
    outsider = client_for(world.liaison_b)
    assert outsider.get(download).status_code == 404
    assert outsider.get(detail).status_code == 404
    # The liaison cannot issue.
    respond = reverse("monitoring:warning_respond", args=[world.red.pk])
    assert liaison.post(respond, {"kind": "admonition"}).status_code == 404
    assert Response.objects.count() == 1


def test_issuing_from_the_page(world: World) -> None:
    client = client_for(world.analyst)
    url = reverse("monitoring:warning_respond", args=[world.yellow.pk])
    due = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    answer = client.post(url, {"kind": "warning_notice", "due": due, "text": "请说明原因。"})
    assert answer.status_code == 302
    response = Response.objects.get()
    assert response.due.isoformat() == due and response.document is not None
    bad = client.post(url, {"kind": "warning_notice", "due": "2001-01-01"})
    assert bad.status_code == 400 and "不能早于今天" in bad.content.decode()


def test_recording_a_talk_from_the_page_refuses_a_bad_attachment(world: World) -> None:
    client = client_for(world.analyst)
    url = reverse("monitoring:warning_talk", args=[world.yellow.pk])
    data = {"held_on": "2026-01-05", "held_by": "李明", "attendees": "镇长", "minutes": "谈话。"}
    bad = client.post(url, {**data, "attachment": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and not Response.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().held_by == "李明"


def test_bulk_issue_confirms_then_issues_to_every_warning(world: World) -> None:
    client = client_for(world.analyst)
    url = reverse("monitoring:responses_issue")
    ids = [world.red.pk, world.yellow.pk, world.veto.pk]
    confirm = client.get(url, {"warning": ids})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "黎城县教育局" in html and "党风廉政建设" in html
    done = client.post(url, {"warning": ids, "confirm": "1", "kind": "", "due": "", "text": ""})
    assert done.status_code == 302
    kinds = sorted(Response.objects.values_list("kind", flat=True))
    assert kinds == ["accountability", "recommendation", "warning_notice"]
    assert Problem.objects.count() == 3


def test_bulk_issue_with_a_warning_out_of_scope_is_404_and_issues_nothing(world: World) -> None:
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user
    from tests.monitoring.conftest import make_warning

    other = make_warning(world.org, world.framework, unit=world.org.unit_b1)
    analyst_b = make_user("analyst_b", Role.ANALYST, region=world.org.county_b)
    url = reverse("monitoring:responses_issue")
    answer = client_for(analyst_b).post(url, {"warning": [world.red.pk, other.pk], "confirm": "1"})
    assert answer.status_code == 404
    assert not Response.objects.exists()


# ----------------------------------------------------------------------------- the ladder


def test_the_policy_editor_saves_the_ladder_with_its_history(world: World, admin_a) -> None:  # type: ignore[no-untyped-def]
    url = reverse("monitoring:policy", args=[world.version.pk])
    client = client_for(admin_a)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "黄色预警" in html and "红色预警" in html and "一票否决" in html
    data = {
        "level_yellow": "admonition",
        "level_red": "warning_notice",
        "level_veto": "recommendation",
        "answer_days": "15",
        "period_kind": "H",
        "call_in_last": "",
    }
    bad = client.post(url, {**data, "answer_days": "0"})
    assert bad.status_code == 200 and not WarningPolicy.objects.exists()
    assert client.post(url, data).status_code == 302
    policy = WarningPolicy.objects.get(version=world.version)
    assert policy.ladder == {
        "yellow": "admonition",
        "red": "warning_notice",
        "veto": "recommendation",
    }
    assert policy.answer_days == 15 and policy.period_kind == "H"
    assert ladder_kind(world.red) == ResponseKind.WARNING_NOTICE
    [response] = _issue(world)
    assert response.kind == ResponseKind.WARNING_NOTICE
    assert response.due == TODAY + datetime.timedelta(days=15)
    again = client.get(url).content.decode()
    assert "admin_a" in again and "15 天内反馈" in again
    # An analyst reads it, cannot change it; another county's administrator gets 404.
    analyst = client_for(world.analyst)
    assert analyst.get(url).status_code == 200
    assert analyst.post(url, data).status_code == 403
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    admin_b = make_user("admin_b2", Role.COMMISSION_ADMIN, region=world.org.county_b)
    assert client_for(admin_b).get(url).status_code == 404


def test_the_demo_leaves_responses_in_every_state(world: World) -> None:
    from qingfeng.demo.responses import demo_responses_create
    from tests.monitoring.conftest import make_warning

    for unit in (world.org.unit_a1_sub, world.org.unit_b1):
        make_warning(world.org, world.framework, unit=unit, band="yellow", severity=1)
    world.analyst.username = "analyst"
    world.analyst.save()
    # Four units with warnings: three documents (issued, answered, closed) and a talk held.
    assert demo_responses_create(today=TODAY) == {"responses": 4}
    states = sorted(Response.objects.values_list("state", flat=True))
    assert states == ["answered", "closed", "closed", "issued"]
    assert Response.objects.exclude(held_on=None).count() == 1
    assert IssuedDocument.objects.count() == 3


def test_the_warning_and_its_problem_link_to_each_other_for_who_may_open_them(
    world: World,
) -> None:
    [response] = _issue(world)
    problem = Problem.objects.get(response=response)
    detail = reverse("monitoring:warning", args=[world.red.pk])
    problem_url = reverse("rectification:problem_detail", args=[problem.pk])
    download = reverse("documents:download", args=[response.document.pk])  # type: ignore[union-attr]
    page = client_for(world.analyst).get(detail).content.decode()
    assert f'href="{reverse("monitoring:register")}"' in page  # the breadcrumb
    assert f'href="{problem_url}"' in page
    back = client_for(world.analyst).get(problem_url).content.decode()
    assert f'href="{detail}"' in back and f'href="{download}"' in back
    # The leader in charge reads the warning but not the ledger: no dead link to the problem.
    leader = client_for(world.leader)
    assert leader.get(problem_url).status_code == 404
    assert problem.number in (seen := leader.get(detail).content.decode())
    assert f'href="{problem_url}"' not in seen


def test_the_policy_and_the_document_templates_are_linked_for_who_may_open_them(
    world: World, sysadmin
) -> None:  # type: ignore[no-untyped-def]
    version = reverse("framework:version_detail", args=[world.version.pk])
    policy = reverse("monitoring:policy", args=[world.version.pk])
    analyst = client_for(world.analyst)
    # The policy page reads as the version page does: whoever sees one sees the other.
    assert f'href="{policy}"' in analyst.get(version).content.decode()
    assert analyst.get(policy).status_code == 200
    templates = reverse("documents:templates")
    register = reverse("monitoring:register")
    assert f'href="{templates}"' not in analyst.get(register).content.decode()
    assert analyst.get(templates).status_code == 403
    assert f'href="{templates}"' in client_for(sysadmin).get(register).content.decode()
