"""A letter to the county head, end to end in the browser: a citizen writes (captcha
and SMS code), the office clerk routes it to a department, the department drafts the
reply, the office head approves and sends it, the citizen reads it with the tracking
code and password and rates it 不满意, and the follow-up work item appears for the
department. axe-core checks every page; script payloads in the letter never run."""

import re

import pytest

from zhengtong.core.models import WorkItem
from zhengtong.letters import services as letters
from zhengtong.letters.models import Letter, Mailbox, MailboxKind
from zhengtong.org.models import Role
from zhengtong.public.testing import captcha_answer, last_sms_code

from .conftest import axe_serious, sign_in

MOBILE = "13900002222"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
    "'; DROP TABLE letters_letter; --",
]


@pytest.fixture
def desk(county):
    """The county head's mailbox, run by the government office (its clerk and head);
    letters are routed to the housing bureau (its clerk)."""
    office, dept = county.office, county.housing
    county.staff("office_clerk", office, "赵文书", Role.CLERK)
    county.staff("office_head", office, "钱主任", Role.UNIT_HEAD)
    county.staff("dept_clerk", dept, "孙科员", Role.CLERK)
    mailbox = Mailbox.objects.create(
        kind=MailboxKind.COUNTY_HEAD, name="县长信箱", owner_unit=office, office_unit=office
    )
    return {"office": office, "dept": dept, "mailbox": mailbox}


@pytest.fixture
def staff_page(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        watch_for_scripts(page)
        sign_in(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/oa/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def watch_for_scripts(page):
    page.alerts = []
    page.on("dialog", lambda dialog: (page.alerts.append(dialog.message), dialog.dismiss()))


def assert_no_script_ran(page):
    assert page.evaluate("() => window.__xss === undefined"), page.url
    assert page.alerts == []


def assert_accessible(page):
    problems = axe_serious(page)
    assert problems == [], [(v["id"], v["help"]) for v in problems]


def act(page, name):
    """Press the button of one action on the staff letter page."""
    page.locator(f'button[name="do"][value="{name}"]').click()
    page.wait_for_load_state()


def test_a_citizen_writes_to_the_county_head_and_rates_the_reply(
    page, staff_page, live_server, desk
):
    watch_for_scripts(page)
    content = "禾溪路的路灯坏了两周。\n" + "\n".join(PAYLOADS)
    # --- the citizen writes ------------------------------------------------------------
    page.goto(f"{live_server.url}/hdjl/xx/xx/")
    assert_accessible(page)
    page.locator('select[name="mailbox"]').select_option(str(desk["mailbox"].pk))
    page.locator('input[name="category"][value="complaint"]').check()
    page.locator('input[name="title"]').fill("路灯不亮 " + PAYLOADS[0])
    page.locator('textarea[name="content"]').fill(content)
    page.locator('input[name="may_publish"]').check()
    page.locator('input[name="name"]').fill("陈小明")
    page.locator('input[name="mobile"]').fill(MOBILE)
    token = page.locator('input[name="captcha_token"]').get_attribute("value")
    page.locator('input[name="captcha_answer"]').fill(captcha_answer(token))
    page.locator('button[name="send_sms_code"]').click()
    page.wait_for_load_state()
    page.locator('input[name="sms_code"]').fill(last_sms_code(MOBILE))
    page.locator("form.letter-form button.primary").click()
    page.wait_for_url(re.compile(r"/hdjl/xx/hz/"))
    assert_accessible(page)
    code = page.locator("#tracking-code").inner_text().strip()
    password = page.locator("#query-password").inner_text().strip()
    letter = Letter.objects.get()
    assert code == letter.display_code

    # --- the office clerk routes it to the department ------------------------------------
    clerk = staff_page("office_clerk")
    clerk.goto(f"{live_server.url}/oa/letters/")
    assert_accessible(clerk)
    clerk.locator(f'a[href="/oa/letters/{letter.pk}/"]').first.click()
    clerk.wait_for_url(re.compile(rf"/oa/letters/{letter.pk}/$"))
    assert_accessible(clerk)
    assert_no_script_ran(clerk)
    clerk.locator("#action-route").evaluate("el => el.open = true")
    clerk.locator('select[name="route-lead_unit"]').select_option(str(desk["dept"].pk))
    act(clerk, "route")
    letter.refresh_from_db()
    assert letter.state == "routed"

    # --- the department drafts the reply --------------------------------------------------
    dept = staff_page("dept_clerk")
    dept.goto(f"{live_server.url}/oa/letters/{letter.pk}/")
    assert_no_script_ran(dept)
    dept.locator('textarea[name="draft-text"]').fill("路灯已于本周一修复。")
    act(dept, "draft")
    letter.refresh_from_db()
    assert letter.state == "reply_drafted"

    # --- the office head previews, approves and sends -------------------------------------
    head = staff_page("office_head")
    head.goto(f"{live_server.url}/oa/letters/{letter.pk}/preview/")
    assert_accessible(head)
    assert "路灯已于本周一修复。" in head.content()
    head.goto(f"{live_server.url}/oa/letters/{letter.pk}/")
    act(head, "approve")
    act(head, "send")
    letter.refresh_from_db()
    assert letter.state == "replied"

    # --- the citizen reads the reply with code and password, and rates it 不满意 ---------
    page.goto(f"{live_server.url}/hdjl/xx/cx/")
    assert_accessible(page)
    page.locator('input[name="code"]').fill(code)
    page.locator('input[name="password"]').fill(password)
    page.locator("form button.primary").click()
    page.wait_for_url(re.compile(r"/hdjl/xx/cx/[A-Z0-9]+/$"))
    assert "路灯已于本周一修复。" in page.locator("#reply").inner_text()
    assert "赵文书" not in page.content() and "钱主任" not in page.content()
    assert_accessible(page)
    assert_no_script_ran(page)
    page.locator('input[name="rate-level"][value="2"]').check()
    page.locator('textarea[name="rate-comment"]').fill("还是不亮")
    page.locator("form button.primary").click()
    page.wait_for_load_state()
    assert WorkItem.objects.filter(
        kind=letters.KIND_FOLLOW_UP, state="open", assignee_unit=desk["dept"]
    ).exists()

    # --- the follow-up appears for the department -----------------------------------------
    dept.goto(f"{live_server.url}/oa/letters/")
    assert dept.locator("table tbody tr").filter(has_text=letter.display_code).count() == 1

    # --- published: masked, and the payloads stay text ----------------------------------
    letter.refresh_from_db()
    preview = letters.publication_preview(letter)
    office_clerk = letter.mailbox.office_unit.members.get(username="office_clerk")
    letters.publish_letter(
        office_clerk, letter, title=preview.title, content=preview.content, reply=preview.reply
    )
    page.goto(f"{live_server.url}/hdjl/xx/gk/")
    assert_accessible(page)
    assert_no_script_ran(page)
    page.goto(f"{live_server.url}/hdjl/xx/gk/{letter.pk}/")
    assert_no_script_ran(page)
    assert PAYLOADS[0] in page.locator("article").inner_text()


def test_the_write_form_works_on_a_phone(phone_page, live_server, desk):
    phone_page.goto(f"{live_server.url}/hdjl/xx/xx/")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360 + 1
    assert_accessible(phone_page)


# --- a crash right after acknowledging loses nothing ------------------------------------

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rest_framework.authtoken.models import Token
from zhengtong.letters.models import Mailbox, MailboxKind
from zhengtong.org.models import Membership, Role, RoleAssignment, Unit, UnitKind, User
county = Unit.objects.create(name="Crash county", kind=UnitKind.COUNTY)
office = Unit.objects.create(name="Crash office", kind=UnitKind.OFFICE, parent=county)
box = Mailbox.objects.create(kind=MailboxKind.COUNTY_HEAD, name="Box", owner_unit=office,
                             office_unit=office)
clerk = User.objects.create(username="hotline", real_name="Hotline", must_change_password=False)
Membership.objects.create(user=clerk, unit=office, is_primary=True)
RoleAssignment.objects.create(user=clerk, role=Role.CLERK, unit=office)
print(box.pk, Token.objects.create(user=clerk).key)
"""


def test_a_server_killed_during_a_burst_loses_no_acknowledged_letter(tmp_path):
    """kill -9 of the server while submissions are in flight: every tracking code the
    server acknowledged (201) is in the database afterwards."""
    import json
    import os
    import signal
    import socket
    import sqlite3
    import subprocess
    import sys
    import threading
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "ZT_VAR_DIR": str(tmp_path),
        "SQLITE_PATH": str(tmp_path / "crash.sqlite3"),
        "ZT_INSECURE_DEV_KEY": "1",
        "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "zhengtong.settings",
        "PYTHONPATH": str(root),
    }
    env.pop("DATABASE_URL", None)
    setup = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SETUP],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    mailbox, token = setup.stdout.split()[-2:]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "zhengtong.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api/v1/letters/"
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def post(n):
        body = json.dumps(
            {
                "mailbox": int(mailbox),
                "category": "other",
                "title": f"Burst {n}",
                "content": "Crash test.",
                "name": "Writer",
                "mobile": "13900003333",
                "source": "12345",
                "submission_key": f"crash-test-{n:08d}-key",
            }
        ).encode()
        request = urllib.request.Request(
            url,
            body,
            {
                "Content-Type": "application/json",
                "Authorization": f"Token {token}",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status == 201:
                return json.loads(response.read())["tracking_code"]
        return None

    def worker(offset):
        n = offset
        while not stop.is_set():
            try:
                code = post(n)
            except Exception:  # the server is starting or has been killed
                time.sleep(0.05)
                continue
            finally:
                n += 8
            if code:
                with lock:
                    acked.append(code)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(8)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 240
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # mid-burst: requests are in flight
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=35)
    with lock:
        codes = list(acked)
    assert len(codes) >= 40
    db = sqlite3.connect(tmp_path / "crash.sqlite3")
    stored = {row[0] for row in db.execute("SELECT tracking_code FROM letters_letter")}
    db.close()
    assert set(codes) <= stored, set(codes) - stored
