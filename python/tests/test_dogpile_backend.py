"""regionkv.dogpile: the dogpile.cache backend on RocksDB regions."""

import gc
import threading
import time

import pytest
from dogpile.cache import make_region
from dogpile.cache.api import NO_VALUE

import regionkv
import regionkv.dogpile
from racing import creator_runs_when_racing
from regionkv import _shared_stores


@pytest.fixture(autouse=True)
def no_store_left_open():
    """Every test's dogpile regions are gone at its end: so are their stores."""
    yield
    gc.collect()
    assert _shared_stores.open_paths() == []
    assert not _shared_stores.has_store_without_directory()


def cache(path, **arguments):
    return make_region().configure("regionkv", arguments={"path": str(path), **arguments})


def test_the_entry_point_names_the_backend(tmp_path):
    # What make_region("regionkv") finds when nothing was registered by hand:
    # the package's dogpile.cache entry point, read by stevedore.
    import stevedore

    plugins = stevedore.ExtensionManager("dogpile.cache")
    assert plugins["regionkv"].plugin is regionkv.dogpile.RegionkvBackend
    assert isinstance(cache(tmp_path).backend, regionkv.dogpile.RegionkvBackend)


def test_register_names_the_backend_by_hand(tmp_path):
    from dogpile.cache.backends import _backend_loader

    regionkv.dogpile.register()
    try:
        assert isinstance(cache(tmp_path).backend, regionkv.dogpile.RegionkvBackend)
    finally:
        _backend_loader._unloaded.pop("regionkv", None)


def test_path_is_required_for_rocksdb():
    with pytest.raises(ValueError, match="'path' argument .* for backing_store 'rocksdb'"):
        make_region().configure("regionkv", arguments={})
    with pytest.raises(ValueError, match="'path'"):
        make_region().configure("regionkv", arguments={"backing_store": "rocksdb"})


def test_without_a_path_regions_share_the_processs_store_without_a_directory():
    first = make_region().configure("regionkv", arguments={"backing_store": "memory"})
    second = make_region().configure(
        "regionkv", arguments={"backing_store": "memory", "region": "other"}
    )
    assert first.backend.region is not second.backend.region
    assert _shared_stores.has_store_without_directory()
    assert _shared_stores.open_paths() == []
    first.set("k", "v")
    assert first.get("k") == "v" and second.get("k") is NO_VALUE
    del first, second
    gc.collect()
    assert not _shared_stores.has_store_without_directory()


def test_key_is_locked_while_another_thread_creates_the_value(tmp_path):
    # Two dogpile regions on one regionkv region: the one asking has a mutex
    # object of its own, which does not hold the lock.
    creating_region, asking_region = cache(tmp_path), cache(tmp_path)
    creating, finish = threading.Event(), threading.Event()

    def creator():
        creating.set()
        finish.wait(10)
        return "created"

    maker = threading.Thread(target=creating_region.get_or_create, args=("k", creator))
    assert not asking_region.key_is_locked("k")
    maker.start()
    try:
        assert creating.wait(10)
        assert asking_region.key_is_locked("k")
        assert creating_region.key_is_locked("k")
        assert not asking_region.key_is_locked("other")
    finally:
        finish.set()
        maker.join(10)
    assert not asking_region.key_is_locked("k")
    assert asking_region.get("k") == "created"


def test_values_round_trip_through_pickle(tmp_path):
    region = cache(tmp_path)
    value = {"user": "alice", "roles": ["admin"], "n": 3}
    region.set("k", value)
    assert region.get("k") == value
    assert region.get("absent") is NO_VALUE


def test_values_are_stored_as_bytes_in_the_regionkv_region(tmp_path):
    region = cache(tmp_path, region="values")
    region.set("k", "v")
    stored = region.backend.region.get("k")
    assert isinstance(stored, bytes) and len(stored) > 0


def test_delete_is_idempotent(tmp_path):
    region = cache(tmp_path)
    region.set("k", 1)
    region.delete("k")
    region.delete("k")
    assert region.get("k") is NO_VALUE


def test_multi_calls(tmp_path):
    region = cache(tmp_path)
    region.set_multi({"a": 1, "b": 2, "c": 3})
    assert region.get_multi(["a", "missing", "c"]) == [1, NO_VALUE, 3]
    region.delete_multi(["a", "b", "missing"])
    assert region.get_multi(["a", "b", "c"]) == [NO_VALUE, NO_VALUE, 3]
    assert region.get_multi([]) == []


def test_get_or_create_multi(tmp_path):
    region = cache(tmp_path)
    region.set("a", "cached")
    created = []

    def creator(*keys):
        created.extend(keys)
        return [key.upper() for key in keys]

    assert region.get_or_create_multi(["a", "b", "c"], creator) == ["cached", "B", "C"]
    assert created == ["b", "c"]
    assert region.get_multi(["b", "c"]) == ["B", "C"]


def test_get_or_create_runs_one_creator_across_threads(tmp_path):
    region = cache(tmp_path)
    calls = [lambda creator: region.get_or_create("k", creator)] * 6
    assert creator_runs_when_racing(calls) == 1


def test_get_or_create_runs_one_creator_across_dogpile_regions_on_one_store(tmp_path):
    # Two CacheRegions: two mutex objects, one regionkv lock.
    regions = [cache(tmp_path), cache(tmp_path)]
    assert regions[0].backend.region is regions[1].backend.region
    calls = [lambda creator, region=region: region.get_or_create("k", creator) for region in regions]
    assert creator_runs_when_racing(calls) == 1


def test_dogpile_expiration_time_regenerates(tmp_path):
    region = make_region().configure(
        "regionkv", expiration_time=0.2, arguments={"path": str(tmp_path)}
    )
    counter = iter(range(100))
    assert region.get_or_create("k", lambda: next(counter)) == 0
    assert region.get_or_create("k", lambda: next(counter)) == 0
    time.sleep(0.3)
    assert region.get_or_create("k", lambda: next(counter)) == 1


def test_store_side_expire_time_removes_values(tmp_path):
    region = cache(tmp_path, expire_time=0.2)
    region.set("k", "v")
    assert region.get("k") == "v"
    time.sleep(0.3)
    assert region.backend.get_serialized("k") is NO_VALUE
    assert region.get("k") is NO_VALUE


def test_mutex_is_held_across_mutex_objects_and_not_reentrant(tmp_path):
    backend = cache(tmp_path).backend
    first, second = backend.get_mutex("k"), backend.get_mutex("k")
    assert first.acquire(wait=False)
    assert first.locked() and second.locked()  # anyone holds the key's lock
    assert not first.acquire(wait=False)  # not re-entrant
    assert not second.acquire(wait=False)
    assert backend.get_mutex("other").acquire(wait=False)
    first.release()
    assert not first.locked() and not second.locked()
    assert second.acquire(wait=False)
    second.release()


def test_mutex_release_when_not_held_is_runtime_error(tmp_path):
    mutex = cache(tmp_path).backend.get_mutex("k")
    with pytest.raises(RuntimeError):
        mutex.release()


def test_mutex_acquire_waits_until_another_thread_releases(tmp_path):
    backend = cache(tmp_path).backend
    holder = backend.get_mutex("k")
    assert holder.acquire()
    acquired_at = []

    def waiter():
        mutex = backend.get_mutex("k")  # another object: woken by polling
        assert mutex.acquire(wait=True)
        acquired_at.append(time.monotonic())
        mutex.release()

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.2)
    assert not acquired_at  # still waiting
    released_at = time.monotonic()
    holder.release()
    thread.join(5)
    assert acquired_at and acquired_at[0] - released_at < 0.5


def test_mutex_release_from_another_thread_wakes_a_waiter_on_the_same_object(tmp_path):
    mutex = cache(tmp_path).backend.get_mutex("k")
    assert mutex.acquire()
    releaser = threading.Thread(target=lambda: (time.sleep(0.1), mutex.release()))
    releaser.start()
    started = time.monotonic()
    assert mutex.acquire()  # the same object, as dogpile shares it between threads
    assert time.monotonic() - started < 1.0
    releaser.join()
    mutex.release()


def test_without_distributed_lock_dogpile_uses_its_own_mutex(tmp_path):
    region = cache(tmp_path, distributed_lock=False)
    assert region.backend.get_mutex("k") is None
    assert region.get_or_create("k", lambda: "v") == "v"


def test_regions_on_one_path_share_one_store(tmp_path):
    first = cache(tmp_path, region="a")
    second = cache(tmp_path / ".", region="b")  # the same directory, spelled otherwise
    assert _shared_stores.open_paths() == [str(tmp_path.resolve())]
    first.set("k", 1)
    second.set("k", 2)
    assert (first.get("k"), second.get("k")) == (1, 2)


def test_one_region_with_other_settings_is_value_error(tmp_path):
    cache(tmp_path, region="r", lock_timeout=10)
    with pytest.raises(ValueError, match="already in use"):
        cache(tmp_path, region="r", lock_timeout=20)


def test_another_durability_on_an_open_path_is_value_error(tmp_path):
    kept = cache(tmp_path)  # noqa: F841 - keeps the store open
    with pytest.raises(ValueError, match="durability"):
        cache(tmp_path, durability="power_loss")


def test_the_store_closes_when_its_last_dogpile_region_is_gone(tmp_path):
    first, second = cache(tmp_path), cache(tmp_path)
    first.set("k", "kept")
    del first
    gc.collect()
    assert _shared_stores.open_paths() == [str(tmp_path.resolve())]
    del second
    gc.collect()
    assert _shared_stores.open_paths() == []
    with regionkv.Store.open(tmp_path) as store:  # free for anyone now
        assert store.region_names() == ["dogpile"]


def test_a_held_mutex_keeps_the_store_open(tmp_path):
    region = cache(tmp_path)
    mutex = region.backend.get_mutex("k")
    assert mutex.acquire()
    del region
    gc.collect()
    assert _shared_stores.open_paths() == [str(tmp_path.resolve())]
    mutex.release()
    del mutex
