"""regionkv.dogpile on Redis without a path: what several worker processes
share (issue #22). Each test names a region of its own on the module's
server; other processes are subprocesses, or children forked as a
pre-forking server forks its workers."""

import gc
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest
import redis
from dogpile.cache import make_region

from regionkv import _shared_stores

# What a subprocess runs first: a dogpile region on the server, no path.
PRELUDE = textwrap.dedent(
    """
    import os, sys, time
    from dogpile.cache import make_region
    from dogpile.cache.api import NO_VALUE
    import regionkv.dogpile
    regionkv.dogpile.register()

    def cache(url, name, **arguments):
        return make_region().configure("regionkv", arguments={
            "backing_store": "redis", "backend_args": {"url": url}, "region": name,
            **arguments})
    """
)


def url_of(server):
    return f"redis://{server.address}/0"


@pytest.fixture
def name():
    """A region name of the test's own."""
    return uuid.uuid4().hex


@pytest.fixture(autouse=True)
def no_store_left_open():
    yield
    gc.collect()
    assert not _shared_stores.has_store_without_directory()


def cache(redis_server, name, **arguments):
    return make_region().configure(
        "regionkv",
        arguments={
            "backing_store": "redis",
            "backend_args": {"url": url_of(redis_server)},
            "region": name,
            **arguments,
        },
    )


def start(script, *args):
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script), *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_region_on_redis_needs_no_path_and_another_process_reads_it(redis_server, name):
    region = cache(redis_server, name)
    assert _shared_stores.open_paths() == []  # no directory anywhere
    assert _shared_stores.has_store_without_directory()
    region.set("k", {"v": 1})
    assert region.get("k") == {"v": 1}
    reader = start(
        """
        region = cache(sys.argv[1], sys.argv[2])
        print(region.get("k"), flush=True)
        region.set("from-reader", "hello")
        """,
        url_of(redis_server),
        name,
    )
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    assert out.strip() == "{'v': 1}"
    assert region.get("from-reader") == "hello"


def test_key_is_locked_while_another_thread_holds_the_keys_lock(redis_server, name):
    holder, asker = cache(redis_server, name), cache(redis_server, name)
    taken, release = threading.Event(), threading.Event()

    def hold():
        mutex = holder.backend.get_mutex("k")
        assert mutex.acquire()
        taken.set()
        release.wait(10)
        mutex.release()

    thread = threading.Thread(target=hold)
    assert not asker.key_is_locked("k")
    thread.start()
    try:
        assert taken.wait(10)
        assert asker.key_is_locked("k")
        assert not asker.key_is_locked("other")
    finally:
        release.set()
        thread.join(10)
    assert not asker.key_is_locked("k")


def test_key_is_locked_while_another_process_holds_the_keys_lock(redis_server, name):
    asker = cache(redis_server, name)
    holder = start(
        """
        mutex = cache(sys.argv[1], sys.argv[2]).backend.get_mutex("k")
        assert mutex.acquire(False)
        print("held", flush=True)
        sys.stdin.readline()
        mutex.release()
        print("released", flush=True)
        """,
        url_of(redis_server),
        name,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert asker.key_is_locked("k")
        mutex = asker.backend.get_mutex("k")
        assert not mutex.acquire(False)  # one attempt, refused at once
        assert asker.key_is_locked("k"), "a refused attempt took the lock or dropped it"
        holder.stdin.write("release\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        assert not asker.key_is_locked("k")
        assert mutex.acquire(False)
        mutex.release()
    finally:
        holder.kill()
        holder.wait(60)


def test_a_dead_holders_lock_is_locked_until_its_lease_runs_out(redis_server, name):
    asker = cache(redis_server, name)
    holder = start(
        """
        mutex = cache(sys.argv[1], sys.argv[2], lock_timeout=0.2).backend.get_mutex("k")
        assert mutex.acquire(False)  # a lease of 0.2 + 1 s
        print("held", flush=True)
        time.sleep(60)
        """,
        url_of(redis_server),
        name,
    )
    assert holder.stdout.readline().strip() == "held"
    held_since = time.monotonic()
    holder.send_signal(signal.SIGKILL)
    holder.wait(60)
    assert asker.key_is_locked("k")
    while asker.key_is_locked("k") and time.monotonic() - held_since < 10:
        time.sleep(0.01)
    assert not asker.key_is_locked("k")
    assert time.monotonic() - held_since > 1.0


# A pre-forking server: the master forks 4 workers; each configures the
# dogpile region on the same Redis with no path, serves requests of its own,
# writes a value, waits until every worker has written (a Redis counter),
# reads the others' values, then all race through get_or_create on one key.
# With preload the master has configured and used the region before forking
# (gunicorn --preload): each worker finds it refusing, and reconfigures it
# (docs/python.md's recipe).
WORKERS_SCRIPT = """
import redis as redis_py
import regionkv

url, name, preload = sys.argv[1], sys.argv[2], sys.argv[3] == "preload"
if preload:
    master = cache(url, name)
    master.set("from-master", "before the fork")

def worker(number):
    counter = redis_py.Redis.from_url(url)
    if preload:
        # The master's region is the master's; the worker reconfigures it.
        try:
            master.get("from-master")
            return 5
        except regionkv.StorageError as error:
            if "was forked from process" not in str(error):
                return 6
        master.configure("regionkv", replace_existing_backend=True, arguments={
            "backing_store": "redis", "backend_args": {"url": url}, "region": name})
        region = master
    else:
        region = cache(url, name)
    for request in range(1000):  # requests of its own, beside the others'
        region.set(f"{number}-{request}", request)
        if region.get(f"{number}-{request}") != request:
            return 2
    region.set(f"written-by-{number}", os.getpid())
    counter.incr(f"{name}:ready")
    deadline = time.monotonic() + 30
    while int(counter.get(f"{name}:ready")) < 4:
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.005)
    seen = [region.get(f"written-by-{other}") for other in range(4)]

    def creator():
        counter.incr(f"{name}:creator-runs")
        time.sleep(0.5)  # every other worker arrives meanwhile
        return f"created by worker {number}"

    created = region.get_or_create("shared", creator)
    # One write: the workers share the pipe.
    os.write(1, f"worker {number} pid {os.getpid()} saw {seen} got {created!r}\\n".encode())
    return 0

pids = []
for number in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            status = worker(number)
        except BaseException:
            import traceback
            traceback.print_exc()
            status = 1
        sys.exit(status)
    pids.append(pid)
print("statuses", [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids], flush=True)
if preload:
    print("master still reads", master.get("from-master"), flush=True)
"""


@pytest.mark.parametrize("preload", ["fork-first", "preload"])
def test_four_forked_workers_share_values_and_run_one_creator(redis_server, name, preload):
    master = start(WORKERS_SCRIPT, url_of(redis_server), name, preload)
    out, _ = master.communicate(timeout=120)
    assert master.returncode == 0, out
    assert "statuses [0, 0, 0, 0]" in out, out
    lines = [line for line in out.splitlines() if line.startswith("worker ")]
    assert len(lines) == 4, out
    pids = sorted(int(line.split()[3]) for line in lines)
    for line in lines:
        seen = line.split(" saw ")[1].split(" got ")[0]
        assert sorted(int(pid) for pid in seen.strip("[]").split(", ")) == pids, out
    created = {line.split(" got ")[1] for line in lines}
    assert len(created) == 1, out  # every worker got the one creator's value
    counter = redis.Redis.from_url(url_of(redis_server))
    assert int(counter.get(f"{name}:creator-runs")) == 1
    if preload == "preload":
        assert "master still reads before the fork" in out, out
