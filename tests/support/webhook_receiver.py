"""A webhook receiver for Brigade's tests: verifies every delivery with the independent
`standardwebhooks` implementation and records it.

Usage: webhook_receiver.py <secret-file> <log-file> <statuses>
  secret-file  read at each request (written by the test once the endpoint exists); one
               secret per line, the delivery must verify with each
  log-file     one JSON line per request: headers, body, verified per secret, status sent
  statuses     comma-separated answers in order, e.g. "500,503,204"; the last one repeats
Prints the port it listens on (127.0.0.1, ephemeral) on its first line.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SECRET_FILE, LOG_FILE, STATUSES = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
seen = []


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = []
        try:
            secrets = [s for s in open(SECRET_FILE).read().split() if s]
        except FileNotFoundError:
            secrets = []
        for secret in secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified.append(True)
            except WebhookVerificationError:
                verified.append(False)
        status = int(STATUSES[min(len(seen), len(STATUSES) - 1)])
        seen.append(status)
        with open(LOG_FILE, "a") as log:
            log.write(json.dumps({"headers": headers, "body": body,
                                  "verified": verified, "status": status}) + "\n")
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
