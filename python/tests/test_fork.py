"""fork() after open, as pre-forking servers do (gunicorn --preload, uwsgi
without lazy-apps): the child's copies refuse every call, the child exits
through the interpreter's teardown without hanging, the parent carries on
(issue #21). Each scenario runs in its own interpreter, so that the fork
copies a process in a known state and the child exits as a program does.
"""

import os
import subprocess
import sys
import textwrap

import regionkv

CHILD_SCRIPT_PRELUDE = textwrap.dedent(
    """
    import os, sys, time
    import regionkv

    def refused(call):
        try:
            call()
        except regionkv.StorageError as error:
            return "was forked from process" in str(error)
        return False

    def wait_for(pid, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.01)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return "hung"
    """
)


def run(script, *args):
    completed = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT_PRELUDE + textwrap.dedent(script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_a_forked_child_refuses_every_call_and_exits_without_hanging(tmp_path):
    out = run(
        """
        path = sys.argv[1]
        store = regionkv.Store.open(path, sweep_interval=0.005)
        region = store.region("r")
        region.configure()
        region.set("k", b"parent")
        lock = region.get_lock("held")
        pid = os.fork()
        if pid == 0:
            failures = [name for name, call in [
                ("get", lambda: region.get("k")),
                ("set", lambda: region.set("child", b"v")),
                ("get_lock", lambda: region.get_lock("x")),
                ("release", lambda: lock.release()),
                ("region", lambda: store.region("other")),
                ("region_names", lambda: store.region_names()),
            ] if not refused(call)]
            try:
                regionkv.Store.open(path)
                failures.append("opened the parent's store")
            except regionkv.StorageError as error:
                if f"in use by process {os.getppid()}" not in str(error):
                    failures.append(str(error))
            print("child failures:", failures, flush=True)
            sys.exit(0 if not failures else 1)  # the interpreter's teardown
        print("child exit:", wait_for(pid), flush=True)
        region.set("held", b"parent", lock)
        lock.release()
        assert region.get("k") == b"parent"
        assert region.find("child") is None
        store.close()
        with regionkv.Store.open(path) as reopened:
            r = reopened.region("r")
            r.configure()
            assert r.get("held") == b"parent" and r.find("child") is None
        print("parent done", flush=True)
        """,
        tmp_path / "store",
    )
    assert "child failures: []" in out
    assert "child exit: 0" in out
    assert "parent done" in out


def test_dogpile_backend_does_not_hand_a_child_the_parents_store(tmp_path):
    out = run(
        """
        from dogpile.cache import make_region
        import regionkv.dogpile
        regionkv.dogpile.register()
        path = sys.argv[1]
        cache = make_region().configure("regionkv", arguments={"path": path})
        cache.set("k", "parent")
        pid = os.fork()
        if pid == 0:
            failures = []
            if not refused(lambda: cache.get("k")):
                failures.append("the parent's region answered in the child")
            try:
                make_region().configure("regionkv", arguments={"path": path})
                failures.append("a new backend in the child got a store")
            except regionkv.StorageError as error:
                if f"in use by process {os.getppid()}" not in str(error):
                    failures.append(str(error))
            print("child failures:", failures, flush=True)
            sys.exit(0 if not failures else 1)
        print("child exit:", wait_for(pid), flush=True)
        assert cache.get("k") == "parent"
        cache.set("after", "parent")
        assert cache.get("after") == "parent"
        print("parent done", flush=True)
        """,
        tmp_path / "store",
    )
    assert "child failures: []" in out
    assert "child exit: 0" in out
    assert "parent done" in out


def test_another_process_holding_the_store_is_named_by_pid(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            """
            import sys, regionkv
            store = regionkv.Store.open(sys.argv[1])
            print("open", flush=True)
            sys.stdin.read()
            """
        ), str(tmp_path / "store")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        try:
            regionkv.Store.open(tmp_path / "store")
            raise AssertionError("opened a store another process holds")
        except regionkv.StorageError as error:
            message = str(error)
        assert f"in use by process {holder.pid}" in message
        assert "after fork" in message and "redis or memcached" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    with regionkv.Store.open(tmp_path / "store"):
        pass
