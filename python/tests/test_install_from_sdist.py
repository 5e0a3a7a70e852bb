"""pip builds and installs the sdist offline, as a user on Debian 12 would:

    pip install --no-build-isolation regionkv-X.tar.gz

and uninstalls it. Slow: the whole project is built again from the unpacked
sdist (ctest label "slow", not "python"; CMAKE_ARGS lets ccache help).
"""

import shutil

import packaging_support


def test_pip_installs_the_sdist_offline_and_uninstalls_it(tmp_path):
    sdist = packaging_support.build_sdist(tmp_path)
    venv = packaging_support.VirtualEnvironment(tmp_path / "venv")
    launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
    installed = packaging_support.install_check_uninstall(
        venv, sdist, CMAKE_ARGS=" ".join(launcher), CMAKE_BUILD_PARALLEL_LEVEL="2"
    )
    assert any(name.endswith("dist-info/RECORD") for name in installed)
    assert "regionkv/_regionkv.pyi" in installed and "regionkv/py.typed" in installed
