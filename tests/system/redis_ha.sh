#!/usr/bin/env bash
# Redis high availability, for real (issue 14): a primary, a replica and
# three redis-sentinel processes on loopback; two nodes (dataplane on a
# veth pair into its own namespace, daemon with a sentinel:// URL) under
# the simulator's load.
#  1. SENTINEL FAILOVER: both daemons follow the new primary within 5 s
#     (their node keys are kept alive there), no registration and no
#     subscription is lost, and the dataplanes drop nothing meanwhile;
#  2. CLIENT KILL TYPE pubsub during 100 subscription changes: 1 s after
#     the last, every dataplane's subscriptions are Redis's for its sensors;
#  3. DEBUG SLEEP 5: the dataplanes keep their rate and drop nothing; the
#     CLI gives up with a non-zero exit instead of waiting.
. "$(dirname "$0")/../lib/common.sh"

P1=6411; P2=6412; S=(26411 26412 26413)
t_redis p1 $P1 --enable-debug-command local
t_redis p2 $P2 --replicaof 127.0.0.1 $P1 --enable-debug-command local
for p in "${S[@]}"; do
    mkdir -p "$T_DIR/s$p"
    cat > "$T_DIR/s$p/sentinel.conf" <<EOC
port $p
bind 127.0.0.1
dir $T_DIR/s$p
sentinel monitor sp 127.0.0.1 $P1 2
sentinel down-after-milliseconds sp 1000
sentinel failover-timeout sp 4000
EOC
    redis-sentinel "$T_DIR/s$p/sentinel.conf" --logfile "$T_DIR/s$p/log" > /dev/null 2>&1 &
    T_PIDS+=("$!")
done
for _ in $(seq 1 50); do
    [ "$(redis-cli -p ${S[0]} SENTINEL get-master-addr-by-name sp 2>/dev/null | tail -1)" = "$P1" ] && \
    [ "$(redis-cli -p ${S[0]} SENTINEL replicas sp 2>/dev/null | grep -c "$P2")" -ge 1 ] && break
    sleep 0.2
done
URL="sentinel://127.0.0.1:${S[0]},127.0.0.1:${S[1]},127.0.0.1:${S[2]}/sp"
set +m
node() {   # node NAME CORE API_PORT FIRST_ID
    local n=$1
    t_dp_ns ha "$n" "$2"
    "$CTLD" --node "node$n" --redis "$URL" --socket "$T_DIR/dp$n.sock" \
        --set "controlplane.api=127.0.0.1:$3" --set controlplane.metrics= \
        --set controlplane.resync_s=2 --set controlplane.heartbeat_ms=200 \
        --set controlplane.node_ttl_ms=1500 > "$T_DIR/ctld$n.log" 2>&1 &
    T_PIDS+=("$!")
    t_wait_for "$T_DIR/ctld$n.log" "Redis up" 10
    ip netns exec "spt-ha$n-$$" "$SIM" --dest 10.99.0.1:7400 --sensors 50 \
        --first-id "$4" --hz 10 --attrs heartrate --seconds 120 --quiet \
        --summary "$T_DIR/sim$n.json" &
    T_PIDS+=("$!"); eval "SIM_$n=$!"
}
node A 0 7491 1
node B 1 7492 101
CLI_R() { "$CLI" --redis "$URL" "$@"; }
CLI_R viewer add wall 239.79.0.1:7601 medium > /dev/null
for s in 5 6 105; do CLI_R sub add wall "$s" > /dev/null; done
snap() {   # snap PORT: registrations and subscriptions in that Redis
    echo "$(redis-cli -p "$1" scard sp:node:nodeA:sensors) $(redis-cli -p "$1" scard sp:node:nodeB:sensors) $(redis-cli -p "$1" scard sp:viewer:wall:subs)"
}
for _ in $(seq 1 50); do [ "$(snap $P1)" = "50 50 3" ] && break; sleep 0.1; done
BEFORE=$(snap $P1)
t_check "0: both nodes registered, the subscriptions written" "$BEFORE" "50 50 3"
drops() { python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dp$1.sock" stats | t_eval - 'd["totals"]["drops"]'; }

# ---- 1: failover
t_log "1: SENTINEL FAILOVER"
T0=$(date +%s%N)
redis-cli -p ${S[0]} SENTINEL FAILOVER sp > /dev/null
NEW=
for _ in $(seq 1 100); do
    NEW=$(redis-cli -p ${S[0]} SENTINEL get-master-addr-by-name sp | tail -1)
    [ "$NEW" = "$P2" ] && break
    sleep 0.05
done
t_check "1: Sentinel names the replica primary" "$NEW" "$P2"
# followed: each node key kept alive (heartbeat 200 ms, TTL 1.5 s) on the
# new primary, 2 s after it took over
# followed: both daemons connected again (redis_connects 2) and up
FOLLOW=$(python3 - "$T0" "$T_DIR/follow.txt" <<'PY'
import json, socket, sys, time
t0 = int(sys.argv[1]) / 1e9
def ctld(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"ctld\n")
    return json.loads(s.makefile().readline())
log = open(sys.argv[2], "w")
while time.time() - t0 < 30:
    a, b = ctld(7491), ctld(7492)
    log.write("%.3f A %d %s B %d %s\n" % (time.time() - t0, a["redis_connects"], a["redis_up"], b["redis_connects"], b["redis_up"]))
    if a["redis_connects"] >= 2 and b["redis_connects"] >= 2 and a["redis_up"] and b["redis_up"]:
        print(int((time.time() - t0) * 1000)); break
    time.sleep(0.01)
else:
    print("none")
PY
)
t_log "1: both daemons reconnected and writing to the new primary after $FOLLOW ms"
t_check "1: both follow the new primary within 5 s" "$(t_true "'$FOLLOW' != 'none' and $FOLLOW <= 5000")" yes
sleep 3
t_check "1: their node keys alive on the new primary 3 s later (heartbeats go to it)" \
    "$(t_true "$(redis-cli -p $P2 pttl sp:node:nodeA) > 500 and $(redis-cli -p $P2 pttl sp:node:nodeB) > 500")" yes
t_check "1: no registration or subscription lost" "$(snap $P2)" "$BEFORE"
t_check "1: node A's dataplane still has the subscriptions" \
    "$(python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dpA.sock" "sub ls wall" | t_eval - 'sorted(s["sensor"] for s in d["subs"])')" "[5, 6]"
t_check "1: the dataplanes dropped nothing" "$(drops A) $(drops B)" "0 0"

# ---- 2: pubsub connections killed during 100 subscription changes
# (the daemons' subscriptions to the channel; the Sentinels' own links are
# spared, or they would fail over for it)
kill_pubsub() {
    redis-cli -p $P2 CLIENT LIST TYPE pubsub | grep -v 'name=sentinel-' | \
        sed -n 's/^id=\([0-9]*\) .*/\1/p' | while read -r id; do
            redis-cli -p $P2 CLIENT KILL ID "$id" > /dev/null; done
}
t_log "2: CLIENT KILL TYPE pubsub during 100 subscription changes"
for i in $(seq 1 100); do
    s=$(( (i * 7) % 50 + 1 + (i % 2) * 100 ))        # sensors of both nodes
    if [ $((i % 3)) = 0 ]; then CLI_R sub rm wall "$s" > /dev/null 2>&1 || true
    else CLI_R sub add wall "$s" "$( [ $((i % 2)) = 0 ] && echo high || echo low )" > /dev/null; fi
    if [ $((i % 10)) = 0 ]; then kill_pubsub; fi
done
sleep 1
for n in A B; do
    lo=$([ $n = A ] && echo 1 || echo 101)
    WANT=$(for m in $(redis-cli -p $P2 smembers sp:viewer:wall:subs); do
        [ "${m%%/*}" -ge $lo ] && [ "${m%%/*}" -lt $((lo + 50)) ] && echo "$m:$(redis-cli -p $P2 get "sp:sub:wall:$m")"; done | sort -n | tr '\n' ' ')
    t_check "2: node $n's subscriptions equal Redis's, 1 s after" \
        "$(python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dp$n.sock" "sub ls wall" | t_eval - '" ".join("%d:%s" % (s["sensor"], s["level"]) for s in sorted(d["subs"], key=lambda s: s["sensor"]))') " "$WANT"
done

# ---- 3: Redis asleep
t_log "3: DEBUG SLEEP 5 on the primary"
# (the Sentinels must not fail over meanwhile: 5 s is not down for them)
for p in "${S[@]}"; do redis-cli -p "$p" SENTINEL SET sp down-after-milliseconds 30000; done > "$T_DIR/sset.txt" 2>&1
t_check "3: the Sentinels wait 30 s now" "$(grep -c '^OK$' "$T_DIR/sset.txt")" 3
RX0=$(python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dpA.sock" stats | t_eval - 'd["totals"]["sensor_pkts"]')
redis-cli -p $P2 DEBUG SLEEP 5 > "$T_DIR/sleep.txt" 2>&1 &
SLEEPER=$!
sleep 0.3
T1=$(date +%s%N); rc=0
timeout 10 "$CLI" --redis "$URL" viewer ls > "$T_DIR/cli_sleep.txt" 2>&1 || rc=$?
MS=$(( ($(date +%s%N) - T1) / 1000000 ))
t_log "3: the CLI gave up after $MS ms with exit $rc: $(head -1 "$T_DIR/cli_sleep.txt")"
t_check "3: the CLI times out with a non-zero exit, before Redis wakes" "$(t_true "$rc not in (0, 124) and $MS < 4500")" yes
wait $SLEEPER || true
t_check "3: Redis slept" "$(cat "$T_DIR/sleep.txt")" OK
RX1=$(python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dpA.sock" stats | t_eval - 'd["totals"]["sensor_pkts"]')
t_log "3: node A took $((RX1 - RX0)) sensor packets during the sleep (50 sensors at 10/s: about 2 500 in 5 s)"
t_check "3: the dataplane kept its rate" "$(t_true "$((RX1 - RX0)) >= 2300")" yes
t_check "3: and dropped nothing" "$(drops A) $(drops B)" "0 0"
t_done
