"""The IT centre maintains the mailboxes' settings in /admin/; letters are not there."""

from zhengtong.core.models import AuditRecord
from zhengtong.letters.models import DeclineReason


def test_the_it_centre_edits_decline_reasons_and_it_is_audited(login, system_admin):
    client = login(system_admin)
    assert client.get("/admin/letters/mailbox/").status_code == 200
    assert client.get("/admin/letters/mailbox/add/").status_code == 200
    response = client.post(
        "/admin/letters/declinereason/add/",
        {"text": "Outside the county", "public_text": "", "sort_order": 20, "is_active": "on"},
    )
    assert response.status_code == 302
    assert DeclineReason.objects.filter(text="Outside the county").exists()
    assert AuditRecord.objects.filter(action="letters.declinereason.add").exists()


def test_letters_are_not_in_the_admin(login, system_admin):
    assert login(system_admin).get("/admin/letters/letter/").status_code == 404


def test_a_clerk_cannot_open_the_admin(login, clerk_a):
    response = login(clerk_a).get("/admin/letters/mailbox/")
    assert response.status_code == 302
