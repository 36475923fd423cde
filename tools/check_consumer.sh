#!/usr/bin/env bash
# Installs the library from BUILD_DIR into a scratch prefix, then builds and runs
# tests/consumer against it with find_package(asyncore): what a reader's project would do.
# Then builds the same consumer for another chapter (-DASYNCORE_CHAPTER=4), which must fail:
# code compiled for one chapter would call the wrong virtual functions of another's library.
#   tools/check_consumer.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
prefix=$build/consumer-install
rm -rf "$prefix" "$build/consumer" "$build/consumer-ch04"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$root/tests/consumer" -B "$build/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build/consumer" >/dev/null
"$build/consumer/consumer"

cmake -S "$root/tests/consumer" -B "$build/consumer-ch04" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_FLAGS=-DASYNCORE_CHAPTER=4 >/dev/null
if cmake --build "$build/consumer-ch04" >"$build/consumer-ch04.log" 2>&1; then
  echo "check_consumer: a consumer compiled for chapter 04 built against the installed library" \
    "of another chapter: such a mismatch must fail to build" >&2
  exit 1
fi
if ! grep -q 'library_built_for_chapter_4' "$build/consumer-ch04.log"; then
  echo "check_consumer: the chapter 04 consumer failed to build, but not for the chapter mismatch:" >&2
  cat "$build/consumer-ch04.log" >&2
  exit 1
fi
echo "a consumer compiled for chapter 04 fails to link, as it must"
