"""Throwaway memcached and Redis servers on free loopback ports.

For the tests and the benchmark: each server is a child process of this one,
started on a free 127.0.0.1 port and stopped by its pid (never by name), and
killed by the kernel if this process dies first (PR_SET_PDEATHSIG), so a test
killed by a timeout leaves no server behind. The C++ tests do the same in
tests/support/memcached_server.cc.
"""

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0
# A port found free may be taken before the server binds it: try again then.
_START_ATTEMPTS = 5
_PR_SET_PDEATHSIG = 1


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class LocalServer:
    """A running server: ``port``, ``address`` ("127.0.0.1:port"), ``pid``."""

    def __init__(self, process, port):
        self.process = process
        self.port = port

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.process.pid

    def pause(self):
        """Stops the server (SIGSTOP): it accepts nothing and answers nothing."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.pid, signal.SIGCONT)

    def stop(self):
        if self.process.poll() is not None:
            return
        os.kill(self.pid, signal.SIGCONT)  # a paused server cannot act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _start(binary, argv_for_port):
    path = shutil.which(binary)
    if path is None:
        raise RuntimeError(f"{binary} is not installed (not on PATH)")
    for _ in range(_START_ATTEMPTS):
        port = free_loopback_port()
        process = subprocess.Popen(
            [path, *argv_for_port(port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _accepts(port):
                return LocalServer(process, port)
            time.sleep(0.005)
        LocalServer(process, port).stop()  # exited (port taken?) or too slow
    raise RuntimeError(f"{binary} did not start on a loopback port")


def _memcached_argv(port):
    argv = ["-l", "127.0.0.1", "-p", str(port), "-U", "0"]
    if os.geteuid() == 0:
        argv += ["-u", "root"]  # memcached refuses root unless told whom to be
    return argv


def _redis_argv(port):
    # No persistence: a scratch server.
    return ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]


@contextlib.contextmanager
def _running(binary, argv_for_port):
    server = _start(binary, argv_for_port)
    try:
        yield server
    finally:
        server.stop()


def memcached_server():
    """A context manager yielding a LocalServer running memcached."""
    return _running("memcached", _memcached_argv)


def redis_server():
    """A context manager yielding a LocalServer running redis-server."""
    return _running("redis-server", _redis_argv)
