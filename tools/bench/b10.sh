#!/usr/bin/env bash
# tools/bench/b10.sh - B10 (issue 25), the recorder's own cost: the
# simulator's mix offered to the dataplane for S seconds, every sample
# recorded by senseplane-record into a private VictoriaMetrics on this
# machine. Prints one JSON line: samples offered (the dataplane's count
# of what it received) and recorded (what the store acknowledged), the
# rate recorded over the run, the recorder's CPU seconds (user + system,
# getrusage) per million samples and the one-core ceiling that implies,
# the store's disk bytes per sample, and whether anything was lost.
#
#   tools/bench/b10.sh [--sensors N] [--rate PPS] [--seconds S] [--json FILE]
#
# Every process shares this machine's CPUs (the dataplane polls one, the
# simulator, the store and the recorder share the rest): the rate is what
# this machine sustains for the whole path, the CPU per million samples
# is the recorder's own figure. Needs root (a namespace and a veth pair,
# cleaned up at exit).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
secs=30; sensors=1000; rate=""; json=""
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) secs=$2; shift ;;
    --sensors) sensors=$2; shift ;;
    --rate) rate=$2; shift ;;
    --json) json=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "b10: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
VM=$(command -v victoria-metrics) || { echo "b10: victoria-metrics is not installed" >&2; exit 1; }
NS=spb10-$$; DPIF=spb10d$$; NSIF=spb10n$$; W=$(mktemp -d /tmp/sp-b10.XXXXXX)
pids=()
cleanup() { sp_teardown "$NS" "$DPIF" "${pids[@]}"; rm -rf "/var/run/dpdk/sp-b10-$$" "$W"; }
trap cleanup EXIT
sp_veth "$NS" "$DPIF" "$NSIF"
"$B/dataplane/senseplane-dp" --no-huge --no-pci -l 0 -m 1024 --file-prefix "sp-b10-$$" \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- --set dataplane.history_mb=256 \
    --set "control.socket=$W/dp.sock" > "$W/dp.log" 2>&1 &
pids+=($!)
sp_wait_running "$W/dp.log" 60
PORT=$((20000 + $$ % 10000))
ip netns exec "$NS" "$VM" -storageDataPath "$W/vm" -httpListenAddr "127.0.0.1:$PORT" \
    -dedup.minScrapeInterval=1ms -loggerLevel=ERROR > "$W/vm.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    [ "$(ip netns exec "$NS" curl -s "127.0.0.1:$PORT/health")" = OK ] && break; sleep 0.1
done
ip netns exec "$NS" "$B/tools/record/senseplane-record" --control "$W/dp.sock" \
    --store "http://127.0.0.1:$PORT" -i 10.99.0.2 --state "$W/state" \
    --stats "$W/rec.json" --lens 239.81.9.1:7809 --name b10 --quiet > "$W/rec.log" 2>&1 &
REC=$!; pids+=($REC)
sp_wait_log "$W/rec.log" "recording" 20 "$REC"
ip netns exec "$NS" ping -c 1 -W 2 10.99.0.1 > /dev/null || true
t0=$(date +%s%N)
ip netns exec "$NS" "$B/tools/sim/senseplane-sim" --dest 10.99.0.1:7400 --sensors "$sensors" \
    ${rate:+--rate "$rate"} --seconds "$secs" --quiet --summary "$W/sim.json"
# the recorder has taken everything: nothing buffered, nothing to read back
for _ in $(seq 1 600); do
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["buffered"] == 0 and d["in_flight"] == 0 and d["catching_up"] == 0 else 1)' "$W/rec.json" 2>/dev/null && break
    sleep 0.1
done
t1=$(date +%s%N)
kill -TERM "$REC"; wait "$REC" || true
ip netns exec "$NS" curl -s "127.0.0.1:$PORT/internal/force_flush" > /dev/null || true
sleep 1
disk=$(du -sb "$W/vm" | cut -f1)
python3 - "$W" "$secs" "$t0" "$t1" "$disk" "${json:-}" <<'PY'
import json, socket, sys
w, secs, t0, t1, disk, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
r = json.load(open(w + "/rec.json"))
sim = json.load(open(w + "/sim.json"))
s = socket.socket(socket.AF_UNIX); s.connect(w + "/dp.sock"); f = s.makefile("rw")
f.write("stats\n"); f.flush(); st = json.loads(f.readline())["totals"]
res = {"scenario": "b10", "sensors": sim["sensors"], "seconds": secs,
       "samples_sent": sim["samples"], "samples_in": st.get("samples_in", 0),
       "recorded": r["recorded"], "lost": r["lost"],
       "history_samples": r["history_samples"], "store_errors": r["store_errors"],
       "recorded_per_s": round(r["recorded"] / ((t1 - t0) / 1e9)),
       "recorder_cpu_s": r["cpu_s"],
       "cpu_s_per_million": round(r["cpu_s"] / max(r["recorded"], 1) * 1e6, 3),
       "ceiling_per_cpu_s": round(max(r["recorded"], 1) / max(r["cpu_s"], 1e-9)),
       "store_disk_bytes_per_sample": round(disk / max(r["recorded"], 1), 3)}
print(json.dumps(res))
if out:
    open(out, "w").write(json.dumps(res) + "\n")
PY
