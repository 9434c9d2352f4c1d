"""Which import format VictoriaMetrics takes faster, for the recorder's
batches: the same samples (KEYS series of a 250 Hz signal, SAMPLES each,
values as the recorder writes them) as JSON lines on /api/v1/import (one
line per series, what senseplane-record sends) and as InfluxDB line
protocol on /write (one line per sample). Each format goes to a fresh
series space (its own attr label) in BATCH-sample requests; printed per
format: bytes sent, wall seconds of the requests, and the store's CPU
seconds (its /proc/PID/stat) per million samples.

    b10_formats.py URL STORE_PID [--keys N] [--samples N] [--batch N]
"""
import argparse
import json
import os
import struct
import time
import urllib.request


def cpu_s(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def json_body(keys, t0, n, attr):
    lines = []
    for k in keys:
        vals = ",".join("%.17g" % f32((k * 7 + i) * 0.001) for i in range(n))
        ts = ",".join(str(t0 + 4 * i) for i in range(n))
        lines.append('{"metric":{"__name__":"senseplane_sample","sensor":"%d",'
                     '"attr":"%s","i":"0"},"values":[%s],"timestamps":[%s]}'
                     % (k, attr, vals, ts))
    return ("\n".join(lines) + "\n").encode()


def influx_body(keys, t0, n, attr):
    out = []
    for k in keys:
        for i in range(n):
            out.append("senseplane,sensor=%d,attr=%s,i=0 sample=%.17g %d"
                       % (k, attr, f32((k * 7 + i) * 0.001), t0 + 4 * i))
    return ("\n".join(out) + "\n").encode()


def post(url, body):
    req = urllib.request.Request(url, data=body, method="POST")
    urllib.request.urlopen(req, timeout=120).read()


def run(fmt, url, pid, nkeys, nsamp, batch):
    per_req = max(1, batch // nsamp)
    t0 = int(time.time() * 1000) - 3600 * 1000
    bodies = []
    for start in range(0, nkeys, per_req):
        keys = range(start + 1, min(nkeys, start + per_req) + 1)
        if fmt == "json":
            bodies.append((url + "/api/v1/import",
                           json_body(keys, t0, nsamp, "fmt_json")))
        else:
            bodies.append((url + "/write?precision=ms",
                           influx_body(keys, t0, nsamp, "fmt_influx")))
    c0, w0 = cpu_s(pid), time.monotonic()
    for u, b in bodies:
        post(u, b)
    w1, c1 = time.monotonic(), cpu_s(pid)
    total = nkeys * nsamp
    return {"format": fmt, "samples": total,
            "bytes": sum(len(b) for _, b in bodies),
            "requests": len(bodies), "wall_s": round(w1 - w0, 3),
            "store_cpu_s_per_million": round((c1 - c0) / total * 1e6, 3),
            "samples_per_wall_s": round(total / (w1 - w0))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("pid", type=int)
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100000)
    a = ap.parse_args()
    for fmt in ("json", "influx"):
        print(json.dumps(run(fmt, a.url, a.pid, a.keys, a.samples, a.batch)))


if __name__ == "__main__":
    main()
