"""The dogpile backend's arguments, checked and converted once, before any
store is opened.

dogpile's ``configure_from_config`` hands a backend what its
``coerce_string_conf`` made of a configuration file's strings: ints, floats,
``True``/``False``, ``None``. ``configure(arguments=...)`` may hand it the
strings themselves (read from the environment, say). Either way each
argument comes out of :func:`parse` with one type, so that two backends
given ``3600`` and ``"3600"`` ask for the same region settings:

- numbers of seconds (``lock_timeout``, ``expire_time``): int, float, or a
  string ``float()`` reads, as a float; ``expire_time`` also ``None`` or
  ``"None"``;
- ``distributed_lock``: a bool, 0 or 1, or one of the strings ``true``,
  ``false``, ``yes``, ``no``, ``on``, ``off``, ``1``, ``0`` (any case);
- ``backend_args``: a mapping, its values as str (what the backing store
  receives); ``backend_args.<name>`` adds one, the only way a configuration
  file can give them.

A name the backend does not know raises ValueError listing the valid ones
(a misspelt ``lock_timout`` would otherwise be ignored); a value of the
wrong type TypeError, an impossible one ValueError, each naming the
argument.
"""

import math
import os
from collections.abc import Mapping
from typing import NamedTuple, Optional

DEFAULT_REGION = "dogpile"
DEFAULT_LOCK_TIMEOUT = 30.0
DURABILITIES = ("process_crash", "power_loss")
NAMES = (
    "path",
    "region",
    "durability",
    "lock_timeout",
    "distributed_lock",
    "expire_time",
    "backing_store",
    "backend_args",
)
BACKEND_ARG_PREFIX = "backend_args."

_TRUE = frozenset(("true", "yes", "on", "1"))
_FALSE = frozenset(("false", "no", "off", "0"))


class BackendArguments(NamedTuple):
    path: Optional[str]  # None: the store without a directory
    region: str
    durability: str
    lock_timeout: float
    distributed_lock: bool
    expire_time: Optional[float]
    backing_store: str
    backend_args: dict  # str -> str

    def region_settings(self):
        """Region.configure's keyword arguments for the regionkv region."""
        return {
            "backing_store": self.backing_store,
            "backend_args": self.backend_args,
            "lock_timeout": self.lock_timeout,
            "expire_time": self.expire_time,
            # One attempt per get_lock: RegionkvMutex waits between attempts
            # itself, so that acquire(wait=False) costs exactly one.
            "max_lock_attempts": 1,
        }


def parse(arguments):
    """The backend's `arguments` (dogpile's ``arguments`` dict), checked and
    converted; raises TypeError or ValueError naming the argument at fault."""
    if not isinstance(arguments, Mapping):
        raise TypeError(f"the regionkv backend's arguments must be a dict, not {_type(arguments)}")
    unknown = [
        name
        for name in arguments
        if name not in NAMES and not (isinstance(name, str) and name.startswith(BACKEND_ARG_PREFIX))
    ]
    if unknown:
        raise ValueError(
            f"unknown regionkv dogpile argument{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(name) for name in unknown)}; the valid ones are "
            f"{', '.join(NAMES)}, and backend_args.<name>"
        )
    backing_store = _text("backing_store", arguments.get("backing_store", "rocksdb"))
    path = _path(arguments.get("path"))
    if path is None and backing_store == "rocksdb":
        raise ValueError(
            "the regionkv dogpile backend needs a 'path' argument (the store directory) "
            "for backing_store 'rocksdb'; regions on 'redis', 'memcached' or 'memory' "
            "need none"
        )
    return BackendArguments(
        path=path,
        region=_text("region", arguments.get("region", DEFAULT_REGION)),
        durability=_choice("durability", arguments.get("durability", "process_crash"), DURABILITIES),
        lock_timeout=_seconds("lock_timeout", arguments.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)),
        distributed_lock=_flag("distributed_lock", arguments.get("distributed_lock", True)),
        expire_time=_expire_time(arguments.get("expire_time")),
        backing_store=backing_store,
        backend_args=_backend_args(arguments),
    )


def _type(value):
    return type(value).__name__


def _text(name, value):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {_type(value)}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def _path(value):
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike (the store directory), not {_type(value)}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"path must be a str or os.PathLike of str, not {_type(path)}")
    if not path:
        raise ValueError("path must not be empty: give the store directory")
    return path


def _choice(name, value, choices):
    if value not in choices:
        _text(name, value)  # TypeError for a value that is no str at all
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _seconds(name, value):
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, not bool")
    if isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            raise ValueError(f"{name} must be a number of seconds, got {value!r}") from None
    elif isinstance(value, (int, float)):
        seconds = float(value)
    else:
        raise TypeError(f"{name} must be a number of seconds, not {_type(value)}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a finite, non-negative number of seconds, got {value!r}")
    return seconds


def _expire_time(value):
    if value is None or (isinstance(value, str) and value.strip() == "None"):
        return None
    seconds = _seconds("expire_time", value)
    if seconds == 0:
        raise ValueError("expire_time must be positive (None: values do not expire), got 0")
    return seconds


def _flag(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(f"{name} must be true or false (or yes/no, on/off, 1/0), got {value!r}")
    raise TypeError(f"{name} must be a bool, not {_type(value)}")


def _backend_value(name, value):
    if isinstance(value, (str, int, float)):  # bool is an int
        return str(value)
    raise TypeError(f"{name} must be a str or a number, not {_type(value)}")


def _backend_args(arguments):
    given = arguments.get("backend_args")
    if given is None:
        given = {}
    elif isinstance(given, str) or not isinstance(given, Mapping):
        raise TypeError(
            f"backend_args must be a mapping such as {{'url': 'redis://host:6379/0'}}, not "
            f"{_type(given)} (from a configuration file: backend_args.url = ...)"
        )
    result = {}
    for key, value in given.items():
        _text("each name in backend_args", key)
        result[key] = _backend_value(f"backend_args[{key!r}]", value)
    for name, value in arguments.items():
        if isinstance(name, str) and name.startswith(BACKEND_ARG_PREFIX):
            result[_text(name, name[len(BACKEND_ARG_PREFIX):])] = _backend_value(name, value)
    return result
