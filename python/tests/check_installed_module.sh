#!/usr/bin/env bash
# Installs the Python component of the build tree into a temporary prefix and
# checks that Debian's python3 imports it from there, with its dogpile.cache
# entry point: what `cmake --install` gives a user.
# Usage: check_installed_module.sh BUILD_DIR PYTHON3 INSTALL_DIR_UNDER_PREFIX
set -euo pipefail
build_dir=$1
python=$2
site_dir=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" --component python >/dev/null
cd "$work"  # nothing importable from the current directory
PYTHONPATH="$work/prefix/$site_dir" "$python" - "$work" <<'PY'
import importlib.metadata
import pathlib
import sys

import regionkv
import regionkv.dogpile

work = pathlib.Path(sys.argv[1])
assert work in pathlib.Path(regionkv.__file__).parents, regionkv.__file__
assert importlib.metadata.version("regionkv") == regionkv.__version__
(entry_point,) = importlib.metadata.entry_points(group="dogpile.cache", name="regionkv")
assert entry_point.load() is regionkv.dogpile.RegionkvBackend
with regionkv.Store.open(work / "store") as store:
    region = store.region("r")
    region.configure()
    region.set("k", "installed")
    assert region.get("k") == b"installed"
print("installed module ok:", regionkv.__file__)
PY
