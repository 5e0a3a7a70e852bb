"""regionkv.dogpile on memcached-backed regions: one cache and one creation
lock for every store that names the same region on the same servers."""

import time

from dogpile.cache import make_region
from dogpile.cache.api import NO_VALUE
from racing import creator_runs_when_racing


def cache(path, memcached, **arguments):
    return make_region().configure(
        "regionkv",
        arguments={
            "path": str(path),
            "backing_store": "memcached",
            "backend_args": {"url": memcached.address},
            **arguments,
        },
    )


def test_values_are_shared_through_the_servers(tmp_path, memcached):
    # Two store directories: as two processes (or machines) would have.
    writer, reader = cache(tmp_path / "a", memcached), cache(tmp_path / "b", memcached)
    writer.set("k", {"v": 1})
    assert reader.get("k") == {"v": 1}
    writer.set_multi({"x": 1, "y": 2})
    assert reader.get_multi(["x", "y", "z"]) == [1, 2, NO_VALUE]
    reader.delete_multi(["x", "y"])
    assert writer.get_multi(["x", "y"]) == [NO_VALUE, NO_VALUE]


def test_the_creation_lock_is_shared_through_the_servers(tmp_path, memcached):
    first = cache(tmp_path / "a", memcached).backend.get_mutex("lock-key")
    second = cache(tmp_path / "b", memcached).backend.get_mutex("lock-key")
    assert first.acquire(wait=False)
    assert not second.acquire(wait=False)
    first.release()
    # A release is sent without awaiting its answer (include/regionkv/
    # memcached.h): another client sees it a moment later.
    started = time.monotonic()
    assert second.acquire(wait=True)
    assert time.monotonic() - started < 1.0
    second.release()


def test_get_or_create_runs_one_creator_across_stores(tmp_path, memcached):
    regions = [cache(tmp_path / "a", memcached), cache(tmp_path / "b", memcached)]
    calls = [lambda creator, region=region: region.get_or_create("single", creator) for region in regions]
    assert creator_runs_when_racing(calls) == 1


def test_store_side_expiry_on_the_servers(tmp_path, memcached):
    region = cache(tmp_path, memcached, region="short", expire_time=1)
    region.set("k", "v")
    assert region.get("k") == "v"
    time.sleep(2.1)  # memcached counts expiry in whole seconds
    assert region.get("k") is NO_VALUE
