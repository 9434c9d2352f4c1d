#!/usr/bin/env bash
# What the sensor path's guards cost (issue 13 on B1): the dataplane
# before them (OLD_DP, a build of the commit before) and now, attached in
# turn to the same NIC-like source (senseplane-bench-nicgen on net_memif,
# 1 000 sensors, the smallest frame, sent as fast as the ring takes),
# alternating, REPS runs each; the rate is the median of the seconds after
# a warm-up. Scenarios:
#   keyless      every policy off (the default): what the new code costs
#                a sensor without a key
#   keyless+on   now only: ACL lists, require_mac_from another network,
#                bind_source, both rate limits on (generous: nothing drops)
#   keyed        every sensor signs (SipHash-2-4 MAC; now with the replay
#                window too)
#   OLD_DP=/path/senseplane-dp OLD_CONF=/its/source/config/senseplane.conf \
#       tools/bench/guard-cost.sh [--reps R]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
B=${SP_BUILD:-$HERE/../../build}
OLD=${OLD_DP:?give OLD_DP, the dataplane before the guards}
OLD_CONF=${OLD_CONF:?give OLD_CONF, the config/senseplane.conf of its source}
NEW=$B/dataplane/senseplane-dp
NEW_CONF=$HERE/../../config/senseplane.conf
REPS=3; [ "${1:-}" = --reps ] && REPS=$2
W=$(mktemp -d /tmp/sp-guard.XXXXXX)
trap 'pkill -f "sp-guard-$$" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
ON=(--set security.allow=10.99.0.0/16 --set security.deny=10.99.9.0/24
    --set security.require_mac_from=10.98.0.0/16 --set security.bind_source=true
    --set limits.sensor_factor=1000000 --set limits.source_pps=1000000000
    --set limits.source_burst=16000000)
run() {   # run NAME DP KEYED EXTRA...: one run; prints the steady Mpps
    local name=$1 dp=$2 keyed=$3; shift 3
    local conf=$NEW_CONF
    [ "$dp" = "$OLD" ] && conf=$OLD_CONF
    local sock=$W/$name.sock gk=()
    [ "$keyed" = 1 ] && gk=(--keyed "$W/keys")
    "$B/tools/bench/senseplane-bench-nicgen" --no-huge --no-pci -l 0 -m 512 \
        --file-prefix "sp-guard-$$-g$name" --log-level lib.eal:error \
        --vdev "net_memif0,role=server,socket=$sock" -- --sensors 1000 \
        --warmup 1 --seconds 4 --linger "${gk[@]}" > "$W/$name.gen" 2>&1 &
    local gen=$!
    sleep 0.3
    local dk=()
    [ "$keyed" = 1 ] && dk=(--set "dataplane.keys_file=$W/keys")
    "$dp" --no-huge --no-pci -l 1 -m 512 --file-prefix "sp-guard-$$-d$name" \
        --log-level lib.eal:error --vdev "net_memif0,role=client,socket=$sock" -- \
        -c "$conf" --set "control.socket=$W/$name.dp.sock" --set dataplane.history_mb=32 \
        "${dk[@]}" "$@" > "$W/$name.dp" 2>&1 &
    local sub=$!
    for _ in $(seq 1 200); do grep -q '^{"offered"' "$W/$name.gen" && break; sleep 0.05; done
    kill -INT $sub; wait $sub 2>/dev/null || true
    kill -INT $gen; wait $gen 2>/dev/null || true
    python3 -c 'import json, statistics, sys
s = [json.loads(l)["mpps"] for l in open(sys.argv[1]) if l.startswith("{\"second\"")]
print("%.3f" % statistics.median(s))' "$W/$name.gen"
}
declare -A R
for r in $(seq 1 "$REPS"); do
    R[old_keyless]+="$(run "ok$r" "$OLD" 0) "
    R[new_keyless]+="$(run "nk$r" "$NEW" 0) "
    R[new_on]+="$(run "no$r" "$NEW" 0 "${ON[@]}") "
    R[old_keyed]+="$(run "oy$r" "$OLD" 1) "
    R[new_keyed]+="$(run "ny$r" "$NEW" 1) "
    echo "run $r: old ${R[old_keyless]##* } ..." > /dev/null
done
python3 - "${R[old_keyless]}" "${R[new_keyless]}" "${R[new_on]}" "${R[old_keyed]}" "${R[new_keyed]}" <<'PY'
import statistics, sys
ghz = next(float(l.split(":")[1]) / 1e3 for l in open("/proc/cpuinfo") if l.startswith("cpu MHz"))
names = ["before, keyless", "now, keyless", "now, keyless, every guard on", "before, keyed", "now, keyed (+ replay window)"]
med = []
for n, a in zip(names, sys.argv[1:]):
    v = [float(x) for x in a.split()]
    m = statistics.median(v); med.append(m)
    print("%-32s %6.2f Mpps (%s)  %4.0f cycles/packet" % (n, m, " ".join("%.2f" % x for x in v), ghz * 1e3 / m))
cyc = lambda m: ghz * 1e3 / m
print("guards' cost, keyless sensors, policies off: %+.1f cycles/packet" % (cyc(med[1]) - cyc(med[0])))
print("guards' cost, keyless sensors, every policy on: %+.1f cycles/packet" % (cyc(med[2]) - cyc(med[0])))
print("guards' cost, keyed sensors: %+.1f cycles/packet" % (cyc(med[4]) - cyc(med[3])))
PY
