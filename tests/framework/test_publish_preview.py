"""Publishing asks first and shows its effect: a scored period re-scored with the draft
beside the version in force. The preview's numbers must be the ones a recompute stores
after publishing, so the test publishes a copy and compares the stored snapshots."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework import services
from qingfeng.framework.models import FrameworkVersion, Indicator
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from qingfeng.records.selectors import records_for_scoring
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.preview import Side, publish_preview
from tests.conftest import client_for, english, make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

results = dashboard_fixtures.results

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2025Q3")


def _stored(version: FrameworkVersion, period: Period) -> dict[int, Side]:
    return {
        s.unit_id: Side(None if s.total is None else round(s.total, 2), s.band, s.rank, s.vetoed)
        for s in Snapshot.objects.filter(version=version, period=str(period))
    }


def _harsher_copy(results: Results, actor: User) -> FrameworkVersion:
    """A copy of T v1 deducting 10 instead of 5 per item on A1, capped at 30 as before."""
    draft = services.version_copy(version=results.scored.version, actor=actor)
    a1 = Indicator.objects.get(version=draft, code="A1")
    a1.rule = {"type": "deduct", "per": 10, "cap": 30}
    services.indicator_save(indicator=a1, actor=actor)
    return draft


@pytest.mark.parametrize("period", ["2025Q2", "2025Q3", "2025"])
def test_the_preview_equals_a_recompute_with_the_published_draft(
    results: Results, admin_a: User, period: str
) -> None:
    chosen = Period.parse(period)
    period_recompute(framework=results.scored.framework, period=chosen)
    before = _stored(results.scored.version, chosen)
    draft = _harsher_copy(results, admin_a)

    preview = publish_preview(draft=draft, period=chosen, read_records=records_for_scoring)

    assert preview.published == results.scored.version
    assert preview.units == len(before)
    assert not Snapshot.objects.filter(version=draft).exists()  # nothing stored
    services.version_publish(version=draft, actor=admin_a)
    period_recompute(framework=results.scored.framework, period=chosen)
    after = _stored(draft, chosen)
    assert set(after) == set(before)
    moved = {unit for unit in after if after[unit] != before[unit]}
    assert moved  # the harsher rule moves someone in every one of these periods
    by_unit = {move.unit_id: move for move in preview.moves}
    changed = {
        u
        for u in after
        if (after[u].total, after[u].band, after[u].rank)
        != (before[u].total, before[u].band, before[u].rank)
    }
    assert set(by_unit) == changed
    for unit, move in by_unit.items():
        assert move.before == before[unit]
        assert move.after == after[unit]
        if move.change is not None:
            assert move.change == round(after[unit].total - before[unit].total, 2)  # type: ignore[operator]
    sizes = [move.size for move in preview.moves]
    assert sizes == sorted(sizes, reverse=True)  # the largest moves first


def test_the_confirmation_page_shows_the_moves_and_asks(results: Results) -> None:
    city_admin = make_user("city_admin", Role.COMMISSION_ADMIN, region=results.org.city)
    draft = _harsher_copy(results, city_admin)
    client = english(client_for(city_admin))
    detail = client.get(reverse("framework:version_detail", args=[draft.pk])).content.decode()
    confirm_url = reverse("framework:version_publish_confirm", args=[draft.pk])
    assert confirm_url in detail  # the draft's "Publish…" leads to the confirmation
    page = client.get(confirm_url, {"period": "2025Q3"})
    assert page.status_code == 200
    body = page.content.decode()
    preview = page.context["preview"]
    assert str(preview.period) == "2025Q3" and preview.moves
    assert 'data-testid="preview-moves"' in body
    assert "re-scored with this draft" in body
    # A2 of county A: A1 qty 4 in Q3, 20 of 30 deducted now (10 of 60 assessed points:
    # 16.67), all 30 with the draft (0.00).
    row = body.split(f'data-unit="{results.org.unit_a2.code}"', 1)[1].split("</tr>", 1)[0]
    assert "16.67" in row and "0.00" in row and "-16.67" in row
    assert 'data-qf-confirm="' in body and 'data-testid="publish"' in body
    assert FrameworkVersion.objects.get(pk=draft.pk).is_draft  # asking publishes nothing
