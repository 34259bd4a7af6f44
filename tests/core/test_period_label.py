"""Periods are shown as their users say them; the code stays in URLs."""

import pytest
from django.template import Context, Template
from django.utils import translation

from qingfeng.lib.periods import Period, period_label


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("2026", "2026年", "2026"),
        ("2026H1", "2026年上半年", "first half of 2026"),
        ("2026H2", "2026年下半年", "second half of 2026"),
        ("2026Q1", "2026年第一季度", "Q1 2026"),
        ("2026Q3", "2026年第三季度", "Q3 2026"),
        ("2026M07", "2026年7月", "2026-07"),
    ],
)
def test_it_names_each_kind_of_period(code: str, chinese: str, english: str) -> None:
    with translation.override("zh-hans"):
        assert period_label(code) == chinese
    with translation.override("en"):
        assert period_label(code) == english


def test_it_leaves_a_non_period_as_it_is() -> None:
    assert period_label("2026年第五季") == "2026年第五季"


def test_it_is_a_template_filter() -> None:
    template = Template("{% load qingfeng %}{{ period|period_label }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"period": "2025Q4"})) == "2025年第四季度"


@pytest.mark.parametrize("code", ["2026", "2026H1", "2026H2", "2026Q1", "2026Q4", "2026M07"])
def test_a_user_may_type_a_period_as_it_is_shown(code: str) -> None:
    with translation.override("zh-hans"):
        shown = period_label(code)
    assert str(Period.read(shown)) == code
    assert str(Period.read(code.lower())) == code  # and the code still works


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026年度", "2026"),
        ("2026年三季度", "2026Q3"),
        ("２０２６年第3季度", "2026Q3"),
        ("2026年 12月", "2026M12"),
    ],
)
def test_it_reads_the_usual_ways_of_writing_a_period(typed: str, code: str) -> None:
    assert str(Period.read(typed)) == code


@pytest.mark.parametrize("typed", ["2026年第五季度", "2026年13月", "二〇二六年", "2026年下半"])
def test_it_refuses_words_that_are_no_period_quoting_them(typed: str) -> None:
    with translation.override("zh-hans"), pytest.raises(ValueError, match=typed):
        Period.read(typed)
