#!/usr/bin/env bash
# tools/bench/viewers.sh - the viewer side (issue 15, BENCHMARKS.md B4's
# kernel receiver as the baseline): samples/s one core takes in order with
# 0 loss through libsenseplane (C), through its Python binding, and
# through the plainest receiver of the same feed (recvmmsg + validate +
# count, no ordering, no recovery). One generator paces feed packets of
# 20 one-f32 messages over loopback; each receiver is offered a ladder of
# rates (x1.4) alone, pinned to the other core, until it loses a message;
# a step counts when every message arrived. Prints, per receiver, the
# highest rate held with 0 loss and its CPU seconds per million samples.
#
#   tools/bench/viewers.sh [--quick] [--seconds S] [--json FILE]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
FX=$B/tools/bench/senseplane-bench-feedrx
export SENSEPLANE_LIB=$B/tools/libsenseplane/libsenseplane.so.1
export PYTHONPATH=$ROOT/tools/libsenseplane/python
secs=3; json=""
ladder="5000 7000 10000 14000 20000 28000 40000 56000 80000 112000 160000 224000 314000 440000"
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) secs=1; ladder="2000 8000" ;;
    --seconds) secs=$2; shift ;;
    --json) json=$2; shift ;;
    -h|--help) sed -n "2,13p" "$0"; exit 0 ;;
    *) echo "viewers: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-viewers.XXXXXX)
trap 'rm -rf "$W"' EXIT
PORT=$(( 30000 + $$ % 10000 ))

step() {   # step MODE PPS: 0 when every message arrived
    local mode=$1 pps=$2 rx
    if [ "$mode" = python ]; then
        taskset -c 1 python3 "$ROOT/tools/bench/feedrx.py" 127.0.0.1:$PORT > "$W/rx.json" &
    else
        taskset -c 1 "$FX" rx --mode "$mode" --listen 127.0.0.1:$PORT > "$W/rx.json" &
    fi
    rx=$!
    for _ in $(seq 50); do grep -q ready "$W/rx.json" 2>/dev/null && break; sleep 0.1; done
    taskset -c 0 "$FX" gen --dest 127.0.0.1:$PORT --pps "$pps" --seconds "$secs" > "$W/gen.json"
    wait "$rx" || true
    python3 - "$W/gen.json" "$W/rx.json" "$mode" "$pps" >> "$W/steps.jsonl" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
r = [json.loads(l) for l in open(sys.argv[2]) if '"mode"' in l][-1]
ok = r["messages"] == g["messages"] and r["missing"] == 0
secs = max(r["seconds"], g["seconds"])
print(json.dumps({"mode": sys.argv[3], "pps": int(sys.argv[4]), "ok": ok,
    "sent": g["messages"], "got": r["messages"], "missing": r["missing"],
    "samples_s": round(r["samples"] / secs) if secs else 0,
    "cpu_per_m": round(r["cpu_s"] / (r["samples"] / 1e6), 3) if r["samples"] else None}))
PY
    tail -n 1 "$W/steps.jsonl" | grep -q '"ok": true'
}

for mode in raw lib python; do
    for pps in $ladder; do
        step "$mode" "$pps" || break
    done
done
python3 - "$W/steps.jsonl" "$json" <<'PY'
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1])]
best = {}
for s in steps:
    if s["ok"] and s["samples_s"] > best.get(s["mode"], {}).get("samples_s", -1):
        best[s["mode"]] = s
raw = best.get("raw", {}).get("samples_s", 0)
out = {}
for m in ("raw", "lib", "python"):
    b = best.get(m, {})
    out[m] = {"samples_s": b.get("samples_s", 0), "cpu_s_per_m_samples": b.get("cpu_per_m"),
              "ratio_to_raw": round(b.get("samples_s", 0) / raw, 3) if raw else None}
    print("%-7s %10d samples/s in order, 0 lost   (%.2fx the plain receiver; CPU %s s per million)"
          % (m, out[m]["samples_s"], out[m]["ratio_to_raw"] or 0, out[m]["cpu_s_per_m_samples"]))
print("steps: " + "; ".join("%s@%d %s" % (s["mode"], s["pps"] * 20, "ok" if s["ok"] else "LOST %d" % (s["sent"] - s["got"])) for s in steps))
if sys.argv[2]:
    json.dump({"viewers": out, "steps": steps}, open(sys.argv[2], "w"), indent=1)
PY
