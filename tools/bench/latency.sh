#!/usr/bin/env bash
# tools/bench/latency.sh - BENCHMARKS.md B3: the high tier's RX-burst ->
# TX-burst latency inside the dataplane (TSC stamps; a histogram,
# p50/p99/p99.9), every key of 1 000 simulated sensors pinned high, on
# net_pcap with infinite_rx: first at the full rate, then at 80 % of it
# (the worker takes only that many packets/s: dataplane.rx_limit_pps). The baseline, in the
# same run on the same vdev and capture: io forwarding with the same
# stamps (senseplane-bench-iofwd; testpmd's own --latencystats can only be
# read by a secondary process, which cannot attach to a --no-huge primary).
#
#   tools/bench/latency.sh [--seconds S] [--page]
#
# --page (B3c): 100 000 sensors in the capture (the first 1 000 pinned),
# and at 80 % a second run while a client pages through every sensor
# (`sensors 20000 FROM`, as fast as it is answered) the whole time: the
# high tier's latency beside the same run without the client.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
secs=8; page=0
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) secs=$2; shift ;;
    --page) page=1 ;;
    *) echo "latency.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-lat.XXXXXX)
trap 'kill -INT $DP 2>/dev/null && sleep 0.5; rm -rf "$W" /var/run/dpdk/splat-$$ /var/run/dpdk/splatb-$$' EXIT
big=()
if [ $page = 1 ]; then
    # two packets per sensor (a replay of one would repeat its seq), held
    # in mbufs by net_pcap: one per packet, and the rest
    "$B/tools/sim/senseplane-sim" --pcap "$W/in.pcap" --count 200000 \
        --sensors 100000 --attrs heartrate --quiet
    big=(--set dataplane.max_sensors=131072 --set dataplane.max_keys=262144
         --set dataplane.history_mb=512 --set dataplane.mbufs=262144)
    mem=3072
else
    "$B/tools/sim/senseplane-sim" --pcap "$W/in.pcap" --count 4000 --quiet
    mem=1024
fi
# run_dp LABEL [LIMIT_PPS [PAGE]]: the dataplane for $secs, sensors 1..1000
# pinned; with PAGE a client pages through the sensors meanwhile
run_dp() {
    "$B/dataplane/senseplane-dp" --no-huge -m $mem --no-pci -l 0-1 \
        --file-prefix splat-$$ --vdev "net_pcap0,rx_pcap=$W/in.pcap,infinite_rx=1" \
        -- --set "control.socket=$W/dp.sock" --set "dataplane.rx_limit_pps=${2:-0}" \
        ${big[@]+"${big[@]}"} > "$W/dp.log" 2>&1 &
    DP=$!
    sp_wait_running "$W/dp.log" || exit 1
    SP_TOOLS_LIB=$ROOT/tools/lib python3 - "$W/dp.sock" "$ROOT/tests/lib" "$secs" "$1" "${3:-0}" <<'PY'
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1]); label = sys.argv[4]
for s in range(1, 1001):
    c.call("pin %d" % s)
time.sleep(1)
stop = False
pages = [0, 0]
def pager():
    p = Ctl(sys.argv[1])
    while not stop:
        frm = 0
        while not stop:
            r = p.call("sensors 20000 %d" % frm)
            pages[0] += 1; pages[1] += len(r["sensors"])
            if not r["more"]:
                break
            frm = r["next"]
if sys.argv[5] == "1":
    threading.Thread(target=pager, daemon=True).start()
a = c.call("stats")["totals"]; t0 = time.time()
time.sleep(float(sys.argv[3]))
b = c.call("stats")["totals"]; dt = time.time() - t0
print(label + " totals:", json.dumps({k: b[k] - a[k] for k in
      ("rx_pkts", "sensor_pkts", "records_in", "samples_in", "feed_msgs", "feed_pkts")}))
print("%s: high tier, every key pinned: %.2f Mpps in, %.0f msgs/s out"
      % (label, (b["rx_pkts"] - a["rx_pkts"]) / dt / 1e6, (b["feed_msgs"] - a["feed_msgs"]) / dt))
if "rx_tx_buckets" in b:
    # the window's own histogram: the buckets' counts, now less before
    sys.path.insert(0, os.environ["SP_TOOLS_LIB"])
    from histo import pct, window
    h = window({"totals": a}, {"totals": b})
    total = sum(h.values())
    print("%s: RX burst -> TX burst: p50 %.2f us  p99 %.2f us  p99.9 %.2f us  max %.2f us  (%d bursts in the window)"
          % (label, pct(h, 50) / 1e3, pct(h, 99) / 1e3, pct(h, 99.9) / 1e3, pct(h, 100) / 1e3, total))
else:
    print("%s: RX burst -> TX burst: p50 %.2f us  p99 %.2f us  p99.9 %.2f us  max %.2f us  (%d bursts)"
          % (label, b["rx_tx_p50_ns"] / 1e3, b["rx_tx_p99_ns"] / 1e3, b["rx_tx_p999_ns"] / 1e3,
             b["rx_tx_max_ns"] / 1e3, b["rx_tx_count"]))
stop = True
if sys.argv[5] == "1":
    print("%s: the client read %d pages, %d sensor rows (%.0f rows/s)"
          % (label, pages[0], pages[1], pages[1] / dt))
PY
    kill -INT $DP; wait $DP || true
}
run_dp "full rate" | tee "$W/full.txt"
# BENCHMARKS' point: 80 % of what the worker takes at full rate
full=$(sed -n 's/.*pinned: \([0-9.]*\) Mpps in.*/\1/p' "$W/full.txt")
limit=$(python3 -c "print(int($full * 0.8e6))")
run_dp "at 80 %" "$limit"
[ $page = 1 ] && run_dp "at 80 %, paging 100 000 sensors" "$limit" 1

"$B/tools/bench/senseplane-bench-iofwd" --no-huge -m 1024 --no-pci -l 0-1 \
    --file-prefix splatb-$$ --vdev "net_pcap0,rx_pcap=$W/in.pcap,infinite_rx=1" \
    --log-level lib.eal:error -- --seconds "$secs" 2>/dev/null | sed 's/^/baseline /'
