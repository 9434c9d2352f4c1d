#!/usr/bin/env bash
# tools/bench/pcap-rate.sh - the dataplane's ingest rate on net_pcap
# (infinite_rx=1, TX dropped by the driver) beside dpdk-testpmd rxonly on
# the same vdev and the same pcap, measured in the same run, one worker.
#
#   tools/bench/pcap-rate.sh [--packets N] [--sensors N] [--seconds S]
#                            [--broadcast]   (attention off: every sample sent)
#                            [--small]       (the smallest frame: one f32
#                                             scalar a packet, 82 bytes)
#                            [--depth D]     (every attribute's history ring
#                                             D slots: 1 M sensors' history
#                                             does not fit this machine at
#                                             the catalogue's depths)
#                            [--no-huge]     (ordinary pages even where
#                                             hugepages can be had)
#
# Both sides run on hugepages when the machine can give them (1 GB, else
# 2 MB: tools/lib/hugepages.sh), else --no-huge; the pages used are printed.
# net_pcap with infinite_rx holds the whole capture in mbufs: both sides get
# a pool and memory sized for N (about 5 KB of memory per packet in --no-huge, so the
# 1 M-sensor run, --packets 1000000 --sensors 1000000, needs ~7 GB each).
# Prints Mpps and cycles/packet for both.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
packets=4000; sensors=1000; secs=10; dp_args=(); sim_args=(); mode="history only"; depth=""; nohuge=""
while [ $# -gt 0 ]; do
    case "$1" in
    --packets) packets=$2; shift ;;
    --sensors) sensors=$2; shift ;;
    --seconds) secs=$2; shift ;;
    --broadcast) dp_args+=(--set switches.attention=false); mode="broadcast" ;;
    --small) sim_args+=(--attrs temperature); mode="$mode, smallest frame" ;;
    --depth) depth=$2; shift ;;
    --no-huge) nohuge=--no-huge ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "pcap-rate: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-bench.XXXXXX)
. "$ROOT/tools/lib/hugepages.sh"
. "$ROOT/tools/lib/runfor.sh"
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"; rm -rf /var/run/dpdk/spb-*; sp_hugepages_release' EXIT

"$B/tools/sim/senseplane-sim" --pcap "$W/in.pcap" --count "$packets" \
    --sensors "$sensors" --quiet "${sim_args[@]}"
VDEV="net_pcap0,rx_pcap=$W/in.pcap,infinite_rx=1"
if [ -n "$depth" ]; then
    sed "s/^depth = .*/depth = $depth/" "$ROOT/config/attributes.conf" > "$W/attributes.conf"
    hist_mb=$(( sensors / 256 + 64 ))
    dp_args+=(--set "dataplane.catalog=$W/attributes.conf" --set dataplane.history_mb=$hist_mb)
    mode="$mode, depth $depth"
fi
mbufs=$(( packets < 4096 ? 8192 : packets + packets / 8 + 8192 ))
mem=$(( mbufs * 5 / 1000 + 1024 ))          # MB: mbufs (no-huge needs ~2x) plus tables
tables=(--set dataplane.mbufs=$((mbufs > 16384 ? mbufs : 16384)))
[ "$sensors" -gt 65536 ] && tables+=(--set dataplane.max_sensors=$((sensors + sensors / 4)) \
    --set dataplane.max_keys=$((8 * sensors)))

# both on the same pages, sized for the larger (the dataplane's tables);
# each is timed from when it forwards (tools/lib/runfor.sh)
sp_hugepages $(( mem + ${hist_mb:-64} )) $nohuge
sp_run_for "$secs" "$W/testpmd.log" "packet forwarding - ports=" \
    dpdk-testpmd $SP_MEM --no-pci -l 0-1 \
    --file-prefix=spb-base --vdev="$VDEV" -- --total-num-mbufs=$mbufs -a \
    --stats-period 1 --record-core-cycles --no-flush-rx \
    --forward-mode=rxonly || true
# median of testpmd's non-zero per-second figures (its last line, printed
# on the way out, can read 0)
base_pps=$(awk '/Rx-pps:/ && $2 > 0 { print $2 }' "$W/testpmd.log" | sort -n | \
    awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }')
base_cyc=$(sed -n 's/.*CPU cycles\/packet=\([0-9.]*\).*/\1/p' "$W/testpmd.log" | tail -1)

sp_run_for "$secs" "$W/dp.log" running "$B/dataplane/senseplane-dp" $SP_MEM \
    --no-pci -l 0-1 --file-prefix=spb-dp --vdev="$VDEV" -- --stats-ms 1000 \
    "${tables[@]}" "${dp_args[@]}" || true
# median of the per-second lines after the first
read -r dp_pps dp_cyc < <(grep '^rx ' "$W/dp.log" | tail -n +2 | \
    sed 's/.*pkts (\([0-9]*\)\/s).* \([0-9]*\) cyc\/pkt.*/\1 \2/' | \
    sort -n | awk '{ a[NR] = $1; c[NR] = $2 } END { m = int((NR + 1) / 2); print a[m], c[m] }')

awk -v mode="$mode" -v bp="$base_pps" -v bc="${base_cyc:-0}" -v dp="$dp_pps" -v dc="$dp_cyc" \
    -v n="$packets" -v s="$sensors" -v t="$secs" -v pg="$SP_PAGES" 'BEGIN {
    printf "%-36s %8s %12s\n", "", "Mpps", "cycles/pkt"
    printf "%-36s %8.2f %12.1f\n", "dpdk-testpmd rxonly (baseline)", bp / 1e6, bc
    printf "%-36s %8.2f %12.1f\n", "senseplane-dp (" mode ")", dp / 1e6, dc
    printf "%-36s %8.3f %+12.1f\n", "dp / baseline, extra cycles", dp / bp, dc - bc
    printf "(%d packets from %d simulated sensors, one worker lcore, %d s each)\n", n, s, t
    printf "pages: %s\n", pg
}'
