"""The package: one version everywhere, the dogpile entry point, types and
signatures that tools can read, and an sdist, a wheel and a cmake --install
that pip can install and remove (test_install_from_sdist.py builds from the
sdist itself)."""

import ast
import base64
import hashlib
import importlib.metadata
import inspect
import os
import pathlib
import pydoc
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest

import packaging_support
import regionkv
import regionkv.dogpile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_module_version_is_the_cmake_project_version():
    cmake_lists = (ROOT / "CMakeLists.txt").read_text()
    assert regionkv.__version__ == re.search(r"project\(regionkv VERSION ([0-9.]+)", cmake_lists)[1]


def test_metadata_next_to_the_module_matches_it():
    assert importlib.metadata.version("regionkv") == regionkv.__version__


def test_entry_point_loads_the_backend():
    (entry_point,) = importlib.metadata.entry_points(group="dogpile.cache", name="regionkv")
    assert entry_point.load() is regionkv.dogpile.RegionkvBackend


def test_pyproject_takes_version_and_entry_points_from_setup_py():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(project["dynamic"]) == {"version", "entry-points"}
    assert project["name"] == "regionkv"


def test_exceptions_form_the_documented_hierarchy():
    for name in ["NotFound", "LockTimeout", "LockUnavailable", "ConfigError", "StorageError", "Corruption"]:
        assert issubclass(getattr(regionkv, name), regionkv.Error), name
    assert issubclass(regionkv.NotFound, KeyError)
    assert issubclass(regionkv.Error, Exception) and not issubclass(regionkv.Error, KeyError)
    assert str(regionkv.NotFound("region 'r', key 'k': not found")) == "region 'r', key 'k': not found"


# ---- types and signatures ----------------------------------------------------

STUB = pathlib.Path(regionkv._regionkv.__file__).parent / "_regionkv.pyi"


def stub_functions():
    """(owner, name, ast.FunctionDef) for each function of _regionkv.pyi, owner
    being a class name or None for the module; properties left out."""
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield None, node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                properties = [d for d in getattr(item, "decorator_list", []) if getattr(d, "id", "") == "property"]
                if isinstance(item, ast.FunctionDef) and not properties:
                    yield node.name, item.name, item


def stub_parameters(function):
    """[(name, kind, default)] of a stub function, as inspect names them."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    defaults = [None] * (len(positional) - len(arguments.defaults)) + arguments.defaults
    result = [
        (a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD,
         ast.literal_eval(d) if d else inspect.Parameter.empty)
        for a, d in zip(positional, defaults)
    ]
    if arguments.vararg:
        result.append((arguments.vararg.arg, inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.empty))
    for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults):
        result.append((a.arg, inspect.Parameter.KEYWORD_ONLY,
                       ast.literal_eval(d) if d else inspect.Parameter.empty))
    return result


def runtime_parameters(owner, name):
    obj = getattr(regionkv._regionkv if owner is None else getattr(regionkv, owner), name)
    return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]


def test_package_has_py_typed_and_stubs():
    package = pathlib.Path(regionkv.__file__).parent
    assert (package / "py.typed").is_file()
    assert STUB.is_file()


def test_every_public_name_of_the_module_has_a_stub():
    stubbed = {node.name for node in ast.parse(STUB.read_text()).body
               if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    assert set(regionkv.__all__) - {"__version__"} <= stubbed
    for owner in ("Store", "Region", "Lock"):
        methods = {name for name, value in vars(getattr(regionkv, owner)).items()
                   if not name.startswith("_") or name in ("__enter__", "__exit__")}
        stub_methods = {name for stub_owner, name, _ in stub_functions() if stub_owner == owner}
        properties = {name for name, value in vars(getattr(regionkv, owner)).items()
                      if isinstance(value, property)}
        assert methods - properties == stub_methods, owner


@pytest.mark.parametrize("owner,name,function", list(stub_functions()),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_signature_inspect_reads_is_the_stubs(owner, name, function):
    assert runtime_parameters(owner, name) == stub_parameters(function)


def test_stubs_use_real_types():
    text = STUB.read_text()
    assert "str | bytes" in text and "Optional[" in text
    for vague in ("handle", "-> object", ": object ="):
        assert vague not in text, vague


def test_help_shows_no_pybind11_placeholder_types():
    shown = "".join(pydoc.render_doc(cls, renderer=pydoc.plaintext)
                    for cls in (regionkv.Region, regionkv.Store, regionkv.Lock))
    for placeholder in (": handle", "-> object", ": object", "regionkv._regionkv.", "Unable"):
        assert placeholder not in shown, placeholder
    assert "get_lock(self, key)" in shown
    assert "open(path, *, create_if_missing=True" in shown


# ---- sdist, wheel, cmake --install: what pip can build and remove ------------

BUILD_TREE = pathlib.Path(os.environ.get("REGIONKV_PYTHON_BUILD_DIR", ROOT / "build" / "python")).parent


def git_files(*directories):
    """The files git tracks under `directories`; None outside a git checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "--", *directories], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return set(listed.split())


def test_sdist_holds_everything_the_cmake_build_needs(tmp_path):
    members = packaging_support.sdist_members(packaging_support.build_sdist(tmp_path))
    for needed in ["CMakeLists.txt", "setup.py", "pyproject.toml", "cmake/layers.cmake",
                   "include/regionkv/regionkv.h", "engine/engine.cc", "python/CMakeLists.txt",
                   "python/src/module.cc", "python/regionkv/_regionkv.pyi",
                   "python/regionkv/py.typed", "python/packaging/write_record.py"]:
        assert needed in members, needed
    tracked = git_files("cmake", "common", "engine", "include", "lock", "region", "python/src",
                        "python/regionkv", "python/packaging")
    if tracked is not None:
        assert tracked <= members, sorted(tracked - members)[:10]
    # Nothing built: no build tree, no compiled module (setuptools adds its
    # own egg-info, under build-pip/).
    assert not any(name.startswith("build/") or name.endswith(".so") for name in members)


def test_wheel_holds_the_module_its_types_and_a_record(tmp_path):
    # Built in the test's build tree (REGIONKV_CMAKE_BUILD_DIR), as a wheel
    # from a fresh tree is by test_install_from_sdist.
    environment = packaging_support.clean_environment(REGIONKV_CMAKE_BUILD_DIR=str(BUILD_TREE))
    packaging_support.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation",
                           "--no-deps", "--no-index", "-w", tmp_path, ROOT], env=environment)
    (wheel,) = tmp_path.glob("regionkv-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = f"regionkv-{regionkv.__version__}.dist-info"
        record = archive.read(f"{dist_info}/RECORD").decode()
    for needed in ["regionkv/__init__.py", "regionkv/dogpile.py", "regionkv/py.typed",
                   "regionkv/_regionkv.pyi", f"{dist_info}/entry_points.txt"]:
        assert needed in names and needed in record, needed
    assert any(re.fullmatch(r"regionkv/_regionkv\..*\.so", name) for name in names)

    venv = packaging_support.VirtualEnvironment(tmp_path / "venv")
    installed = packaging_support.install_check_uninstall(venv, wheel)
    assert f"{dist_info}/RECORD" in installed


def test_cmake_install_writes_a_record_pip_uninstalls_by(tmp_path):
    venv = packaging_support.VirtualEnvironment(tmp_path / "venv")
    packaging_support.run(["cmake", "--install", BUILD_TREE, "--prefix", venv.directory,
                           "--component", "python"])
    dist_info = f"regionkv-{regionkv.__version__}.dist-info"
    record = (venv.site_packages / dist_info / "RECORD").read_text().splitlines()
    recorded = {line.split(",")[0] for line in record}
    assert recorded == set(venv.installed_files())
    for line in record:
        path, digest, size = line.split(",")
        if path != f"{dist_info}/RECORD":
            data = (venv.site_packages / path).read_bytes()
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data), path
    assert venv.python_code(packaging_support.CHECK_INSTALLED).startswith("ok")
    venv.pip("uninstall", "--yes", "regionkv")
    assert venv.installed_files() == []
