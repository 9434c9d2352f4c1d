"""Control-protocol client for the tests: one request line, one JSON line
(common/CONTROL.md). Usage as a module, or from the shell:
    python3 spctl.py SOCKET 'viewer add v 239.1.1.1:7600 high' ...
which prints each answer as a JSON line and exits 1 if one failed."""
import json
import socket
import sys
import time


class Ctl:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rw")

    def call(self, line):
        self.f.write(line + "\n")
        self.f.flush()
        return json.loads(self.f.readline())

    def timed(self, line):
        """(answer, ns before sending, ns after the answer)"""
        t0 = time.time_ns()
        r = self.call(line)
        return r, t0, time.time_ns()


if __name__ == "__main__":
    c = Ctl(sys.argv[1])
    bad = 0
    for req in sys.argv[2:]:
        r = c.call(req)
        print(json.dumps(r))
        bad |= not r.get("ok")
    sys.exit(1 if bad else 0)
