#!/usr/bin/env bash
# tools/bench/scale.sh - issue 6's scaling figure: ingest with 1 and 2
# worker lcores, and what the owner hand-off ring costs, beside
# dpdk-testpmd rxonly with 1 and 2 lcores on the same captures.
#
# net_pcap has no RSS: each rx_pcap= is one queue. The simulator's capture
# (each sensor its own flow, --src-ports, as sensors on a network are) is
# split over 2 queues the way a NIC's RSS splits it (rss_split.py: the
# Toeplitz hash of addresses and ports under the common default key):
#   by queue  dataplane.owner_by_queue (the default): a sensor's owner is
#             the worker its flow lands on; nothing crosses (B1d)
#   by hash   owner_by_queue=false: the owner is a hash of the sensor id,
#             about half the packets cross the hand-off ring
#   gateway   the same sensors behind one address and port (one flow, as
#             behind a LoRa or BLE gateway): RSS puts it on one queue, so
#             by queue one worker does all of it (B1e), beside one worker
#             alone on that capture
# Three lcores on this machine's two cores: the main thread (which
# sleeps) shares core 0 with worker 1 (--lcores 0@0,1@1,2@0); worker 0,
# whose queue gets the gateway's flow, has core 1 as one worker has.
#
# Every process runs on hugepages when the machine can give them (1 GB,
# else 2 MB: tools/lib/hugepages.sh), else --no-huge (or with --no-huge).
#
#   tools/bench/scale.sh [--seconds S] [--packets N] [--sensors N]
#                        [--no-huge] [--json FILE]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
secs=6; packets=4000; sensors=1000; json=""; nohuge=""
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) secs=$2; shift ;;
    --packets) packets=$2; shift ;;
    --sensors) sensors=$2; shift ;;
    --json) json=$2; shift ;;
    --no-huge) nohuge=--no-huge ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "scale: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-scale.XXXXXX)
. "$ROOT/tools/lib/hugepages.sh"
. "$ROOT/tools/lib/runfor.sh"
trap 'rm -rf "$W" /var/run/dpdk/spsc-$$-*; sp_hugepages_release' EXIT
sp_hugepages 1024 $nohuge
echo "pages: $SP_PAGES"
"$B/tools/sim/senseplane-sim" --pcap "$W/all.pcap" --count "$packets" \
    --sensors "$sensors" --src-ports "$sensors" --quiet 2>/dev/null

# split the capture over 2 queues as RSS would
python3 "$ROOT/tools/bench/rss_split.py" "$W/all.pcap" 2 "$W/q" > "$W/split.json"
echo "capture split by RSS: $(cat "$W/split.json")"
"$B/tools/sim/senseplane-sim" --pcap "$W/gw.pcap" --count "$packets" \
    --sensors "$sensors" --quiet 2>/dev/null
python3 "$ROOT/tools/bench/rss_split.py" "$W/gw.pcap" 2 "$W/g" > "$W/gsplit.json"
echo "gateway capture split by RSS: $(cat "$W/gsplit.json")"

L1=(-l 0-1); L2=(--lcores "0@0,1@1,2@0")
testpmd() {   # NAME LCORES... -- VDEV RXQ
    local name=$1; shift
    local lc=(); while [ "$1" != -- ]; do lc+=("$1"); shift; done; shift
    local vdev=$1 q=$2
    sp_run_for "$secs" "$W/$name.log" "packet forwarding - ports=" \
        dpdk-testpmd $SP_MEM --no-pci "${lc[@]}" \
        --file-prefix="spsc-$$-$name" --vdev="$vdev" -- --total-num-mbufs=32768 -a \
        --stats-period 1 --no-flush-rx --forward-mode=rxonly --rxq="$q" --txq="$q" \
        --nb-cores="$q" || true
    awk '/Rx-pps:/ && $2 > 0 { print $2 }' "$W/$name.log" | sort -n | \
        awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }'
}
dp() {        # NAME LCORES... -- VDEV [DATAPLANE ARGS...]
    local name=$1; shift
    local lc=(); while [ "$1" != -- ]; do lc+=("$1"); shift; done; shift
    local vdev=$1; shift
    "$B/dataplane/senseplane-dp" $SP_MEM --no-pci "${lc[@]}" \
        --file-prefix="spsc-$$-$name" --vdev="$vdev" -- --set dataplane.mbufs=32768 \
        --set "control.socket=$W/$name.sock" "$@" > "$W/$name.log" 2>&1 &
    local pid=$!
    sp_wait_running "$W/$name.log" || exit 1
    python3 - "$W/$name.sock" "$ROOT/tests/lib" "$secs" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
time.sleep(1)
a = c.call("stats")["totals"]; t0 = time.time()
time.sleep(float(sys.argv[3]) - 1)
b = c.call("stats")["totals"]; dt = time.time() - t0
d = {k: b[k] - a[k] for k in ("rx_pkts", "handoff_out", "busy_cycles", "drop.ring_full")}
# a full ring drops what it cannot take (net_pcap never slows down): the
# figures are of the packets kept, so drops do not flatter cycles/packet
rx = max(d["rx_pkts"], 1); kept = max(rx - d["drop.ring_full"], 1)
print(kept / dt, d["busy_cycles"] / kept, d["handoff_out"] / rx, d["drop.ring_full"] / rx)
PY
    kill -INT "$pid"; wait "$pid" || true
}
# Each row reads dp()'s line from a command substitution, which waits for
# dp() to end: the dataplane has exited and given its pages back before
# the next row starts. (Read from a process substitution, the next one
# started while this one was still exiting, and on 1 GB pages it found
# none free: "b1 failed" in CI.)

P="net_pcap0"
one="$P,rx_pcap=$W/all.pcap,infinite_rx=1"
rss="$P,rx_pcap=$W/q0.pcap,rx_pcap=$W/q1.pcap,infinite_rx=1"

t1=$(testpmd tp1 "${L1[@]}" -- "$one" 1)
t2=$(testpmd tp2 "${L2[@]}" -- "$rss" 2)
read -r d1 c1 h1 f1 <<< "$(dp dp1 "${L1[@]}" -- "$one")"
read -r d2 c2 h2 f2 <<< "$(dp dp2q "${L2[@]}" -- "$rss")"
read -r d3 c3 h3 f3 <<< "$(dp dp2h "${L2[@]}" -- "$rss" --set dataplane.owner_by_queue=false)"
# the gateway's rows: a worker with nothing to do naps (idle_sleep_us) so
# that its polling does not slow the one that works (the cores of a VM
# share more than they say)
nap=(--set dataplane.idle_sleep_us=100)
read -r d4 c4 h4 f4 <<< "$(dp dpg1 "${L1[@]}" -- "$P,rx_pcap=$W/gw.pcap,infinite_rx=1" "${nap[@]}")"
read -r d5 c5 h5 f5 <<< "$(dp dpg2 "${L2[@]}" -- "$P,rx_pcap=$W/g0.pcap,rx_pcap=$W/g1.pcap,infinite_rx=1" "${nap[@]}")"

python3 - "$json" "$t1" "$t2" "$d1" "$c1" "$h1" "$f1" "$d2" "$c2" "$h2" "$f2" \
    "$d3" "$c3" "$h3" "$f3" "$d4" "$c4" "$h4" "$f4" "$d5" "$c5" "$h5" "$f5" <<'PY'
import json, sys
a = sys.argv
t1, t2 = float(a[2]), float(a[3])
rows = [(name, float(a[4 + 4 * i]), float(a[5 + 4 * i]), float(a[6 + 4 * i]),
         float(a[7 + 4 * i]), t1 if i in (0, 3) else t2)
        for i, name in enumerate(("1 worker", "2 workers, by queue", "2 workers, by hash",
                                  "gateway, 1 worker", "gateway, 2 by queue"))]
print("%-22s %8s %10s %8s %10s %14s %7s" % ("", "Mpps kept", "cyc/pkt", "handed", "ring full",
                                           "testpmd Mpps", "ratio"))
for name, pps, cyc, h, f, base in rows:
    print("%-22s %8.2f %10.0f %7.0f%% %9.1f%% %14.2f %7.3f" % (name, pps / 1e6, cyc, h * 100, f * 100,
                                                     base / 1e6, pps / base if base else 0))
print("scaling 1 -> 2 workers, RSS, by queue (B1d): %.2fx, %.2f%% handed over "
      "(testpmd %.2fx)" % (rows[1][1] / rows[0][1], rows[1][3] * 100, t2 / t1 if t1 else 0))
print("by hash: %.2fx; the hand-off ring: %+.0f cycles per packet handed over"
      % (rows[2][1] / rows[0][1], (rows[2][2] - rows[1][2]) / max(rows[2][3], 1e-9)))
print("gateway (B1e): 2 workers by queue %.2fx one worker, %.2f%% handed over"
      % (rows[4][1] / max(rows[3][1], 1), rows[4][3] * 100))
if a[1]:
    json.dump({"testpmd_1_pps": t1, "testpmd_2_pps": t2,
               "rows": [{"name": r[0], "pps": r[1], "cycles_per_pkt": r[2], "handed": r[3],
                         "ring_full": r[4]} for r in rows]},
              open(a[1], "w"), indent=1)
PY
