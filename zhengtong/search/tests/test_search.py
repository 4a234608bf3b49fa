"""Chinese full-text search: segmented, ranked, highlighted, and never showing anyone
what they may not see."""

import datetime

import pytest

from zhengtong.search import engine


@pytest.fixture
def entries(county):
    engine.index(
        "test.page",
        1,
        title="政务服务指南",
        text="本县政务服务事项实行一网通办，群众少跑腿。",
        url="/a/",
        public=True,
        date=datetime.date(2026, 3, 1),
    )
    engine.index(
        "test.page",
        2,
        title="关于做好森林防火工作的通知",
        text="各乡镇要落实森林防火责任。",
        url="/b/",
        unit=county.a,
        date=datetime.date(2025, 11, 2),
    )
    engine.index(
        "test.page",
        3,
        title="财政预算执行情况",
        text="一网通办平台建设经费已拨付。",
        url="/c/",
        unit=county.b,
        date=datetime.date(2026, 5, 5),
    )


def titles(hits):
    return [h.entry.title for h in hits]


def test_a_word_inside_a_run_of_chinese_is_found(entries):
    assert titles(engine.search("政务", public_only=True)) == ["政务服务指南"]


def test_government_terms_stay_whole(entries):
    assert "一网通办" in engine.segment("推进一网通办改革").split()


def test_the_public_finds_only_public_entries(entries):
    assert titles(engine.search("一网通办", public_only=True)) == ["政务服务指南"]
    assert engine.search("森林防火", public_only=True) == []


def test_staff_find_their_units_entries_but_not_another_units(entries, clerk_a):
    assert titles(engine.search("森林防火", person=clerk_a)) == ["关于做好森林防火工作的通知"]
    assert titles(engine.search("一网通办", person=clerk_a)) == ["政务服务指南"]


def test_a_visibility_hook_opens_other_units_entries_it_allows(entries, clerk_a):
    engine.register_visibility(
        "test.page", lambda person, group: {e.pk for e in group if e.object_id == "3"}
    )
    try:
        assert set(titles(engine.search("一网通办", person=clerk_a))) == {
            "政务服务指南",
            "财政预算执行情况",
        }
    finally:
        engine._visibility.pop("test.page")


def test_every_query_word_must_occur(entries, clerk_a):
    assert engine.search("森林防火 预算", person=clerk_a) == []


def test_snippets_mark_the_words_and_escape_the_text(county):
    engine.index(
        "test.page",
        9,
        title="<b>标题</b>",
        text="<script>x</script>推进一网通办改革",
        url="/x/",
        public=True,
    )
    (hit,) = engine.search("一网通办", public_only=True)
    assert "<mark>一网通办</mark>" in hit.snippet
    assert "<script>" not in hit.snippet


def test_filters_by_year_and_removal(entries, clerk_a):
    assert titles(engine.search("一网通办", person=clerk_a, year=2026)) == ["政务服务指南"]
    engine.remove("test.page", 1)
    assert engine.search("政务", public_only=True) == []


def test_reindexing_replaces_the_old_text(entries):
    engine.index("test.page", 1, title="办事指南", text="已改写的内容", url="/a/", public=True)
    assert engine.search("政务", public_only=True) == []
    assert titles(engine.search("改写", public_only=True)) == ["办事指南"]


def test_an_empty_or_punctuation_query_finds_nothing(entries):
    assert engine.search("  ，。！", public_only=True) == []
