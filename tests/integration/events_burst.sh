#!/usr/bin/env bash
# A burst of new sensors: every one must reach a watcher of the control
# socket as a "seen" event (the daemon registers sensors from them), none
# lost in the workers' event rings. The control thread once forwarded at
# most 64 events a poll turn (~64 k/s), so a burst like this one filled
# the rings and the registrations waited for the daemon's resync.
. "$(dirname "$0")/../lib/common.sh"

N=150000
t_veth_setup events
t_start_dp --no-huge --no-pci -l 0-1 -m 1400 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=16384" -- \
    --set dataplane.history_mb=600 --set dataplane.max_sensors=200000 \
    --set dataplane.max_keys=200000 --set "control.socket=$SOCK"

python3 - "$SOCK" "$N" > "$T_DIR/watch.txt" <<'PY' &
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
f = s.makefile("rw"); f.write("watch\n"); f.flush()
assert json.loads(f.readline())["ok"]
print("watching", flush=True)
seen = set(); s.settimeout(15)
try:
    for line in f:
        e = json.loads(line)
        if e["event"] == "seen":
            seen.add(e["sensor"])
            if len(seen) == int(sys.argv[2]):
                break
except socket.timeout:
    pass
print(len(seen))
PY
WPID=$!; T_PIDS+=("$WPID")
for _ in $(seq 50); do grep -q watching "$T_DIR/watch.txt" && break; sleep 0.1; done
t_log "simulating $N new sensors at 3 Hz each (their first packets in under a second)"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors "$N" --attrs heartrate \
    --hz 3 --seconds 2 --quiet --summary "$T_DIR/sim.json"
wait "$WPID" || true
lost=$($CTL stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["events_lost"])')
owned=$($CTL stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sensors"])')
t_stop "$DPPID" 20 || true

t_check "sensors the dataplane owns" "$owned" "$N"
t_check "events lost in the workers' rings" "$lost" 0
t_check "distinct sensors seen by the watcher" "$(tail -1 "$T_DIR/watch.txt")" "$N"
t_check_mbufs
t_done
