#!/usr/bin/env python3
"""tools/bench/soak.py - the measuring half of soak.sh (which starts the
demo's load and cleans up; see its --help). It does not start anything.

Every row (a minute, or --row-seconds) it reads each process's resident
memory (/proc/PID/status VmRSS), the dataplane's `stats` on its control
socket (tables.mbufs_in_use and mbufs_retransmit, totals.drops,
port_kernel_drops, samples_in) and each viewer's missing count from the
summary it rewrites (senseplane-view --summary-every). After the last row
it stops the load (SIGTERM to --load-pid), waits until the mbufs in
flight (in use, less those the feeds' retransmit buffers keep on purpose)
are back to their idle level, stops the viewers, reads their last
summaries, and judges:

  rss_flat  every process's owned resident memory (RssAnon + RssShmem,
            see mem_kb; VmRSS is kept beside it as vmrss_kb) from row
            --warmup-rows + 1 on within --rss-pct of its value at that row
            (max - min). It is read every second; a row's figure is the
            lowest of its row (the floor, which a leak raises) and the JSON
            keeps the highest too (rss_max_kb): a daemon's allocator
            returns the pages of a burst of work (a registry refresh) a few
            seconds later, so one reading a minute lands on a peak or not
            by chance
  missing   0 for every viewer, from its summary at exit
  drops     totals.drops and port_kernel_drops 0 at the end
  mbufs     in flight back to the idle level within --settle-s
  load      every process alive at every row, every row took samples,
            every viewer received messages (so that 0 missing and 0 drops
            are not the figures of a load that never ran)

It prints one line a row and the verdicts, writes the same as JSON
(--json, rewritten after every row) and exits 0 only if every verdict
holds."""
import argparse
import json
import os
import signal
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from spctl import Ctl  # noqa: E402


def mem_kb(pid):
    """(owned, VmRSS) of PID in kB, or None when it has ended. Owned is
    RssAnon + RssShmem: the memory the process allocated (its heap, and
    the dataplane's shared DPDK memory). VmRSS adds RssFile, the pages of
    its program and libraries the kernel maps in on first use (a code path
    first taken at minute 12 adds one) and may drop at will: not a leak's
    measure, reported beside it."""
    got = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("State:") and line.split()[1] == "Z":
                    return None
                k = line.split(":")[0]
                if k in ("VmRSS", "RssAnon", "RssShmem"):
                    got[k] = int(line.split()[1])
    except OSError:
        return None
    if "VmRSS" not in got:
        return None
    return got.get("RssAnon", 0) + got.get("RssShmem", 0), got["VmRSS"]


def rss_kb(pid):
    """The owned resident memory of PID in kB (mem_kb), or None."""
    m = mem_kb(pid)
    return m[0] if m else None


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def dp_figures(ctl):
    s = ctl.call("stats")
    t, tb = s["totals"], s["tables"]
    return {"mbufs_in_use": tb["mbufs_in_use"],
            "mbufs_retransmit": tb["mbufs_retransmit"],
            "drops": t["drops"],
            "port_kernel_drops": t.get("port_kernel_drops", 0),
            "samples_in": t.get("samples_in", 0)}


def pairs(items, conv):
    out = {}
    for it in items:
        name, _, val = it.partition("=")
        out[name] = conv(val)
    return out


def write_doc(path, doc):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def stop(pids, secs):
    """SIGTERM each, wait up to secs for all to end."""
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    end = time.monotonic() + secs
    while time.monotonic() < end and any(rss_kb(p) is not None for p in pids):
        time.sleep(0.1)


def redis_row(path):
    """Redis's own accounting, to explain its row: INFO memory's
    used_memory (its allocator), used_memory_lua (the script engine's heap)
    and mem_clients_normal, and SLOWLOG LEN (up to slowlog-max-len entries
    of the calls slower than slowlog-log-slower-than, kept: memory that
    grows with the machine's hiccups, then stops)."""
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        s.connect(path)
        out = {}
        for cmd in (b"INFO memory", b"SLOWLOG LEN"):
            words = cmd.split()
            s.sendall(b"*%d\r\n" % len(words) + b"".join(
                b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
            buf = b""
            while True:
                buf += s.recv(65536)
                if buf.startswith(b":") and buf.endswith(b"\r\n"):
                    out["slowlog_len"] = int(buf[1:])
                    break
                if buf.startswith(b"$"):
                    head, _, body = buf.partition(b"\r\n")
                    if len(body) >= int(head[1:]) + 2:
                        for ln in body.decode().split("\r\n"):
                            k, _, v = ln.partition(":")
                            if k in ("used_memory", "used_memory_lua",
                                     "mem_clients_normal"):
                                out[k] = int(v)
                        break
        s.close()
        return out
    except (OSError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sock", required=True, help="the dataplane's control socket")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--row-seconds", type=float, default=60)
    ap.add_argument("--proc", action="append", default=[], metavar="NAME=PID")
    ap.add_argument("--viewer", action="append", default=[], metavar="NAME=PID")
    ap.add_argument("--summaries", required=True,
                    help="folder of the viewers' NAME.json summaries")
    ap.add_argument("--load-pid", type=int, required=True, help="the simulator")
    ap.add_argument("--idle-mbufs", required=True, metavar="IN_USE,RETRANSMIT")
    ap.add_argument("--warmup-rows", type=int, default=1)
    ap.add_argument("--rss-pct", type=float, default=2.0)
    ap.add_argument("--settle-s", type=float, default=30)
    ap.add_argument("--redis-sock", help="Redis's Unix socket: its own memory figures in each row")
    ap.add_argument("--json")
    ap.add_argument("--params", default="{}", help="JSON object copied to the output")
    a = ap.parse_args()

    procs = pairs(a.proc, int)
    viewers = pairs(a.viewer, int)
    procs.update({"view-" + n: p for n, p in viewers.items()})
    idle_use, idle_rtx = (int(x) for x in a.idle_mbufs.split(","))
    ctl = Ctl(a.sock)
    doc = {"params": json.loads(a.params), "row_seconds": a.row_seconds,
           "idle": {"mbufs_in_use": idle_use, "mbufs_retransmit": idle_rtx,
                    "in_flight": idle_use - idle_rtx},
           "pids": procs, "rows": []}
    names = list(procs)
    short = {n: n.replace("senseplane-", "").replace("redis-server", "redis")
             for n in names}
    print("RSS in MB: owned (anonymous and shared), the lowest of the row's readings, one a second; mbufs in use (of them in retransmit buffers); drops "
          "and kernel drops since start; missing per viewer")
    print("%4s %8s %6s " % ("row", "UTC", "t s") + " ".join("%8s" % short[n] for n in names) +
          " %13s %7s %7s %10s  %s" % ("mbufs(rtx)", "drops", "kdrops",
                                      "samples/s", "missing " +
                                      "/".join(viewers)))
    t0 = time.monotonic()
    last_samples = dp_figures(ctl)["samples_in"]
    last_t = t0
    for k in range(1, a.rows + 1):
        lo, hi, vm = {}, {}, {}
        while True:
            for n, p in procs.items():
                m = mem_kb(p)
                if m is None:
                    lo[n] = hi[n] = vm[n] = None
                elif n not in lo or lo[n] is not None:
                    lo[n] = min(lo.get(n, m[0]), m[0])
                    hi[n] = max(hi.get(n, m[0]), m[0])
                    vm[n] = min(vm.get(n, m[1]), m[1])
            left = t0 + k * a.row_seconds - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(1.0, left))
        now = time.monotonic()
        f = dp_figures(ctl)
        row = {"row": k, "t_s": round(now - t0, 1),
               "utc": time.strftime("%H:%M:%S", time.gmtime()),
               "rss_kb": lo, "rss_max_kb": hi, "vmrss_kb": vm}
        row.update(f)
        if a.redis_sock:
            row["redis"] = redis_row(a.redis_sock)
        row["samples_per_s"] = round((f["samples_in"] - last_samples) / (now - last_t))
        last_samples, last_t = f["samples_in"], now
        row["missing"] = {}
        for n in viewers:
            s = read_json(os.path.join(a.summaries, n + ".json"))
            row["missing"][n] = s["missing"] if s else None
        doc["rows"].append(row)
        write_doc(a.json, doc)
        mb = ["%8s" % ("gone" if row["rss_kb"][n] is None else
                       "%.2f" % (row["rss_kb"][n] / 1024.0)) for n in names]
        print("%4d %8s %6.0f " % (k, row["utc"], row["t_s"]) + " ".join(mb) +
              " %13s %7d %7d %10d  %s" % (
                  "%d(%d)" % (f["mbufs_in_use"], f["mbufs_retransmit"]),
                  f["drops"], f["port_kernel_drops"], row["samples_per_s"],
                  "/".join("-" if v is None else str(v)
                           for v in row["missing"].values())), flush=True)

    # the load stops; what the dataplane holds must go back to idle
    stop([a.load_pid], 10)
    t_stop = time.monotonic()
    settled = None
    while True:
        f = dp_figures(ctl)
        if f["mbufs_in_use"] - f["mbufs_retransmit"] <= idle_use - idle_rtx:
            settled = round(time.monotonic() - t_stop, 1)
            break
        if time.monotonic() - t_stop > a.settle_s:
            break
        time.sleep(0.5)
    after = f
    # the viewers end last, once nothing is in flight, so that what they
    # count missing is what re-requests could not mend
    stop(list(viewers.values()), 10)
    final = {n: read_json(os.path.join(a.summaries, n + ".json")) for n in viewers}

    v = {}
    rows = doc["rows"][a.warmup_rows:]
    by = {}
    for n in names:
        vals = [r["rss_kb"][n] for r in rows]
        if len(vals) < 2 or None in vals:
            by[n] = {"ok": False, "why": "fewer than 2 rows after warm-up"
                     if len(vals) < 2 else "process ended"}
            continue
        spread = 100.0 * (max(vals) - min(vals)) / vals[0]
        # growth tells a leak (climbing) from memory that comes and goes
        by[n] = {"ok": spread <= a.rss_pct, "first_kb": vals[0],
                 "last_kb": vals[-1], "min_kb": min(vals), "max_kb": max(vals),
                 "spread_pct": round(spread, 2),
                 "growth_pct": round(100.0 * (vals[-1] - vals[0]) / vals[0], 2)}
        vm = [r.get("vmrss_kb", {}).get(n) for r in rows]
        if None not in vm:
            by[n]["vmrss_first_kb"], by[n]["vmrss_last_kb"] = vm[0], vm[-1]
    v["rss_flat"] = {"ok": all(x["ok"] for x in by.values()),
                     "from_row": a.warmup_rows + 1, "limit_pct": a.rss_pct,
                     "by_process": by}
    miss = {n: (s["missing"] if s else None) for n, s in final.items()}
    v["missing"] = {"ok": all(m == 0 for m in miss.values()), "by_viewer": miss}
    v["drops"] = {"ok": after["drops"] == 0 and after["port_kernel_drops"] == 0,
                  "drops": after["drops"],
                  "port_kernel_drops": after["port_kernel_drops"]}
    v["mbufs"] = {"ok": settled is not None,
                  "idle_in_flight": idle_use - idle_rtx,
                  "after_in_flight": after["mbufs_in_use"] - after["mbufs_retransmit"],
                  "after_in_use": after["mbufs_in_use"],
                  "after_retransmit": after["mbufs_retransmit"],
                  "settled_after_s": settled}
    msgs = {n: (s["messages"] if s else 0) for n, s in final.items()}
    dead = sorted({n for r in doc["rows"] for n in names if r["rss_kb"][n] is None})
    v["load"] = {"ok": not dead and all(r["samples_per_s"] > 0 for r in doc["rows"])
                 and all(m > 0 for m in msgs.values()),
                 "ended_early": dead, "viewer_messages": msgs,
                 "min_samples_per_s": min([r["samples_per_s"] for r in doc["rows"]] or [0])}
    doc["verdict"] = v
    doc["ok"] = all(x["ok"] for x in v.values())
    write_doc(a.json, doc)

    def say(name, ok, text):
        print("%-9s %s  %s" % (name, "PASS" if ok else "FAIL", text))
    print()
    r = v["rss_flat"]
    say("rss_flat", r["ok"], "spread from row %d on (limit %.1f %%), and first to last: "
        % (r["from_row"], r["limit_pct"]) +
        ", ".join("%s %s" % (short[n], ("%.2f %% (%+.2f %%)" % (x["spread_pct"], x["growth_pct"]))
                             if "spread_pct" in x
                             else x["why"]) for n, x in by.items()))
    rr = [r.get("redis") for r in rows if r.get("redis")]
    if len(rr) >= 2:
        print("%-9s       Redis's own figures, first to last row after warm-up: "
              "used_memory %+d B, used_memory_lua %+d B, mem_clients_normal %+d B, "
              "slowlog %d -> %d entries" % (
                  "", rr[-1].get("used_memory", 0) - rr[0].get("used_memory", 0),
                  rr[-1].get("used_memory_lua", 0) - rr[0].get("used_memory_lua", 0),
                  rr[-1].get("mem_clients_normal", 0) - rr[0].get("mem_clients_normal", 0),
                  rr[0].get("slowlog_len", 0), rr[-1].get("slowlog_len", 0)))
    say("missing", v["missing"]["ok"], ", ".join("%s %s" % kv for kv in miss.items()))
    say("drops", v["drops"]["ok"], "drops %d, kernel drops %d" % (
        after["drops"], after["port_kernel_drops"]))
    m = v["mbufs"]
    say("mbufs", m["ok"], "in flight %d at idle, %d after the load (%d in use, %d in "
        "retransmit buffers)%s" % (m["idle_in_flight"], m["after_in_flight"],
                                   m["after_in_use"], m["after_retransmit"],
                                   ", %.1f s after it stopped" % settled
                                   if settled is not None else
                                   ", not back after %.0f s" % a.settle_s))
    ld = v["load"]
    say("load", ld["ok"], "lowest %d samples/s a row; viewer messages %s%s" % (
        ld["min_samples_per_s"], ", ".join("%s %d" % kv for kv in msgs.items()),
        "; ended early: " + ", ".join(dead) if dead else ""))
    print("soak: %s" % ("PASS" if doc["ok"] else "FAIL"))
    return 0 if doc["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:   # Ctrl-C: soak.sh cleans up
        sys.exit(130)
    except (OSError, ValueError, KeyError) as e:
        # the dataplane's socket closed or answered nonsense: it died or
        # hung, which is a finding, not a crash of the soak
        print("soak: FAIL: the dataplane stopped answering `stats` (%s: %s)"
              % (type(e).__name__, e))
        sys.exit(1)
