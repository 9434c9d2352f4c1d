#!/usr/bin/env bash
# Every run-time switch (attention, lenses, backfill, shedding, hints,
# consumed, staged, coalesce, dirtyvec, routes3, rtxwarm)
# flipped 100 times while 20 sensors stream at high attention. Whatever the
# mode, each sample must reach a viewer that listens to what either mode
# uses (broadcast, tier feeds, its lens): the distinct samples it counts
# must be exactly the ones sent (same count, same digest), with no gaps.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup sw

t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=32 \
    --set "control.socket=$SOCK"

reqs=("viewer add V 239.79.0.1:7601 high")
for s in $(seq 1 20); do reqs+=("sub add V $s high"); done
python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" "${reqs[@]}" > "$T_DIR/setup.log"

t_view "$NS" view --until-end --seconds 90 --dedup 239.77.0.1:7500 239.77.1.1:7500 239.77.1.2:7500 239.77.1.3:7500 239.79.0.1:7601

t_log "20 sensors x 3 attributes at 50 Hz for 12 s; 11 switches x 100 flips"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 20 --hz 50 \
    --attrs heartrate,accelerometer,ecg --seconds 12 --hint --quiet \
    --summary "$T_DIR/sim.json" &
SIMPID=$!; T_PIDS+=("$SIMPID")
sleep 1
python3 - "$SOCK" "$T_ROOT/tests/lib" > "$T_DIR/flips.txt" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
flips = 0
for i in range(100):
    for name in ("attention", "lenses", "backfill", "shedding", "hints", "consumed", "staged", "coalesce", "dirtyvec",
                 "routes3", "rtxwarm"):
        state = "off" if i % 2 == 0 else "on"
        r = c.call("flags set %s %s" % (name, state))
        assert r["ok"], r
        flips += 1
        time.sleep(0.010)
print(flips, c.call("flags")["flags"])
PY
wait "$SIMPID" || true
KD=$(t_kernel_drops "$SOCK")
t_stop "$DPPID" 20 || true
wait "$VPID" || true

t_log "flips: $(cat "$T_DIR/flips.txt")"
t_check_distinct "$KD"
t_check "no gaps on any feed" "$(t_json "$T_DIR/view.json" missing)" 0
t_log "copies seen on more than one feed: $(t_json "$T_DIR/view.json" dup_samples)"
t_check_mbufs
t_done
