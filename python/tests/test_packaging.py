"""The package's metadata: one version everywhere, the dogpile entry point."""

import importlib.metadata
import pathlib
import re
import tomllib

import regionkv
import regionkv.dogpile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_module_version_is_the_cmake_project_version():
    cmake_lists = (ROOT / "CMakeLists.txt").read_text()
    assert regionkv.__version__ == re.search(r"project\(regionkv VERSION ([0-9.]+)", cmake_lists)[1]


def test_metadata_next_to_the_module_matches_it():
    assert importlib.metadata.version("regionkv") == regionkv.__version__


def test_entry_point_loads_the_backend():
    (entry_point,) = importlib.metadata.entry_points(group="dogpile.cache", name="regionkv")
    assert entry_point.load() is regionkv.dogpile.RegionkvBackend


def test_pyproject_takes_version_and_entry_points_from_setup_py():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(project["dynamic"]) == {"version", "entry-points"}
    assert project["name"] == "regionkv"


def test_exceptions_form_the_documented_hierarchy():
    for name in ["NotFound", "LockTimeout", "LockUnavailable", "ConfigError", "StorageError", "Corruption"]:
        assert issubclass(getattr(regionkv, name), regionkv.Error), name
    assert issubclass(regionkv.NotFound, KeyError)
    assert issubclass(regionkv.Error, Exception) and not issubclass(regionkv.Error, KeyError)
    assert str(regionkv.NotFound("region 'r', key 'k': not found")) == "region 'r', key 'k': not found"
