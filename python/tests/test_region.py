"""regionkv.Region: configuration, reads and writes, keys and values."""

import time

import pytest

import regionkv


def test_data_calls_before_configure_are_config_error(store):
    region = store.region("r")
    assert not region.configured
    with pytest.raises(regionkv.ConfigError):
        region.get("k")
    with pytest.raises(regionkv.ConfigError):
        region.set("k", b"v")


def test_configure_twice_is_config_error(region):
    assert region.configured
    with pytest.raises(regionkv.ConfigError):
        region.configure()


def test_unknown_backing_store_is_value_error_listing_the_valid_names(store):
    region = store.region("r")
    with pytest.raises(ValueError, match="rocksdb"):
        region.configure("nosuchstore")
    assert not region.configured  # a failed configure changes nothing
    region.configure("memory")


@pytest.mark.parametrize(
    "arguments",
    [{"max_lock_attempts": 0}, {"lock_timeout": -1.0}, {"expire_time": 0}, {"expire_time": float("nan")}],
)
def test_out_of_range_settings_are_value_error(store, arguments):
    with pytest.raises(ValueError):
        store.region("r").configure(**arguments)


def test_settings_after_backing_store_are_keyword_only(store):
    with pytest.raises(TypeError):
        store.region("r").configure("memory", ())


def test_set_get_find(region):
    region.set("k", b"value")
    assert region.get("k") == b"value"
    assert region.find("k") == b"value"
    assert region.find("absent") is None


def test_get_of_an_absent_key_is_not_found_naming_the_key(region):
    with pytest.raises(regionkv.NotFound, match="absent-key"):
        region.get("absent-key")


def test_str_and_bytes_keys_are_the_same_key_when_utf8(region):
    region.set("ключ", b"v")
    assert region.get("ключ".encode()) == b"v"
    region.set(b"\xff\xfe", b"binary key")
    assert region.get(b"\xff\xfe") == b"binary key"


def test_str_values_are_stored_as_utf8_and_read_as_bytes(region):
    region.set("k", "värde")
    assert region.get("k") == "värde".encode()


def test_buffer_values_are_stored(region):
    region.set("a", bytearray(b"from bytearray"))
    region.set("b", memoryview(b"from memoryview"))
    assert region.get_multi(["a", "b"]) == [b"from bytearray", b"from memoryview"]


@pytest.mark.parametrize("key", [1, None, 1.5, ("k",)])
def test_keys_of_other_types_are_type_error(region, key):
    with pytest.raises(TypeError):
        region.set(key, b"v")


def test_values_of_other_types_are_type_error(region):
    with pytest.raises(TypeError):
        region.set("k", 42)
    assert region.find("k") is None


def test_empty_key_is_value_error(region):
    with pytest.raises(ValueError):
        region.set("", b"v")


def test_multi_calls(region):
    region.set_multi({"a": b"1", "b": "2", b"c": b"3"})
    assert region.get_multi(["c", "a", "b"]) == [b"3", b"1", b"2"]
    assert region.find_multi(["a", "missing", "c"]) == [b"1", None, b"3"]
    region.erase_multi(["a", "missing"])  # absent keys are skipped
    assert region.find_multi(["a", "b"]) == [None, b"2"]


def test_get_multi_lists_every_missing_key(region):
    region.set("present", b"v")
    with pytest.raises(regionkv.NotFound) as raised:
        region.get_multi(["present", "gone-1", "gone-2"])
    assert "gone-1" in str(raised.value) and "gone-2" in str(raised.value)


def test_a_single_str_is_not_taken_for_a_list_of_keys(region):
    with pytest.raises(TypeError):
        region.get_multi("abc")
    with pytest.raises(TypeError):
        region.erase_multi(b"abc")


def test_erase(region):
    region.set("k", b"v")
    region.erase("k")
    assert region.find("k") is None
    with pytest.raises(regionkv.NotFound):
        region.erase("k")


def test_values_expire_after_expire_time_except_no_expiry_keys(store):
    region = store.region("r")
    region.configure(expire_time=0.2, no_expiry_keys=["kept", b"also-kept"])
    region.set_multi({"gone": b"1", "kept": b"2", "also-kept": b"3"})
    assert region.get("gone") == b"1"
    time.sleep(0.3)
    assert region.find("gone") is None
    assert region.find_multi(["kept", "also-kept"]) == [b"2", b"3"]


def test_python_key_mangler_receives_the_key_and_its_result_is_stored(store):
    seen = []

    def mangler(key):
        seen.append(key)
        return "mangled-" + key

    region = store.region("r")
    region.configure(key_mangler=mangler)
    region.set("k", b"v")
    assert region.get("k") == b"v"
    assert seen == ["k", "k"]


def test_key_mangler_gets_bytes_for_a_key_that_is_not_utf8(store):
    seen = []
    region = store.region("r")
    region.configure("memory", key_mangler=lambda key: seen.append(key) or b"x")
    region.set(b"\xff", b"v")
    assert seen == [b"\xff"]


def test_key_mangler_exception_reaches_the_caller_and_nothing_is_written(store):
    calls = []

    def mangler(key):
        calls.append(key)
        if key == "bad":
            raise LookupError("cannot mangle")
        return key

    region = store.region("r")
    region.configure(key_mangler=mangler)
    with pytest.raises(LookupError, match="cannot mangle"):
        region.set("bad", b"v")
    region.set("good", b"v")
    assert region.get("good") == b"v"


def test_key_mangler_returning_another_type_is_type_error(store):
    region = store.region("r")
    region.configure("memory", key_mangler=lambda key: 7)
    with pytest.raises(TypeError):
        region.set("k", b"v")


def test_non_callable_key_mangler_is_type_error(store):
    with pytest.raises(TypeError):
        store.region("r").configure(key_mangler="not callable")


def test_lock_prefix_is_refused_with_mangling_disabled(store):
    region = store.region("r")
    region.configure(enable_key_mangler=False)
    region.set("plain", b"v")
    with pytest.raises(ValueError, match="_lock"):
        region.set("_lockish", b"v")


def test_get_or_create_calls_the_creator_once(region):
    calls = []

    def creator():
        calls.append(1)
        return b"made"

    assert region.get_or_create("k", creator) == b"made"
    assert region.get_or_create("k", creator) == b"made"
    assert calls == [1]
    assert region.get("k") == b"made"


def test_get_or_create_creator_exception_reaches_the_caller_and_stores_nothing(region):
    def creator():
        raise RuntimeError("creator failed")

    with pytest.raises(RuntimeError, match="creator failed"):
        region.get_or_create("k", creator)
    assert region.find("k") is None
    # The key's lock was released on the way out.
    with region.get_lock("k"):
        pass


def test_get_or_create_creator_returning_another_type_is_type_error(region):
    with pytest.raises(TypeError):
        region.get_or_create("k", lambda: 42)
    assert region.find("k") is None


def test_memcached_region(store, memcached):
    region = store.region("mc")
    region.configure("memcached", backend_args={"url": memcached.address, "io_timeout_ms": 2000})
    region.set("k", b"on memcached")
    assert region.get("k") == b"on memcached"
    with region.get_lock("k") as lock:
        region.erase("k", lock)
    assert region.find("k") is None
