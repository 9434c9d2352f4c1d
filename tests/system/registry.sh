#!/usr/bin/env bash
# The node's sensors in Redis, one node (controlplane/SCHEMA.md):
#  1. 600 sensors registered: each with its node, epoch 1, first_seen,
#     in the node's set, in batches (one script call per 256);
#  2. they go silent: each is marked idle in Redis (waited for up to
#     idle_s + 10 s: a bound on the mechanism, not this machine's speed),
#     in a few batched events (not one command and one message a sensor);
#     sending again clears the mark;
#  3. a sensor hash another client wrote without an event is in the cache
#     after the next resync (a SCAN page, its hashes read by pipelined
#     HMGETs), and the keys beside the hashes (sensor:ID:subs) are
#     skipped without an error;
#  4. Redis restarted empty: every sensor written back (idle ones idle),
#     and the subscriptions that name them applied again;
#  5. a dataplane whose event ring overflowed (events_lost): the daemon
#     registers every sensor again, and none is missing; a subscription
#     made before its sensor existed applies when the sensor registers.
. "$(dirname "$0")/../lib/common.sh"

set +m   # the kill -9 of Redis is the test's own
RPORT=$(t_port); API_R=$(t_port); API_Q=$(t_port)   # its own: the same suites may run beside it
RURL=redis://127.0.0.1:$RPORT/0
N=600
t_redis redis $RPORT
t_veth_setup rg
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set dataplane.idle_s=2 --set "control.socket=$SOCK"
"$CTLD" --node nodeR --redis "$RURL" --socket "$SOCK" \
    --set controlplane.api=127.0.0.1:$API_R --set controlplane.metrics= \
    --set controlplane.resync_s=1 > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
# every message on the channel, for counting the idle events
redis-cli -p $RPORT --no-raw subscribe sp:events > "$T_DIR/events.txt" 2>&1 &
T_PIDS+=("$!")
sim() {   # sim SECONDS: the N sensors at 2 Hz
    ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors $N --hz 2 \
        --attrs heartrate --seconds "$1" --quiet > /dev/null 2>&1
}
ctld() { t_api $API_R ctld | t_eval - "d[\"$1\"]"; }
sim 2

# ---- 1: registered
t_check_within "1: all $N sensors in the node's set" 10 $N \
    redis-cli -p $RPORT scard sp:node:nodeR:sensors
t_check "1: sensor 17: node, epoch 1, first_seen, not idle" \
    "$(redis-cli -p $RPORT hmget sp:sensor:17 node epoch idle | tr '\n' ' ')$(( $(redis-cli -p $RPORT hget sp:sensor:17 first_seen) > 1700000000000 ))" \
    "nodeR 1 0 1"
w1=$(ctld registry_writes); b1=$(ctld registry_batches)
t_log "1: $w1 registrations in $b1 script calls (what came within each 1 ms)"
t_check "1: every sensor written once, fewer calls than sensors" "$w1 $(( b1 < w1 ))" "$N 1"

# ---- 2: silent -> idle, in batched events
idle_count() {
    redis-cli -p $RPORT --eval /dev/stdin 0 <<'LUA'
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', 'sp:node:nodeR:sensors')) do
  if redis.call('HGET', 'sp:sensor:' .. id, 'idle') == '1' then n = n + 1 end
end
return n
LUA
}
t_check_within "2: every sensor marked idle (idle_s 2 s)" 12 $N idle_count
t_check "2: the daemon counts them" "$(ctld idle_writes)" $N
ev=$(grep -c ':g' "$T_DIR/events.txt" || true)
gs=$(grep -o '[0-9]*:[0-9]*:g' "$T_DIR/events.txt" | wc -l)
t_log "2: $gs idle marks in $ev events"
t_check "2: said on the channel, every one, in a few events" \
    "$gs $(( ev >= 1 && ev <= N / 10 ))" "$N 1"
t_check "2: ... with the sensor's epoch" \
    "$(grep -o '\b17:[0-9]*:g' "$T_DIR/events.txt" | head -n 1)" "17:1:g"
t_check "2: the cache follows" "$(t_api $API_R 'whereis 17' | t_eval - 'd["idle"]')" True
# sending until the test has seen the mark cleared: a simulator that
# stopped by itself would let the sensor go idle again (idle_s after its
# last packet) while a slowed test still looks
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors $N --hz 2 \
    --attrs heartrate --quiet > /dev/null 2>&1 &
SIMPID=$!; T_PIDS+=("$SIMPID")
t_check_within "2: sending again clears the mark" 30 "0" \
    redis-cli -p $RPORT hget sp:sensor:17 idle
t_stop "$SIMPID" 10 || true

# ---- 3: the cache resync reads what no event said
redis-cli -p $RPORT hset sp:sensor:999999 node ghost epoch 4 idle 0 lcore 0 > /dev/null
redis-cli -p $RPORT sadd sp:sensor:999999:subs someone > /dev/null
where() { t_api $API_R "whereis 999999" | t_eval - '"%s/%s/%s" % (d.get("node"), d.get("epoch"), d.get("source"))'; }
t_check_within "3: a sensor written without an event is cached at the resync (1 s)" 10 \
    ghost/4/cache where
t_check "3: nothing refused on the way" "$(ctld registry_errors)" 0
redis-cli -p $RPORT del sp:sensor:999999 sp:sensor:999999:subs > /dev/null

# ---- 4: Redis restarted empty
"$CLI" --redis "$RURL" viewer add wall 239.79.0.1:7601 high > /dev/null
"$CLI" --redis "$RURL" sub add wall 33/heartrate > /dev/null
# a subscription another client wrote without an event: only the resync,
# which reads every sensor's subscriptions, finds it
redis-cli -p $RPORT set sp:sub:wall:34 low > /dev/null
redis-cli -p $RPORT sadd sp:viewer:wall:subs 34 > /dev/null
redis-cli -p $RPORT sadd sp:sensor:34:subs wall > /dev/null
subs() { $CTL "sub ls wall" | t_eval - 'sorted((s["sensor"], s["level"]) for s in d["subs"])'; }
t_check_within "4: the subscriptions in the dataplane (one by its event, one by the resync)" 10 \
    "[(33, 'high'), (34, 'low')]" subs
t_check_within "4: before: every sensor idle again" 12 $N idle_count
w1=$(ctld registry_writes); b1=$(ctld registry_batches)
kill -9 "$(cat "$T_DIR/redis.pid")"
rm -rf "$T_DIR/redis"
t_redis redis $RPORT
t_check_within "4: every sensor written back" 20 $N \
    redis-cli -p $RPORT scard sp:node:nodeR:sensors
t_check "4: ... in script calls of 256 (writes, calls)" \
    "$(( $(ctld registry_writes) - w1 )) $(( $(ctld registry_batches) - b1 ))" "$N 3"
t_check_within "4: the viewer and its subscriptions restored from the dataplane" 10 \
    "1 high low" bash -c "echo \$(redis-cli -p $RPORT exists sp:viewer:wall) \$(redis-cli -p $RPORT get sp:sub:wall:33/3) \$(redis-cli -p $RPORT get sp:sub:wall:34)"
t_check "4: still one subscription each in the dataplane" "$(subs)" "[(33, 'high'), (34, 'low')]"
t_check "4: ... and the idle ones written back idle" "$(idle_count)" $N
t_check "4: nothing refused" "$(ctld registry_errors)" 0

# ---- 5: a dataplane that lost sensor events (its ring of 64 overflows
# when 3 000 sensors first send within 10 ms): the daemon sees
# events_lost go up and registers every sensor again
t_dp_ns rq Q 0 --set dataplane.events_ring=64
"$CTLD" --node nodeQ --redis "$RURL" --socket "$T_DIR/dpQ.sock" \
    --set controlplane.api=127.0.0.1:$API_Q --set controlplane.metrics= \
    > "$T_DIR/ctldQ.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctldQ.log" "Redis up" 10
# a subscription to a sensor nobody has yet: node Q's daemon (resync 30 s)
# applies it when the sensor becomes its own, by the registration's event
"$CLI" --redis "$RURL" sub add wall 100001/heartrate medium > /dev/null
ip netns exec "spt-rqQ-$$" "$SIM" --dest 10.99.0.1:7400 --sensors 3000 \
    --first-id 100001 --hz 100 --attrs heartrate --seconds 2 --quiet > /dev/null 2>&1
lost=$(python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dpQ.sock" stats | t_eval - 'd["totals"]["events_lost"]')
t_log "5: the dataplane lost $lost of 3000 first-seen events"
t_check "5: (the ring did overflow)" "$(( lost > 0 ))" 1
t_check_within "5: still every sensor registered" 20 3000 \
    redis-cli -p $RPORT scard sp:node:nodeQ:sensors
catchups=$(t_api $API_Q ctld | t_eval - 'd["registry_catchups"]')
t_check "5: by a full pass the daemon counts" "$(( catchups >= 1 ))" 1
# once a pass: a slowed first burst can overflow the ring again after
# the daemon's first look, and each loss it sees is a pass
t_check "5: ... and says in its log, once a pass" "$(grep -c 'lost sensor events' "$T_DIR/ctldQ.log")" "$catchups"
subsQ() { python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dpQ.sock" "sub ls wall" |
    t_eval - 'sorted((s["sensor"], s["level"]) for s in d["subs"])'; }
t_check_within "5: a subscription waiting for its sensor is applied when it registers" 10 \
    "[(100001, 'medium')]" subsQ
t_done
