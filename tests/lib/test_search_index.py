"""The search index's tokens and query terms (qingfeng.lib.search_index), without a
database: what is written for a text and what a keyword looks up."""

from __future__ import annotations

from qingfeng.lib.search_index import query_terms, runs, tokens


def test_a_text_becomes_overlapping_bigrams_and_its_last_character() -> None:
    assert tokens(["黎城县教育局"]) == ["黎城", "城县", "县教", "教育", "育局", "局"]
    # Every character begins a token, so one character is found by a prefix.
    assert {t[0] for t in tokens(["公车私用"])} == set("公车私用")


def test_punctuation_and_spaces_end_a_run_and_letters_are_lower_cased() -> None:
    assert runs("超标准、超范围，陪餐 A1.2 x_y") == [
        "超标准",
        "超范围",
        "陪餐",
        "a1",
        "2",
        "x",
        "y",
    ]
    assert tokens(["公车，私用"]) == ["公车", "车", "私用", "用"]
    # No bigram spans two runs or two fields.
    assert "车私" not in tokens(["公车", "私用"])
    assert tokens(["", None, "教"]) == ["教"]


def test_a_keyword_needs_its_bigrams_or_a_prefix_for_one_character() -> None:
    assert query_terms("教育") == (["教育"], [])
    assert query_terms("公车私用") == (["公车", "私用", "车私"], [])
    assert query_terms("车") == ([], ["车"])
    # A one-character run already inside a required bigram adds nothing.
    assert query_terms("教育 教") == (["教育"], [])
    assert query_terms("A1.2") == (["a1"], ["2"])
    assert query_terms("、—%") == ([], [])
