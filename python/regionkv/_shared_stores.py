"""One Store per directory per process, shared by the dogpile regions on it,
and one store without a directory for the regions given no path.

A store directory can be open once per process (a second Store.open raises
StorageError), while a program may configure many dogpile regions on one
path. So the dogpile backend never opens a Store itself: it attaches to the
process-wide SharedStore for the directory (its resolved path), or, without
a path, to the process's store without a directory (Store.open_remote), and
detaches when it is garbage-collected. A store closes when its last backend
detaches, and in any case at interpreter exit.

After os.fork() the child starts with no shared stores: the parent's are
the parent's (their every call raises StorageError in the child). A backend
made in the child opens a store for itself: a directory fails with
StorageError naming the parent while the parent holds it; a store without
a directory is the child's own, with its own connections.

Reference counting, rather than keeping every store open until exit, lets a
program (or a test) drop its dogpile regions and then open the directory
with Store.open itself. The count and the close happen under one lock, so a
backend attaching while the last one detaches waits for the close and then
opens the store afresh.
"""

import os
import threading

from regionkv._regionkv import Store

_registry_lock = threading.Lock()
# resolved path, or NO_DIRECTORY -> SharedStore; guarded by _registry_lock
_open_stores = {}
NO_DIRECTORY = None


def _forget_the_parents_stores():
    # In the child, right after fork: a lock the parent held at the fork
    # would stay held for ever, so the child gets a new one.
    global _registry_lock, _open_stores
    _registry_lock = threading.Lock()
    _open_stores = {}


os.register_at_fork(after_in_child=_forget_the_parents_stores)


class SharedStore:
    """A Store opened for dogpile backends, and the regions configured on it.

    ``path`` is the resolved directory, or NO_DIRECTORY for a store without
    one (``durability`` is then None: it concerns RocksDB only).
    """

    def __init__(self, path, durability):
        self.path = path
        self.durability = durability
        self.opened_by_pid = os.getpid()
        if path is NO_DIRECTORY:
            self.store = Store.open_remote()
        else:
            self.store = Store.open(path, durability=durability)
        self._attached = 0  # guarded by _registry_lock
        self._regions_lock = threading.Lock()
        self._regions = {}  # name -> (settings, Region); guarded by _regions_lock

    def region(self, name, settings):
        """The region `name`, configured with `settings` (Region.configure's
        keyword arguments) by the first backend that asks for it.

        A region is configured once per store: a later backend must ask for
        the same settings, else ValueError.
        """
        with self._regions_lock:
            if name in self._regions:
                configured, region = self._regions[name]
                if configured != settings:
                    raise ValueError(
                        f"regionkv region {name!r} of {self.describe()} is already in use "
                        f"with {configured}, not {settings}"
                    )
                return region
            region = self.store.region(name)
            region.configure(**settings)
            self._regions[name] = (settings, region)
            return region


    def describe(self):
        if self.path is NO_DIRECTORY:
            return "the store without a directory"
        return f"store {self.path!r}"


def attach(path, durability):
    """The SharedStore for `path`, opening it if no backend has it open;
    for `path` None, the process's store without a directory (`durability`
    is then ignored).

    Raises ValueError if it is open with another durability, and what
    Store.open raises (StorageError: the directory is held elsewhere).
    """
    if path is None:
        resolved, durability = NO_DIRECTORY, None
    else:
        resolved = os.path.realpath(os.fspath(path))
    with _registry_lock:
        shared = _open_stores.get(resolved)
        if shared is None:
            shared = SharedStore(resolved, durability)
            _open_stores[resolved] = shared
        elif shared.durability != durability:
            raise ValueError(
                f"store {resolved!r} is already open with durability "
                f"{shared.durability!r}, not {durability!r}"
            )
        shared._attached += 1
        return shared


def detach(shared):
    """Undoes one attach(); the last detach closes the store."""
    if shared.opened_by_pid != os.getpid():
        return  # the parent's (see above): the parent closes it
    with _registry_lock:
        shared._attached -= 1
        if shared._attached > 0:
            return
        del _open_stores[shared.path]
        shared.store.close()


def open_paths():
    """The resolved paths of the stores open for dogpile backends (for tests);
    the store without a directory is not listed."""
    with _registry_lock:
        return sorted(path for path in _open_stores if path is not NO_DIRECTORY)


def has_store_without_directory():
    """Whether the process's store without a directory is open (for tests)."""
    with _registry_lock:
        return NO_DIRECTORY in _open_stores
