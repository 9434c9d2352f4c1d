#!/usr/bin/env bash
# tools/bench/scale.sh - issue 6's scaling figure: ingest with 1 and 2
# worker lcores, and what the owner hand-off ring costs, beside
# dpdk-testpmd rxonly with 1 and 2 lcores on the same captures.
#
# net_pcap has no RSS: each rx_pcap= is one queue. The simulator's capture
# is split by owner (dp_owner(): the Fibonacci hash of the sensor id):
#   steered  queue q gets the sensors worker q owns (what flow steering
#            on a NIC would give): nothing crosses the hand-off ring
#   crossed  queue q gets the sensors the *other* worker owns: every
#            packet is handed to its owner over the ring
# Three lcores on this machine's two cores: the main thread (which
# sleeps) shares core 0 with worker 1 (--lcores 0@0,1@0,2@1).
#
#   tools/bench/scale.sh [--seconds S] [--packets N] [--sensors N] [--json FILE]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
secs=6; packets=4000; sensors=1000; json=""
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) secs=$2; shift ;;
    --packets) packets=$2; shift ;;
    --sensors) sensors=$2; shift ;;
    --json) json=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "scale: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-scale.XXXXXX)
trap 'rm -rf "$W" /var/run/dpdk/spsc-$$-*' EXIT
"$B/tools/sim/senseplane-sim" --pcap "$W/all.pcap" --count "$packets" \
    --sensors "$sensors" --quiet 2>/dev/null

# split the capture by owner (dp_worker.h: dp_owner(id, 2))
python3 - "$W" <<'PY'
import struct, sys
w = sys.argv[1]
data = open(w + "/all.pcap", "rb").read()
hdr, off = data[:24], 24
out = [open(w + "/own%d.pcap" % i, "wb") for i in (0, 1)]
for f in out:
    f.write(hdr)
n = [0, 0]
while off + 16 <= len(data):
    incl = struct.unpack_from("<I", data, off + 8)[0]
    rec = data[off:off + 16 + incl]
    off += 16 + incl
    sid = struct.unpack_from(">Q", rec, 16 + 14 + 20 + 8 + 8)[0]
    o = ((sid * 0x9E3779B97F4A7C15) % (1 << 64) >> 32) % 2
    out[o].write(rec); n[o] += 1
print("capture split by owner: %d / %d packets" % tuple(n))
PY

L1=(-l 0-1); L2=(--lcores "0@0,1@0,2@1")
testpmd() {   # NAME LCORES... -- VDEV RXQ
    local name=$1; shift
    local lc=(); while [ "$1" != -- ]; do lc+=("$1"); shift; done; shift
    local vdev=$1 q=$2
    timeout -s INT $((secs + 3)) dpdk-testpmd --no-huge -m 1024 --no-pci "${lc[@]}" \
        --file-prefix="spsc-$$-$name" --vdev="$vdev" -- --total-num-mbufs=32768 -a \
        --stats-period 1 --no-flush-rx --forward-mode=rxonly --rxq="$q" --txq="$q" \
        --nb-cores="$q" < /dev/null > "$W/$name.log" 2>&1 || true
    awk '/Rx-pps:/ && $2 > 0 { print $2 }' "$W/$name.log" | sort -n | \
        awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }'
}
dp() {        # NAME LCORES... -- VDEV
    local name=$1; shift
    local lc=(); while [ "$1" != -- ]; do lc+=("$1"); shift; done; shift
    "$B/dataplane/senseplane-dp" --no-huge -m 1024 --no-pci "${lc[@]}" \
        --file-prefix="spsc-$$-$name" --vdev="$1" -- --set dataplane.mbufs=32768 \
        --set "control.socket=$W/$name.sock" > "$W/$name.log" 2>&1 &
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

P="net_pcap0"
one="$P,rx_pcap=$W/all.pcap,infinite_rx=1"
steer="$P,rx_pcap=$W/own0.pcap,rx_pcap=$W/own1.pcap,infinite_rx=1"
cross="$P,rx_pcap=$W/own1.pcap,rx_pcap=$W/own0.pcap,infinite_rx=1"

t1=$(testpmd tp1 "${L1[@]}" -- "$one" 1)
t2=$(testpmd tp2 "${L2[@]}" -- "$steer" 2)
read -r d1 c1 h1 f1 < <(dp dp1 "${L1[@]}" -- "$one")
read -r d2 c2 h2 f2 < <(dp dp2s "${L2[@]}" -- "$steer")
read -r d3 c3 h3 f3 < <(dp dp2x "${L2[@]}" -- "$cross")

python3 - "$json" "$t1" "$t2" "$d1" "$c1" "$h1" "$f1" "$d2" "$c2" "$h2" "$f2" \
    "$d3" "$c3" "$h3" "$f3" <<'PY'
import json, sys
a = sys.argv
t1, t2 = float(a[2]), float(a[3])
rows = [(name, float(a[4 + 4 * i]), float(a[5 + 4 * i]), float(a[6 + 4 * i]),
         float(a[7 + 4 * i]), t1 if i == 0 else t2)
        for i, name in enumerate(("1 worker", "2 workers, steered", "2 workers, crossed"))]
print("%-22s %8s %10s %8s %10s %14s %7s" % ("", "Mpps kept", "cyc/pkt", "handed", "ring full",
                                           "testpmd Mpps", "ratio"))
for name, pps, cyc, h, f, base in rows:
    print("%-22s %8.2f %10.0f %7.0f%% %9.1f%% %14.2f %7.3f" % (name, pps / 1e6, cyc, h * 100, f * 100,
                                                     base / 1e6, pps / base if base else 0))
print("scaling 1 -> 2 workers (steered): %.2fx (testpmd %.2fx)" % (rows[1][1] / rows[0][1], t2 / t1 if t1 else 0))
print("hand-off ring: %+.0f cycles per packet handed over (crossed - steered)"
      % (rows[2][2] - rows[1][2]))
if a[1]:
    json.dump({"testpmd_1_pps": t1, "testpmd_2_pps": t2,
               "rows": [{"name": r[0], "pps": r[1], "cycles_per_pkt": r[2], "handed": r[3],
                         "ring_full": r[4]} for r in rows]},
              open(a[1], "w"), indent=1)
PY
