#!/usr/bin/env bash
# Regenerates ../previous_release_store.tar.gz: builds make_store.cc against
# the previous release (commit 4a16a69) in a temporary worktree, runs it, and
# packs the store it wrote. About 5 minutes. Run from anywhere in the repo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
release=4a16a69
work=$(mktemp -d /tmp/regionkv-prev-XXXXXX)
trap 'git -C "$repo" worktree remove --force "$work/src" 2>/dev/null || true; rm -rf "$work"' EXIT

git -C "$repo" worktree add --detach "$work/src" "$release" >/dev/null
cp "$here/make_store.cc" "$work/src/examples/make_store.cc"
cat >> "$work/src/examples/CMakeLists.txt" <<'CMAKE'
add_executable(make_store make_store.cc)
target_include_directories(make_store PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(make_store PRIVATE regionkv RocksDB::rocksdb-shared)
CMAKE
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREGIONKV_BUILD_TESTS=OFF -DREGIONKV_BUILD_BENCH=OFF >/dev/null
cmake --build "$work/build" --target make_store
"$work/build/examples/make_store" "$work/store"
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf \
  "$here/../previous_release_store.tar.gz" store
echo "wrote $here/../previous_release_store.tar.gz"
