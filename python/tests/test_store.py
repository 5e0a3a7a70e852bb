"""regionkv.Store: opening, closing, regions, sweeping."""

import pathlib
import time

import pytest

import regionkv


def test_open_creates_the_directory_and_accepts_str_and_path(tmp_path):
    with regionkv.Store.open(str(tmp_path / "a")) as by_str:
        assert by_str.path == tmp_path / "a"
    with regionkv.Store.open(tmp_path / "b") as by_path:
        assert isinstance(by_path.path, pathlib.Path)
    assert (tmp_path / "a").is_dir() and (tmp_path / "b").is_dir()


def test_missing_directory_without_create_if_missing_is_storage_error(tmp_path):
    with pytest.raises(regionkv.StorageError):
        regionkv.Store.open(tmp_path / "missing", create_if_missing=False)
    assert not (tmp_path / "missing").exists()


def test_a_directory_open_twice_is_storage_error(store):
    with pytest.raises(regionkv.StorageError):
        regionkv.Store.open(store.path)


def test_with_block_closes_the_store(tmp_path):
    with regionkv.Store.open(tmp_path) as store:
        assert not store.closed
    assert store.closed
    with regionkv.Store.open(tmp_path) as reopened:  # the directory is free again
        assert not reopened.closed


def test_close_is_idempotent(tmp_path):
    store = regionkv.Store.open(tmp_path)
    store.close()
    store.close()
    assert store.closed


@pytest.mark.parametrize("durability", ["process_crash", "power_loss"])
def test_durability_names(tmp_path, durability):
    with regionkv.Store.open(tmp_path, durability=durability) as store:
        region = store.region("r")
        region.configure()
        region.set("k", b"v")
        assert region.get("k") == b"v"


def test_unknown_durability_is_value_error(tmp_path):
    with pytest.raises(ValueError, match="power_loss"):
        regionkv.Store.open(tmp_path, durability="fsync")


def test_negative_sweep_interval_is_value_error(tmp_path):
    with pytest.raises(ValueError):
        regionkv.Store.open(tmp_path, sweep_interval=-1)


def test_region_returns_the_same_object_for_a_name(store):
    assert store.region("tokens") is store.region("tokens")
    assert store.region("tokens") is not store.region("users")
    assert store.region("tokens").name == "tokens"


@pytest.mark.parametrize("name", ["", "default", "x" * 201, "a\0b"])
def test_invalid_region_names_are_value_error(store, name):
    with pytest.raises(ValueError):
        store.region(name)


def test_region_names_lists_rocksdb_regions_sorted(store):
    for name in ["b", "a"]:
        store.region(name).configure()
    store.region("m").configure("memory")
    assert store.region_names() == ["a", "b"]


def test_values_survive_close_and_reopen(tmp_path):
    with regionkv.Store.open(tmp_path) as store:
        region = store.region("r")
        region.configure()
        region.set("k", b"kept")
    with regionkv.Store.open(tmp_path) as store:
        assert store.region_names() == ["r"]
        region = store.region("r")
        region.configure()
        assert region.get("k") == b"kept"


def test_sweep_now_removes_expired_records(tmp_path):
    with regionkv.Store.open(tmp_path, sweep_interval=0) as store:
        region = store.region("r")
        region.configure(expire_time=0.05)
        region.set_multi({"a": b"1", "b": b"2"})
        time.sleep(0.1)
        assert store.sweep_now() == 2
        assert store.sweep_now() == 0


def test_store_cannot_be_constructed_directly():
    with pytest.raises(TypeError):
        regionkv.Store()


def test_open_remote_has_no_path_and_no_rocksdb_regions():
    with regionkv.Store.open_remote() as store:
        assert store.path is None
        assert repr(store) == "<regionkv.Store without a directory>"
        assert store.region_names() == []
        tokens = store.region("tokens")
        with pytest.raises(regionkv.ConfigError, match="needs a store directory"):
            tokens.configure()  # rocksdb, the default
        assert not tokens.configured
        tokens.configure("memory", expire_time=0.05)
        tokens.set("k", b"v")
        assert tokens.get("k") == b"v"
        time.sleep(0.06)
        assert store.sweep_now() == 1
    with pytest.raises(regionkv.Error, match="store without a directory is closed"):
        tokens.get("k")


def test_open_remote_negative_sweep_interval_is_value_error():
    with pytest.raises(ValueError):
        regionkv.Store.open_remote(sweep_interval=-1)
