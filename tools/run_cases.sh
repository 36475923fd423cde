#!/usr/bin/env bash
# Runs a Catch2 test program one test case per process, JOBS at a time, so that a crash ends
# only its own case, is reported as a crash with the case's name, and the other cases still run.
#
#   tools/run_cases.sh PROGRAM OUT_DIR [PART_OF_A_NAME]
#
# PART_OF_A_NAME (case-insensitive) keeps only the cases whose names contain it.
# For case number i (in the program's own order) it writes OUT_DIR/i.log, the case's output, and
# prints one line per case, in order:  <outcome><TAB><i><TAB><name>
# where <outcome> is pass, fail, timeout, or crash:<what> (crash:SIGSEGV, crash:terminate, ...).
# Exit status: 0 when at least one case matched and ran, 3 when none matched, 4 when the program
# lists no test at all (it dies before its first one), 2 on a usage error.
set -uo pipefail

program=${1:?usage: run_cases.sh PROGRAM OUT_DIR [PART_OF_A_NAME]}
out=${2:?usage: run_cases.sh PROGRAM OUT_DIR [PART_OF_A_NAME]}
part=${3:-}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
case_seconds=${CASE_SECONDS:-120}  # every test bounds its own waits; this only catches a hang

rm -rf "$out" && mkdir -p "$out" || exit 2

# The names, one per line: Catch2 v2 has --list-test-names-only, v3 a quiet --list-tests.
# (v2 exits with the number of tests it listed: only a death by a signal means something.)
list_names() {
  local listed status errors
  errors=$(mktemp)
  listed=$("$program" --list-test-names-only 2>"$errors" </dev/null)
  status=$?
  if cat "$errors" - <<<"$listed" | grep -q 'Unrecognised token'; then
    listed=$("$program" --list-tests --verbosity quiet 2>"$errors" </dev/null)
    status=$?
  fi
  rm -f "$errors"
  ((status < 128)) && printf '%s\n' "$listed"  # (a program that died while listing lists nothing)
}

# A test spec that matches exactly this name: Catch2 reads , [ ] * " and \ as syntax.
exact_spec() { sed -e 's/[][\\,*"]/\\&/g' <<<"$1"; }

mapfile -t names < <(list_names | sed '/^[[:space:]]*$/d')
if ((${#names[@]} == 0)); then  # it died before its first test (a crash in a global's constructor?)
  "$program" 2>&1 </dev/null | tail -n 20 >&2
  exit 4
fi
selected=()
for i in "${!names[@]}"; do
  if [[ -z $part || ${names[i],,} == *"${part,,}"* ]]; then selected+=("$i"); fi
done
((${#selected[@]})) || exit 3

# Why a case's process ended, from its exit status and what Catch2 said before it died.
outcome_of() {
  local status=$1 log=$2 signal
  if ((status == 0)); then echo pass; return; fi
  if ((status == 124)); then echo timeout; return; fi
  if grep -q 'terminate called\|std::terminate' "$log"; then echo crash:terminate; return; fi
  signal=$(sed -n 's/.*fatal error condition: \(SIG[A-Z]*\).*/\1/p' "$log" | head -n 1)
  if ((status > 128)) || [[ -n $signal ]]; then
    [[ -z $signal ]] && signal=$(kill -l $((status - 128)) 2>/dev/null | sed 's/^/SIG/')
    echo "crash:${signal:-signal}"
    return
  fi
  if grep -q 'No test cases matched\|No tests ran' "$log"; then echo notfound; return; fi
  echo fail
}

run_one() {
  local i=$1 status
  timeout --kill-after=5 "$case_seconds" "$program" "$(exact_spec "${names[i]}")" \
    >"$out/$i.log" 2>&1 </dev/null
  status=$?
  outcome_of "$status" "$out/$i.log" >"$out/$i.outcome"
}

running=0
for i in "${selected[@]}"; do
  if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
  run_one "$i" 2>/dev/null &  # (not the shell's own "Segmentation fault" line: we report it)
  running=$((running + 1))
done
wait

for i in "${selected[@]}"; do
  printf '%s\t%s\t%s\n' "$(cat "$out/$i.outcome")" "$i" "${names[i]}"
done
