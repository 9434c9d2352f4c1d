#!/usr/bin/env bash
# Attention hints on their period (issue 10, item 4; PROTOCOL.md 4: "when
# their attention changes and at least every 10 s"): a sensor that set HINT
# and then stays quiet is hinted again every hint_period_s (1 s here), on
# the period itself, not at its next packet after it.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup hp
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK" --set attention.hint_period_s=1
# one packet, then 4.5 s of silence listening for hints
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/sensor.py" send \
    10.99.0.1:7400 4242 3 f32 1.0 1 4.5 --hint > "$T_DIR/hints.txt"
t_stop "$DPPID" 20 || true
cat "$T_DIR/hints.txt"
t_check "hints while the sensor is quiet (at 0, 1, 2, 3, 4 s)" \
    "$(grep -c '^HINT' "$T_DIR/hints.txt")" 5
t_check "every interval within the period + one tick (1.0 to 1.15 s)" \
    "$(awk '/^HINT/ { if (n++) { d = $2 - last; if (d < 0.95 || d > 1.15) bad++ } last = $2 }
           END { print bad + 0 }' "$T_DIR/hints.txt")" 0
t_check_mbufs
t_done
