"""regionkv: an embedded key-value store of named regions.

A process opens a store directory, asks it for named regions, and reads and
writes keys in them; it takes locks on keys that outlive a crash only as long
as their lease; values can expire. Regions live in RocksDB column families by
default, in process memory, or on memcached servers.

    import regionkv

    with regionkv.Store.open("/tmp/kv") as store:
        tokens = store.region("tokens")
        tokens.configure(expire_time=3600)
        tokens.set("token-1", b'{"user": "alice"}')
        with tokens.get_lock("token-1") as lock:
            tokens.erase("token-1", lock)

``regionkv.dogpile`` is a dogpile.cache backend over it. docs/python.md
describes the interface, the GIL rules and what survives ``kill -9``.
"""

import atexit

from regionkv._regionkv import (
    ConfigError,
    Corruption,
    Error,
    Lock,
    LockTimeout,
    LockUnavailable,
    NotFound,
    Region,
    StorageError,
    Store,
    __version__,
    _close_all_stores,
    _stop_log_relay,
)

__all__ = [
    "ConfigError",
    "Corruption",
    "Error",
    "Lock",
    "LockTimeout",
    "LockUnavailable",
    "NotFound",
    "Region",
    "StorageError",
    "Store",
    "__version__",
]

# Stores still open at exit are closed while the interpreter can still run
# their cleanup (their sweeper threads stopped, RocksDB closed cleanly); then
# their last messages are logged (atexit runs the last registered first).
atexit.register(_stop_log_relay)
atexit.register(_close_all_stores)
