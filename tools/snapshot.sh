#!/usr/bin/env bash
# Writes the library as it stands after chapter NN (the files lib/CMakeLists.txt lists for the
# chapters up to NN), with the chapter guards resolved by unifdef and the snippet markers dropped,
# into OUT/chNN/, a diff against the chapter before into
# OUT/chNN.diff, and a docs page listing both into PAGES/snapshot_chNN.md (tools/snapshot_page.py).
#   tools/snapshot.sh OUT PAGES NN [NN...]      (the chapters in order)
set -euo pipefail
out=$1 pages=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" "$pages"

# The files of the library after chapter NN: the lists in lib/CMakeLists.txt
# (set(ASYNCORE_FILES_NN ...), one file per line) of chapter NN and the chapters before it.
files_up_to() {
  awk -v last="$1" '
    /^set\(ASYNCORE_FILES_[0-9]+$/ { split($0, name, "_"); taking = (name[3] + 0 <= last + 0); next }
    /^\)/ { taking = 0 }
    taking { print $1 }' "$root/lib/CMakeLists.txt" | LC_ALL=C sort
}

previous=""
for chapter in "$@"; do
  number=$((10#$chapter))
  dest=$out/ch$chapter
  rm -rf "$dest"
  for file in $(files_up_to "$number"); do
    mkdir -p "$dest/$(dirname "$file")"
    # unifdef exits 1 when it changed something: that is its normal case here. Then without the
    # snippet markers (// [name]), which are for the chapters' excerpts, and without the runs of
    # blank lines that dropping both can leave.
    { unifdef -DASYNCORE_CHAPTER="$number" -x 2 "$root/lib/$file" || [[ $? == 1 ]]; } |
      sed -E '/^[[:space:]]*(\/\/|#)[[:space:]]*\[[a-z][a-z0-9_]*\][[:space:]]*$/d' | cat -s >"$dest/$file"
  done
  if [[ -n $previous ]]; then
    # Without the timestamps diff puts in its headers: they change every build.
    (cd "$out" && diff -ruN "ch$previous" "ch$chapter" | sed -E 's/^(---|\+\+\+) ([^\t]*)\t.*/\1 \2/' >"ch$chapter.diff" || true)
  fi
  python3 "$root/tools/snapshot_page.py" "$out" "$chapter" $previous >"$pages/snapshot_ch$chapter.md"
  previous=$chapter
done
