#!/usr/bin/env bash
# libsenseplane's attention across the cluster (issue 15): a program that
# knows only Redis (the Python binding with redis=URL) adds a viewer,
# subscribes with a TTL and pins; the node's daemon applies it to the
# dataplane that owns the sensor; the hover lapses at its TTL, and
# removing the viewer removes its subscriptions there. Its receive side
# joins the viewer's lens and gets the sensor's samples.
. "$(dirname "$0")/../lib/common.sh"

RPORT=$(t_port); API=$(t_port)   # its own: the same suites may run beside it
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
    --set controlplane.api=127.0.0.1:$API --set controlplane.metrics= \
    > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
# the simulator runs until the test stops it
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 10 --hz 20 \
    --attrs heartrate --quiet &
SIMPID=$!; T_PIDS+=("$SIMPID")
lvl() { $CTL "attention $1" | t_eval - "[k['level'] for k in d['attention']['keys'] if k['name'] == 'heartrate'][0]"; }
t_until 20 lvl 4 || { t_log "the sensors never reached the dataplane"; exit 1; }

# The program asks, receives until its lens has brought both subscribed
# sensors (or 20 s), and removes the viewer only when the test says so
# (the file rm): the test's checks run while the viewer exists however
# long they take. The hover's TTL (5 s) outlasts the test's own steps;
# its lapse is measured from the moment it was asked (printed in ms): not
# before the TTL, and bounded only by TTL + 15 s (a hover that never
# lapses; a loaded machine's polls saw it 10.2 s after it was asked).
HOVER_TTL=5000
ip netns exec "$NS" env SENSEPLANE_LIB="$SENSEPLANE_LIB" PYTHONPATH="$PYTHONPATH" \
    python3 - "$PURL" "$T_ROOT/config/attributes.conf" "$HOVER_TTL" "$T_DIR/rm" \
    > "$T_DIR/py.log" 2>&1 <<'PY' &
import os, sys, time, senseplane
f = senseplane.Feed(redis=sys.argv[1], catalog=sys.argv[2], iface="10.99.0.2")
f.viewer_add("pyc", "239.79.0.21:7621", "medium")
t_asked = int(time.time() * 1000)
f.subscribe("pyc", 4, "heartrate", "high", ttl_ms=int(sys.argv[3]))
f.subscribe("pyc", 6)
f.pin(8)
f.join("239.79.0.21:7621")
print("asked", t_asked, flush=True)
got = set()
end = time.time() + 20
while time.time() < end and not {4, 6} <= got:
    s = f.next(0.2)
    if s:
        got.add(s.sensor)
print("sensors", sorted(got), flush=True)
end = time.time() + 60
while not os.path.exists(sys.argv[4]) and time.time() < end:
    time.sleep(0.05)
f.viewer_rm("pyc")
print("removed", flush=True)
PY
PY_PID=$!; T_PIDS+=("$PY_PID")
t_wait_for "$T_DIR/py.log" "asked" 20
t_asked=$(sed -n 's/^asked //p' "$T_DIR/py.log")
t_check_within "the hover through Redis is high in the dataplane" 4 high lvl 4
t_check_within "a subscription at the viewer's level (medium)" 10 medium lvl 6
t_check_within "the pin through Redis" 10 high lvl 8
t_check "Redis holds the viewer" "$(redis-cli -p $RPORT hget sp:viewer:pyc dest)" "239.79.0.21:7621"
# the lapse, against the moment the hover was asked
lapsed() { [ "$(lvl 4)" = none ]; }
t_until 30 lapsed || true
lapse_ms=$(( $(date +%s%3N) - t_asked ))
t_log "the hover lapsed $lapse_ms ms after it was asked (TTL $HOVER_TTL ms; the time a poll saw it)"
t_check "the hover lapsed, not before its TTL ($HOVER_TTL ms, +15 s)" \
    "$(t_true "$HOVER_TTL <= $lapse_ms <= $HOVER_TTL + 15000")" yes
t_wait_for "$T_DIR/py.log" "sensors" 30
t_log "python: $(grep sensors "$T_DIR/py.log")"
t_check "its lens brought sensors 4 and 6 (and nothing else)" "$(grep sensors "$T_DIR/py.log")" "sensors [4, 6]"
touch "$T_DIR/rm"
t_wait_for "$T_DIR/py.log" "removed" 20
t_check_within "viewer removed: its subscription gone from the dataplane" 10 none lvl 6
t_check "... and from Redis" "$(redis-cli -p $RPORT exists sp:viewer:pyc)" 0
wait "$PY_PID" || true
t_stop "$SIMPID" 10 || true
t_stop "$DPPID" 20 || true
exit $T_FAILS
