"""REST API v1: authentication, units, staff, work items, calendar, schema."""

import datetime

import pytest
from django_otp.oath import totp
from rest_framework.authtoken.models import Token

from zhengtong.conftest import PASSWORD, audit_records, confirmed_device, make_user, make_work_item
from zhengtong.core.models import CalendarYear, SpecialDay, WorkItem, WorkItemState

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token_for(user):
    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def as_user(api_client):
    """as_user(user) authenticates the API client with the user's token."""

    def authenticate(user):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return api_client

    return authenticate


def current_token(device):
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/units/",
        "/staff/",
        "/staff/me/",
        "/work-items/",
        "/calendar/is-working-day/?date=2026-10-01",
    ],
)
def test_anonymous_callers_are_refused(api_client, county, path):
    response = api_client.get(API + path)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_a_token_is_obtained_with_the_password_and_then_works(api_client, clerk_a):
    response = api_client.post(
        f"{API}/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=clerk_a).key == key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get(f"{API}/staff/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk_a"


def test_a_wrong_password_gets_no_token_and_is_audited(api_client, clerk_a):
    response = api_client.post(
        f"{API}/auth/token/", {"username": "clerk_a", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()
    assert len(audit_records("auth.login_failed")) == 1


def test_the_token_endpoint_is_locked_after_repeated_failures(api_client, clerk_a):
    for _attempt in range(5):
        api_client.post(
            f"{API}/auth/token/", {"username": "clerk_a", "password": "nope"}, format="json"
        )
    response = api_client.post(
        f"{API}/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not Token.objects.exists()


def test_a_bad_token_is_refused(api_client, county):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api_client.get(f"{API}/units/").status_code in (401, 403)


def test_an_account_that_must_change_its_password_gets_no_token(api_client, county):
    make_user("fresh", county.a, must_change_password=True)
    response = api_client.post(
        f"{API}/auth/token/", {"username": "fresh", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert not Token.objects.exists()


def test_an_existing_token_stops_working_after_a_password_reset(as_user, clerk_a, unit_admin_a):
    from zhengtong.org import services

    client = as_user(clerk_a)
    services.set_password(unit_admin_a, clerk_a, "Qingshan-2026!")
    response = client.get(f"{API}/units/")
    # Revoked with the reset (issue 15), no longer only held back by the forced change.
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_an_administrator_needs_the_second_factor_for_a_token(api_client, system_admin):
    device = confirmed_device(system_admin)
    response = api_client.post(
        f"{API}/auth/token/", {"username": "sysadmin", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    assert not Token.objects.exists()
    response = api_client.post(
        f"{API}/auth/token/",
        {
            "username": "sysadmin",
            "password": PASSWORD,
            "otp_token": current_token(device),
        },
        format="json",
    )
    assert response.status_code == 200
    assert Token.objects.filter(user=system_admin).exists()


def test_a_browser_session_without_the_second_factor_cannot_use_the_api(client, system_admin):
    client.force_login(system_admin)  # password only: the pages send them to 2FA ...
    response = client.get(f"{API}/staff/")  # ... and so does the API
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_a_browser_session_with_the_second_factor_uses_the_api(login, system_admin):
    assert login(system_admin).get(f"{API}/staff/").status_code == 200


def test_a_browser_session_of_a_clerk_uses_the_api(login, clerk_a):
    response = login(clerk_a).get(f"{API}/units/")
    assert response.status_code == 200


def test_posting_with_a_session_needs_the_csrf_token(clerk_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk_a)
    item = make_work_item(user=clerk_a)
    response = client.post(f"{API}/work-items/{item.pk}/complete/")
    assert response.status_code == 403
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.OPEN


# --- units ----------------------------------------------------------------------------------


def test_units_are_listed_for_any_staff_member(as_user, clerk_b, county):
    body = as_user(clerk_b).get(f"{API}/units/").json()
    assert body["count"] == 5
    names = [u["name"] for u in body["results"]]
    assert "Education Bureau" in names and "Hexi Town" in names


def test_units_are_filtered_by_kind_parent_and_name(as_user, clerk_a, county):
    client = as_user(clerk_a)
    towns = client.get(f"{API}/units/", {"kind": "town"}).json()["results"]
    assert [u["name"] for u in towns] == ["Hexi Town"]
    under_government = client.get(f"{API}/units/", {"parent": county.government.pk}).json()
    assert {u["name"] for u in under_government["results"]} == {
        "Education Bureau",
        "Finance Bureau",
    }
    found = client.get(f"{API}/units/", {"q": "FinB"}).json()["results"]
    assert [u["id"] for u in found] == [county.b.pk]


def test_a_unit_is_read_by_id_and_cannot_be_changed_through_the_api(as_user, clerk_a, county):
    client = as_user(clerk_a)
    assert client.get(f"{API}/units/{county.a.pk}/").json()["name"] == "Education Bureau"
    response = client.patch(f"{API}/units/{county.a.pk}/", {"name": "Hacked"}, format="json")
    assert response.status_code == 405
    county.a.refresh_from_db()
    assert county.a.name == "Education Bureau"


# --- staff -----------------------------------------------------------------------------------


def staff_by_username(client, **params):
    return {s["username"]: s for s in client.get(f"{API}/staff/", params).json()["results"]}


def test_the_staff_list_masks_the_mobile_of_another_units_colleague(as_user, clerk_a, clerk_b):
    staff = staff_by_username(as_user(clerk_b))
    assert staff["clerk_a"]["mobile"] == "138****5678"
    assert staff["clerk_b"]["mobile"] == "13712345678"


def test_the_staff_list_shows_the_whole_mobile_within_the_unit(as_user, clerk_a, head_a):
    staff = staff_by_username(as_user(head_a))
    assert staff["clerk_a"]["mobile"] == "13812345678"


def test_the_staff_list_is_filtered_by_unit(as_user, clerk_a, head_a, clerk_b, county):
    staff = staff_by_username(as_user(clerk_b), unit=county.a.pk)
    assert set(staff) == {"clerk_a", "head_a"}


def test_the_staff_list_never_shows_password_hashes_or_disabled_accounts(as_user, clerk_a, county):
    make_user("gone", county.a, is_active=False)
    staff = staff_by_username(as_user(clerk_a))
    assert "gone" not in staff
    assert "password" not in staff["clerk_a"]


def test_me_shows_ones_own_roles(as_user, clerk_a, county):
    me = as_user(clerk_a).get(f"{API}/staff/me/").json()
    assert me["roles"] == [{"role": "clerk", "unit": county.a.pk}]
    assert me["mobile"] == "13812345678"


# --- work items -------------------------------------------------------------------------------


def test_the_work_item_list_shows_only_visible_open_items(as_user, clerk_a, clerk_b, county):
    mine = make_work_item(user=clerk_a, title="mine")
    ours = make_work_item(unit=county.a, title="ours")
    make_work_item(unit=county.b, title="B's")
    make_work_item(user=clerk_b, title="Wang's")
    make_work_item(user=clerk_a, title="done", state=WorkItemState.DONE)
    body = as_user(clerk_a).get(f"{API}/work-items/").json()
    assert {i["id"] for i in body["results"]} == {mine.pk, ours.pk}


def test_closed_items_are_listed_on_request(as_user, clerk_a):
    done = make_work_item(user=clerk_a, state=WorkItemState.DONE)
    make_work_item(user=clerk_a)
    body = as_user(clerk_a).get(f"{API}/work-items/", {"state": "done"}).json()
    assert [i["id"] for i in body["results"]] == [done.pk]


def test_completing_ones_own_item(as_user, clerk_a):
    item = make_work_item(user=clerk_a)
    response = as_user(clerk_a).post(f"{API}/work-items/{item.pk}/complete/")
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    assert response.json()["closed_by"] == clerk_a.pk
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.DONE


def test_completing_another_units_item_is_refused_and_changes_nothing(as_user, clerk_b, county):
    item = make_work_item(unit=county.a)
    response = as_user(clerk_b).post(f"{API}/work-items/{item.pk}/complete/")
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("not_found", "not_permitted")
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.OPEN
    assert as_user(clerk_b).get(f"{API}/work-items/{item.pk}/").status_code in (403, 404)


def test_completing_an_item_twice_is_a_conflict(as_user, clerk_a):
    item = make_work_item(user=clerk_a)
    client = as_user(clerk_a)
    client.post(f"{API}/work-items/{item.pk}/complete/")
    response = client.post(f"{API}/work-items/{item.pk}/complete/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_closed_item_can_still_be_read_by_id(as_user, clerk_a):
    item = make_work_item(user=clerk_a, state=WorkItemState.DONE)
    response = as_user(clerk_a).get(f"{API}/work-items/{item.pk}/")
    assert response.status_code == 200
    assert response.json()["state"] == "done"


def test_a_delegate_completes_the_delegators_item_through_the_api(as_user, clerk_a, clerk_b):
    from zhengtong.conftest import make_delegation

    item = make_work_item(user=clerk_a)
    make_delegation(clerk_a, clerk_b)
    response = as_user(clerk_b).post(f"{API}/work-items/{item.pk}/complete/")
    assert response.status_code == 200
    assert response.json()["closed_on_behalf_of"] == clerk_a.pk


# --- calendar -----------------------------------------------------------------------------------


@pytest.fixture
def national_day_2030(db):
    CalendarYear.objects.update_or_create(year=2030, defaults={"source": "test"})
    SpecialDay.objects.filter(date__year=2030).delete()
    SpecialDay.objects.create(date=datetime.date(2030, 9, 28), kind="workday", name="国庆节")
    for day in (1, 2, 3, 4, 7):
        SpecialDay.objects.create(date=datetime.date(2030, 10, day), kind="holiday", name="国庆节")


def test_adding_working_days_skips_holidays_and_counts_adjusted_days(
    as_user, clerk_a, national_day_2030
):
    response = as_user(clerk_a).get(
        f"{API}/calendar/add-working-days/",
        {"date": "2030-09-27", "days": 3},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.json() == {
        "date": "2030-10-08",
        "fallback": False,
        "rule": "3 working days from 2030-09-27",
    }


def test_a_year_without_data_is_flagged_as_fallback(as_user, clerk_a):
    body = (
        as_user(clerk_a)
        .get(f"{API}/calendar/add-working-days/", {"date": "2031-09-26", "days": 3})
        .json()
    )
    assert body["date"] == "2031-10-01"
    assert body["fallback"] is True


def test_working_days_between_two_dates(as_user, clerk_a, national_day_2030):
    body = (
        as_user(clerk_a)
        .get(f"{API}/calendar/working-days-between/", {"start": "2030-09-27", "end": "2030-10-08"})
        .json()
    )
    assert body == {"count": 3, "fallback": False}


def test_is_working_day(as_user, clerk_a, national_day_2030):
    client = as_user(clerk_a)
    holiday = client.get(f"{API}/calendar/is-working-day/", {"date": "2030-10-02"}).json()
    assert holiday == {"date": "2030-10-02", "is_working_day": False, "fallback": False}
    adjusted = client.get(f"{API}/calendar/is-working-day/", {"date": "2030-09-28"}).json()
    assert adjusted["is_working_day"] is True


@pytest.mark.parametrize(
    "path, params, field",
    [
        ("add-working-days", {"date": "2030-02-30", "days": 3}, "date"),
        ("add-working-days", {"date": "2030-09-27"}, "days"),
        ("add-working-days", {"date": "2030-09-27", "days": "three"}, "days"),
        ("add-working-days", {"date": "2030-09-27", "days": 100000}, "days"),
        ("add-working-days", {"date": "9999-12-31", "days": 5}, None),
        ("add-working-days", {"date": "0001-01-01", "days": -5}, None),
        ("working-days-between", {"start": "2030-01-01"}, "end"),
        ("working-days-between", {"start": "0001-01-01", "end": "9999-12-31"}, None),
        ("is-working-day", {}, "date"),
        ("is-working-day", {"date": "yesterday"}, "date"),
    ],
)
def test_bad_calendar_input_is_a_clear_400_never_a_500(as_user, clerk_a, path, params, field):
    response = as_user(clerk_a).get(f"{API}/calendar/{path}/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    if field:
        assert field in body["detail"]
        assert body["detail"][field]  # a message for the field
    else:
        assert body["detail"]


# --- schema and documentation ---------------------------------------------------------------------


def test_the_openapi_schema_describes_the_api(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Zhengtong API"
    paths = schema["paths"]
    assert "/api/v1/work-items/{id}/complete/" in paths
    assert "/api/v1/calendar/add-working-days/" in paths
    assert all(p.startswith("/api/v1/") for p in paths)


def test_the_api_documentation_page_opens(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_a_token_is_refused_once_its_lifetime_has_passed(as_user, clerk_a, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.API_TOKEN_DAYS = 30
    client = as_user(clerk_a)
    assert client.get(f"{API}/units/").status_code == 200
    Token.objects.filter(user=clerk_a).update(created=timezone.now() - timedelta(days=31))
    response = client.get(f"{API}/units/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_asking_again_after_expiry_gives_a_new_token_that_works(api_client, clerk_a):
    from datetime import timedelta

    from django.utils import timezone

    first = api_client.post(
        f"{API}/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    ).json()
    assert first["expires"]
    Token.objects.filter(user=clerk_a).update(created=timezone.now() - timedelta(days=400))
    again = api_client.post(
        f"{API}/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    ).json()
    assert again["token"] != first["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {again['token']}")
    assert api_client.get(f"{API}/units/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert api_client.get(f"{API}/units/").status_code == 401


def test_a_token_still_valid_is_handed_out_again_unchanged(api_client, clerk_a):
    ask = lambda: api_client.post(  # noqa: E731
        f"{API}/auth/token/", {"username": "clerk_a", "password": PASSWORD}, format="json"
    ).json()["token"]
    assert ask() == ask()
