"""Hostile WebSocket frames against senseplane-web, with a minimal client
of RFC 6455 (masked frames, no library): malformed JSON, a binary frame,
a report naming keys that do not exist, a flood of reports, and (on a
second connection) an oversized frame. Prints what it sent and whether
the oversized connection was closed.

    ws_hostile.py HOST PORT
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ws_client import frame  # noqa: E402
import ws_client  # noqa: E402


def connect(host, port):
    return ws_client.connect(host, port)[0]


def closed(s, rest=b""):
    """True once the server closes: a close frame (read as whole frames:
    one can follow the key list in the same read), the end of the
    stream, or a reset (closed with the rest of the oversized frame
    unread); False when it is still open after 10 s."""
    r = ws_client.Reader(s, rest)
    end = time.time() + 10
    try:
        while time.time() < end:
            f = r.next(max(0.0, end - time.time()))
            if r.closed:
                return True
            if f is None:
                return False
    except ConnectionResetError:
        return True
    return False


host, port = sys.argv[1], int(sys.argv[2])
s = connect(host, port)
frame(s, b"this is not json")
frame(s, b"\x00\x01\x02", opcode=2)
frame(s, json.dumps({"t": "view", "loaded": ["x/y", "5/nosuchattr"]}).encode())
frame(s, json.dumps({"t": "view", "loaded": ["1/ecg"] * 5000}).encode())
flood = json.dumps({"t": "view", "loaded": ["1/ecg"], "visible": ["1/ecg"]}).encode()
for _ in range(300):
    frame(s, flood)
# let the gateway read all of it before this end goes: a close with data
# unread here would reset the connection and discard what it has not
# read. Half-close and read until the gateway closes - it does once it
# has read up to this end's FIN, so all of the above - or 30 s: the tab
# streams its samples, so waiting for a quiet moment never ended (an
# unbounded loop on a busy machine).
s.shutdown(socket.SHUT_WR)
s.settimeout(1)
end = time.time() + 30
while time.time() < end:
    try:
        if not s.recv(65536):
            break
    except socket.timeout:
        pass
    except ConnectionResetError:
        break
big, rest = ws_client.connect(host, port)
frame(big, b"[" + b" " * 200000 + b"]")
print(json.dumps({"sent_bad": 4, "sent_binary": 1, "flood": 300,
                  "oversized_closed": closed(big, rest)}))
s.close()
