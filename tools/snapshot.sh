#!/usr/bin/env bash
# Writes the library as it stands after chapter NN, with the chapter guards resolved by unifdef
# and the snippet markers dropped, into OUT/chNN/, a diff against the chapter before into
# OUT/chNN.diff, and a docs page listing both into PAGES/snapshot_chNN.md (tools/snapshot_page.py).
#   tools/snapshot.sh OUT PAGES NN [NN...]      (the chapters in order)
set -euo pipefail
out=$1 pages=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" "$pages"

# A file whose every line is a comment, a blank, #pragma once or an #include: nothing this
# chapter has yet (the whole file is guarded by a later chapter).
has_code() {
  grep -q -v -E '^\s*(//.*|#pragma once|#include .*|namespace [a-z_:]+ \{|\}\s*(//.*)?|)$' "$1"
}

previous=""
for chapter in "$@"; do
  number=$((10#$chapter))
  dest=$out/ch$chapter
  rm -rf "$dest"
  for file in $(cd "$root/lib" && find include src -type f | LC_ALL=C sort); do
    mkdir -p "$dest/$(dirname "$file")"
    # unifdef exits 1 when it changed something: that is its normal case here.
    unifdef -DASYNCORE_CHAPTER="$number" -x 2 "$root/lib/$file" >"$dest/$file.tmp" || [[ $? == 1 ]]
    # Without the snippet markers (// [name]): they are for the chapters' excerpts.
    sed -E '/^[[:space:]]*(\/\/|#)[[:space:]]*\[[a-z][a-z0-9_]*\][[:space:]]*$/d' "$dest/$file.tmp" >"$dest/$file"
    rm "$dest/$file.tmp"
    has_code "$dest/$file" || rm "$dest/$file"
  done
  if [[ -n $previous ]]; then
    # Without the timestamps diff puts in its headers: they change every build.
    (cd "$out" && diff -ruN "ch$previous" "ch$chapter" | sed -E 's/^(---|\+\+\+) ([^\t]*)\t.*/\1 \2/' >"ch$chapter.diff" || true)
  fi
  python3 "$root/tools/snapshot_page.py" "$out" "$chapter" $previous >"$pages/snapshot_ch$chapter.md"
  previous=$chapter
done
