"""regionkv.Lock: taking, writing under, releasing."""

import gc
import threading
import time

import pytest

import regionkv


@pytest.fixture
def region(store):
    made = store.region("locks")
    made.configure(max_lock_attempts=1)  # a held lock fails at once
    return made


def test_lock_attributes(region):
    before = time.time()
    lock = region.get_lock("k")
    assert lock.active
    assert lock.key == "k"
    assert lock.fencing_token > 0
    assert before - 1 <= lock.acquired_at <= time.time() + 1
    lock.release()
    assert not lock.active


def test_key_is_returned_as_given(region):
    with region.get_lock(b"\x00bytes") as lock:
        assert lock.key == b"\x00bytes"


def test_fencing_tokens_increase(region):
    tokens = []
    for _ in range(3):
        with region.get_lock("k") as lock:
            tokens.append(lock.fencing_token)
    assert tokens == sorted(tokens) and len(set(tokens)) == 3


def test_a_held_lock_is_unavailable(region):
    with region.get_lock("k"):
        with pytest.raises(regionkv.LockUnavailable):
            region.get_lock("k")
        region.get_lock("other").release()  # other keys are free


def test_with_block_releases(region):
    with region.get_lock("k") as lock:
        assert lock.active
    assert not lock.active
    region.get_lock("k").release()


def test_release_is_idempotent(region):
    lock = region.get_lock("k")
    lock.release()
    lock.release()
    assert not lock.active


def test_garbage_collected_lock_is_released(region):
    region.get_lock("k")  # dropped at once
    gc.collect()
    region.get_lock("k").release()


def test_set_and_erase_under_the_lock(region):
    with region.get_lock("k") as lock:
        region.set("k", b"v", lock)
        assert region.get("k") == b"v"
        region.erase("k", lock)
    assert region.find("k") is None


def test_writes_under_a_lock_for_another_key_are_value_error(region):
    with region.get_lock("k") as lock:
        with pytest.raises(ValueError):
            region.set("other", b"v", lock)
    assert region.find("other") is None


def test_writes_under_a_released_lock_are_value_error(region):
    lock = region.get_lock("k")
    lock.release()
    with pytest.raises(ValueError):
        region.set("k", b"v", lock)


def test_writes_under_a_lock_of_another_region_are_value_error(store, region):
    other = store.region("other")
    other.configure()
    with other.get_lock("k") as lock:
        with pytest.raises(ValueError):
            region.set("k", b"v", lock)


def test_write_with_a_nearly_spent_lease_is_lock_timeout(store):
    region = store.region("short")
    region.configure(lock_timeout=1.0)  # a write needs 1 s of lease left
    with region.get_lock("k") as lock:
        with pytest.raises(regionkv.LockTimeout):
            region.set("k", b"v", lock)
    assert region.find("k") is None


def test_locking_off_gives_token_zero_and_takes_no_lock(store):
    region = store.region("unlocked")
    region.configure(locking=False, max_lock_attempts=1)
    with region.get_lock("k") as first, region.get_lock("k") as second:
        assert first.fencing_token == second.fencing_token == 0
        region.set("k", b"v", first)


def test_lock_is_not_constructible_directly():
    with pytest.raises(TypeError):
        regionkv.Lock()


def test_is_locked_while_another_thread_holds_the_lock(region):
    taken, release = threading.Event(), threading.Event()

    def hold():
        with region.get_lock("k"):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(10)
        assert region.is_locked("k")
        assert not region.is_locked("other")
    finally:
        release.set()
        holder.join(10)
    assert not region.is_locked("k")


def test_is_locked_is_false_with_locking_off(store):
    region = store.region("unlocked")
    region.configure(locking=False)
    with region.get_lock("k"):
        assert not region.is_locked("k")
