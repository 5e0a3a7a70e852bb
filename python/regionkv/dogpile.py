"""A dogpile.cache backend over regionkv, registered as ``"regionkv"``.

    from dogpile.cache import make_region

    region = make_region().configure(
        "regionkv",
        expiration_time=600,
        arguments={"path": "/var/lib/app/cache"},
    )

    @region.cache_on_arguments()
    def load_user(user_id): ...

The name comes from the ``dogpile.cache`` entry point of the installed
package; a program running regionkv without its package metadata calls
:func:`register` first.

Several worker processes share a cache on Redis (or memcached) with no
directory at all:

    region = make_region().configure(
        "regionkv",
        arguments={"backing_store": "redis",
                   "backend_args": {"url": "redis://10.0.0.5:6379/0"}},
    )

Arguments (docs/python.md has the details). They are checked before anything
is opened: an unknown name raises ValueError listing the valid ones, a bad
value TypeError or ValueError naming it, and strings are converted as
dogpile's ``configure_from_config`` would (regionkv._arguments):

``path`` (required for ``backing_store="rocksdb"``, the default)
    The store directory. Every dogpile region on one path in a process
    shares one :class:`regionkv.Store` (regionkv._shared_stores). Without
    it (``"redis"``, ``"memcached"``, ``"memory"`` or a registered store),
    the regions live in the process's store without a directory
    (:meth:`regionkv.Store.open_remote`), one per process: a forked child
    makes its own.
``region`` (default ``"dogpile"``)
    The regionkv region the values live in: several dogpile regions may
    share it (same settings) or use their own.
``durability`` (default ``"process_crash"``)
    ``"process_crash"``: a value is in RocksDB's log when ``set`` returns
    and survives ``kill -9``; ``"power_loss"``: the log is fsynced first.
    Ignored without a ``path``.
``lock_timeout`` (seconds, default 30)
    The lease of the creation lock is ``lock_timeout`` + 1 s: a process that
    dies holding it blocks the key's creation that long at most. A creator
    running longer than ``lock_timeout`` may be run again by another waiter.
``distributed_lock`` (default ``True``)
    ``True``: :meth:`get_mutex` returns a :class:`RegionkvMutex`, held
    through a regionkv lock, so one creator runs per key across the threads
    of the process (a RocksDB store is one process's) and, with
    ``backing_store="redis"`` or ``"memcached"``, across every process and
    machine using the servers. ``CacheRegion.key_is_locked(key)`` then tells
    whether anyone holds the key's lock. ``False``: dogpile's own in-process
    mutex.
``expire_time`` (seconds, default none)
    A store-side time to live: values are gone from the store this long
    after they were written, whatever dogpile's ``expiration_time`` says.
``backing_store``, ``backend_args``
    Where the regionkv region keeps its values: ``"rocksdb"`` (default),
    ``"memory"``, ``"redis"`` (``backend_args={"url": "redis://host:port/db"}``),
    ``"memcached"`` (``backend_args={"url": "host:port,..."}``), or a backing
    store registered in C++. A configuration file gives ``backend_args``
    one by one: ``backend_args.url = redis://10.0.0.5:6379/0``.
"""

import threading
import weakref

from dogpile.cache import api, register_backend

from regionkv import _arguments, _shared_stores
from regionkv._regionkv import LockUnavailable

__all__ = ["RegionkvBackend", "RegionkvMutex", "register"]


def register():
    """Registers the backend as ``"regionkv"`` with dogpile.cache.

    Needed only where the package's entry point is not installed (for
    example, running regionkv from a build tree without its metadata).
    """
    register_backend("regionkv", "regionkv.dogpile", "RegionkvBackend")


class RegionkvBackend(api.BytesBackend):
    """dogpile.cache backend storing serialized values in a regionkv region.

    dogpile pickles values (its default serializer for bytes backends) and
    hands this backend bytes; reads return bytes or ``NO_VALUE``.
    """

    def __init__(self, arguments):
        parsed = _arguments.parse(arguments)  # TypeError, ValueError: nothing opened
        self.distributed_lock = parsed.distributed_lock
        shared = _shared_stores.attach(parsed.path, parsed.durability)
        try:
            self._region = shared.region(parsed.region, parsed.region_settings())
        except BaseException:
            _shared_stores.detach(shared)
            raise
        # The store stays open while this backend (or one of its mutexes)
        # lives; then this backend no longer counts.
        self._shared = shared
        self._detach = weakref.finalize(self, _shared_stores.detach, shared)

    @property
    def region(self):
        """The :class:`regionkv.Region` holding the values."""
        return self._region

    def get_mutex(self, key):
        if not self.distributed_lock:
            return None
        return RegionkvMutex(self, key)

    def get_serialized(self, key):
        value = self._region.find(key)
        return api.NO_VALUE if value is None else value

    def get_serialized_multi(self, keys):
        if not keys:
            return []
        return [api.NO_VALUE if value is None else value for value in self._region.find_multi(keys)]

    def set_serialized(self, key, value):
        self._region.set(key, value)

    def set_serialized_multi(self, mapping):
        if mapping:
            self._region.set_multi(mapping)

    def delete(self, key):
        # erase_multi is idempotent: deleting an absent key is not an error.
        self._region.erase_multi((key,))

    def delete_multi(self, keys):
        if keys:
            self._region.erase_multi(keys)


# Between failed attempts on a lock held elsewhere (another process, or a
# mutex object of another dogpile region): doubling, up to a bound that keeps
# a waiter's extra latency small next to a creator's run time. A release
# through the same mutex object wakes its waiters at once.
_FIRST_RETRY_DELAY = 0.001
_LONGEST_RETRY_DELAY = 0.05


class RegionkvMutex(api.CacheMutex):
    """dogpile's creation mutex for one key, held through a regionkv lock.

    The lock excludes every other holder of the key's lock: threads, other
    dogpile regions on the same regionkv region, other processes. Like
    ``threading.Lock`` it is not re-entrant and may be released by any
    thread (dogpile's ``async_creation_runner`` does that). ``locked()``
    tells whether anyone holds the key's lock (dogpile's contract, which
    ``CacheRegion.key_is_locked`` relies on), not only this object.
    """

    __slots__ = ("_backend", "_key", "_held", "_changed", "_releases", "_waiting")

    # The uncontended path (acquire, release) touches no lock of its own: it
    # only reads and writes attributes, one bytecode at a time under the
    # GIL. Waiters meet releases under _changed: a waiter counts itself in
    # _waiting before it compares _releases with what it saw before its
    # attempt, and a release bumps _releases before it reads _waiting, so
    # either the waiter sees the release or the release sees the waiter and
    # wakes it.

    def __init__(self, backend, key):
        self._backend = backend  # keeps the store open while the mutex lives
        self._key = key
        self._held = None  # the regionkv.Lock while held
        self._changed = threading.Condition(threading.Lock())
        self._releases = 0  # releases through this object
        self._waiting = 0  # threads waiting on _changed; guarded by _changed

    def acquire(self, wait=True):
        """Takes the lock; with ``wait=False`` makes one attempt only.

        Returns whether the lock was taken (always True when waiting).
        """
        delay = _FIRST_RETRY_DELAY
        while True:
            releases_seen = self._releases
            try:
                self._held = self._backend.region.get_lock(self._key)
                return True
            except LockUnavailable:
                if not wait:
                    return False
            self._wait_for_release(releases_seen, delay)
            delay = min(delay * 2, _LONGEST_RETRY_DELAY)

    def _wait_for_release(self, releases_seen, timeout):
        """Sleeps until a release through this object, or for `timeout`
        (a holder elsewhere), unless one happened since `releases_seen`."""
        with self._changed:
            self._waiting += 1
            try:
                if self._releases == releases_seen:
                    self._changed.wait(timeout)
            finally:
                self._waiting -= 1

    def release(self):
        """Releases the lock; RuntimeError if this mutex does not hold it."""
        lock, self._held = self._held, None
        if lock is None:
            raise RuntimeError("release of an unlocked regionkv mutex")
        try:
            lock.release()
        finally:
            self._releases += 1
            if self._waiting:
                with self._changed:
                    self._changed.notify_all()

    def locked(self):
        """Whether anyone holds the key's lock now: this mutex, another
        thread's or process's (:meth:`regionkv.Region.is_locked`)."""
        return self._backend.region.is_locked(self._key)

    def __repr__(self):
        state = "held" if self._held is not None else "not held"
        return f"<regionkv.dogpile.RegionkvMutex {self._key!r} {state} by this object>"
