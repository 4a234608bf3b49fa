"""Helpers for tests of public forms (any app). Not used by the running site."""

import re
from html.parser import HTMLParser
from typing import Any

from .models import CaptchaChallenge


def captcha_answer(token: str) -> str:
    """The characters of a challenge's picture, as a person reads them."""
    return str(CaptchaChallenge.objects.get(token=token).answer)


def last_sms_code(mobile: str) -> str:
    """The code last sent to `mobile` through the logging SMS backend."""
    from zhengtong.core.validators import check_mobile

    from .sms import _DEV_OUTBOX

    mobile = check_mobile(mobile)
    for sent_to, code in reversed(_DEV_OUTBOX):
        if sent_to == mobile:
            return code
    raise LookupError(f"No SMS code was sent to {mobile}")


class _Forms(HTMLParser):
    """Collects each <form>'s inputs (name → value) and <textarea>/<select> names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "form":
            self._current = {}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._current[attrs["name"] or ""] = attrs.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _html_of(client_or_html: Any, url: str | None) -> str:
    if hasattr(client_or_html, "get") and url is not None:  # a test client
        response = client_or_html.get(url)
        assert response.status_code == 200, response.status_code
        return str(response.content.decode())
    content = getattr(client_or_html, "content", client_or_html)  # a response
    return content.decode() if isinstance(content, bytes) else str(content)


def public_post_data(
    client_or_html: Any, url: str | None = None, /, **fields: Any
) -> dict[str, Any]:
    """POST data for a public form: its hidden inputs (captcha token, submission key,
    prefilled values) plus the captcha answer, then `fields` on top.

    Pass a response (or its HTML), or a test client and the form's URL:
        data = public_post_data(client, "/grzx/zc/", mobile="13800000001", ...)
    """
    parser = _Forms()
    parser.feed(_html_of(client_or_html, url))
    form = next((f for f in parser.forms if any(re.search(r"captcha_token$", n) for n in f)), None)
    if form is None:
        form = next((f for f in parser.forms if any(n.endswith("submission_key") for n in f)), None)
    if form is None:
        raise AssertionError("No public form (with a captcha or submission key) on the page")
    data = dict(form)
    for name, value in form.items():
        if name.endswith("captcha_token") and value:
            data[name[: -len("captcha_token")] + "captcha_answer"] = captcha_answer(value)
    for name in list(data):
        if name.endswith("website"):
            data[name] = ""
    data.update(fields)
    return data
