"""Region.configure and Store.open: an argument of the wrong type is a
TypeError, an impossible one a ValueError, each naming the argument; a failed
configure leaves the region unconfigured. Strings are not numbers here (the
dogpile backend converts configuration strings, test_dogpile_arguments.py)."""

import pytest

import regionkv


@pytest.mark.parametrize(
    "name,value,error",
    [
        ("expire_time", "60", TypeError),
        ("expire_time", [60], TypeError),
        ("expire_time", float("inf"), ValueError),
        ("lock_timeout", "5", TypeError),
        ("lock_timeout", None, TypeError),
        ("lock_timeout", True, TypeError),
        ("max_lock_attempts", 1.5, TypeError),
        ("max_lock_attempts", "3", TypeError),
        ("max_lock_attempts", 2**40, ValueError),
        ("max_lock_attempts", 0, ValueError),
        ("locking", "yes", TypeError),
        ("locking", 1, TypeError),
        ("enable_key_mangler", None, TypeError),
        ("backing_store", 3, TypeError),
        ("proxies", "p", TypeError),
        ("proxies", [1], TypeError),
        ("proxies", 5, TypeError),
        ("backend_args", "url", TypeError),
        ("backend_args", {1: "x"}, TypeError),
        ("no_expiry_keys", [1], TypeError),
        ("key_mangler", "sha1", TypeError),
    ],
)
def test_a_bad_argument_names_itself_and_changes_nothing(store, name, value, error):
    region = store.region("r")
    with pytest.raises(error, match=name) as raised:
        region.configure(**{name: value})
    assert "Unable to cast" not in str(raised.value)
    assert not region.configured
    region.configure("memory")


def test_numbers_of_any_kind_are_seconds(store):
    import fractions

    store.region("a").configure("memory", expire_time=fractions.Fraction(1, 2), lock_timeout=3)


def test_an_empty_store_path_is_value_error():
    with pytest.raises(ValueError, match="path must not be empty"):
        regionkv.Store.open("")
