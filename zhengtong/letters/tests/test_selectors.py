"""Who sees which letters, the personal centre's list and the daily job."""

from zhengtong.core import scheduler
from zhengtong.letters import selectors, services
from zhengtong.letters.models import Letter
from zhengtong.letters.tests.conftest import WRITER_MOBILE, replied, routed, submit
from zhengtong.public.models import PublicUser
from zhengtong.public.registry import sections_for


def test_a_unit_sees_only_letters_routed_to_it(box):
    mine = routed(box)
    other = submit(box.mailbox, title="Not routed").letter
    assert list(selectors.visible_letters(box.clerk_a)) == [mine]
    assert list(selectors.visible_letters(box.clerk_b)) == []
    assert set(selectors.visible_letters(box.office_clerk)) == {mine, other}
    assert set(selectors.visible_letters(box.leader)) == {mine, other}
    assert set(selectors.visible_letters(box.supervisor)) == {mine, other}


def test_awaiting_my_unit_lists_only_my_units_items_soonest_first(box):
    first = routed(box)
    second = submit(box.mailbox).letter
    office_items = list(selectors.awaiting_my_unit(box.office_clerk))
    assert [i.subject_id for i in office_items] == [str(second.pk)]
    unit_items = list(selectors.awaiting_my_unit(box.clerk_a))
    assert [i.subject_id for i in unit_items] == [str(first.pk)]
    assert list(selectors.awaiting_my_unit(box.clerk_b)) == []


def test_statistics_count_on_time_replies_by_unit(box):
    replied(box)
    submit(box.mailbox)
    stats = selectors.statistics()
    assert stats["totals"]["received"] == 2 and stats["totals"]["replied"] == 1
    assert stats["totals"]["on_time_rate"] == 100.0
    (row,) = [r for r in stats["by_unit"] if r["lead_unit__name"] == box.county.a.name]
    assert row["replied"] == 1


def test_the_timeline_for_the_writer_leaves_out_internal_steps(box):
    letter = routed(box)
    services.add_instruction(box.leader, letter, text="internal")
    kinds = {s.kind for s in selectors.public_timeline(letter)}
    assert "instruction" not in kinds and "routed" in kinds


def test_an_account_holders_letters_are_in_the_personal_centre(box):
    user = PublicUser(mobile=WRITER_MOBILE)
    user.set_password("x")
    user.save()
    letter = submit(box.mailbox, public_user=user).letter
    (section,) = [s for s in sections_for(user) if s.key == "letters"]
    assert [item.url for item in section.items] == [f"/hdjl/xx/cx/{letter.tracking_code}/"]


def test_the_query_password_is_kept_as_a_keyed_hash(box):
    result = submit(box.mailbox)
    stored = Letter.objects.get().query_password
    assert stored.startswith(services.PASSWORD_HASH_PREFIX)
    assert result.password not in stored


def test_the_escalation_runs_daily(db):
    assert "letters_escalation" in {job.name for job in scheduler.JOBS}


def test_the_offices_of_open_mailboxes_answer_for_the_public(box):
    from zhengtong.public import reception

    assert reception.answers_for_public(box.office_clerk)
    assert reception.answers_for_public(box.clerk_a)  # the department mailbox's office
    assert not reception.answers_for_public(box.clerk_b)
    box.mailbox.is_active = False
    box.mailbox.save()
    assert box.mailbox.office_unit_id not in reception.reception_office_ids()
    assert not reception.answers_for_public(box.office_clerk)
