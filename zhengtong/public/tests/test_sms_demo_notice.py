"""The demonstration shows an SMS code on screen (the log only has it masked); a real
deployment never does (issue 15)."""

import pytest
from django.test import override_settings

from zhengtong.public import sms

MOBILE = "13800000077"


@pytest.mark.django_db
@override_settings(SMS_SHOW_CODES_ON_SCREEN=True)
def test_demo_shows_the_code_just_sent_on_screen():
    sms.send_code(MOBILE, "register")
    code = sms.code_to_show_on_screen(MOBILE)
    assert len(code) == 6 and code.isdigit()


@pytest.mark.django_db
@override_settings(SMS_SHOW_CODES_ON_SCREEN=False)
def test_codes_are_never_shown_on_screen_outside_the_demo():
    sms.send_code(MOBILE, "register")
    assert sms.code_to_show_on_screen(MOBILE) == ""


@pytest.mark.django_db
@override_settings(SMS_SHOW_CODES_ON_SCREEN=True, SMS_BACKEND="tests.RealGateway")
def test_codes_are_never_shown_on_screen_with_a_real_gateway():
    assert sms.code_to_show_on_screen(MOBILE) == ""
