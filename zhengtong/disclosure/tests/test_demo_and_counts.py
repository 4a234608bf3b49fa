"""The demo requests and the annual report's request table (docs/conformance.md DIS-14)."""

import datetime

from zhengtong.conftest import make_user
from zhengtong.demo.loaders import disclosure as demo
from zhengtong.disclosure import selectors, services
from zhengtong.disclosure.models import DisclosureRequest, ReplyKind, State
from zhengtong.disclosure.tests.conftest import submit
from zhengtong.org.models import Role


def _reply(clerk, head, req, kind, when, **fields):
    req = services.draft_reply(clerk, req, kind=kind, **fields)
    req = services.approve_reply(head, req)
    return services.send_reply(clerk, req, today=when)


def test_the_annual_table_counts_received_carried_and_each_outcome(county, clerk_a, head_a):
    old, _ = submit(county.a, today=datetime.date(2025, 12, 22))  # answered in 2026
    left, _ = submit(county.a, today=datetime.date(2025, 12, 29))  # still open
    _reply(
        clerk_a,
        head_a,
        old,
        "provided",
        datetime.date(2026, 1, 9),
        information="x",
        is_partial=True,
        reason="涉及个人隐私",
        legal_basis="第十五条",
    )
    a, _ = submit(county.a, today=datetime.date(2026, 3, 2))
    _reply(clerk_a, head_a, a, "not_exist", datetime.date(2026, 3, 10), body="经检索无")
    w, pw = submit(county.a, today=datetime.date(2026, 4, 1))
    services.withdraw(None, w, query_password=pw, today=datetime.date(2026, 4, 2))
    submit(county.a, today=datetime.date(2026, 12, 30))  # carried forward to 2027
    submit(county.b, today=datetime.date(2026, 5, 6))  # another organ

    counts = selectors.annual_counts(2026, unit=county.a)
    rows = counts.report_rows()
    assert rows["received"] == 3 and rows["carried_over"] == 2
    assert rows["partly_disclosed"] == 1 and rows["disclosed"] == 0
    assert rows["cannot_provide"] == 1 and rows["other"] == 1
    assert rows["total_handled"] == 3 and rows["carried_forward"] == 2
    # The table balances: what came in is handled or carried forward.
    assert (
        rows["carried_over"] + rows["received"] == rows["total_handled"] + rows["carried_forward"]
    )
    assert counts.by_kind == {ReplyKind.PROVIDED: 1, ReplyKind.NOT_EXIST: 1}
    assert selectors.annual_counts(2026).received == 4
    assert left.state == State.PROCESSING  # from 2025, carried over and carried forward


def test_the_demo_plays_requests_in_every_state_once(county):
    for unit in (county.a, county.b):
        make_user(f"clerk_{unit.pk}", unit, roles=[Role.CLERK])
        make_user(f"head_{unit.pk}", unit, roles=[Role.UNIT_HEAD])
    units = {"a": county.a, "b": county.b, "county": county.root}
    created = demo.load(units, seed=7)
    assert len(created) == len(demo.SCRIPT)
    states = {r.state for r in DisclosureRequest.objects.all()}
    assert {
        State.REPLIED,
        State.WITHDRAWN,
        State.ABANDONED,
        State.CONSULTING,
        State.CORRECTION,
        State.REVIEW,
        State.PROCESSING,
    } <= states
    kinds = set(
        DisclosureRequest.objects.filter(state=State.REPLIED).values_list("reply__kind", flat=True)
    )
    assert len(kinds) >= 6
    assert DisclosureRequest.objects.filter(extension_days__gt=0).count() == 2
    assert DisclosureRequest.objects.filter(correction__answered_on__isnull=False).count() == 1
    assert demo.load(units, seed=7) == []  # loading again changes nothing
    assert DisclosureRequest.objects.count() == len(demo.SCRIPT)


def test_the_same_seed_gives_the_same_applicants(county):
    import random

    rng1, rng2 = random.Random(3), random.Random(3)
    first = [demo._applicant(rng1, i, county.a)["name"] for i in range(10)]
    second = [demo._applicant(rng2, i, county.a)["name"] for i in range(10)]
    assert first == second
