"""A store's warnings go through Python's logging, logger "regionkv", not
straight to stderr (python/src/python_log.h)."""

import logging
import os
import subprocess
import sys
import textwrap

import regionkv


def open_directory(tmp_path):
    """A store directory other users may read: the store warns once per open."""
    directory = tmp_path / "store"
    directory.mkdir()
    directory.chmod(0o755)
    return directory


def test_a_warning_of_open_is_a_log_record_by_the_time_open_returns(tmp_path, caplog, capfd):
    directory = open_directory(tmp_path)
    with caplog.at_level(logging.WARNING, logger="regionkv"):
        with regionkv.Store.open(directory):
            records = [r for r in caplog.records if r.name == "regionkv"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert str(directory) in records[0].getMessage()
    assert "regionkv" not in capfd.readouterr().err


def test_a_quiet_open_logs_nothing(tmp_path, caplog):
    directory = tmp_path / "store"
    directory.mkdir(mode=0o700)
    with caplog.at_level(logging.DEBUG, logger="regionkv"):
        with regionkv.Store.open(directory):
            pass
    assert [r for r in caplog.records if r.name == "regionkv"] == []


def run_python(code, tmp_path):
    environment = dict(os.environ)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env=environment)


def test_a_forked_child_logs_through_its_own_relay(tmp_path):
    # The parent's relay thread (started by its first warning) is not in the
    # child: the child starts its own.
    result = run_python(
        """
        import logging, os, sys, pathlib, regionkv
        logging.basicConfig(format="%(name)s %(levelname)s %(message)s", stream=sys.stdout)
        base = pathlib.Path(sys.argv[1])
        for name in ("parent", "child"):
            (base / name).mkdir(); (base / name).chmod(0o755)
        with regionkv.Store.open(base / "parent"):
            pass
        pid = os.fork()
        if pid == 0:
            with regionkv.Store.open(base / "child"):
                pass
            sys.stdout.flush()
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("regionkv WARNING") and "parent" in lines[0]
    assert lines[1].startswith("regionkv WARNING") and "child" in lines[1]


def test_at_exit_the_relay_stops_and_nothing_goes_to_stderr(tmp_path):
    result = run_python(
        """
        import logging, sys, pathlib, regionkv
        logging.basicConfig(format="%(name)s: %(message)s", stream=sys.stdout)
        directory = pathlib.Path(sys.argv[1]) / "store"
        directory.mkdir(); directory.chmod(0o755)
        store = regionkv.Store.open(directory)  # left open: closed at exit
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("regionkv: ") and str(tmp_path) in result.stdout
