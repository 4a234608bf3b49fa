"""Simplified Chinese is the default whatever the browser says; the switch changes it."""


def test_pages_are_chinese_even_for_an_english_browser(client, db):
    response = client.get("/oa/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-Hans"' in response.content.decode()
    assert "工作人员登录" in response.content.decode()


def test_the_language_switch_makes_pages_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/oa/login/"})
    response = client.get("/oa/login/")
    assert 'lang="en"' in response.content.decode()
    assert "Staff sign-in" in response.content.decode()


def test_the_api_follows_the_clients_accept_language(client, db):
    english = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert english.status_code == chinese.status_code in (401, 403)
    assert english.json()["detail"] != chinese.json()["detail"]
