#!/usr/bin/env bash
# ./course demo: runs the course's capstone programs from BIN on loopback and says what
# each step shows. Everything it starts is stopped when it ends, also on failure or Ctrl-C.
#   tools/demo.sh BIN PYTHON
set -euo pipefail
bin=$1 python=$2
work=$(mktemp -d)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
indent() { sed 's/^/    /'; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# start <name> <log> <command...>: runs it in the background, stdout and stderr to <log>.
start() {
  local name=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 &
  pids+=($!)
  say "started $name (pid $!): $*"
}

# The port a program announced: its first line matches `pattern PORT`. Waits up to 10 s.
port_of() {  # port_of <log> <sed pattern with one group for the port>
  local log=$1 pattern=$2 port
  for _ in $(seq 100); do
    port=$(sed -n -E "s/$pattern/\\1/p" "$log" | head -n 1)
    [[ -n $port ]] && { echo "$port"; return; }
    sleep 0.1
  done
  cat "$log" >&2
  die "no port announced in $log"
}

started=$SECONDS

step "1. echo_server (chapter 08)"
say "One process, one thread, one select() loop. Each client gets its own handler object;"
say "the loop calls it when its socket is ready. --port 0 lets the kernel pick a free port."
start echo_server "$work/echo.log" "$bin/echo_server" --port 0
echo_port=$(port_of "$work/echo.log" '^listening on 127\.0\.0\.1:([0-9]+)$')
say "it says: $(head -n 1 "$work/echo.log")"
say ""
say "Three clients at once, each sending numbered lines; every line must come back unchanged:"
clients=()
for name in alpha beta gamma; do
  timeout 10 "$bin/echo_client" --port "$echo_port" --count 3 --message "hello from $name" >"$work/client-$name.log" &
  clients+=($!)
done
failed=0
for pid in "${clients[@]}"; do wait "$pid" || failed=1; done
for name in alpha beta gamma; do indent <"$work/client-$name.log"; done
((failed == 0)) || die "an echo client failed"
say ""
say "The server's log, a line per connection:"
tail -n +2 "$work/echo.log" | indent

step "2. An HTTP server on a temporary folder, with port_forwarder (chapter 10) in front of it"
mkdir -p "$work/site"
head -c 3000000 /dev/urandom >"$work/site/random.bin"
say "The file: 3 MB of random bytes, sha256 $(sha256sum "$work/site/random.bin" | cut -c1-16)..."
start "Python's http.server" "$work/http.log" "$python" -u -m http.server --bind 127.0.0.1 --directory "$work/site" 0
http_port=$(port_of "$work/http.log" '^Serving HTTP on 127\.0\.0\.1 port ([0-9]+).*')
start port_forwarder "$work/forwarder.log" "$bin/port_forwarder" -l 127.0.0.1 -p 0 -r 127.0.0.1 -P "$http_port"
forward_port=$(port_of "$work/forwarder.log" '^listening on 127\.0\.0\.1:([0-9]+)$')
say "http.server listens on port $http_port; the forwarder on $forward_port passes every byte on to it,"
say "with a bounded buffer each way: a side that cannot keep up stops the other from reading."

step "3. http_client (chapter 09) fetches the file through the forwarder"
url="http://127.0.0.1:$forward_port/random.bin"
say "\$ http_client -i -o fetched.bin $url"
timeout 20 "$bin/http_client" -i -o "$work/fetched.bin" "$url" || die "http_client failed"
say "The status line and headers it wrote before the body:"
# -i puts the head first: everything up to the first empty line.
sed -n '1,/^\r\{0,1\}$/p' "$work/fetched.bin" | tr -d '\r' | sed '/^$/d' | indent
timeout 20 "$bin/http_client" -o "$work/body.bin" "$url" || die "http_client failed"
original=$(sha256sum <"$work/site/random.bin" | cut -d' ' -f1)
fetched=$(sha256sum <"$work/body.bin" | cut -d' ' -f1)
say ""
say "sha256 of the file on disk:        $original"
say "sha256 of what http_client wrote:  $fetched"
[[ $original == "$fetched" ]] || die "the hashes differ: bytes were lost or changed on the way"
say "They match: every byte went server -> forwarder -> client unchanged."
say ""
say "The forwarder's log:"
tail -n +2 "$work/forwarder.log" | indent

step "4. http_server (chapter 14) serves the same folder"
say "Our own HTTP/1.1 server, on async_chat: it reads each request head up to its empty line,"
say "answers in order on the same connection, and streams the file 64 KiB at a time."
printf 'hello from http_server\n' >"$work/site/hello.txt"
start http_server "$work/ours.log" "$bin/http_server" --port 0 --root "$work/site"
ours_port=$(port_of "$work/ours.log" '^listening on 127\.0\.0\.1:([0-9]+)$')
say "it says: $(head -n 1 "$work/ours.log")"
say ""
say "Python's http.client asks for three URLs on one connection (keep-alive):"
"$python" - "$ours_port" <<'PY' | indent || die "http.client failed"
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
first = None
for path in ["/hello.txt", "/missing.txt", "/random.bin"]:
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    first = first or c.sock.getsockname()
    print(f"GET {path}: {r.status} {r.reason}, {len(body)} bytes, {r.headers['Content-Type']},"
          f" from local port {c.sock.getsockname()[1]}")
assert c.sock.getsockname() == first, "a new connection was opened"
PY
say "One local port for all three: one TCP connection."
timeout 20 "$bin/http_client" -o "$work/ours.bin" "http://127.0.0.1:$ours_port/random.bin" || die "http_client failed"
ours=$(sha256sum <"$work/ours.bin" | cut -d' ' -f1)
say "sha256 of random.bin from http_server: $ours"
[[ $original == "$ours" ]] || die "the hashes differ"
say ""
say "Its log, a line per response:"
tail -n +2 "$work/ours.log" | indent

step "5. Stopping everything"
cleanup
trap - EXIT
say "Done in $((SECONDS - started)) s. Read the chapters to see how each program works:"
say "  chapters/08-echo-server, chapters/09-http-client, chapters/10-port-forwarder,"
say "  chapters/14-http-server."
