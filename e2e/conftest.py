"""Browser tests: Playwright driving Debian's /usr/bin/chromium against Django's live
server. Never `playwright install` (it downloads a browser).

Every test that signs staff in starts from the one `county` below (测试县, its
government, office, three bureaus and three towns), adds the people it needs with
`county.staff(...)`, and signs them in with `sign_in(...)` and `PASSWORD`."""

import base64
import os
import re

import pytest
from django_otp.oath import totp

from zhengtong.org import services
from zhengtong.org.models import UnitKind

# Playwright's sync API runs an event loop in this thread; the live server's database
# access is in its own thread, so Django's async-safety guard can be relaxed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# Meets the staff password policy; every person of the browser tests signs in with it.
PASSWORD = "Browser-Test-2026"
TOWNS = ("东湖镇", "西山镇", "南河乡")


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does).")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_serious(page):
    """Run axe-core on the page; return the serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response.get("violations", [])
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


# --- the county -------------------------------------------------------------------------


class County:
    """测试县 as the browser tests find it, built through org's operations (so the set-up
    is on the audit trail, as a real county's is):

    测试县 (root)
    ├── 测试县人民政府 (government)
    │   ├── 县政府办公室 (office)
    │   ├── 测试县教育局 (education; short name 县教育局, document prefix 教发)
    │   ├── 测试县财政局 (finance; 县财政局)
    │   └── 测试县住建局 (housing; 县住建局)
    └── 东湖镇, 西山镇, 南河乡 (towns, in that order)

    No people: each test adds its own with `staff()`."""

    def __init__(self):
        self.root = self._unit(None, UnitKind.COUNTY, "测试县")
        self.government = self._unit(self.root, UnitKind.GOVERNMENT, "测试县人民政府")
        self.office = self._unit(self.government, UnitKind.OFFICE, "县政府办公室")
        self.education = self._unit(
            self.government,
            UnitKind.DEPARTMENT,
            "测试县教育局",
            short_name="县教育局",
            doc_prefix="教发",
        )
        self.finance = self._unit(
            self.government, UnitKind.DEPARTMENT, "测试县财政局", short_name="县财政局"
        )
        self.housing = self._unit(
            self.government, UnitKind.DEPARTMENT, "测试县住建局", short_name="县住建局"
        )
        self.towns = [self._unit(self.root, UnitKind.TOWN, n, short_name=n) for n in TOWNS]

    @staticmethod
    def _unit(parent, kind, name, **fields):
        return services.create_unit(None, parent=parent, kind=kind, name=name, **fields)

    def staff(self, username, unit, real_name, *roles, **fields):
        """A person of `unit` holding `roles`, who signs in with PASSWORD at once."""
        return services.create_staff(
            None,
            unit=unit,
            username=username,
            real_name=real_name,
            password=PASSWORD,
            roles=list(roles),
            must_change_password=False,
            **fields,
        )


@pytest.fixture
def county(transactional_db):
    """The county, committed so the live server sees it. Built for each test: the live
    server needs `transactional_db`, which empties the tables after every test, so a
    module- or session-wide county would be gone by the second test (a few rows; cheap)."""
    return County()


# --- signing in ---------------------------------------------------------------------------


def sign_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/oa/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def set_up_two_factor(page):
    """On the set-up page: read the key shown, answer with the current code."""
    page.wait_for_url(re.compile(r"/oa/2fa/setup/"))
    secret = page.locator("code").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("验证器").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="确认").click()
