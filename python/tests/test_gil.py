"""The GIL is released while a call waits, and re-taken for Python callbacks.

Each test has a thread wait inside regionkv while the main thread runs Python
code: had the waiting call kept the GIL, the main thread could not have run
until the wait was over, and the waiting thread would be found finished.
"""

import threading
import time

import pytest
from racing import creator_runs_when_racing

import regionkv


def run_python_for(seconds):
    """Busy Python work for `seconds` of wall time; returns the loops made."""
    loops = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        loops += 1
    return loops


def start_thread(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_a_thread_waiting_for_a_lock_lets_other_threads_run(store):
    region = store.region("r")
    region.configure(max_lock_attempts=1000)  # waits until the lease runs out (6 s)
    held = region.get_lock("k")
    about_to_wait = threading.Event()
    taken = []

    def waiter():
        about_to_wait.set()
        with region.get_lock("k") as lock:
            taken.append(lock.fencing_token)

    thread = start_thread(waiter)
    assert about_to_wait.wait(5)
    time.sleep(0.05)  # into get_lock
    loops = run_python_for(0.3)
    assert thread.is_alive(), "the waiter finished: the main thread could not run meanwhile"
    assert loops > 1000
    held.release()  # wakes the waiter at once
    thread.join(5)
    assert taken and taken[0] > held.fencing_token


def test_a_call_blocked_on_a_silent_server_lets_other_threads_run(store, memcached):
    region = store.region("mc")
    region.configure("memcached", backend_args={"url": memcached.address, "io_timeout_ms": 1500})
    region.set("k", b"v")  # connected
    outcome = []
    about_to_call = threading.Event()

    def reader():
        about_to_call.set()
        try:
            outcome.append(region.get("k"))
        except regionkv.StorageError as error:
            outcome.append(error)

    memcached.pause()
    try:
        thread = start_thread(reader)
        assert about_to_call.wait(5)
        time.sleep(0.05)
        loops = run_python_for(0.3)
        assert thread.is_alive(), "the reader finished: the main thread could not run meanwhile"
        assert loops > 1000
    finally:
        memcached.resume()
    thread.join(5)
    assert len(outcome) == 1  # a timeout or, resumed in time, the value


def test_get_or_create_runs_the_creator_in_the_calling_thread_with_the_gil(store):
    region = store.region("r")
    region.configure()
    caller = []

    def creator():
        caller.append(threading.get_ident())
        # Python code that needs the GIL, and a call back into the region.
        region.set("side", str(sum(range(1000))))
        return b"made"

    def create():
        assert region.get_or_create("k", creator) == b"made"

    thread = start_thread(create)
    thread.join(5)
    assert caller == [thread.ident]
    assert region.get("side") == b"499500"


def test_creators_run_once_while_many_threads_wait_without_the_gil(store):
    region = store.region("r")
    region.configure(max_lock_attempts=1000)
    calls = [lambda creator: region.get_or_create("k", creator)] * 8
    assert creator_runs_when_racing(calls, created=b"once") == 1


@pytest.mark.parametrize("backing_store", ["rocksdb", "memory"])
def test_python_key_mangler_called_from_many_threads(store, backing_store):
    region = store.region("r")
    region.configure(backing_store, key_mangler=lambda key: "m:" + key)
    errors = []

    def worker(index):
        try:
            for n in range(200):
                key = f"{index}-{n}"
                region.set(key, key)
                assert region.get(key) == key.encode()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
