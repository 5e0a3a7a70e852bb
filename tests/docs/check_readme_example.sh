#!/usr/bin/env bash
# Compiles and runs the README's C++ usage example against the build tree, so
# the example in the README is known to work.
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work" /tmp/regionkv-readme' EXIT
awk '/^```cpp$/{inside=1; next} /^```$/{if (inside) exit} inside' \
    "$source_dir/README.md" > "$work/example.cc"
lines=$(wc -l < "$work/example.cc")
[[ $lines -ge 10 ]] || { echo "README example not found"; exit 1; }
rm -rf /tmp/regionkv-readme
c++ -std=c++20 -I"$source_dir/include" "$work/example.cc" \
    "$build_dir/libregionkv.a" -lrocksdb $(pkg-config --libs libmemcached) \
    -o "$work/example"
output=$("$work/example")
echo "$output"
[[ "$output" == *'{"user": "alice"}'*revoked* ]]
