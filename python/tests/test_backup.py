"""Store.backup and Store.drop_region (issue #24)."""

import pathlib

import pytest

import regionkv


def _store_with_value(path, region="r", key="k", value=b"v"):
    with regionkv.Store.open(path, sweep_interval=0) as store:
        store.region(region).configure()
        store.region(region).set(key, value)


@pytest.mark.parametrize("as_type", [str, pathlib.Path])
def test_backup_opens_as_a_store_with_the_values(tmp_path, as_type):
    _store_with_value(tmp_path / "store")
    with regionkv.Store.open(tmp_path / "store", sweep_interval=0) as store:
        store.backup(path=as_type(tmp_path / "backup"))
    with regionkv.Store.open(tmp_path / "backup", sweep_interval=0) as backup:
        assert backup.region_names() == ["r"]
        backup.region("r").configure()
        assert backup.region("r").get("k") == b"v"


def test_backup_into_an_existing_directory_is_storage_error(tmp_path):
    (tmp_path / "taken").mkdir()
    with regionkv.Store.open(tmp_path / "store", sweep_interval=0) as store:
        with pytest.raises(regionkv.StorageError, match="exists"):
            store.backup(tmp_path / "taken")
    assert list((tmp_path / "taken").iterdir()) == []


def test_drop_region_removes_it(tmp_path):
    _store_with_value(tmp_path / "store", region="gone")
    _store_with_value(tmp_path / "store", region="kept")
    with regionkv.Store.open(tmp_path / "store", sweep_interval=0) as store:
        store.drop_region(name="gone")
        assert store.region_names() == ["kept"]
    with regionkv.Store.open(tmp_path / "store", sweep_interval=0) as store:
        assert store.region_names() == ["kept"]


def test_drop_region_of_an_unknown_name_is_value_error(store):
    with pytest.raises(ValueError):
        store.drop_region("never")


def test_drop_region_in_use_is_config_error(tmp_path):
    _store_with_value(tmp_path / "store")
    with regionkv.Store.open(tmp_path / "store", sweep_interval=0) as store:
        store.region("r")
        with pytest.raises(regionkv.ConfigError):
            store.drop_region("r")
        assert store.region_names() == ["r"]
