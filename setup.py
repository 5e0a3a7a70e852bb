"""Builds the Python package regionkv: its pure-Python modules from python/,
and the pybind11 module regionkv._regionkv from the project's CMake build.

    pip install --no-build-isolation .

The sdist (MANIFEST.in) holds the CMake project the module is built from,
so pip can build it offline from the sdist too:

    pip install --no-build-isolation regionkv-X.tar.gz
    pip wheel --no-build-isolation --no-deps regionkv-X.tar.gz

The module is built for the python3 running pip (sys.executable). Set
REGIONKV_CMAKE_BUILD_DIR to an already configured build tree to build the
module there instead of in a fresh one (much faster; its settings are kept).
CMAKE_ARGS adds arguments to the fresh tree's configuration (for example
-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); CMAKE_BUILD_PARALLEL_LEVEL limits
the build's jobs.
"""

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent
# setuptools' own scratch files, kept out of the CMake build tree (build/)
# and the sources; build-*/ is ignored by git.
SCRATCH = "build-pip"


def project_version():
    cmake_lists = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(regionkv VERSION ([0-9.]+)", cmake_lists).group(1)


class CMakeExtension(Extension):
    """An extension CMake builds: setuptools compiles nothing itself."""

    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Builds the CMake target regionkv_python and copies the module in place."""

    def build_extension(self, ext):
        build_dir = os.environ.get("REGIONKV_CMAKE_BUILD_DIR")
        if build_dir:
            build_dir = pathlib.Path(build_dir).resolve()
        else:
            build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
            self.configure(build_dir)
        subprocess.run(
            ["cmake", "--build", str(build_dir), "--target", "regionkv_python"], check=True
        )
        built = next((build_dir / "python" / "regionkv").glob("_regionkv*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)

    @staticmethod
    def configure(build_dir):
        subprocess.run(
            [
                "cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Release",
                f"-DPython3_EXECUTABLE={sys.executable}",
                "-DREGIONKV_BUILD_PYTHON=ON",
                "-DREGIONKV_BUILD_TESTS=OFF",
                "-DREGIONKV_BUILD_BENCH=OFF",
                "-DREGIONKV_BUILD_TOOLS=OFF",
                *shlex.split(os.environ.get("CMAKE_ARGS", "")),
            ],
            check=True,
        )


os.makedirs(ROOT / SCRATCH, exist_ok=True)
setup(
    version=project_version(),
    entry_points=(ROOT / "python" / "packaging" / "entry_points.txt").read_text(),
    packages=["regionkv"],
    package_dir={"": "python"},
    # The compiled module's types (PEP 561).
    package_data={"regionkv": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("regionkv._regionkv")],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": SCRATCH}, "egg_info": {"egg_base": SCRATCH}},
)
