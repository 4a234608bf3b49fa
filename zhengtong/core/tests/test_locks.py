"""Named locks: a second holder waits until the first lets go, on every backend the
settings select (SQLite, PostgreSQL, Redis)."""

import threading
import time

import pytest
from django.db import connection

from zhengtong.core.locks import LockTimeout, named_lock


@pytest.mark.django_db(transaction=True)
def test_a_second_holder_waits_for_the_first():
    events = []
    first_holds = threading.Event()

    def first():
        with named_lock("test-lock"):
            events.append("first in")
            first_holds.set()
            time.sleep(0.5)
            events.append("first out")
        connection.close()

    def second():
        first_holds.wait(5)
        with named_lock("test-lock"):
            events.append("second in")
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert events == ["first in", "first out", "second in"]


@pytest.mark.django_db(transaction=True)
def test_waiting_too_long_gives_a_clear_busy_error():
    first_holds, release = threading.Event(), threading.Event()

    def holder():
        with named_lock("busy-lock"):
            first_holds.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert first_holds.wait(5)
        with pytest.raises(LockTimeout) as caught, named_lock("busy-lock", wait=0.3):
            pass
        assert caught.value.status == 409
    finally:
        release.set()
        thread.join(10)


@pytest.mark.django_db(transaction=True)
def test_different_names_do_not_block_each_other():
    with named_lock("one"), named_lock("two", wait=0.3):
        pass
