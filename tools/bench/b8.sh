#!/usr/bin/env bash
# tools/bench/b8.sh - BENCHMARKS.md B8: 1 000 WebSocket clients on one
# senseplane-web at the seed's load (1 000 sensors x 5 attributes x 10 Hz),
# each watching 10 sensors: 1 pinned (high), 3 in view (medium), 6 loaded
# out of view (low) - the load client senseplane-bench-wsload, not a
# browser. Two phases in one run, the same clients: attention (the gateway
# one viewer with one lens, each key at the highest level of its tabs,
# fanned out to each tab at its own level) and the baseline, a plain
# fan-out with attention off (the gateway takes the broadcast feed and
# sends every tab every sample of what it loaded). Reported: the age of
# what each client is shown, per level, p50/p99 (target: within the
# level's interval + 20 ms at p99: high 20, medium 70, low 220 ms), and
# the gateway's CPU seconds per million samples delivered.
#
#   tools/bench/b8.sh [--clients N] [--seconds S] [--json FILE]
#
# Needs root (a namespace and a veth pair, cleaned up at exit).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
clients=1000; secs=10; json=""
while [ $# -gt 0 ]; do
    case "$1" in
    --clients) clients=$2; shift ;;
    --seconds) secs=$2; shift ;;
    --json) json=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "b8: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-b8.XXXXXX)
NS=spb8-$$; DPIF=spb8d$$; NSIF=spb8n$$; PREFIX=spb8-$$
pids=()
cleanup() {
    sp_teardown "$NS" "$DPIF" "${pids[@]}"
    rm -rf "$W" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT
sp_veth "$NS" "$DPIF" "$NSIF"
# one group per tab: the kernel's default of 20 memberships is per socket,
# but the namespace's table of groups wants room
ip netns exec "$NS" sysctl -qw net.ipv4.igmp_max_memberships=4096

"$B/dataplane/senseplane-dp" --no-huge --no-pci -l 0-1 -m 2048 \
    --file-prefix "$PREFIX" --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set dataplane.history_mb=256 --set "control.socket=$W/dp.sock" \
    --set attention.max_viewers=$((clients + 64)) \
    --set attention.max_outs=$((clients + 1100)) \
    --set attention.max_routes=1048576 --set attention.max_subs=262144 \
    --set attention.sensor_feeds=false --set attention.tier_feeds=false \
    --set dataplane.idle_sleep_us=200 \
    > "$W/dp.log" 2>&1 &
DPPID=$!; pids+=("$DPPID")
sp_wait_running "$W/dp.log" || exit 1
ip netns exec "$NS" "$B/tools/sim/senseplane-sim" --dest 10.99.0.1:7400 \
    --sensors 1000 --hz 10 \
    --attrs heartrate,temperature,humidity,battery,accelerometer \
    --seconds $((4 * secs + 60)) --quiet > "$W/sim.log" 2>&1 &
SIM=$!; pids+=("$SIM")

cpu() {   # cpu PID: user + system seconds
    awk '{ printf "%.2f\n", ($14 + $15) / 100 }' "/proc/$1/stat"
}
phase() {   # phase NAME GATEWAY_ARGS...
    local name=$1; shift
    ip netns exec "$NS" "$B/tools/web/senseplane-web" --listen 10.99.0.2:8090 \
        --control "$W/dp.sock" --iface-addr 10.99.0.2 --sensors 1-1000 \
        --attrs heartrate,temperature,humidity,battery,accelerometer \
        --max-tabs $((clients + 10)) --www "$ROOT/tools/web/www" \
        --stats "$W/$name-web.json" "$@" > "$W/$name-web.log" 2>&1 &
    local gw=$!; pids+=("$gw")
    for _ in $(seq 50); do grep -q "senseplane-web: http" "$W/$name-web.log" && break; sleep 0.1; done
    # connect, let every tab report and settle, then measure
    ip netns exec "$NS" "$B/tools/bench/senseplane-bench-wsload" \
        --connect 10.99.0.2:8090 --clients "$clients" --sensors 1000 \
        --seconds $((secs + 8)) --warmup 8 > "$W/$name-load.json" &
    local ld=$!
    sleep 8
    local c0; c0=$(cpu "$gw"); local s0; s0=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["msgs_out"])' "$W/$name-web.json")
    sleep "$secs"
    local c1; c1=$(cpu "$gw"); local s1; s1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["msgs_out"])' "$W/$name-web.json")
    wait "$ld" || true
    # what the dataplane sees of the gateway: its viewers and lenses
    python3 "$ROOT/tests/lib/spctl.py" "$W/dp.sock" "viewer ls" "feeds" |
        python3 -c 'import json, sys
v, f = [json.loads(l) for l in sys.stdin]
print(json.dumps({"viewers": len(v["viewers"]), "lenses": len([x for x in f["feeds"] if x["kind"] == "lens"])}))' > "$W/$name-dp.json"
    python3 -c 'import json,sys; print(json.dumps({"cpu_s": float(sys.argv[2]) - float(sys.argv[1]), "msgs_out": int(sys.argv[4]) - int(sys.argv[3]), "secs": float(sys.argv[5])}))' "$c0" "$c1" "$s0" "$s1" "$secs" > "$W/$name-gw.json"
    kill -TERM "$gw"; wait "$gw" 2>/dev/null || true
}
CTL="python3 $ROOT/tests/lib/spctl.py $W/dp.sock"
phase attention
# the baseline: attention off, every sample on the broadcast feed
$CTL "flags set attention off" > /dev/null
phase fanout --fanout 239.77.0.1:7500
$CTL "flags set attention on" > /dev/null
python3 - "$W" "$clients" "$json" <<'PY'
import json, sys
w, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
res = {}
for p in ("attention", "fanout"):
    l = json.load(open("%s/%s-load.json" % (w, p)))
    g = json.load(open("%s/%s-gw.json" % (w, p)))
    st = json.load(open("%s/%s-web.json" % (w, p)))
    dp = json.load(open("%s/%s-dp.json" % (w, p)))
    res[p] = {"load": l, "gateway": g, "web": st, "dataplane": dp,
              "cpu_s_per_m_msgs": g["cpu_s"] / max(g["msgs_out"], 1) * 1e6,
              "gateway_cpu_share": g["cpu_s"] / g["secs"],
              "msgs_out_s": g["msgs_out"] / g["secs"]}
print("B8: %d WebSocket clients on one senseplane-web, 1 000 sensors x 5 attributes x 10 Hz" % n)
print("%-44s %14s %14s" % ("", "attention", "fan-out (base)"))
a, f = res["attention"], res["fanout"]
print("%-44s %14d %14d" % ("clients open", a["load"]["open"], f["load"]["open"]))
print("%-44s %14.0f %14.0f" % ("messages/s to browsers", a["msgs_out_s"], f["msgs_out_s"]))
print("%-44s %14.2f %14.2f" % ("gateway CPU (cores)", a["gateway_cpu_share"], f["gateway_cpu_share"]))
print("%-44s %14.2f %14.2f" % ("gateway CPU s per million messages", a["cpu_s_per_m_msgs"], f["cpu_s_per_m_msgs"]))
print("%-44s %14d %14d" % ("shed by the gateway", a["web"]["shed"], f["web"]["shed"]))
print("%-44s %14s %14s" % ("dataplane viewers / lenses (the gateway's)",
      "%d / %d" % (a["dataplane"]["viewers"], a["dataplane"]["lenses"]),
      "%d / %d" % (f["dataplane"]["viewers"], f["dataplane"]["lenses"])))
limit = {"high": 20, "medium": 70, "low": 220}
for lv in ("high", "medium", "low"):
    print("%-44s %14s %14s" % ("age at the client, %s: p50 / p99 ms" % lv,
        "%.1f / %.1f" % (a["load"][lv]["age_p50_ms"], a["load"][lv]["age_p99_ms"]),
        "%.1f / %.1f" % (f["load"][lv]["age_p50_ms"], f["load"][lv]["age_p99_ms"])))
ok = all(a["load"][lv]["age_p99_ms"] <= limit[lv] for lv in limit)
print("target (p99 <= interval + 20 ms: high 20, medium 70, low 220) with attention: %s" % ("met" if ok else "NOT met"))
res["target_met"] = ok
if out:
    json.dump(res, open(out, "w"), indent=1)
PY
