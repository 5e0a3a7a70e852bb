"""What a dogpile region on regionkv keeps when its process is killed (-9).

A child process writes through a dogpile region and prints each key once
its write has returned (acknowledged); the parent kills it with SIGKILL at a
random point, reopens the store, and finds every acknowledged write. With
durability "process_crash" a write is in RocksDB's log, in the kernel's
page cache, before it returns: a killed process loses nothing acknowledged.
"""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from dogpile.cache import make_region
from dogpile.cache.api import NO_VALUE

WRITER = textwrap.dedent(
    """
    import sys
    from dogpile.cache import make_region

    region = make_region().configure("regionkv", arguments={"path": sys.argv[1]})
    for n in range(1_000_000):
        if n % 3 == 0:
            region.get_or_create(f"k{n}", lambda: {"n": n, "via": "get_or_create"})
        elif n % 3 == 1:
            region.set(f"k{n}", {"n": n, "via": "set"})
        else:
            region.set_multi({f"k{n}": {"n": n, "via": "set_multi"}})
        print(n, flush=True)
    """
)

HOLDER = textwrap.dedent(
    """
    import sys, time
    from dogpile.cache import make_region

    region = make_region().configure(
        "regionkv", arguments={"path": sys.argv[1], "lock_timeout": 1.0})
    mutex = region.backend.get_mutex("held")
    assert mutex.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)

VIA = ["get_or_create", "set", "set_multi"]


def start(script, path):
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )


def kill_after_lines(child, lines):
    """Reads `lines` lines, kills the child, returns every line it printed."""
    printed = [child.stdout.readline() for _ in range(lines)]
    os.kill(child.pid, signal.SIGKILL)
    printed += child.stdout.readlines()  # acknowledged before the kill
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return [line.strip() for line in printed if line.strip()]


def test_acknowledged_writes_survive_kill_9(tmp_path):
    rounds = random.Random(os.getpid())
    for round_number in range(3):
        path = tmp_path / f"round{round_number}"
        child = start(WRITER, path)
        acknowledged = [int(line) for line in kill_after_lines(child, rounds.randint(50, 400))]
        region = make_region().configure("regionkv", arguments={"path": str(path)})
        for n in acknowledged:
            assert region.get(f"k{n}") == {"n": n, "via": VIA[n % 3]}, f"lost k{n}"
        # The write in flight at the kill may or may not be there; none after it.
        assert region.get(f"k{acknowledged[-1] + 2}") is NO_VALUE


def test_a_lock_held_by_a_killed_process_is_taken_over_when_its_lease_ends(tmp_path):
    child = start(HOLDER, tmp_path)
    assert child.stdout.readline().strip() == "held"
    killed_at = time.monotonic()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    region = make_region().configure(
        "regionkv", arguments={"path": str(tmp_path), "lock_timeout": 1.0}
    )
    mutex = region.backend.get_mutex("held")
    assert not mutex.acquire(wait=False)  # the record outlived its holder
    assert mutex.acquire(wait=True)  # until its lease (1 s + 1 s) ran out
    waited = time.monotonic() - killed_at
    assert 1.0 < waited < 5.0
    mutex.release()
