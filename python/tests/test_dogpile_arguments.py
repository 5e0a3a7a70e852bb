"""The dogpile backend's arguments: checked once, before any store opens;
strings converted as dogpile's configure_from_config would; every mistake a
TypeError or ValueError naming the argument (regionkv/_arguments.py)."""

import gc

import pytest
from dogpile.cache import make_region

from regionkv import _arguments, _shared_stores


@pytest.fixture(autouse=True)
def no_store_left_open():
    yield
    gc.collect()
    assert _shared_stores.open_paths() == []
    assert not _shared_stores.has_store_without_directory()


def cache(path, **arguments):
    return make_region().configure("regionkv", arguments={"path": str(path), **arguments})


@pytest.mark.parametrize("given,seconds", [("60", 60.0), (" 60 ", 60.0), ("0.5", 0.5), ("1e2", 100.0),
                                           (60, 60.0), (0.5, 0.5), (None, None), ("None", None)])
def test_expire_time_accepts_numbers_and_strings_of_them(given, seconds):
    assert _arguments.parse({"backing_store": "memory", "expire_time": given}).expire_time == seconds


def test_expire_time_string_reaches_the_region(tmp_path):
    region = cache(tmp_path, expire_time="60", lock_timeout="12.5")
    region.set("k", "v")
    assert region.get("k") == "v"


@pytest.mark.parametrize("word,value", [("true", True), ("True", True), ("yes", True), ("1", True),
                                        ("on", True), ("false", False), ("FALSE", False),
                                        ("no", False), ("0", False), ("off", False),
                                        (True, True), (False, False), (1, True), (0, False)])
def test_distributed_lock_reads_words_as_booleans(tmp_path, word, value):
    region = cache(tmp_path, distributed_lock=word)
    assert (region.backend.get_mutex("k") is not None) is value


@pytest.mark.parametrize(
    "name,value,error",
    [
        ("expire_time", "abc", ValueError),
        ("expire_time", "0", ValueError),
        ("expire_time", -5, ValueError),
        ("expire_time", "inf", ValueError),
        ("expire_time", [60], TypeError),
        ("expire_time", True, TypeError),
        ("lock_timeout", "soon", ValueError),
        ("lock_timeout", -1, ValueError),
        ("lock_timeout", None, TypeError),
        ("distributed_lock", "maybe", ValueError),
        ("distributed_lock", 2, TypeError),
        ("distributed_lock", None, TypeError),
        ("durability", "sometimes", ValueError),
        ("durability", 1, TypeError),
        ("region", "", ValueError),
        ("region", 7, TypeError),
        ("backing_store", None, TypeError),
        ("backend_args", "url", TypeError),
        ("backend_args", ["url"], TypeError),
        ("backend_args", {"url": None}, TypeError),
        ("path", "", ValueError),
        ("path", 5, TypeError),
        ("path", b"/tmp/x", TypeError),
    ],
)
def test_a_bad_value_is_type_or_value_error_naming_the_argument(tmp_path, name, value, error):
    arguments = {"path": str(tmp_path), name: value}
    with pytest.raises(error, match=name) as raised:
        make_region().configure("regionkv", arguments=arguments)
    assert "Unable to cast" not in str(raised.value)
    assert _shared_stores.open_paths() == []  # checked before anything opened


def test_backend_args_string_says_it_wants_a_mapping(tmp_path):
    with pytest.raises(TypeError, match=r"backend_args must be a mapping such as \{'url'"):
        cache(tmp_path, backing_store="redis", backend_args="redis://127.0.0.1:1/0")


def test_an_unknown_name_is_value_error_listing_the_valid_ones(tmp_path):
    with pytest.raises(ValueError) as raised:
        cache(tmp_path, lock_timout=10)
    message = str(raised.value)
    assert "'lock_timout'" in message
    for valid in _arguments.NAMES:
        assert valid in message
    assert _shared_stores.open_paths() == []


def test_settings_are_compared_after_conversion(tmp_path):
    first = cache(tmp_path, region="r", expire_time=3600, lock_timeout=30,
                  backend_args={"port": 1})
    second = cache(tmp_path, region="r", expire_time="3600", lock_timeout="30.0",
                   backend_args={"port": "1"})
    first.set("k", "v")
    assert second.get("k") == "v"
    with pytest.raises(ValueError, match="already in use"):
        cache(tmp_path, region="r", expire_time="3601")


def test_configure_from_config_strings_and_dotted_backend_args(tmp_path):
    region = make_region().configure_from_config(
        {
            "cache.backend": "regionkv",
            "cache.expiration_time": "600",
            "cache.arguments.path": str(tmp_path),
            "cache.arguments.expire_time": "60",
            "cache.arguments.lock_timeout": "5",
            "cache.arguments.distributed_lock": "false",
            "cache.arguments.backend_args.color": "blue",
        },
        "cache.",
    )
    parsed = _arguments.parse({"path": str(tmp_path), "backend_args.color": "blue",
                               "backend_args": {"size": 3}})
    assert parsed.backend_args == {"color": "blue", "size": "3"}
    assert region.backend.get_mutex("k") is None
    region.set("k", "v")
    assert region.get("k") == "v"
