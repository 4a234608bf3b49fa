"""The picture captcha, the rate limits and the SMS codes."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from zhengtong.core.crypto import mobile_index
from zhengtong.core.errors import Invalid
from zhengtong.public import captcha, sms, throttle
from zhengtong.public.models import CaptchaChallenge, RateCounter, SmsCode
from zhengtong.public.tasks import delete_old_public_records
from zhengtong.public.testing import captcha_answer, last_sms_code

pytestmark = pytest.mark.django_db

MOBILE = "13800000002"


def later(**delta):
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(**delta)
    )


# --- captcha ---------------------------------------------------------------------


def test_the_right_answer_passes_in_any_case():
    token = captcha.new_challenge()
    assert captcha.check(token, captcha_answer(token).lower())


def test_a_wrong_answer_fails_and_uses_the_challenge_up():
    token = captcha.new_challenge()
    answer = captcha_answer(token)
    assert not captcha.check(token, "ZZZZZ" if answer != "ZZZZZ" else "YYYYY")
    assert not captcha.check(token, answer)


def test_a_challenge_is_used_once():
    token = captcha.new_challenge()
    answer = captcha_answer(token)
    assert captcha.check(token, answer)
    assert not captcha.check(token, answer)


def test_a_challenge_expires_after_ten_minutes():
    token = captcha.new_challenge()
    answer = captcha_answer(token)
    with later(minutes=11):
        assert captcha.picture(token) is None
        assert not captcha.check(token, answer)


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1Il") & set(captcha.ALPHABET)
    token = captcha.new_challenge()
    assert set(captcha_answer(token)) <= set(captcha.ALPHABET)


def test_the_picture_is_a_small_png():
    data = captcha.picture(captcha.new_challenge())
    assert data.startswith(b"\x89PNG") and len(data) < 10_000


def _wav(data):
    import io
    import wave

    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate(), wav.readframes(wav.getnframes())


def test_every_character_of_the_alphabet_can_be_spoken():
    for char in captcha.ALPHABET:
        seconds, _frames = _wav(captcha.speak(char))
        assert 0.8 < seconds < 3, char


def test_the_spoken_answer_grows_with_the_answer_and_never_repeats_itself():
    one, first = _wav(captcha.speak("A"))
    five, _ = _wav(captcha.speak("AB234"))
    assert five > one + 4 * 0.45 - 0.4, (one, five)  # 4 more clips and gaps
    _, again = _wav(captcha.speak("A"))
    assert again != first  # gaps, loudness and noise differ each time


def test_the_audio_of_a_challenge_is_its_answer_and_expires_with_it():
    token = captcha.new_challenge()
    assert captcha.audio(token).startswith(b"RIFF")
    with later(minutes=11):
        assert captcha.audio(token) is None
    assert captcha.audio("unknown") is None


# --- throttle --------------------------------------------------------------------


def test_hits_over_the_limit_are_throttled_with_429():
    for _ in range(3):
        throttle.hit("t", "k", limit=3, window_seconds=60)
    with pytest.raises(throttle.Throttled) as caught:
        throttle.hit("t", "k", limit=3, window_seconds=60)
    assert caught.value.status == 429 and caught.value.code == "throttled"
    assert 0 < caught.value.retry_after <= 60


def test_keys_and_scopes_count_apart():
    throttle.hit("t", "a", limit=1, window_seconds=60)
    throttle.hit("t", "b", limit=1, window_seconds=60)
    throttle.hit("u", "a", limit=1, window_seconds=60)


def test_a_new_window_starts_from_zero():
    throttle.hit("t", "k", limit=1, window_seconds=60)
    with later(seconds=61):
        throttle.hit("t", "k", limit=1, window_seconds=60)


def test_a_day_window_starts_at_local_midnight():
    start, end = throttle._window(86400)
    local = timezone.localtime(start)
    assert (local.hour, local.minute) == (0, 0)
    assert end - start == datetime.timedelta(days=1)


def test_check_does_not_count():
    for _ in range(5):
        throttle.check("t", "k", limit=1, window_seconds=60)
    assert throttle.count("t", "k", window_seconds=60) == 0


def test_ip_key_does_not_store_the_address(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    key = throttle.ip_key(request)
    assert "203.0.113.9" not in key and len(key) <= 64
    assert key == throttle.ip_key(rf.get("/", REMOTE_ADDR="203.0.113.9"))


def test_submission_limit_counts_per_address_and_per_number(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.10")
    for _ in range(10):
        throttle.hit_submission(request, "letters", mobile=MOBILE)
    with pytest.raises(throttle.Throttled):
        throttle.hit_submission(rf.get("/", REMOTE_ADDR="203.0.113.11"), "letters", mobile=MOBILE)


# --- SMS codes -------------------------------------------------------------------


def _send(purpose="letter"):
    sms.send_code(MOBILE, purpose)
    return last_sms_code(MOBILE)


def test_a_code_has_six_digits_and_only_its_hash_is_stored():
    code = _send()
    assert len(code) == 6 and code.isdigit()
    row = SmsCode.objects.get()
    assert code not in row.code_hash and row.mobile_index == mobile_index(MOBILE)


def test_the_right_code_confirms_once():
    code = _send()
    sms.verify_code(MOBILE, "letter", code)
    with pytest.raises(Invalid) as caught:
        sms.verify_code(MOBILE, "letter", code)
    assert caught.value.code == "code_expired"


def test_a_wrong_code_is_refused():
    code = _send()
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Invalid) as caught:
        sms.verify_code(MOBILE, "letter", wrong)
    assert caught.value.code == "code_wrong" and caught.value.field == "sms_code"


def test_a_code_for_another_purpose_does_not_count():
    code = _send("register")
    with pytest.raises(Invalid):
        sms.verify_code(MOBILE, "letter", code)


def test_a_code_expires_after_ten_minutes():
    code = _send()
    with later(minutes=11), pytest.raises(Invalid) as caught:
        sms.verify_code(MOBILE, "letter", code)
    assert caught.value.code == "code_expired"


def test_five_wrong_tries_burn_the_code():
    code = _send()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(sms.MAX_ATTEMPTS):
        with pytest.raises(Invalid):
            sms.verify_code(MOBILE, "letter", wrong)
    with pytest.raises(Invalid) as caught:
        sms.verify_code(MOBILE, "letter", code)
    assert caught.value.code == "code_attempts"


def test_one_code_a_minute_per_number():
    _send()
    with pytest.raises(throttle.Throttled):
        _send()
    with later(seconds=61):
        _send()


def test_ten_codes_a_day_per_number():
    # From a fixed hour of the day, so that the half hour never crosses midnight.
    morning = timezone.localtime().replace(hour=9, minute=0)

    def at(minutes):
        return mock.patch(
            "django.utils.timezone.now",
            return_value=morning + datetime.timedelta(minutes=minutes),
        )

    for minute in range(10):
        with at(2 * minute):
            _send()
    with at(30), pytest.raises(throttle.Throttled):
        _send()


def test_thirty_codes_an_hour_per_address(rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.12")
    for n in range(30):
        sms.send_code(f"1380000{n:04d}", "letter", request=request)
    with pytest.raises(throttle.Throttled):
        sms.send_code("13800009999", "letter", request=request)


def test_the_daily_cleanup_forgets_old_rows():
    captcha.new_challenge()
    _send()
    throttle.hit("t", "k", limit=5, window_seconds=60)
    with later(days=3):
        result = delete_old_public_records.call()
    assert result == {"captcha": 1, "counters": 3, "sms_codes": 1}  # 2 of the SMS limits
    assert not CaptchaChallenge.objects.exists()
    assert not RateCounter.objects.exists() and not SmsCode.objects.exists()


def test_the_cleanup_job_is_scheduled():
    from zhengtong.core import scheduler

    assert "public_cleanup" in [job.name for job in scheduler.JOBS]
