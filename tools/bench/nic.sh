#!/usr/bin/env bash
# B1 on a NIC-like source (tools/bench/BENCHMARKS.md, B1c): the dataplane
# and its baseline, dpdk-testpmd rxonly, each attached in turn to the same
# senseplane-bench-nicgen (fresh packets in recycled buffers on a
# net_memif port, sensor ids at random from N). What a subject takes is
# what the generator's ring accepted per second; the steady rate is the
# median of the seconds after the warm-up, and each subject is run REPS
# times, alternating. The generator has core 0, the subject's worker core 1.
#
#   nic.sh [--sensors N] [--mix small|sim] [--seconds S] [--warmup W]
#          [--reps R] [--huge] [--json FILE]
#
# --huge runs both subjects on hugepages when it can reserve them (1 GB,
# else 2 MB: tools/lib/hugepages.sh; page files unlinked, pages given
# back); otherwise --no-huge, and it says which.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
N=1000; MIX=small; SECS=6; WARM=2; REPS=3; HUGE=0; JSON=
while [ $# -gt 0 ]; do
    case $1 in
        --sensors) N=$2; shift ;;
        --mix) MIX=$2; shift ;;
        --seconds) SECS=$2; shift ;;
        --warmup) WARM=$2; shift ;;
        --reps) REPS=$2; shift ;;
        --huge) HUGE=1 ;;
        --json) JSON=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "nic.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-nic.XXXXXX)
. "$ROOT/tools/lib/hugepages.sh"
trap 'pkill -f "sp-nic-$$" 2>/dev/null || true; [ -n "${SP_NIC_KEEP:-}" ] || rm -rf "$W"; sp_hugepages_release' EXIT
MEM="--no-huge -m 2048"; PAGES="none (--no-huge)"
if [ "$HUGE" = 1 ]; then
    # the dataplane and testpmd run in turn, each on the same pages
    sp_hugepages $(( N > 100000 ? 6144 : 1536 ))
    MEM=$SP_MEM; PAGES=$SP_PAGES
fi
[ "$N" -gt 100000 ] && [ "$HUGE" = 0 ] && MEM="--no-huge -m 6144"
HIST=$(( N > 100000 ? 4096 : 256 ))
KMUL=1; [ "$MIX" = sim ] && KMUL=4

run() {   # run SUBJECT REP: one generator run with SUBJECT attached
    local sock=$W/m$1$2.sock gp=sp-nic-$$-g$1$2
    "$B/tools/bench/senseplane-bench-nicgen" --no-huge --no-pci -l 0 -m 512 \
        --file-prefix "$gp" --log-level lib.eal:error \
        --vdev "net_memif0,role=server,socket=$sock" -- --sensors "$N" \
        --mix "$MIX" --seconds "$SECS" > "$W/gen.$1.$2" 2>&1 &
    local gen=$!
    sleep 0.5
    if [ "$1" = dp ]; then
        "$B/dataplane/senseplane-dp" $MEM --no-pci -l 1 --file-prefix "sp-nic-$$-d$2" \
            --log-level lib.eal:error --vdev "net_memif0,role=client,socket=$sock" -- \
            --set "control.socket=$W/dp.sock" --set dataplane.history_mb=$HIST \
            --set dataplane.max_sensors=$(( N + N / 8 + 64 )) \
            --set dataplane.max_keys=$(( (N + N / 8 + 64) * KMUL )) \
            > "$W/sub.$1.$2" 2>&1 &
    else
        # testpmd runs until its stdin ends: a FIFO this script holds open
        dpdk-testpmd $MEM --no-pci -l 0,1 --file-prefix "sp-nic-$$-t$2" \
            --log-level lib.eal:error --vdev "net_memif0,role=client,socket=$sock" -- \
            --forward-mode=rxonly --nb-cores=1 --total-num-mbufs=16384 \
            < "$W/stdin" > "$W/sub.$1.$2" 2>&1 &
    fi
    local sub=$!
    wait $gen || true
    kill -INT $sub 2>/dev/null || true
    wait $sub 2>/dev/null || true
    python3 - "$W/gen.$1.$2" "$WARM" <<'PY'
import json, statistics, sys
secs = [json.loads(l)["mpps"] for l in open(sys.argv[1]) if l.startswith('{"second"')]
steady = secs[int(sys.argv[2]):] or secs
print("%.3f" % statistics.median(steady))
PY
}
mkfifo "$W/stdin"
exec 3<> "$W/stdin"
echo "B1 on a NIC-like source: $N sensors, $MIX, ${SECS} s a run (first $WARM s warm-up), $REPS runs each; pages: $PAGES"
DPR=(); TPR=()
for r in $(seq 1 "$REPS"); do
    DPR+=("$(run dp "$r")"); TPR+=("$(run tp "$r")")
    echo "  run $r: senseplane-dp ${DPR[-1]} Mpps, testpmd rxonly ${TPR[-1]} Mpps"
done
python3 - "$N" "$MIX" "$PAGES" "$JSON" "${DPR[*]}" "${TPR[*]}" <<'PY'
import json, statistics, sys
n, mix, pages, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
dp = [float(x) for x in sys.argv[5].split()]; tp = [float(x) for x in sys.argv[6].split()]
md, mt = statistics.median(dp), statistics.median(tp)
ghz = 0
for l in open("/proc/cpuinfo"):
    if l.startswith("cpu MHz"):
        ghz = float(l.split(":")[1]) / 1e3; break
r = {"sensors": int(n), "mix": mix, "pages": pages,
     "value": md, "baseline": mt, "unit": "Mpps", "ratio": md / mt if mt else 0,
     "spread": [min(dp), max(dp)], "baseline_spread": [min(tp), max(tp)],
     "cycles_per_pkt": ghz * 1e3 / md if md else 0,
     "baseline_cycles_per_pkt": ghz * 1e3 / mt if mt else 0}
print("senseplane-dp %.2f Mpps (%.2f..%.2f) against testpmd rxonly %.2f (%.2f..%.2f): ratio %.2f, %+.0f cycles/packet"
      % (md, min(dp), max(dp), mt, min(tp), max(tp), r["ratio"], r["cycles_per_pkt"] - r["baseline_cycles_per_pkt"]))
if out:
    json.dump(r, open(out, "w"))
PY
