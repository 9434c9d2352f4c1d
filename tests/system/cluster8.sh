#!/usr/bin/env bash
# Eight nodes on one Redis (issue 14): eight dataplanes on veth pairs into
# their own namespaces (one lcore each, napping when idle so that eight
# fit on this machine's two cores), eight senseplane-ctld, 50 sensors a
# node:
#  1. every node's cache holds all 400 sensors; cross-node visibility p99
#     is printed (a benchmark figure: senseplane-bench) and only bounded
#     by 1 s, what an event-driven cache that works keeps on any machine;
#  2. kill -9 of one daemon: every other node says its sensors' node is
#     down (the time printed; bounded by 30 s, a node never said down); no sensor has two owners, and each
#     sensor's owner in Redis is the node whose set has it;
#  3. a viewer in cluster mode on node 2's sensor receives it (through the
#     owning node, from the CLI that knows only Redis).
. "$(dirname "$0")/../lib/common.sh"

RPORT=$(t_port)   # ports of its own: the same suites may run beside it
RURL=redis://127.0.0.1:$RPORT/0
N=8
t_redis redis $RPORT
set +m
start_dp8() {   # start_dp8 I: one dataplane; 0 once it runs
    "$DP" --no-huge --no-pci --lcores "0@$(( $1 % 2 ))" -m 256 \
        --file-prefix "$T_PREFIX-$1" --vdev "net_af_packet0,iface=spd8$1$$" -- \
        --set dataplane.history_mb=8 --set dataplane.idle_sleep_us=500 \
        --set "control.socket=$T_DIR/dp$1.sock" > "$T_DIR/dp$1.log" 2>&1 &
    local pid=$!
    T_PIDS+=("$pid")
    for _ in $(seq 300); do
        grep -q running "$T_DIR/dp$1.log" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
for i in $(seq 1 $N); do
    t_veth_ns "spt-c8$i-$$" "spd8$i$$" "spn8$i$$"
    # DPDK's af_packet derives its fanout group id from the process id and
    # the interface index: two dataplanes started in a row can draw the
    # same one (PACKET_FANOUT: EINVAL, seen once in CI); a new process
    # draws another
    for try in 1 2 3; do
        start_dp8 "$i" && break
        t_log "dataplane $i did not start (try $try): $(grep -m1 'PACKET_FANOUT\|senseplane-dp:' "$T_DIR/dp$i.log")"
    done
done
for i in $(seq 1 $N); do t_wait_for "$T_DIR/dp$i.log" running 5; done
for i in $(seq 1 $N); do
    API[$i]=$(t_port)
    "$CTLD" --node "n$i" --redis "$RURL" --socket "$T_DIR/dp$i.sock" \
        --set "controlplane.api=127.0.0.1:${API[$i]}" \
        --set controlplane.metrics= --set controlplane.resync_s=5 \
        > "$T_DIR/ctld$i.log" 2>&1 &
    T_PIDS+=("$!"); eval "CTLD_$i=$!"
done
for i in $(seq 1 $N); do t_wait_for "$T_DIR/ctld$i.log" "Redis up" 20; done
for i in $(seq 1 $N); do
    ip netns exec "spt-c8$i-$$" "$SIM" --dest 10.99.0.1:7400 --sensors 50 \
        --first-id $(( i * 1000 + 1 )) --hz 5 --attrs heartrate \
        --quiet > "$T_DIR/sim$i.log" 2>&1 &
    # until the test stops it: a fixed run ends while a slowed test still
    # needs its sensors (section 3)
    T_PIDS+=("$!"); eval "SIM_$i=$!"
done

# ---- 1
full_caches() {   # how many nodes' caches hold all 400 sensors
    local i full=0
    for i in $(seq 1 $N); do
        t_api "${API[$i]}" ctld > "$T_DIR/c$i.json"
        [ "$(t_json "$T_DIR/c$i.json" cache_sensors)" = 400 ] && full=$((full + 1))
    done
    echo "$full"
}
t_check_within "1: every node's cache holds the 400 sensors" 30 $N full_caches
worst=0
for i in $(seq 1 $N); do
    worst=$(python3 -c "print(max($worst, $(t_json "$T_DIR/c$i.json" discovery_lag_p99_ms)))")
done
t_log "1: cross-node visibility p99, the worst of $N nodes: $worst ms (a benchmark figure)"
t_check "1: cross-node visibility p99 <= 1 s on every node" "$(t_true "$worst <= 1000")" yes
t_check "1: whereis on node 1 of node 8's sensor" \
    "$(t_api "${API[1]}" "whereis 8007" | t_eval - 'd["node"] + "/" + d["source"]')" n8/cache
nodes_full() {
    "$CLI" --redis "$RURL" --json nodes |
        t_eval - 'sum(1 for n in d["nodes"] if n["alive"] and n["sensors"] == 50)'
}
t_check_within "1: CLI nodes: eight, alive, 50 sensors each" 10 $N nodes_full

# ---- 2: kill -9 of node 5's daemon
t0=$(date +%s%N)
kill -9 "$CTLD_5"
# every other node asked every 20 ms on one connection each: when does it
# say node 5 is down (from the moment of the kill)?
gone=$(python3 - "$t0" "${API[@]}" <<'PY'
import json, socket, sys, time
t0 = int(sys.argv[1]) / 1e9
api = [0] + [int(p) for p in sys.argv[2:]]
conns = {}
for i in (1, 2, 3, 4, 6, 7, 8):
    s = socket.create_connection(("127.0.0.1", api[i]))
    conns[i] = (s, s.makefile("rw"))
down = {}
while len(down) < 7 and time.time() - t0 < 40:
    for i, (s, f) in conns.items():
        if i in down:
            continue
        f.write("whereis 5003\n"); f.flush()
        if json.loads(f.readline()).get("alive") is False:
            down[i] = (time.time() - t0) * 1000
    time.sleep(0.02)
print(int(max(down.values())) if len(down) == 7 else 99999)
PY
)
t_log "2: every other node says node 5 is down $gone ms after its daemon was killed (TTL 3000 ms)"
# a bound on the mechanism (the node key's expiry, seen by the 500 ms
# liveness poll), not on this machine's speed (cluster.sh took 8.7 s
# at a load of 23 on two CPUs)
t_check "2: on all seven (within 30 s)" "$(t_true "${gone:-99999} <= 30000")" yes
owners=$(python3 - "$RPORT" <<'PY'
import subprocess, sys
r = lambda *a: subprocess.run(["redis-cli", "-p", sys.argv[1]] + list(a),
                              capture_output=True, text=True).stdout.split()
seen, two, wrong = {}, 0, 0
for node in r("smembers", "sp:nodes"):
    for s in r("smembers", "sp:node:%s:sensors" % node):
        two += s in seen
        seen[s] = node
for s, node in seen.items():
    h = r("hget", "sp:sensor:%s" % s, "node")
    wrong += (h[0] if h else None) != node
print("%d %d %d" % (len(seen), two, wrong))
PY
)
t_log "2: sensors in the nodes' sets, in two sets, owner disagreeing: $owners"
t_check "2: 400 sensors, none with two owners, every owner as its set says" "$owners" "400 0 0"

# ---- 3: a viewer in cluster mode on node 2's sensor 2005
# (it runs until stopped: its window opens once node 2's dataplane routes
# the sensor to it, not at a moment the CLI calls may have outlasted)
t_view "spt-c82-$$" wall 239.79.0.1:7601
"$CLI" --redis "$RURL" viewer add wall 239.79.0.1:7601 high > /dev/null
"$CLI" --redis "$RURL" sub add wall 2005/heartrate > /dev/null
routed() {
    python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dp2.sock" "sub ls wall" |
        t_eval - '[s["sensor"] for s in d["subs"]]'
}
t_check_within "3: node 2's dataplane has the subscription" 20 "[2005]" routed
sleep 4   # the viewer's window: 5 samples/s for 4 s
t_stop "$VPID" 10 || true
t_check "3: the lens on node 2 carries sensor 2005" "$(t_json "$T_DIR/wall.json" sensor_min)-$(t_json "$T_DIR/wall.json" sensor_max)" 2005-2005
t_check "3: ... every sample (5/s, >= 12 in its 4 s; none missing)" "$(t_true "$(t_json "$T_DIR/wall.json" samples) >= 12 and $(t_json "$T_DIR/wall.json" missing) == 0")" yes
for i in $(seq 1 $N); do eval "t_stop \$SIM_$i 10" || true; done
exit $T_FAILS
