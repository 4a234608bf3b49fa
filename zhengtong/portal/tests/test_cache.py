"""The whole-page cache (portal/cache.py): pages are kept whole and dropped exactly when
something they show is published, changed or unpublished; nothing unpublished,
scheduled, private or personal is ever kept."""

import datetime
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import PageViewRestriction

from zhengtong.portal import cache
from zhengtong.portal import models as pm
from zhengtong.portal.sitetree import section
from zhengtong.portal.tests.conftest import add_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings, tmp_path):
    settings.PORTAL_CACHE = True
    settings.PORTAL_CACHE_JOURNAL = str(tmp_path / "journal")
    settings.PORTAL_STATIC_DIR = ""
    cache.reset()
    yield cache.store()
    cache.reset()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what happens after the transaction commits (the invalidations)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def hit(response):
    return response.get("X-Page-Cache") == "hit"


def page_file(tmp_path, url):
    """Where the page at `url` is written for nginx (its path decoded, as nginx reads it)."""
    return tmp_path / "pages" / "sites" / "testserver" / unquote(url).strip("/") / "index.html"


def warm(client, *paths):
    for path in paths:
        assert client.get(path).status_code == 200
        assert hit(client.get(path)), f"{path} was not kept"


def test_a_kept_page_is_answered_without_a_single_query(client, news, django_assert_num_queries):
    first = client.get("/zwdt/")
    assert first.status_code == 200 and not hit(first)
    with django_assert_num_queries(0):
        second = client.get("/zwdt/")
    assert hit(second)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The security headers of the first answer are kept with the page.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_publishing_an_article_refreshes_the_home_page_and_its_section_only(client, news, commit):
    notices = section("tzgg")
    old_notice = add_article(notices, "关于春节假期安排的通知")
    warm(client, "/", "/zwdt/", "/tzgg/", old_notice.url)

    with commit():
        add_article(news, "县政府召开第十二次常务会议")

    home = client.get("/")
    assert not hit(home)
    assert "县政府召开第十二次常务会议" in home.content.decode()
    listing = client.get("/zwdt/")
    assert not hit(listing)
    assert "县政府召开第十二次常务会议" in listing.content.decode()
    assert hit(client.get("/tzgg/"))
    assert hit(client.get(old_notice.url))


def test_changing_an_article_refreshes_the_pages_that_show_it(client, news, commit):
    article = add_article(news, "县医保局发布新政")
    warm(client, article.url, "/zwdt/", "/", "/tzgg/")
    article.title = "县医保局发布医保新政"
    with commit():
        article.save_revision().publish()
    for path in (article.url, "/zwdt/", "/"):
        response = client.get(path)
        assert not hit(response), path
        assert "县医保局发布医保新政" in response.content.decode()
    assert hit(client.get("/tzgg/"))


def test_a_draft_change_without_publishing_changes_nothing(client, news, commit, page_cache):
    article = add_article(news, "县文旅局举办非遗展")
    warm(client, article.url, "/zwdt/")
    before = page_cache.journal.position()
    article.title = "草稿标题"
    with commit():
        article.save_revision()
    assert page_cache.journal.position() == before
    response = client.get(article.url)
    assert hit(response)
    assert "县文旅局举办非遗展" in response.content.decode()
    assert "草稿标题" not in client.get("/zwdt/").content.decode()


def test_unpublishing_drops_the_page_and_its_file(client, news, commit, settings, tmp_path):
    settings.PORTAL_STATIC_DIR = str(tmp_path / "pages")
    article = add_article(news, "县应急局发布防汛预警")
    warm(client, article.url, "/zwdt/")
    written = page_file(tmp_path, article.url)
    assert written.read_bytes() == client.get(article.url).content

    with commit():
        article.unpublish()

    assert not written.exists()
    assert client.get(article.url).status_code == 404
    listing = client.get("/zwdt/")
    assert not hit(listing)
    assert "县应急局发布防汛预警" not in listing.content.decode()


def test_deleting_a_page_drops_it(client, news, commit):
    article = add_article(news, "将被删除的文章")
    warm(client, article.url, "/zwdt/")
    with commit():
        article.delete()
    assert client.get(article.url).status_code == 404
    assert "将被删除的文章" not in client.get("/zwdt/").content.decode()


def test_a_scheduled_page_is_never_kept_or_written_until_it_goes_live(
    client, news, commit, settings, tmp_path
):
    settings.PORTAL_STATIC_DIR = str(tmp_path / "pages")
    warm(client, "/zwdt/")
    page = add_article(news, "定时发布的公告", publish=False)
    page.go_live_at = timezone.now() + datetime.timedelta(days=1)
    with commit():
        page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    url = "/zwdt/" + page.slug + "/"

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 404 and not hit(response)
    assert "定时发布的公告" not in client.get("/zwdt/").content.decode()
    assert not list((tmp_path / "pages").rglob(page.slug))

    # The time comes: the scheduler publishes it, which refreshes the section.
    revision = page.latest_revision
    due = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = due
    revision.content["go_live_at"] = due.isoformat()
    revision.save()
    with commit():
        call_command("publish_scheduled")
    assert client.get(url).status_code == 200
    listing = client.get("/zwdt/")
    assert not hit(listing)
    assert "定时发布的公告" in listing.content.decode()


def test_a_signed_in_editor_neither_gets_nor_fills_the_cache(client, news, editor_a):
    article = add_article(news, "编辑看到的页面")
    staff = client.__class__()
    staff.force_login(editor_a)
    # The editor first: nothing is kept for the public.
    assert not hit(staff.get(article.url))
    assert not hit(client.get(article.url))
    # The public fills it; the editor still gets the page rendered for them.
    assert hit(client.get(article.url))
    assert not hit(staff.get(article.url))


def test_a_response_that_sets_a_cookie_is_not_kept(client, news, monkeypatch):
    original = pm.SectionPage.serve

    def serve_with_cookie(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response.set_cookie("visitor", "1")
        return response

    monkeypatch.setattr(pm.SectionPage, "serve", serve_with_cookie)
    client.get("/zwdt/")
    response = client.get("/zwdt/")
    assert not hit(response)
    assert response.cookies["visitor"].value == "1"


ELIGIBLE = [
    ("", {}, True),
    ("page=2", {}, True),
    ("page=abc", {}, False),
    ("utm_source=x", {}, False),
    ("", {"django_language": "en"}, False),
    ("", {"django_language": "zh-hans"}, True),
    ("", {"sessionid": "anything"}, False),
    ("", {"zt_elderly": "1", "csrftoken": "x" * 32}, True),
]


@pytest.mark.parametrize("query, cookies, kept", ELIGIBLE)
def test_only_plain_anonymous_requests_use_the_cache(client, news, query, cookies, kept):
    for name, value in cookies.items():
        client.cookies[name] = value
    url = "/zwdt/" + ("?" + query if query else "")
    client.get(url)
    assert hit(client.get(url)) is kept


class WsgiCall:
    """Calls `answer_before_django` as the WSGI server does; `django_called` says
    whether the request went on to Django."""

    def __init__(self, client):
        # Real servers always send a Host header (the test client sends none); the
        # first request through Django checks it against ALLOWED_HOSTS.
        client.defaults["HTTP_HOST"] = "testserver"
        self.django_called = False
        self.app = cache.answer_before_django(self._django)

    def _django(self, environ, start_response):
        self.django_called = True
        start_response("200 OK", [])
        return [b"from django"]

    def get(self, path, query="", cookies=None, host="testserver"):
        environ = RequestFactory().get(path, HTTP_HOST=host).environ
        environ["QUERY_STRING"] = query
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.django_called, answered = False, {}

        def start_response(status, headers):
            answered.update(status=status, headers=dict(headers))

        body = b"".join(self.app(environ, start_response))
        return answered, body


@pytest.mark.parametrize("query, cookies, kept", ELIGIBLE)
def test_before_django_a_kept_page_is_answered_by_the_same_rules(
    client, news, query, cookies, kept
):
    wsgi = WsgiCall(client)
    for name, value in cookies.items():
        client.cookies[name] = value
    url = "/zwdt/" + ("?" + query if query else "")
    client.get(url)
    kept_answer = client.get(url)
    answered, body = wsgi.get("/zwdt/", query, cookies)
    assert wsgi.django_called is not kept
    if kept:
        assert answered["status"] == "200 OK"
        assert body == kept_answer.content
        headers = answered["headers"]
        assert headers["X-Page-Cache"] == "hit"
        assert headers["Content-Type"] == kept_answer["Content-Type"]
        assert headers["Content-Security-Policy"] == kept_answer["Content-Security-Policy"]
        assert headers["Content-Length"] == str(len(body))
        assert "Set-Cookie" not in headers


def test_before_django_an_invalidated_or_unknown_page_goes_to_django(client, news, page_cache):
    article = add_article(news, "进程外失效")
    wsgi = WsgiCall(client)
    warm(client, article.url, "/tzgg/")
    wsgi.get(article.url)
    assert not wsgi.django_called
    _other_process_journal(page_cache.journal).append({f"page.{article.pk}"})
    wsgi.get(article.url)
    assert wsgi.django_called
    wsgi.get("/tzgg/")
    assert not wsgi.django_called
    # Never kept, or a host Django has not checked against ALLOWED_HOSTS yet.
    for path, host in (("/zwdt/", "testserver"), ("/tzgg/", "evil.example")):
        wsgi.get(path, host=host)
        assert wsgi.django_called, (path, host)


def test_before_django_nothing_is_answered_with_the_cache_off(client, news, settings):
    wsgi = WsgiCall(client)
    warm(client, "/zwdt/")
    settings.PORTAL_CACHE = False
    wsgi.get("/zwdt/")
    assert wsgi.django_called


def test_the_wsgi_application_answers_kept_pages_first():
    from zhengtong import wsgi

    assert wsgi.application.__name__ == "cached_pages_first"


def test_other_languages_get_their_own_rendering(client, news):
    warm(client, "/zwdt/")
    client.cookies["django_language"] = "en"
    response = client.get("/zwdt/")
    assert not hit(response)
    assert response.content != client.__class__().get("/zwdt/").content


def test_staff_and_api_paths_are_never_kept(client, news):
    for path in ("/oa/login/", "/api/v1/", "/cms/", "/search/?q=x", "/healthz"):
        client.get(path)
        assert not hit(client.get(path)), path


def test_a_page_with_a_view_restriction_is_not_kept(client, news, commit):
    article = add_article(news, "内部资料")
    with commit():
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="secret1234"
        )
    client.get(article.url)
    response = client.get(article.url)
    assert not hit(response)
    assert "内部资料" not in response.content.decode() or response.status_code != 200


def test_restricting_a_kept_page_drops_it(client, news, commit):
    article = add_article(news, "原本公开的资料")
    warm(client, article.url)
    with commit():
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(article.url)
    assert not hit(response)
    assert response.status_code == 302


def test_an_invalidation_written_by_another_process_is_obeyed(client, news, page_cache):
    article = add_article(news, "另一个进程发布")
    warm(client, article.url, "/tzgg/")
    # The scheduler or a second web worker appends to the shared journal.
    _other_process_journal(page_cache.journal).append({f"page.{article.pk}"})
    assert not hit(client.get(article.url))
    assert hit(client.get("/tzgg/"))


def test_a_page_invalidated_while_it_renders_is_not_kept(
    client, news, monkeypatch, page_cache, settings, tmp_path
):
    settings.PORTAL_STATIC_DIR = str(tmp_path / "pages")
    article = add_article(news, "渲染时被修改")
    original = pm.ArticlePage.serve

    def serve_then_change(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        # Another process publishes a new version while this one renders the old.
        _other_process_journal(page_cache.journal).append({f"page.{self.pk}"})
        return response

    monkeypatch.setattr(pm.ArticlePage, "serve", serve_then_change)
    client.get(article.url)
    monkeypatch.setattr(pm.ArticlePage, "serve", original)
    assert not hit(client.get(article.url))
    written = page_file(tmp_path, article.url)
    # Written by the second, clean request only.
    assert written.exists()


def test_renaming_a_unit_refreshes_the_unit_directory_only(client, site, county, commit):
    warm(client, "/jgsz/", "/zwdt/")
    county.a.name = "县教育和体育局"
    with commit():
        county.a.save()
    directory = client.get("/jgsz/")
    assert not hit(directory)
    assert "县教育和体育局" in directory.content.decode()
    assert hit(client.get("/zwdt/"))


def test_changing_the_site_settings_refreshes_every_page(client, site, commit):
    warm(client, "/", "/zwdt/")
    settings_row = pm.SiteSettings.for_site(site.get_site())
    settings_row.icp_number = "测ICP备12345678号"
    with commit():
        settings_row.save()
    assert not hit(client.get("/"))
    assert not hit(client.get("/zwdt/"))


def test_a_policy_page_follows_its_interpretations(client, site, commit):
    policies = section("zcfg")
    policy = pm.PolicyPage(title="县稳就业若干措施")
    policies.add_child(instance=policy)
    policy.save_revision().publish()
    warm(client, policy.url)
    reading = pm.InterpretationPage(title="一图读懂稳就业措施", policy=policy)
    with commit():
        policies.add_child(instance=reading)
        reading.save_revision().publish()
    response = client.get(policy.url)
    assert not hit(response)
    assert "一图读懂稳就业措施" in response.content.decode()


def test_moving_a_page_drops_it_at_its_old_address(client, news, commit):
    notices = section("tzgg")
    article = add_article(news, "将被移动的文章")
    old_url = article.url
    warm(client, old_url, "/tzgg/")
    with commit():
        article.move(notices, pos="last-child")
    assert client.get(old_url).status_code == 404
    assert "将被移动的文章" in client.get("/tzgg/").content.decode()


def test_the_file_journal_reads_only_whole_lines(tmp_path):
    journal = cache.FileJournal(tmp_path / "j")
    assert journal.position() == 0
    journal.append({"page.1", "sub.0001"})
    position, tags = journal.read_since(0)
    assert tags == {"page.1", "sub.0001"}
    with open(tmp_path / "j", "ab") as handle:
        handle.write(b"page.2")  # a line still being written
    assert journal.read_since(position) == (position, set())
    (tmp_path / "j").write_bytes(b"")  # removed or cut: everything is stale
    assert journal.read_since(position)[1] is None


def test_the_shared_cache_journal_works_like_the_file(settings):
    from django.core.cache.backends.locmem import LocMemCache

    journal = cache.CacheJournal(LocMemCache("journal-test", {}))
    start = journal.position()
    journal.append({"page.1"})
    journal.append({"units"})
    position, tags = journal.read_since(start)
    assert tags == {"page.1", "units"} and position == start + 2
    journal.cache.delete(f"{journal.prefix}:{position}")
    assert journal.read_since(start)[1] is None  # a lost line: everything is stale


def test_the_cache_can_be_switched_off(client, news, settings):
    settings.PORTAL_CACHE = False
    client.get("/zwdt/")
    assert not hit(client.get("/zwdt/"))


def _other_process_journal(journal):
    """The same journal as another web process opens it (a file, or the shared cache)."""
    if isinstance(journal, cache.FileJournal):
        return cache.FileJournal(journal.path)
    return cache.CacheJournal(journal.cache, journal.prefix)


def test_an_annual_report_is_kept_for_a_past_year_only(client, site):
    xxgk = section("xxgk")
    past, current = (
        pm.AnnualReportPage(title=f"{year}年度报告", slug=f"ndbg{year}", year=year)
        for year in (2024, timezone.localdate().year)
    )
    for page in (past, current):
        xxgk.add_child(instance=page)
        page.save_revision().publish()
    warm(client, past.url)
    client.get(current.url)
    # This year's request table changes with every request.
    assert not hit(client.get(current.url))
