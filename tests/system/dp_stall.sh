#!/usr/bin/env bash
# A dataplane that stops answering (issue 10, item 7): stopped with
# SIGSTOP for 10 s, it must not stop its daemon's loop. The node stays
# alive in Redis the whole time, the node API and /metrics keep
# answering - well within the daemon's 3 s dataplane timeout, which is
# what a loop that waited on the dataplane would take (the slowest answer
# is printed) - the daemon says what is wrong (log, `ctld`'s dp_error,
# senseplane_dp_up 0), and after SIGCONT it is back.
. "$(dirname "$0")/../lib/common.sh"

RPORT=$(t_port); API=$(t_port); MPORT=$(t_port)   # its own: the same suites may run beside it
RURL=redis://127.0.0.1:$RPORT/0
t_redis redis $RPORT
t_start_dp --no-huge --no-pci -l 0 -m 256 --vdev net_null0 -- \
    --set dataplane.history_mb=8 --set "control.socket=$T_DIR/dp.sock"
"$CTLD" --node nodeS --redis "$RURL" --socket "$T_DIR/dp.sock" \
    --set controlplane.api=127.0.0.1:$API --set controlplane.metrics=127.0.0.1:$MPORT \
    --set controlplane.resync_s=1 > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
t_wait_for "$T_DIR/ctld.log" "session" 10
dp_up_metric() { curl -s -m 5 127.0.0.1:$MPORT/metrics | grep -c '^senseplane_dp_up{node="nodeS"} 1'; }
t_check_within "before: dataplane up in /metrics" 10 1 dp_up_metric

kill -STOP "$DPPID"
# probes every 0.4 s for 10 s, from one process: the time measured is the
# daemon's answer, not a tool's start on this machine
python3 - "$RPORT" $API "$T_DIR/ctld.json" > "$T_DIR/probes.txt" <<'PY'
import socket, sys, time
rport, api, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = socket.create_connection(("127.0.0.1", rport), timeout=10)
rf = r.makefile("rb")
n = misses = fails = 0
worst = 0.0
end = time.time() + 10
while time.time() < end:
    r.sendall(b"EXISTS sp:node:nodeS\r\n")
    misses += rf.readline().strip() != b":1"
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", api), timeout=10)
        s.sendall(b"ctld\n")
        line = s.makefile().readline().strip()
        s.close()
        open(out, "w").write(line + "\n")
        fails += not line
    except OSError:
        fails += 1
    worst = max(worst, time.monotonic() - t0)
    n += 1
    time.sleep(0.4)
print(n, misses, fails, int(worst * 1000))
PY
read -r n alive_misses api_fails worst_ms < "$T_DIR/probes.txt"
t_log "$n probes during the 10 s stall; the slowest answer took $worst_ms ms"
t_check "node alive in Redis at every probe" "$alive_misses" 0
t_check "node API answered every probe" "$api_fails" 0
t_check "... each well within the 3 s dataplane timeout (< 2 s)" "$(t_true "$worst_ms < 2000")" yes
dp_up() { t_api $API ctld | tee "$T_DIR/ctld.json" | t_eval - 'str(d["dp_up"]).lower()'; }
t_check_within "ctld says the dataplane is down" 10 false dp_up
t_check "... and why" "$(grep -c 'did not answer' "$T_DIR/ctld.json")" 1
t_check "the log says it" "$(grep -c 'did not answer' "$T_DIR/ctld.log")" 1
curl -s -m 2 127.0.0.1:$MPORT/metrics > "$T_DIR/metrics.txt" || true
# a request for the dataplane gets an answer too: the reason
python3 - "$API" > "$T_DIR/fwd.json" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"flags\n")
print(s.makefile().readline().strip())
PY
kill -CONT "$DPPID"
t_check "a forwarded request gets the reason, not silence" \
    "$(grep -c 'not reachable\|did not answer' "$T_DIR/fwd.json")" 1
t_check "/metrics answered during the stall, dataplane down" \
    "$(grep -c '^senseplane_dp_up{node="nodeS"} 0' "$T_DIR/metrics.txt")" 1
t_check_within "after SIGCONT: the dataplane is back" 10 true dp_up
t_check "after SIGCONT: forwarded requests work" \
    "$(t_api $API flags | t_eval - 'd["ok"]')" True
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
