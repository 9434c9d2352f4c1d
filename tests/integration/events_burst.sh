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
    --set dataplane.max_keys=200000 --set dataplane.events_ring=16384 \
    --set "control.socket=$SOCK"

# the watcher reads in large chunks and picks the ids out with one regex
# per chunk: a line-by-line JSON reader in Python is slower than the burst
python3 - "$SOCK" "$N" > "$T_DIR/watch.txt" <<'PY' &
import json, re, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
s.sendall(b"watch\n")
buf = b""
while b"\n" not in buf:
    buf += s.recv(4096)
first, buf = buf.split(b"\n", 1)
assert json.loads(first)["ok"]
print("watching", flush=True)
seen = set(); want = int(sys.argv[2]); s.settimeout(5)
pat = re.compile(rb'"event":"seen","sensor":(\d+)')
deadline = time.monotonic() + 60   # a watch that never falls silent ends too
try:
    while len(seen) < want and time.monotonic() < deadline:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
        cut = buf.rfind(b"\n") + 1
        seen.update(pat.findall(buf[:cut]))
        buf = buf[cut:]
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
lost=$($CTL stats | t_eval - 'd["totals"]["events_lost"]')
owned=$($CTL stats | t_eval - 'd["totals"]["sensors"]')
t_stop "$DPPID" 20 || true

# The burst is 450 000 packets/s through af_packet: on a machine whose CPU
# is shared some never leave the kernel's ring (not counted by DPDK 22.11's
# af_packet), so a sensor may never be seen at all. What is checked is the
# path under test: every sensor the dataplane took reached the watcher,
# through an event ring of 16 384 that the burst outgrows many times over
# (all 150 000 sensors taken on a quiet machine). The ring was 4 096, 11 ms
# of this burst: a control thread descheduled for 15-20 ms on two vCPUs
# shared with the simulator lost 2 133 and 3 137 events in two fresh-clone
# runs in a row. At 16 384 it may be away 44 ms; the old forwarding (64
# events a poll turn, ~64 k/s) still fills it in a twentieth of a second.
t_log "the dataplane owns $owned of the $N sensors simulated"
t_check "the burst outgrew the event ring twice over" "$(( owned >= 2 * 16384 ))" 1
t_check "events lost in the workers' rings" "$lost" 0
t_check "distinct sensors seen by the watcher = sensors owned" "$(tail -1 "$T_DIR/watch.txt")" "$owned"
t_check_mbufs
t_done
