"""The README's Python example runs, and its cached function runs once."""

import os
import pathlib
import re
import subprocess
import sys

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_example_runs(tmp_path):
    (example,) = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert len(example.splitlines()) <= 16
    script = example.replace("/tmp/regionkv-cache", str(tmp_path / "cache"))
    assert script != example  # the example still names the path replaced here
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "loading 42\n"
