"""Receive feeds through the Python binding (libsenseplane) and write what
arrived: the library's summary, plus what this program counted itself from
the Samples it iterated (by how they arrived, per-key order) and the
losses it was told of.

    spl_feed.py OUT SECONDS ADDR... [--control SOCK] [--dedup] [--iface IP]
"""
import json
import sys

import senseplane

args = sys.argv[1:]
out, secs, rest = args[0], float(args[1]), args[2:]
kw, addrs = {}, []
while rest:
    a = rest.pop(0)
    if a == "--control":
        kw["control"] = rest.pop(0)
    elif a == "--dedup":
        kw["dedup"] = True
    elif a == "--iface":
        kw["iface"] = rest.pop(0)
    else:
        addrs.append(a)
how = {"live": 0, "late": 0, "recovered": 0, "history": 0}
samples = backwards = 0
last = {}
with senseplane.Feed(*addrs, seconds=secs, **kw) as f:
    # the feeds are joined: a test starts its senders after this line
    print("joined", file=sys.stderr, flush=True)
    for s in f:
        how[s.how] += 1
        samples += s.nsamp
        k = (s.sensor, s.attr_id)
        if s.how in ("live", "late") and s.version <= last.get(k, 0):
            backwards += 1
        last[k] = max(last.get(k, 0), s.version)
    summ = f.summary()
    summ["py_how"] = how
    summ["py_samples"] = samples
    summ["py_backwards"] = backwards
    summ["py_losses"] = [vars(l) for l in f.losses]
    summ["py_stats"] = f.stats()
json.dump(summ, open(out, "w"))
