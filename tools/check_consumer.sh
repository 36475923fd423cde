#!/usr/bin/env bash
# Installs the library from BUILD_DIR into a scratch prefix, then builds and runs
# tests/consumer against it with find_package(asyncore): what a reader's project would do.
#   tools/check_consumer.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
prefix=$build/consumer-install
rm -rf "$prefix" "$build/consumer"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$root/tests/consumer" -B "$build/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build/consumer" >/dev/null
"$build/consumer/consumer"
