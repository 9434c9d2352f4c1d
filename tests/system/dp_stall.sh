#!/usr/bin/env bash
# A dataplane that stops answering (issue 10, item 7): stopped with
# SIGSTOP for 10 s, it must not stop its daemon's loop. The node stays
# alive in Redis the whole time, the node API and /metrics keep
# answering at once, the daemon says what is wrong (log, `ctld`'s
# dp_error, senseplane_dp_up 0), and after SIGCONT it is back.
. "$(dirname "$0")/../lib/common.sh"

RPORT=6398
RURL=redis://127.0.0.1:$RPORT/0
t_redis redis $RPORT
t_start_dp --no-huge --no-pci -l 0 -m 256 --vdev net_null0 -- \
    --set dataplane.history_mb=8 --set "control.socket=$T_DIR/dp.sock"
"$CTLD" --node nodeS --redis "$RURL" --socket "$T_DIR/dp.sock" \
    --set controlplane.api=127.0.0.1:7481 --set controlplane.metrics=127.0.0.1:9481 \
    --set controlplane.resync_s=1 > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
t_wait_for "$T_DIR/ctld.log" "session" 10
sleep 1.5
t_check "before: dataplane up in /metrics" "$(curl -s -m 1 127.0.0.1:9481/metrics | grep -c '^senseplane_dp_up{node="nodeS"} 1')" 1

kill -STOP "$DPPID"
alive_misses=0; slow=0; n=0
end=$(( $(date +%s) + 10 ))
while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(redis-cli -p $RPORT exists sp:node:nodeS)" = 1 ] || alive_misses=$((alive_misses + 1))
    t0=$(date +%s%N)
    t_api 7481 ctld > "$T_DIR/ctld.json" || slow=$((slow + 1))
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 500 ] || slow=$((slow + 1))
    n=$((n + 1))
    sleep 0.4
done
curl -s -m 1 127.0.0.1:9481/metrics > "$T_DIR/metrics.txt" || true
# a request for the dataplane gets an answer too: the reason
python3 - > "$T_DIR/fwd.json" <<'PY'
import socket
s = socket.create_connection(("127.0.0.1", 7481), timeout=6)
s.sendall(b"flags\n")
print(s.makefile().readline().strip())
PY
kill -CONT "$DPPID"
t_log "$n probes during the 10 s stall"
t_check "node alive in Redis at every probe" "$alive_misses" 0
t_check "node API answered every probe within 500 ms" "$slow" 0
t_check "ctld says the dataplane is down" "$(t_json "$T_DIR/ctld.json" dp_up)" false
t_check "... and why" "$(grep -c 'did not answer' "$T_DIR/ctld.json")" 1
t_check "the log says it" "$(grep -c 'did not answer' "$T_DIR/ctld.log")" 1
t_check "a forwarded request gets the reason, not silence" \
    "$(grep -c 'not reachable\|did not answer' "$T_DIR/fwd.json")" 1
t_check "/metrics answered during the stall, dataplane down" \
    "$(grep -c '^senseplane_dp_up{node="nodeS"} 0' "$T_DIR/metrics.txt")" 1
sleep 3
t_api 7481 ctld > "$T_DIR/after.json"
t_check "after SIGCONT: the dataplane is back" "$(t_json "$T_DIR/after.json" dp_up)" true
t_check "after SIGCONT: forwarded requests work" \
    "$(t_api 7481 flags | t_eval - 'd["ok"]')" True
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
