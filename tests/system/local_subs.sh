#!/usr/bin/env bash
# One rule for what is local (issue 10, item 8): a viewer, its
# subscription and a pin made on a node's own control socket (not in
# Redis) survive the daemon's resyncs, while a subscription of a cluster
# viewer that Redis no longer has is removed. And (item 9) an active
# sensor's last_seen in Redis keeps up with its packets: written every
# controlplane.last_seen_s (1 s here; the default 5 s, or no writes,
# would be a broken mechanism), its age printed and bounded by 1 s + 3 s.
. "$(dirname "$0")/../lib/common.sh"

RPORT=$(t_port); API=$(t_port)   # its own: the same suites may run beside it
RURL=redis://127.0.0.1:$RPORT/0
t_redis redis $RPORT
t_veth_setup ls
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
"$CTLD" --node nodeL --redis "$RURL" --socket "$SOCK" \
    --set controlplane.api=127.0.0.1:$API --set controlplane.metrics= \
    --set controlplane.resync_s=1 --set controlplane.last_seen_s=1 \
    > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
# the simulator runs until the test stops it
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 10 --hz 5 \
    --attrs heartrate --quiet &
SIMPID=$!; T_PIDS+=("$SIMPID")
registered() { [ "$(redis-cli -p $RPORT scard sp:node:nodeL:sensors)" = 10 ]; }
t_until 20 registered || t_log "the sensors are not all registered: $(redis-cli -p $RPORT scard sp:node:nodeL:sensors)"
$CTL "viewer add loc 239.79.0.8:7608 low" "sub add loc 7" "pin 9" > /dev/null
"$CLI" --redis "$RURL" viewer add wall 239.79.0.1:7601 high > /dev/null
"$CLI" --redis "$RURL" sub add wall 5 > /dev/null
subs() { $CTL "sub ls" | python3 -c 'import json,sys; print(sorted((s["viewer"], s["sensor"]) for s in json.load(sys.stdin)["subs"]))'; }
t_check_within "both subscriptions in the dataplane" 10 "[('loc', 7), ('wall', 5)]" subs
# a client removes the cluster subscription without publishing: the
# resync (every second) removes it, and leaves the local one be
redis-cli -p $RPORT del sp:sub:wall:5 > /dev/null
t_check_within "local subscription kept, cluster one Redis dropped removed" 10 "[('loc', 7)]" subs
ls_age() { python3 -c 'import sys,time; print(int(time.time()*1000) - int(sys.argv[1]))' \
    "$(redis-cli -p $RPORT hget sp:sensor:3 last_seen)"; }
# last_seen moves on by itself as the sensor keeps sending
moved_on() {
    echo $(( $(redis-cli -p $RPORT hget sp:sensor:3 last_seen) - $(redis-cli -p $RPORT hget sp:sensor:3 first_seen) > 2000 ))
}
t_check_within "last_seen moved on from first_seen (by 2 s)" 15 1 moved_on
age1=$(ls_age); sleep 1.5; age2=$(ls_age)
t_log "last_seen of sensor 3 is $age1 ms, then $age2 ms old (sensor sends every 200 ms, last_seen_s 1 s)"
t_check "last_seen live: within last_seen_s + 3 s, twice" \
    "$(( age1 <= 4000 && age2 <= 4000 ))" 1
t_check "local pin kept" "$($CTL pins | t_eval - 'd["pins"]')" "[9]"
t_check "the daemon counts what it left be" \
    "$(( $(t_api $API ctld | t_eval - 'd["subs_local"]') > 0 ))" 1
t_stop "$SIMPID" 10 || true
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
