#!/usr/bin/env python3
"""redis_lua_rss.py - a Redis server's resident memory under the daemon's
last_seen script alone (soak.sh's Redis row, explained in RESULTS.md).

  redis_lua_rss.py [--seconds S] [--rate N] [--batch K] [--args] [--gc]

Starts a private redis-server on a Unix socket in a temporary folder, writes
1 000 sensor hashes, then N times a second (20) runs the sweep senseplane-ctld
makes every controlplane.last_seen_s (controlplane/cp_registry.c, SEEN): the
1 000 "ID:MS" words (all new strings each sweep), K (256, the daemon's
CP_BATCH) to a script call, joined by spaces into one argument as the daemon
sends them, or with --args one argument each (the daemon before 2026-12-08).
Prints every 30 s the server's RssAnon, its used_memory and used_memory_lua,
and SLOWLOG LEN, with the sweeps so far. --gc ends the script with a full Lua
collection, to see whether growth is garbage not yet collected. Stops the
server at the end.
"""
import argparse
import os
import socket
import subprocess
import tempfile
import time

ARGS = ("for i = 3, #ARGV do\n"
        "  local id, ms = string.match(ARGV[i], '(%d+):(%d+)')\n"
        "  local key = ARGV[2] .. 'sensor:' .. id\n"
        "  local cur = redis.call('HMGET', key, 'node', 'last_seen')\n"
        "  if cur[1] == ARGV[1] and (tonumber(cur[2]) or 0) < tonumber(ms) then\n"
        "    redis.call('HSET', key, 'last_seen', ms) end\n"
        "end\n")
JOINED = ("for id, ms in string.gmatch(ARGV[3], '(%d+):(%d+)') do\n" +
          ARGS[ARGS.index("  local key"):])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=360)
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--gc", action="store_true")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--args", action="store_true")
    a = ap.parse_args()
    if a.batch < 1:
        raise SystemExit("redis_lua_rss: --batch starts at 1")
    script = (ARGS if a.args else JOINED) + ("collectgarbage('collect')\n" if a.gc else "") + \
        "return 0\n"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "redis.sock")
        srv = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket",
                                path, "--save", "", "--dir", d],
                               stdout=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while not os.path.exists(path):
                if time.time() > deadline:
                    raise SystemExit("redis_lua_rss: no socket at " + path)
                time.sleep(0.05)
            run(srv.pid, path, script, a)
        finally:
            srv.terminate()
            srv.wait(10)


def run(pid, path, script, a):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)

    def cmd(*args):
        out = b"*%d\r\n" % len(args)
        for x in args:
            x = x if isinstance(x, bytes) else str(x).encode()
            out += b"$%d\r\n%s\r\n" % (len(x), x)
        s.sendall(out)
        buf = b""
        while not buf.endswith(b"\r\n"):
            buf += s.recv(65536)
        return buf

    for i in range(1, 1001):
        cmd("HSET", "sp:sensor:%d" % i, "node", "demo", "last_seen", "0")
    t0 = time.time()
    nxt, last, calls = t0, -30.0, 0
    while time.time() - t0 < a.seconds:
        ms = int(time.time() * 1000)
        for b0 in range(1, 1001, a.batch):
            words = ["%d:%d" % (i, ms - i)
                     for i in range(b0, min(1001, b0 + a.batch))]
            r = cmd("EVAL", script, 0, "demo", "sp:",
                    *(words if a.args else [" ".join(words)]))
            if not r.startswith(b":"):
                raise SystemExit("redis_lua_rss: script answered %r" % r[:200])
        calls += 1
        if time.time() - t0 - last >= 30:
            last = time.time() - t0
            with open("/proc/%d/status" % pid) as f:
                anon = [ln.split()[1] for ln in f if ln.startswith("RssAnon")]
            info = cmd("INFO", "memory")
            while info.count(b"\r\n") < 2 or not info.endswith(b"\r\n"):
                info += s.recv(65536)
            mem = dict(ln.split(":", 1) for ln in info.decode().split("\r\n")
                       if ln.startswith("used_memory"))
            slow = cmd("SLOWLOG", "LEN").decode().strip(":\r\n")
            print("%5.0f s  %6d sweeps  RssAnon %s kB  used_memory %s  "
                  "used_memory_lua %s  slowlog %s" % (
                      last, calls, anon[0], mem.get("used_memory"),
                      mem.get("used_memory_lua"), slow), flush=True)
        nxt += 1.0 / a.rate
        time.sleep(max(0.0, nxt - time.time()))


if __name__ == "__main__":
    main()
