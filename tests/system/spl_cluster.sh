#!/usr/bin/env bash
# libsenseplane's attention across the cluster (issue 15): a program that
# knows only Redis (the Python binding with redis=URL) adds a viewer,
# subscribes with a TTL and pins; the node's daemon applies it to the
# dataplane that owns the sensor; the hover lapses at its TTL, and
# removing the viewer removes its subscriptions there. Its receive side
# joins the viewer's lens and gets the sensor's samples.
. "$(dirname "$0")/../lib/common.sh"

RPORT=6398
RURL=redis://127.0.0.1:$RPORT/0
export SENSEPLANE_LIB=$T_BUILD/tools/libsenseplane/libsenseplane.so.1
export PYTHONPATH=$T_ROOT/tools/libsenseplane/python
# the program runs in the namespace (where the lens arrives): it reaches
# Redis on its UNIX socket, the daemon on TCP
t_redis redis $RPORT --unixsocket "$T_DIR/redis.sock"
PURL=unix://$T_DIR/redis.sock
t_veth_setup splc
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
"$CTLD" --node nodeC --redis "$RURL" --socket "$SOCK" \
    --set controlplane.api=127.0.0.1:7472 --set controlplane.metrics= \
    > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 10 --hz 20 \
    --attrs heartrate --seconds 12 --quiet &
T_PIDS+=("$!")
sleep 1.5
lvl() { $CTL "attention $1" | t_eval - "[k['level'] for k in d['attention']['keys'] if k['name'] == 'heartrate'][0]"; }

ip netns exec "$NS" env SENSEPLANE_LIB="$SENSEPLANE_LIB" PYTHONPATH="$PYTHONPATH" \
    python3 - "$PURL" "$T_ROOT/config/attributes.conf" > "$T_DIR/py.log" 2>&1 <<'PY' &
import sys, time, senseplane
f = senseplane.Feed(redis=sys.argv[1], catalog=sys.argv[2], iface="10.99.0.2")
f.viewer_add("pyc", "239.79.0.21:7621", "medium")
f.subscribe("pyc", 4, "heartrate", "high", ttl_ms=1500)
f.subscribe("pyc", 6)
f.pin(8)
f.join("239.79.0.21:7621")
print("asked", flush=True)
got = set()
end = time.time() + 4
while time.time() < end:
    s = f.next(0.2)
    if s:
        got.add(s.sensor)
print("sensors", sorted(got), flush=True)
time.sleep(1)
f.viewer_rm("pyc")
print("removed", flush=True)
time.sleep(3)
PY
PY_PID=$!; T_PIDS+=("$PY_PID")
t_wait_for "$T_DIR/py.log" "asked" 10
sleep 0.5
t_check "the hover through Redis is high in the dataplane" "$(lvl 4)" high
t_check "a subscription at the viewer's level (medium)" "$(lvl 6)" medium
t_check "the pin through Redis" "$(lvl 8)" high
t_check "Redis holds the viewer" "$(redis-cli -p $RPORT hget sp:viewer:pyc dest)" "239.79.0.21:7621"
sleep 1.5
t_check "the hover lapsed at its TTL (1.5 s)" "$(lvl 4)" none
t_wait_for "$T_DIR/py.log" "sensors" 10
t_log "python: $(grep sensors "$T_DIR/py.log")"
t_check "its lens brought sensors 4 and 6 (and nothing else)" "$(grep sensors "$T_DIR/py.log")" "sensors [4, 6]"
t_wait_for "$T_DIR/py.log" "removed" 10
sleep 0.5
t_check "viewer removed: its subscription gone from the dataplane" "$(lvl 6)" none
t_check "... and from Redis" "$(redis-cli -p $RPORT exists sp:viewer:pyc)" 0
wait "$PY_PID" || true
t_stop "$DPPID" 20 || true
exit $T_FAILS
