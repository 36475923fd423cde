"""Python's http.server for the bench's HTTP server step: ThreadingHTTPServer and
SimpleHTTPRequestHandler, as `python3 -m http.server` runs them, with two changes.
    python3.11 http_server.py ROOT [--nodelay]
protocol_version "HTTP/1.1": the default, "HTTP/1.0", closes every connection after one
response, so wrk's keep-alive connections would measure connecting, not serving.
request_queue_size 128: the default listen backlog of 5 drops the SYNs of 100 clients
connecting at once, and each waits a second to retry. --nodelay sets the handler's own switch,
disable_nagle_algorithm (TCP_NODELAY), off by default. First line: listening on HOST:PORT."""
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = "--nodelay" in sys.argv[2:]

    def log_message(self, format, *args):  # one line per request on stderr would be measured too
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 128


server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
print("listening on %s:%d" % server.server_address, flush=True)
server.serve_forever()
