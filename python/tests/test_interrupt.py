"""Ctrl-C ends a wait for a lock: Region.get_lock and Region.get_or_create,
waiting for a key another holder keeps for a minute, raise KeyboardInterrupt
soon after SIGINT arrives, holding nothing (docs/python.md, "Ctrl-C").

The bound asserted is generous (5 s, against a holder that would keep the
wait going for 60 s): the test shows the signal ends the wait, not how fast
a busy machine runs the handler. The wait checks for signals every 50 ms;
the measured delay is in docs/python.md."""

import signal
import threading
import time

import pytest

import regionkv

HOLDER_LEASE_SECONDS = 60  # what the waiter would wait without the signal
BOUND_SECONDS = 5


@pytest.fixture
def region(request, tmp_path):
    """A region whose waits last until the holder's lease runs out."""
    with regionkv.Store.open(tmp_path / "store") as store:
        made = store.region("r")
        arguments = {"lock_timeout": HOLDER_LEASE_SECONDS, "max_lock_attempts": 10**9}
        if request.param == "redis":
            server = request.getfixturevalue("redis_server")
            made.configure("redis", backend_args={"url": f"redis://{server.address}/0"}, **arguments)
        else:
            made.configure(request.param, **arguments)
        yield made


@pytest.fixture
def sigint_to_main_thread():
    """Sends SIGINT to this (the main) thread after `delay` seconds, from a
    timer thread; returns when it was sent. SIGINT raises KeyboardInterrupt."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.get_ident()
    sent = []
    timers = []

    def send_after(delay):
        def send():
            sent.append(time.monotonic())
            signal.pthread_kill(main, signal.SIGINT)

        timer = threading.Timer(delay, send)
        timers.append(timer)
        timer.start()
        return sent

    yield send_after
    for timer in timers:
        timer.join()
    signal.signal(signal.SIGINT, previous)


STORES = pytest.mark.parametrize("region", ["rocksdb", "memory", "redis"], indirect=True)


@STORES
def test_ctrl_c_ends_a_get_lock_wait_holding_nothing(region, sigint_to_main_thread):
    holder = region.get_lock("k")
    sent = sigint_to_main_thread(0.3)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        region.get_lock("k")
    ended = time.monotonic()
    assert ended - started < BOUND_SECONDS
    assert sent and ended - sent[0] < BOUND_SECONDS
    assert holder.active and region.is_locked("k")  # not ended by a release
    holder.release()
    assert not region.is_locked("k")  # the waiter holds nothing
    with region.get_lock("k") as lock:
        assert lock.fencing_token > holder.fencing_token


@STORES
def test_ctrl_c_ends_a_get_or_create_wait_before_the_creator(region, sigint_to_main_thread):
    holder = region.get_lock("k")
    created = []
    sent = sigint_to_main_thread(0.3)
    with pytest.raises(KeyboardInterrupt):
        region.get_or_create("k", lambda: created.append(1) or b"v")
    assert sent and time.monotonic() - sent[0] < BOUND_SECONDS
    assert created == []
    holder.release()
    assert not region.is_locked("k")
    assert region.find("k") is None
