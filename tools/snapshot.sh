#!/usr/bin/env bash
# Writes the library as it stands after chapter NN, with the chapter guards resolved by unifdef,
# into OUT/chNN/, a diff against the chapter before into OUT/chNN.diff, and a docs page listing
# both into PAGES/snapshot_chNN.md.
#   tools/snapshot.sh OUT PAGES NN [NN...]      (the chapters in order)
set -euo pipefail
out=$1 pages=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" "$pages"

# A file whose every line is a comment, a blank, #pragma once or an #include: nothing this
# chapter has yet (the whole file is guarded by a later chapter).
has_code() {
  grep -q -v -E '^\s*(//.*|#pragma once|#include .*|)$' "$1"
}

previous=""
for chapter in "$@"; do
  number=$((10#$chapter))
  dest=$out/ch$chapter
  rm -rf "$dest"
  for file in $(cd "$root/lib" && find include src -type f | LC_ALL=C sort); do
    mkdir -p "$dest/$(dirname "$file")"
    # unifdef exits 1 when it changed something: that is its normal case here.
    unifdef -DASYNCORE_CHAPTER="$number" -x 2 "$root/lib/$file" >"$dest/$file" || [[ $? == 1 ]]
    has_code "$dest/$file" || rm "$dest/$file"
  done
  if [[ -n $previous ]]; then
    # Without the timestamps diff puts in its headers: they change every build.
    (cd "$out" && diff -ruN "ch$previous" "ch$chapter" | sed -E 's/^(---|\+\+\+) ([^\t]*)\t.*/\1 \2/' >"ch$chapter.diff" || true)
  fi
  {
    echo "# The library after chapter $chapter {#snapshot_ch$chapter}"
    echo
    echo "This is the library exactly as it stands after chapter $chapter, generated from the one source"
    echo "in \`lib/\` by resolving the \`#if ASYNCORE_CHAPTER >= N\` guards with \`unifdef\`. It is the code"
    echo "of the \`asyncore_ch$chapter\` library that the build compiles and the tests check."
    echo
    if [[ -n $previous ]]; then
      echo "## What chapter $chapter added"
      echo
      echo "\\verbinclude ch$chapter.diff"
      echo
    fi
    # The tag puts this page first in the chapter's API list. Doxygen makes those lists in the
    # order it meets their first entry, and these pages come before the headers: so the lists
    # appear in chapter order, not in the order of the headers' tags.
    echo "## The API of chapter $chapter"
    echo
    echo "Every class, function and member chapter $chapter introduced is listed on its own page, linked here."
    echo "\\chapter{$chapter}"
    echo
    echo "## Every file"
    for file in $(cd "$dest" && find include src -type f | LC_ALL=C sort); do
      echo
      echo "### $file"
      echo
      echo "\\include ch$chapter/$file"
    done
  } >"$pages/snapshot_ch$chapter.md"
  previous=$chapter
done
