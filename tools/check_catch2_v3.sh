#!/usr/bin/env bash
# Builds the course against Catch2 v3 and runs its tests, on a system whose own Catch2 is v2
# (Debian 12). Catch2 v3 comes from Debian 13's source package, built here with this machine's
# compiler (its binary package is built with a newer libstdc++ and does not link with ours).
#   tools/check_catch2_v3.sh [WORK_DIR]          (default: build/catch2-v3)
# Needs network access to Debian's archive. Not part of ./course test; run it after touching
# tests/support/catch.hpp, catch_main.cpp or the CMake test functions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mkdir -p "${1:-$root/build/catch2-v3}" && cd "${1:-$root/build/catch2-v3}" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# A private apt configuration: nothing of the system's sources or lists changes.
apt_dir=$work/apt
mkdir -p "$apt_dir/lists/partial" "$work/src"
echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
  >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt_dir/lists")

if [[ ! -f $work/prefix/lib/cmake/Catch2/Catch2Config.cmake ]]; then
  echo "==> Fetching Catch2 v3's source from Debian"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only catch2 >/dev/null)
  tarball=$(find "$work/src" -maxdepth 1 -name 'catch2_3*.orig.tar.gz' | sort | tail -n 1)
  [[ -n $tarball ]] || { echo "no Catch2 v3 source found" >&2; exit 1; }
  tar -xzf "$tarball" -C "$work/src"
  source_dir=$(find "$work/src" -maxdepth 1 -type d -name 'Catch2-3*' | sort | tail -n 1)
  echo "==> Building $(basename "$source_dir")"
  cmake -S "$source_dir" -B "$work/catch2-build" -DCMAKE_BUILD_TYPE=Release -DCATCH_INSTALL_DOCS=OFF \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
  cmake --build "$work/catch2-build" -j "$jobs" >/dev/null
  cmake --install "$work/catch2-build" >/dev/null
fi

echo "==> Building the course against it"
cmake -S "$root" -B "$work/course" -DCMAKE_BUILD_TYPE=Release -DASYNCORE_WERROR=ON \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DASYNCORE_SNAPSHOT_TESTS=OFF >/dev/null
grep -q "Catch2_DIR:PATH=$work/prefix" "$work/course/CMakeCache.txt" || { echo "CMake did not pick Catch2 v3" >&2; exit 1; }
cmake --build "$work/course" -j "$jobs" >/dev/null
echo "==> Running the tests (the fuzz target aside)"
status=0
ctest --test-dir "$work/course" -j "$jobs" -E fuzz --output-on-failure >"$work/ctest.log" 2>&1 || status=$?
grep -E 'tests passed|\(Failed\)|\(Timeout\)' "$work/ctest.log" || tail -n 20 "$work/ctest.log"
exit "$status"
