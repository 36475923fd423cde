#!/usr/bin/env bash
# Runs a Python asyncore program and its C++ twin, and passes if they print the same thing:
# the same handler calls in the same order. Lines starting with "#" are left out of the
# comparison (for remarks one side makes that the other need not).
#   tools/compare_twins.sh PYTHON SCRIPT.py PROGRAM [ARGS...]
set -uo pipefail
python=$1 script=$2 program=$3; shift 3

if ! "$python" -c 'import asyncore' 2>/dev/null; then
  echo "cannot run the Python side: '$python' has no asyncore module (Python 3.11 ships it; 3.12 removed it)."
  echo "./course test installs python3.11."
  exit 1
fi

strip() { grep -v '^#' || true; }
py_out=$(timeout 60 "$python" -W ignore::DeprecationWarning "$script" "$@" 2>&1); py_rc=$?
cc_out=$(timeout 60 "$program" "$@" 2>&1); cc_rc=$?

if [[ $py_rc != 0 || $cc_rc != 0 ]]; then
  echo "exit status: Python $py_rc, C++ $cc_rc (both must be 0)"
  echo "--- Python:"; echo "$py_out"
  echo "--- C++:"; echo "$cc_out"
  exit 1
fi
if ! diff -u --label "Python: $(basename "$script")" --label "C++: $(basename "$program")" \
     <(strip <<<"$py_out") <(strip <<<"$cc_out"); then
  echo "the two programs disagree (lines above: - Python, + C++)"
  exit 1
fi
echo "Python and C++ agree, line for line:"
strip <<<"$cc_out" | sed 's/^/  /'
