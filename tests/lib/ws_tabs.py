"""Several tabs on one senseplane-web, as WebSocket clients (no browser),
against the real dataplane: what the dataplane sees of them, what they
receive, and a slow tab. Every wait is for a state, with a deadline.

    ws_tabs.py HOST PORT CONTROL_SOCKET STATS_FILE NTABS

Prints one JSON object of what it saw; tests/system/web_gateway.sh
judges it.
"""
import json
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spctl import Ctl  # noqa: E402
from ws_client import Reader, connect, frame  # noqa: E402

host, port, sock, stats_file, ntabs = (sys.argv[1], int(sys.argv[2]),
                                       sys.argv[3], sys.argv[4],
                                       int(sys.argv[5]))
ctl = Ctl(sock)


class Tab:
    def __init__(self, rcvbuf=0):
        s, rest = connect(host, port, rcvbuf)
        self.r = Reader(s, rest)
        self.hello, self.keys = None, None
        self.data = {}        # key -> messages
        self.levels = {}      # key -> the levels its messages carried
        self.dropped = 0
        self.stalled = False

    def take(self, payload):
        m = json.loads(payload)
        if m["t"] == "hello":
            self.hello = m
        elif m["t"] == "keys":
            self.keys = m
        elif m["t"] == "d":
            for row in m["m"]:
                k = "%d/%s" % (row[0], row[1])
                self.data[k] = self.data.get(k, 0) + 1
                self.levels.setdefault(k, set()).add(row[-1])
            self.dropped = max(self.dropped, m.get("dropped", 0))

    def report(self, loaded, visible=(), pinned=(), focus=None):
        frame(self.r.s, json.dumps({"t": "view", "loaded": list(loaded),
                                    "visible": list(visible),
                                    "pinned": list(pinned),
                                    "focus": focus,
                                    "hidden": False}).encode())

    def close(self):
        try:
            frame(self.r.s, b"\x03\xe8", opcode=8)
        except OSError:
            pass
        self.r.s.close()


def pump(tabs, secs, until=None):
    """Read every tab that is not stalled for up to secs, or until
    until() is true (checked after each read). Returns until()'s last."""
    end = time.time() + secs
    while True:
        live = [t for t in tabs if not t.stalled and not t.r.closed]
        ok = until() if until else False
        if ok or time.time() >= end or not live:
            return ok
        rd, _, _ = select.select([t.r.s for t in live], [], [],
                                 min(0.05, max(0.0, end - time.time())))
        for t in live:
            if t.r.s in rd:
                f = t.r.next(0.01)
                while f:
                    if f[0] == 1:
                        t.take(f[1])
                    f = t.r.next(0)


def level(key):
    s, a = key.split("/")
    r = ctl.call("attention " + key)
    for k in (r.get("attention") or {}).get("keys", []):
        if k["name"] == a:
            return k["level"]
    return "none"


def wait_level(tabs, key, want, secs=15):
    t0 = time.time()
    ok = pump(tabs, secs, lambda: level(key) == want)
    return int((time.time() - t0) * 1000) if ok else -1


def web_viewers():
    return [v["name"] for v in ctl.call("viewer ls")["viewers"]]


out = {}
tabs = [Tab() for _ in range(ntabs)]
pump(tabs, 20, lambda: all(t.hello and t.keys for t in tabs))
out["hello"] = all(t.hello for t in tabs)
listing = {s: attrs for s, attrs in tabs[0].keys["sensors"]}
keys = ["%d/%s" % (s, a) for s in sorted(listing) for a in sorted(listing[s])]
shared, only0 = keys[:6], keys[6:8]
focus = shared[0]
out.update(shared=shared, only0=only0, focus=focus)
for i, t in enumerate(tabs):
    t.report(shared + (only0 if i == 0 else []), visible=shared,
             focus=focus if i == 0 else None)

# the dataplane: one viewer, one lens, one subscription per key
out["focus_high_ms"] = wait_level(tabs, focus, "high")
out["shared_medium_ms"] = wait_level(tabs, shared[1], "medium")
out["only0_low_ms"] = wait_level(tabs, only0[0], "low")
out["viewers"] = web_viewers()
out["lenses"] = len([f for f in ctl.call("feeds")["feeds"]
                     if f["kind"] == "lens"])
viewer = tabs[0].hello["viewer"]
out["viewer"] = viewer
out["subs"] = len(ctl.call("sub ls " + viewer)["subs"])

# every tab receives its keys, each at its own level: wait for the
# hovered key itself in every tab (others can come first)
pump(tabs, 20, lambda: all(t.data.get(focus) for t in tabs))
out["data_per_tab"] = [sum(t.data.values()) for t in tabs]
out["tab0_focus_levels"] = sorted(tabs[0].levels.get(focus, []))
out["tab1_focus_levels"] = sorted(tabs[1].levels.get(focus, []))
out["tab1_got_only0"] = sum(tabs[1].data.get(k, 0) for k in only0)

# tab 0 closes: its hover and its own keys leave the gateway's max
tabs[0].close()
rest = tabs[1:]
out["close_focus_medium_ms"] = wait_level(rest, focus, "medium")
out["close_only0_none_ms"] = wait_level(rest, only0[0], "none")
out["subs_after_close"] = len(ctl.call("sub ls " + viewer)["subs"])

# a slow tab: a small receive window, many keys pinned high, never read;
# its queue fills and the oldest go, counted, the page told
slow = Tab(rcvbuf=2048)
pump(rest + [slow], 10, lambda: slow.hello and slow.keys)
many = keys[:80]
slow.report(many, visible=many, pinned=many)
slow.stalled = True


def shed():
    try:
        return json.load(open(stats_file)).get("shed", 0)
    except (OSError, ValueError):
        return 0


before = {id(t): sum(t.data.values()) for t in rest}
out["shed_seen"] = pump(rest, 40, lambda: shed() > 0)
out["shed"] = shed()
# the others kept receiving meanwhile, and keep on
pump(rest, 3)
out["others_got_during_stall"] = min(sum(t.data.values()) - before[id(t)]
                                     for t in rest)
slow.stalled = False
pump(rest + [slow], 20, lambda: slow.dropped > 0)
out["slow_told_dropped"] = slow.dropped
out["viewers_end"] = web_viewers()
# the key list as the tabs have it now (the gateway sends it again when
# it changes): every sensor with the attributes it sent
last = rest[0].keys
out["listed"] = {str(s): sorted(a) for s, a in last["sensors"] if s <= 8}
out["listed_sensors"] = len(last["sensors"])
out["listed_total"] = last["total"]
out["listed_cut"] = last["cut"]
for t in rest + [slow]:
    t.close()
print(json.dumps(out))
