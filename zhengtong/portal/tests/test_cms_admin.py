"""The Wagtail admin at /cms/: staff sign in at /oa/login/, the page editor works under
its own content security policy, public pages keep the strict one; scheduled
publishing runs from the scheduler."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from zhengtong.core import scheduler
from zhengtong.core.models import ScheduledRun
from zhengtong.portal.middleware import CMS_POLICY_CHANGES
from zhengtong.portal.tests.test_workflow import draft, edit_url, unit_section


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.fixture
def section_a(site, news, county):
    return unit_section(news, county.a)


def test_signed_out_the_cms_sends_staff_to_the_staff_sign_in(site, client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response.url.startswith("/oa/login/")


def test_an_administrator_must_pass_two_factor_sign_in_first(site, system_admin, login):
    client = login(system_admin, otp=False)
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response.url.split("?")[0] in {reverse("org:otp_verify"), reverse("org:otp_setup")}


def test_the_page_editor_loads_for_an_editor(section_a, editor_a, client):
    client.force_login(editor_a)
    response = client.get(edit_url(draft(section_a)))
    assert response.status_code == 200
    assert b"page-edit-form" in response.content


def test_the_cms_policy_differs_from_the_public_one_only_where_wagtail_needs_it(
    section_a, editor_a, client
):
    public = directives(client.get("/"))
    assert "'unsafe-inline'" not in public["script-src"]
    assert "'unsafe-inline'" not in public["style-src"]
    assert public["frame-ancestors"] == {"'none'"}
    client.force_login(editor_a)
    cms = directives(client.get(edit_url(section_a)))
    changed = {name for name in set(public) | set(cms) if public.get(name) != cms.get(name)}
    assert changed <= set(CMS_POLICY_CHANGES)
    assert "'unsafe-inline'" in cms["script-src"]
    assert "'unsafe-inline'" in cms["style-src"]
    assert cms["frame-ancestors"] == {"'self'"}
    # No other host is allowed anywhere.
    assert not any("http" in source for sources in cms.values() for source in sources)
    # The staff pages outside /cms/ keep the strict policy.
    staff = directives(client.get("/oa/"))
    assert "'unsafe-inline'" not in staff.get("script-src", set())


def test_scheduled_publishing_runs_every_minute_from_the_scheduler(
    section_a, django_capture_on_commit_callbacks
):
    page = draft(section_a, "定时发布的通知")
    revision = page.get_latest_revision()
    page.go_live_at = timezone.now() + datetime.timedelta(seconds=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    # The time comes: both the approved time and the revision's own go-live time pass.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    now = timezone.now()
    # (Other subsystems' frequent jobs run in the same tick; only this one is looked at.)
    with django_capture_on_commit_callbacks(execute=True):
        assert "publish_scheduled" in scheduler.tick_frequent(now=now)
        assert "publish_scheduled" not in scheduler.tick_frequent(now=now)
    page.refresh_from_db()
    assert page.live
    with django_capture_on_commit_callbacks(execute=True):
        later = scheduler.tick_frequent(now=now + datetime.timedelta(minutes=1))
    assert "publish_scheduled" in later
    assert ScheduledRun.objects.filter(job="publish_scheduled").count() == 2
