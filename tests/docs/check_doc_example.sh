#!/usr/bin/env bash
# Compiles and runs the first C++ example of a document against the build
# tree, and checks its output against a pattern, so the examples in the
# documents are known to work.
# Usage: check_doc_example.sh SOURCE_DIR BUILD_DIR DOCUMENT OUTPUT_PATTERN
set -euo pipefail
source_dir=$1
build_dir=$2
document=$3
pattern=$4
work=$(mktemp -d)
trap 'rm -rf "$work" /tmp/regionkv-readme /tmp/regionkv-custom-backend' EXIT
awk '/^```cpp$/{inside=1; next} /^```$/{if (inside) exit} inside' \
    "$source_dir/$document" > "$work/example.cc"
lines=$(wc -l < "$work/example.cc")
[[ $lines -ge 10 ]] || { echo "no C++ example in $document"; exit 1; }
rm -rf /tmp/regionkv-readme /tmp/regionkv-custom-backend
c++ -std=c++20 -pthread -I"$source_dir/include" "$work/example.cc" \
    "$build_dir/libregionkv.a" -lrocksdb $(pkg-config --libs libmemcached hiredis) \
    -o "$work/example"
output=$("$work/example")
echo "$output"
[[ "$output" == $pattern ]]
