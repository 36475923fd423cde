# A small HTTP/1.1 server on Python's http.server that answers every GET with a chunked body:
# the file of that name from DIRECTORY, cut into chunks of varying sizes. For http_client's tests.
#   python3.11 chunked_server.py DIRECTORY
import http.server
import os
import random
import sys


class ChunkedHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path = os.path.join(sys.argv[1], os.path.basename(self.path))
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunks = random.Random(len(data))
        at = 0
        while at < len(data):
            n = chunks.randint(1, 70000)
            self.wfile.write(b"%x;size=%d\r\n" % (len(data[at:at + n]), n) + data[at:at + n] + b"\r\n")
            at += n
        self.wfile.write(b"0\r\nX-Checked: yes\r\n\r\n")

    def log_message(self, *args):
        pass


if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
    sys.exit("usage: python3.11 chunked_server.py DIRECTORY\n"
             "  serves the files of DIRECTORY on 127.0.0.1 (a free port, printed first),\n"
             "  each GET answered with a chunked body")
server = http.server.HTTPServer(("127.0.0.1", 0), ChunkedHandler)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
