from wagtail.models import Site

from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import SECTIONS, ensure_site, section


def test_the_site_has_every_section_of_the_url_map_live(site):
    for spec in SECTIONS:
        page = section(spec.slug)
        assert page is not None and page.live, spec.slug
        assert page.url == f"/{spec.slug}/"


def test_setting_up_twice_changes_nothing(site, county):
    count = pm.SectionPage.objects.count()
    assert ensure_site(county.root, office=county.government).pk == site.pk
    assert pm.SectionPage.objects.count() == count
    assert Site.objects.get(is_default_site=True).root_page_id == site.pk


def test_setup_website_builds_the_skeleton_for_the_county(county):
    from django.core.management import call_command

    call_command("setup_website")
    home = section("zwdt").get_parent().specific
    assert home.title == county.root.name
    assert home.owner_unit == county.government


def test_setup_website_without_a_county_says_so(db):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("setup_website")
