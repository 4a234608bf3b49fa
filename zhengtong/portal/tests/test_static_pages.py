"""Published pages as files for nginx (portal/static_pages.py, manage.py publish_static)."""

from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command

from zhengtong.portal import cache, static_pages
from zhengtong.portal.tests.conftest import add_article


@pytest.fixture(autouse=True)
def pages_dir(settings, tmp_path):
    settings.PORTAL_CACHE = True
    settings.PORTAL_CACHE_JOURNAL = str(tmp_path / "journal")
    settings.PORTAL_STATIC_DIR = str(tmp_path / "pages")
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    cache.reset()
    yield tmp_path / "pages"
    cache.reset()


def page_file(base, url, host="testserver"):
    return base / "sites" / host / unquote(url).strip("/") / "index.html"


@pytest.mark.parametrize(
    "host, path, expected",
    [
        ("www.example.gov.cn", "/", "sites/www.example.gov.cn/index.html"),
        ("WWW.Example.gov.cn", "/zwdt/", "sites/www.example.gov.cn/zwdt/index.html"),
        ("localhost", "/zwdt/县政府常务会议/", "sites/localhost/zwdt/县政府常务会议/index.html"),
        ("localhost", "/zwdt", None),  # not a page address: Wagtail adds the slash
        ("localhost", "/zwdt/../../etc/", None),
        ("localhost", "/.hidden/", None),
        ("localhost", "/a b/", None),
        ("..", "/", None),
        ("evil/host", "/", None),
        ("", "/", None),
    ],
)
def test_only_safe_addresses_become_file_names(host, path, expected):
    assert static_pages.relative_path(host, path) == expected


def test_a_page_is_written_whole_and_removed_with_any_of_its_tags(pages_dir):
    target = static_pages.write("localhost", "/zwdt/", b"<html>page</html>", ["page.3", "sub.0001"])
    assert target.read_bytes() == b"<html>page</html>"
    assert target.stat().st_mode & 0o777 == 0o644
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".tmp-")]
    static_pages.remove_tags(["page.4"])
    assert target.exists()
    static_pages.remove_tags(["sub.0001"])
    assert not target.exists()


def test_nothing_is_written_when_the_directory_is_not_set(settings):
    settings.PORTAL_STATIC_DIR = ""
    assert static_pages.write("localhost", "/", b"x", ["page.1"]) is None
    assert static_pages.remove_tags(["page.1"]) == 0


@pytest.mark.django_db
def test_a_visit_writes_the_page_as_served_but_not_other_addresses(client, news, pages_dir):
    article = add_article(news, "县人社局发布招聘公告")
    response = client.get(article.url)
    assert page_file(pages_dir, article.url).read_bytes() == response.content
    client.get("/zwdt/?page=2")
    client.get("/oa/login/")
    assert static_pages.files() == [str(page_file(pages_dir, article.url).relative_to(pages_dir))]


@pytest.mark.django_db
def test_publish_static_writes_every_published_page_and_nothing_else(news, pages_dir):
    published = add_article(news, "已发布的文章")
    draft = add_article(news, "未发布的草稿", publish=False)
    out = StringIO()
    call_command("publish_static", "--clear", stdout=out, stderr=StringIO())
    assert page_file(pages_dir, "/").exists()
    assert page_file(pages_dir, "/zwdt/").exists()
    assert page_file(pages_dir, published.url).exists()
    assert not page_file(pages_dir, "/zwdt/" + draft.slug + "/").exists()
    # The report (in the site's language) names the directory written to.
    assert str(pages_dir) in out.getvalue()


@pytest.mark.django_db
def test_publish_static_refuses_without_a_directory(news, settings):
    settings.PORTAL_STATIC_DIR = ""
    with pytest.raises(CommandError, match="PORTAL_STATIC_DIR is not set"):
        call_command("publish_static")


@pytest.mark.django_db
def test_publish_static_refuses_a_host_the_site_does_not_answer_to(news):
    with pytest.raises(CommandError, match="not a host name"):
        call_command("publish_static", "--host", "attacker.example.com")
    with pytest.raises(CommandError, match="not a host name"):
        call_command("publish_static", "--host", "../etc")
