#!/usr/bin/env bash
# ./course demo: runs the course's programs from BIN and says what each one shows.
#   tools/demo.sh BIN
set -euo pipefail
bin=$1

show() {  # show <title> <what to notice> <command...>
  local title=$1 notice=$2; shift 2
  printf '\n\033[1m==> %s\033[0m\n%s\n\n' "$title" "$notice"
  timeout 30 "$@" | sed 's/^/    /'
}

show "Chapter 01: the select() loop" \
  "Two channels on a socketpair bounce a counter. Neither waits for the other: the loop
waits for both, and calls handle_read() on whichever has data. loop() returns once
both have closed, because the map is then empty." \
  "$bin/select_ping_pong"

if [[ -x $bin/line_chat ]]; then
  show "Chapter 02: the dispatcher" \
    "A child process writes lines into a socketpair at its own pace; a dispatcher reads them
as they come and keeps the partial line for later. The handler is made with
asyncore::make() and forgotten: the map owns it and destroys it after it closes." \
    "$bin/line_chat"
fi

printf '\nThe capstone programs (echo server, HTTP client, port forwarder) join this demo as\nchapters 08-10 land.\n'
