#!/usr/bin/env bash
# Builds the Debian packages of the build tree with cpack, has lintian check
# each (no error allowed), unpacks them with dpkg -x into a scratch root, and
# builds the consumer project against that root three ways — pkg-config, and
# find_package with the static and the shared target — and runs each. Then
# imports the Python module from the unpacked python3-regionkv, if built.
# Usage: check_debian_packages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/debs" >/dev/null)
shopt -s nullglob
debs=("$work"/debs/*.deb)
[[ ${#debs[@]} -ge 3 ]] || { echo "expected at least 3 packages, got ${#debs[@]}"; exit 1; }

root=$work/root
for deb in "${debs[@]}"; do
  echo "== $(basename "$deb")"
  dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Depends\|Section\): /  \1: /p'
  # Errors fail the test; warnings are shown. Root runs lintian too (CI).
  lintian --fail-on error --allow-root --no-tag-display-limit "$deb" || {
    echo "lintian found errors in $(basename "$deb")"; exit 1; }
  dpkg -x "$deb" "$root"
done

for tool in regionkv-dump regionkv-repair; do
  [[ -x "$root/usr/bin/$tool" && -f "$root/usr/share/man/man1/$tool.1.gz" ]] || {
    echo "$tool or its manual page is missing"; exit 1; }
done

libdir=$(dirname "$(find "$root" -name 'libregionkv.so' -print -quit)")
[[ -n "$libdir" && -L "$libdir/libregionkv.so" ]] || { echo "no libregionkv.so link"; exit 1; }
soname=$(objdump -p "$libdir"/libregionkv.so.*.*.* | awk '/SONAME/ {print $2}')
echo "shared library soname: $soname"
[[ "$soname" == libregionkv.so.* ]]

check_output() {
  local output
  output=$("$@" "$work/store-$RANDOM")
  [[ "$output" == "hello from an installed regionkv" ]] || { echo "unexpected: $output"; exit 1; }
}

# pkg-config: the file finds its prefix from where it lies.
export PKG_CONFIG_PATH=$libdir/pkgconfig
c++ -std=c++20 "$source_dir/tests/install/consumer/consumer.cc" \
    $(pkg-config --cflags --libs regionkv) -o "$work/consumer-pkg-config"
LD_LIBRARY_PATH=$libdir check_output "$work/consumer-pkg-config"
# ldd's whole output first: grep -q would stop reading at the first match,
# and ldd, killed by SIGPIPE, fail the pipeline under pipefail now and then.
libraries=$(ldd "$work/consumer-pkg-config")
[[ "$libraries" == *libregionkv.so* ]] || { echo "not linked shared"; exit 1; }
echo "pkg-config consumer ok"

# find_package, with each target.
for target in regionkv regionkv_shared; do
  cmake -S "$source_dir/tests/install/consumer" -B "$work/consumer-$target" -G Ninja \
        -DCMAKE_PREFIX_PATH="$root/usr" -DREGIONKV_TARGET=regionkv::$target >/dev/null
  cmake --build "$work/consumer-$target" >/dev/null
  LD_LIBRARY_PATH=$libdir check_output "$work/consumer-$target/consumer"
  echo "find_package consumer with regionkv::$target ok"
done

# The Python module, from the unpacked package only.
site=$root/usr/lib/python3/dist-packages
if [[ -d "$site/regionkv" ]]; then
  (cd "$work" && PYTHONPATH="$site" /usr/bin/python3 -c "
import regionkv, sys
assert regionkv.__file__.startswith('$site'), regionkv.__file__
with regionkv.Store.open('$work/py-store') as store:
    r = store.region('r'); r.configure(); r.set('k', 'v'); assert r.get('k') == b'v'
print('python3-regionkv ok')")
fi
