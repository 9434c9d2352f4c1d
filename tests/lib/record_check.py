"""What senseplane-record wrote against what the dataplane received.

    record_check.py SOCKET STORE_URL [--tries N] [--json FILE]

For every key (sensor, attribute) the dataplane has, and every value index
of it, the store's series senseplane_sample{sensor,attr,i} must hold as
many samples as the dataplane received (its per-key version), each
timestamp once, and nothing for keys the dataplane does not have; the
newest 64 samples of each key (what its history still holds) must be
there with the same time (ms) and the same value (f32 and i32 exactly,
f64 and i64 to the 12 significant digits the store keeps).
Asks the store to make what it took searchable first
(/internal/force_flush), and tries again (N times, 1 s apart) while
something differs. Prints one JSON report; exit 0 when nothing differs."""
import argparse
import json
import struct
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, __import__("os").path.dirname(__file__))
from spctl import Ctl  # noqa: E402


def dataplane_keys(ctl):
    sensors, frm = [], 0
    while True:
        r = ctl.call("sensors 20000 %d brief" % frm)
        sensors += r["brief"][0::4]
        if not r["more"]:
            break
        frm = r["next"]
    keys = {}
    for s in sensors:
        a = ctl.call("attention %d" % s)
        for k in a["attention"]["keys"]:
            h = ctl.call("history %d/%d last 64" % (s, k["attr"]))["history"]
            keys[(str(s), h["name"])] = h
    return keys


def store_series(url):
    try:
        urllib.request.urlopen(url + "/internal/force_flush", timeout=30).read()
    except OSError:
        pass   # older stores flush by themselves within a second
    q = urllib.parse.quote('{__name__="senseplane_sample"}')
    series = {}
    with urllib.request.urlopen(url + "/api/v1/export?match[]=" + q,
                                timeout=120) as r:
        for line in r:
            o = json.loads(line)
            m = o["metric"]
            key = (m["sensor"], m["attr"], int(m["i"]))
            vals, ts = series.setdefault(key, ([], []))
            vals += o["values"]
            ts += o["timestamps"]
    return series


def same(vtype, a, b):
    """f32 and i32 read back exactly; VictoriaMetrics 1.79 keeps 12
    significant decimal digits of a value, so f64 and i64 agree to those
    (tools/record/README.md, "Values and times")."""
    a, b = float(a), float(b)
    if vtype == "f32":
        return struct.pack("<f", a) == struct.pack("<f", b)
    if vtype == "i32":
        return a == b
    return abs(a - b) <= 1e-11 * abs(b)


def compare(keys, series):
    rep = {"keys": len(keys), "series": len(series), "expected": 0,
           "samples": sum(h["received"] for h in keys.values()),
           "stored": 0, "missing": 0, "extra": 0, "duplicates": 0,
           "values_checked": 0, "value_mismatches": 0,
           "keys_differing": [], "series_unknown": []}
    seen = set()
    for (s, name), h in sorted(keys.items()):
        for i in range(h["dim"]):
            vals, ts = series.get((s, name, i), ([], []))
            seen.add((s, name, i))
            want = h["received"]
            rep["expected"] += want
            rep["stored"] += len(ts)
            dups = len(ts) - len(set(ts))
            rep["duplicates"] += dups
            if len(ts) < want:
                rep["missing"] += want - len(ts)
            elif len(ts) - dups > want:
                rep["extra"] += len(ts) - dups - want
            at = dict(zip(ts, vals))
            for smp in h["samples"]:
                rep["values_checked"] += 1
                v = at.get(smp[0] // 1000000)
                if v is None or not same(h["vtype"], v, smp[1 + i]):
                    rep["value_mismatches"] += 1
            if len(ts) != want or dups:
                if len(rep["keys_differing"]) < 10:
                    rep["keys_differing"].append(
                        {"sensor": s, "attr": name, "i": i,
                         "received": want, "stored": len(ts),
                         "duplicates": dups})
    for k in series:
        if k not in seen:
            rep["extra"] += len(series[k][1])
            if len(rep["series_unknown"]) < 10:
                rep["series_unknown"].append(list(k))
    rep["ok"] = (rep["missing"] == 0 and rep["extra"] == 0 and
                 rep["duplicates"] == 0 and rep["value_mismatches"] == 0 and
                 rep["expected"] > 0)
    return rep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("url")
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("--json")
    a = ap.parse_args()
    ctl = Ctl(a.socket)
    for t in range(a.tries):
        rep = compare(dataplane_keys(ctl), store_series(a.url))
        rep["tries"] = t + 1
        if rep["ok"]:
            break
        time.sleep(1)
    out = json.dumps(rep, sort_keys=True)
    print(out)
    if a.json:
        open(a.json, "w").write(out + "\n")
    sys.exit(0 if rep["ok"] else 1)


if __name__ == "__main__":
    main()
