"""Fixtures shared by the Python tests (run by ctest: ctest -L python)."""

import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "testing"))

import regionkv  # noqa: E402
import local_servers  # noqa: E402


def pytest_configure(config):
    # ctest names the build tree the tests must use: never test a stale copy
    # installed elsewhere on sys.path. (The .py files there link to the
    # sources; the compiled module is the build's own.)
    build_dir = os.environ.get("REGIONKV_PYTHON_BUILD_DIR")
    if build_dir:
        expected = pathlib.Path(build_dir).resolve() / "regionkv"
        loaded = pathlib.Path(regionkv._regionkv.__file__).resolve().parent
        if loaded != expected:
            raise pytest.UsageError(f"regionkv imported from {loaded}, expected {expected}")


@pytest.fixture
def store(tmp_path):
    """An open store in a fresh directory, closed after the test."""
    with regionkv.Store.open(tmp_path / "store") as opened:
        yield opened


@pytest.fixture
def region(store):
    """A configured RocksDB region with the default settings."""
    made = store.region("test")
    made.configure()
    return made


@pytest.fixture(scope="module")
def memcached():
    """A memcached server of this test module's own (a LocalServer)."""
    with local_servers.memcached_server() as server:
        yield server


@pytest.fixture(scope="module")
def redis_server():
    """A Redis server of this test module's own (a LocalServer)."""
    with local_servers.redis_server() as server:
        yield server
