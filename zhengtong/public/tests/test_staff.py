"""The staff page /oa/public-users/: the system administrator only."""

import pytest

from zhengtong.conftest import audit_records
from zhengtong.core.errors import Conflict, NotPermitted
from zhengtong.public import services

pytestmark = pytest.mark.django_db


def test_the_system_administrator_finds_an_account_by_mobile(client, login, system_admin, citizen):
    login(system_admin)
    response = client.post("/oa/public-users/", {"mobile": citizen.mobile})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>139****0001</td>" in html
    assert html.count(citizen.mobile) == 1  # only in the search box, as typed
    assert "李**" in html and "李小禾" not in html


def test_a_search_for_an_unknown_number_finds_nothing(client, login, system_admin, citizen):
    login(system_admin)
    html = client.post("/oa/public-users/", {"mobile": "13911112222"}).content.decode()
    assert "139****0001" not in html


@pytest.mark.parametrize("who", ["clerk_a", "head_a", "security_admin", "unit_admin_a"])
def test_other_staff_may_not_see_or_change_public_accounts(request, client, login, citizen, who):
    login(request.getfixturevalue(who))
    assert client.get("/oa/public-users/").status_code == 403
    assert client.post(f"/oa/public-users/{citizen.pk}/active/", {"active": "0"}).status_code == 403
    citizen.refresh_from_db()
    assert citizen.is_active


def test_signed_out_visitors_are_sent_to_the_staff_sign_in(client, citizen, public_login):
    public_login(citizen)  # a public user is not staff either
    response = client.get("/oa/public-users/")
    assert response.status_code == 302 and "/oa/" in response["Location"]


def test_deactivate_and_reactivate_through_the_page(client, login, system_admin, citizen):
    login(system_admin)
    response = client.post(f"/oa/public-users/{citizen.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert not citizen.is_active
    assert len(audit_records("public.user.deactivate")) == 1
    client.post(f"/oa/public-users/{citizen.pk}/active/", {"active": "1"})
    citizen.refresh_from_db()
    assert citizen.is_active


def test_the_operation_checks_the_rule_and_the_state(clerk_a, system_admin, citizen):
    with pytest.raises(NotPermitted):
        services.deactivate_public_user(clerk_a, citizen)
    with pytest.raises(Conflict):
        services.deactivate_public_user(system_admin, citizen, active=True)


def test_a_deactivated_user_is_signed_out(client, system_admin, citizen, public_login):
    public_login(citizen)
    assert client.get("/grzx/").status_code == 200
    services.deactivate_public_user(system_admin, citizen)
    assert client.get("/grzx/").status_code == 302
