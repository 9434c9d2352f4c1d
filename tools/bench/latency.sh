#!/usr/bin/env bash
# tools/bench/latency.sh - BENCHMARKS.md B3: the high tier's RX-burst ->
# TX-burst latency inside the dataplane (TSC stamps; a histogram,
# p50/p99/p99.9), every key of 1 000 simulated sensors pinned high, on
# net_pcap with infinite_rx (full rate: no pacing is possible on this vdev,
# so this is the harder case than BENCHMARKS' 80 %). The baseline, in the
# same run on the same vdev and capture: io forwarding with the same
# stamps (senseplane-bench-iofwd; testpmd's own --latencystats can only be
# read by a secondary process, which cannot attach to a --no-huge primary).
#
#   tools/bench/latency.sh [--seconds S]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
secs=8
[ "${1:-}" = "--seconds" ] && secs=$2
W=$(mktemp -d /tmp/sp-lat.XXXXXX)
trap 'kill -INT $DP 2>/dev/null && sleep 0.5; rm -rf "$W" /var/run/dpdk/splat-$$ /var/run/dpdk/splatb-$$' EXIT
"$B/tools/sim/senseplane-sim" --pcap "$W/in.pcap" --count 4000 --quiet
"$B/dataplane/senseplane-dp" --no-huge -m 1024 --no-pci -l 0-1 \
    --file-prefix splat-$$ --vdev "net_pcap0,rx_pcap=$W/in.pcap,infinite_rx=1" \
    -- --set "control.socket=$W/dp.sock" > "$W/dp.log" 2>&1 &
DP=$!
for _ in $(seq 1 100); do grep -q running "$W/dp.log" && break; sleep 0.1; done
python3 - "$W/dp.sock" "$ROOT/tests/lib" "$secs" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
for s in range(1, 1001):
    c.call("pin %d" % s)
time.sleep(1)
a = c.call("stats")["totals"]; t0 = time.time()
time.sleep(float(sys.argv[3]))
b = c.call("stats")["totals"]; dt = time.time() - t0
import json; print("totals:", json.dumps({k: b[k] - a[k] for k in ("rx_pkts","sensor_pkts","records_in","samples_in","feed_msgs","feed_pkts")}))
print("high tier, every key pinned: %.2f Mpps in, %.0f msgs/s out"
      % ((b["rx_pkts"] - a["rx_pkts"]) / dt / 1e6, (b["feed_msgs"] - a["feed_msgs"]) / dt))
print("RX burst -> TX burst: p50 %.2f us  p99 %.2f us  p99.9 %.2f us  max %.2f us  (%d bursts)"
      % (b["rx_tx_p50_ns"] / 1e3, b["rx_tx_p99_ns"] / 1e3, b["rx_tx_p999_ns"] / 1e3,
         b["rx_tx_max_ns"] / 1e3, b["rx_tx_count"]))
PY
kill -INT $DP; wait $DP || true
"$B/tools/bench/senseplane-bench-iofwd" --no-huge -m 1024 --no-pci -l 0-1 \
    --file-prefix splatb-$$ --vdev "net_pcap0,rx_pcap=$W/in.pcap,infinite_rx=1" \
    --log-level lib.eal:error -- --seconds "$secs" 2>/dev/null | sed 's/^/baseline /'
