"""Regions and Locks that outlive their store raise regionkv.Error, never crash."""

import gc
import threading
import time

import pytest

import regionkv


def open_region(path, **settings):
    store = regionkv.Store.open(path)
    region = store.region("r")
    region.configure(**settings)
    return store, region


def test_region_calls_after_close_raise_error(tmp_path):
    store, region = open_region(tmp_path)
    region.set("k", b"v")
    store.close()
    for call in [
        lambda: region.get("k"),
        lambda: region.find("k"),
        lambda: region.set("k", b"v"),
        lambda: region.erase_multi(["k"]),
        lambda: region.get_lock("k"),
        lambda: region.get_or_create("k", lambda: b"v"),
        lambda: region.configured,
        lambda: store.region("r"),
        lambda: store.region_names(),
    ]:
        with pytest.raises(regionkv.Error, match="closed"):
            call()


def test_close_releases_outstanding_locks(tmp_path):
    store, region = open_region(tmp_path, max_lock_attempts=1)
    lock = region.get_lock("k")
    store.close()
    assert not lock.active
    lock.release()  # nothing left to do: no error
    with pytest.raises(regionkv.Error, match="closed"):
        region.set("k", b"v", lock)
    # The lock record is gone: a new process of the store takes the lock at once.
    store, region = open_region(tmp_path, max_lock_attempts=1)
    region.get_lock("k").release()
    store.close()


def test_lock_used_on_an_open_store_after_its_own_closed_raises_error(tmp_path):
    first, first_region = open_region(tmp_path / "a")
    second, second_region = open_region(tmp_path / "b")
    lock = first_region.get_lock("k")
    first.close()
    with pytest.raises(regionkv.Error, match="closed"):
        second_region.set("k", b"v", lock)
    second.close()


def test_lock_destroyed_after_its_store_is_harmless(tmp_path):
    store, region = open_region(tmp_path)
    locks = [region.get_lock(f"k{i}") for i in range(10)]
    store.close()
    del store, region
    del locks  # each C++ lock was released by close(); nothing touches the store
    gc.collect()


def test_store_stays_open_while_a_region_or_lock_refers_to_it(tmp_path):
    store, region = open_region(tmp_path)
    lock = region.get_lock("k")
    del store
    gc.collect()
    region.set("k", b"still open", lock)
    assert region.get("k") == b"still open"
    del region
    gc.collect()
    lock.release()
    del lock
    gc.collect()
    # The last reference is gone: the store closed and its directory is free.
    store, region = open_region(tmp_path)
    assert region.get("k") == b"still open"
    store.close()


def test_close_waits_for_a_call_in_flight(tmp_path):
    store, region = open_region(tmp_path)
    creator_started = threading.Event()
    results = []

    def slow_creator():
        creator_started.set()
        time.sleep(0.3)
        return b"created"

    def create():
        results.append(region.get_or_create("k", slow_creator))

    worker = threading.Thread(target=create)
    worker.start()
    assert creator_started.wait(5)
    store.close()  # returns only once the call in flight has finished
    worker.join(5)
    assert results == [b"created"]  # the call completed, it did not see "closed"
    store, region = open_region(tmp_path)
    assert region.get("k") == b"created"
    store.close()


def test_close_while_threads_hammer_the_store(tmp_path):
    store, region = open_region(tmp_path)
    outcomes = {"ok": 0, "closed": 0}
    errors = []
    lock = threading.Lock()

    def hammer(index):
        for n in range(100000):
            try:
                with region.get_lock(f"k{index}") as held:
                    region.set(f"k{index}", str(n), held)
                outcome = "ok"
            except regionkv.Error as error:
                if "closed" not in str(error):
                    errors.append(error)
                outcome = "closed"
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
                return
            with lock:
                outcomes[outcome] += 1
            if outcome == "closed":
                return

    workers = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(0.3)
    store.close()
    for worker in workers:
        worker.join(10)
    assert errors == []
    assert outcomes["ok"] > 0 and outcomes["closed"] == 4


def test_a_lock_dropped_by_a_creator_while_the_store_closes_is_released(tmp_path):
    store, region = open_region(tmp_path, max_lock_attempts=1)
    lock = region.get_lock("held")
    closing = threading.Event()

    def creator():
        closing.wait(5)
        time.sleep(0.1)  # close() has started: it waits for this call
        nonlocal lock
        lock.release()  # must not wait for close(), which waits for this call
        lock = None  # nor may its collection
        return b"created"

    worker = threading.Thread(target=lambda: region.get_or_create("k", creator))
    worker.start()
    time.sleep(0.1)
    closing.set()
    store.close()
    worker.join(5)
    assert not worker.is_alive(), "the creator hung on the closing store"
    store, region = open_region(tmp_path, max_lock_attempts=1)
    region.get_lock("held").release()  # released by close(), not leaked
    assert region.get("k") == b"created"
    store.close()


def test_close_from_inside_a_call_of_the_same_store_is_error(tmp_path):
    store, region = open_region(tmp_path)

    def creator():
        store.close()  # would wait for the call it is inside

    with pytest.raises(regionkv.Error, match="inside"):
        region.get_or_create("k", creator)
    assert not store.closed
    store.close()
