"""Building the package as pip does, and installing it into a throwaway
virtual environment: for test_packaging.py and test_install_from_sdist.py.

Everything runs offline with Debian's python3: the environments see
Debian's packages (--system-site-packages) and use Debian's pip, and pip
never reaches an index (--no-index, --no-build-isolation).
"""

import os
import pathlib
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def clean_environment(**extra):
    """os.environ without what points the tests at the build tree."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "REGIONKV_PYTHON_BUILD_DIR", "PYTHONDONTWRITEBYTECODE")
    }
    environment.update(extra)
    return environment


def run(command, **options):
    """Runs `command`, raising with its output if it fails."""
    options.setdefault("env", clean_environment())
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, **options
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


def build_sdist(out_dir):
    """The sdist of the checkout, built as pip's build frontends do (PEP 517)."""
    code = (
        "import sys; from setuptools import build_meta; "
        "print(build_meta.build_sdist(sys.argv[1]))"
    )
    name = run([sys.executable, "-c", code, out_dir], cwd=ROOT).strip().splitlines()[-1]
    return pathlib.Path(out_dir) / name


def sdist_members(sdist):
    """The sdist's paths, without its top directory (regionkv-X/)."""
    with tarfile.open(sdist) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}


class VirtualEnvironment:
    """A venv seeing Debian's packages, with Debian's pip (no ensurepip)."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
             self.directory])
        self.python = self.directory / "bin" / "python"
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        self.site_packages = self.directory / "lib" / version / "site-packages"

    def pip(self, *arguments, **environment):
        return run([self.python, "-m", "pip", "--disable-pip-version-check", *arguments],
                   env=clean_environment(**environment), cwd=self.directory)

    def python_code(self, code):
        """Runs `code` with the environment's python, outside the checkout."""
        return run([self.python, "-c", code], cwd=self.directory)

    def installed_files(self):
        return sorted(
            path.relative_to(self.site_packages).as_posix()
            for path in self.site_packages.rglob("*")
            if path.is_file() and "regionkv" in path.relative_to(self.site_packages).parts[0]
        )


# Run by the environment's python: the package imported from the
# environment (not the checkout, not the build tree) works, with its types,
# its metadata and its dogpile entry point.
CHECK_INSTALLED = r"""
import importlib.metadata, pathlib, sys, tempfile
import regionkv, regionkv.dogpile
package = pathlib.Path(regionkv.__file__).parent
assert package.parent == pathlib.Path(sys.prefix, "lib",
    f"python{sys.version_info.major}.{sys.version_info.minor}", "site-packages"), package
assert (package / "py.typed").exists() and (package / "_regionkv.pyi").exists()
assert importlib.metadata.version("regionkv") == regionkv.__version__
(entry_point,) = importlib.metadata.entry_points(group="dogpile.cache", name="regionkv")
assert entry_point.load() is regionkv.dogpile.RegionkvBackend
with tempfile.TemporaryDirectory() as directory:
    with regionkv.Store.open(directory + "/store") as store:
        region = store.region("r")
        region.configure()
        region.set("k", "installed")
        assert region.get("k") == b"installed"
print("ok", package)
"""


def install_check_uninstall(environment, *install_arguments, **install_environment):
    """pip installs, the package works from the environment, pip uninstall
    leaves nothing of it behind. Returns the files pip installed."""
    environment.pip("install", "--no-index", "--no-deps", "--no-build-isolation",
                    *install_arguments, **install_environment)
    installed = environment.installed_files()
    assert environment.python_code(CHECK_INSTALLED).startswith("ok")
    environment.pip("uninstall", "--yes", "regionkv")
    assert environment.installed_files() == []
    return installed
