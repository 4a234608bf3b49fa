"""The elderly mode (适老化, docs/conformance.md WEB-9): a GET switch remembers the choice in a
cookie and goes back to the page; the pages themselves never change (they are cached
whole), a small script adds the class and the style sheet does the rest."""

import pytest
from django.contrib.staticfiles import finders

from zhengtong.portal.views_public import ELDERLY_COOKIE


def test_turning_elderly_mode_on_sets_the_cookie_and_goes_back_to_the_page(client):
    response = client.get("/elderly/", {"on": "1", "next": "/zwdt/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/zwdt/?page=2"
    cookie = response.cookies[ELDERLY_COOKIE]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # remembered, not per session
    assert cookie["path"] == "/" and cookie["samesite"] == "Lax"
    assert not cookie["httponly"]  # the script must be able to read it
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_turning_elderly_mode_off_removes_the_cookie(client):
    client.cookies[ELDERLY_COOKIE] = "1"
    response = client.get("/elderly/", {"on": "0", "next": "/tzgg/"})
    assert response.status_code == 302 and response["Location"] == "/tzgg/"
    assert response.cookies[ELDERLY_COOKIE].value == ""
    assert int(response.cookies[ELDERLY_COOKIE]["max-age"]) == 0


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/path",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "http://testserver.evil.example.com/",
        "zwdt/",
        "",
    ],
)
def test_the_switch_refuses_to_send_the_reader_off_the_site(client, target):
    response = client.get("/elderly/", {"on": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[ELDERLY_COOKIE].value == "1"


def test_a_bad_switch_value_gets_a_clear_message_and_no_cookie(client, site):
    response = client.get("/elderly/", {"on": "maybe", "next": "/"})
    assert response.status_code == 400
    assert ELDERLY_COOKIE not in response.cookies
    assert "on=1" in response.content.decode()  # says what it understands
    assert "Traceback" not in response.content.decode()


def test_the_switch_only_answers_reads(client):
    assert client.post("/elderly/", {"on": "1"}).status_code == 405


def test_signed_in_staff_of_any_unit_use_the_same_switch(client, clerk_b, login):
    login(clerk_b)
    response = client.get("/elderly/", {"on": "1", "next": "https://evil.example.com/"})
    assert response["Location"] == "/" and response.cookies[ELDERLY_COOKIE].value == "1"


def test_the_page_html_does_not_change_with_the_cookie(client, site):
    plain = client.get("/").content
    client.cookies[ELDERLY_COOKIE] = "1"
    assert client.get("/").content == plain


def test_every_page_offers_both_switch_links_and_the_script_in_the_head(client, site):
    page = client.get("/zwdt/").content.decode()
    head = page[: page.index("</head>")]
    assert '<script src="/static/portal/elderly.js"></script>' in head
    assert "/elderly/?on=1&amp;next=/zwdt/" in page
    assert "/elderly/?on=0&amp;next=/zwdt/" in page


def test_the_script_reads_the_cookie_and_marks_the_html_element():
    script = open(finders.find("portal/elderly.js"), encoding="utf-8").read()
    assert "zt_elderly=1" in script and 'classList.add("elderly")' in script


def test_the_style_sheet_gives_elderly_mode_large_text_spacing_and_targets():
    css = open(finders.find("portal/portal.css"), encoding="utf-8").read()
    assert "html.elderly { font-size: 24px; }" in css  # 18 pt
    assert "html.elderly body { background: #fff; color: #000; line-height: 1.8; }" in css
    assert "min-height: 60px" in css
    assert ".elderly-leave { display: none !important; }" in css
    assert "html.elderly .elderly-leave { display: inline-flex !important; }" in css
    assert "@font-face" not in css and "@import" not in css  # no web fonts, one file
