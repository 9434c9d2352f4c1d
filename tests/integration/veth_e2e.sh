#!/usr/bin/env bash
# Simulator in a network namespace -> veth -> the dataplane on
# net_af_packet -> multicast feed -> viewer back in the namespace. The
# viewer must count exactly what the simulator sent, with no gaps, and the
# dataplane must answer ARP and ping for its address.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup veth

t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=32 \
    --set switches.attention=false --set "control.socket=$T_DIR/dp.sock"

t_check "ping to the dataplane answered" \
    "$(ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 10.99.0.1 >/dev/null && echo yes || echo no)" yes

t_view "$NS" view --until-end --seconds 60 239.77.0.1:7500
t_log "simulating 1000 sensors for 5 s"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 1000 --seconds 5 \
    --quiet --summary "$T_DIR/sim.json"
# the sensor list in pages of 300 table positions: every sensor once
python3 - "$T_DIR/dp.sock" "$T_ROOT/tests/lib" > "$T_DIR/pages.txt" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1]); seen = []; frm = 0; pages = 0
while True:
    r = c.call("sensors 300 %d" % frm); pages += 1
    seen += [s["id"] for s in r["sensors"]]
    if not r["more"]: break
    frm = r["next"]
print(len(seen), len(set(seen)), pages)
PY
t_check "sensors listed in pages: count, distinct, pages" "$(cat "$T_DIR/pages.txt")" "1000 1000 4"
KD=$(t_kernel_drops "$T_DIR/dp.sock")
t_stop "$DPPID" 20 || true
wait "$VPID" || true

t_check "simulator send errors" "$(t_json "$T_DIR/sim.json" send_errors)" 0
# every packet the simulator sent is a message the viewer received, or a
# packet the kernel dropped before the dataplane saw it (counted; only on
# a machine whose CPU is shared): then the samples cannot be compared
t_log "packets the kernel dropped before the dataplane: $KD"
t_check "messages received + counted kernel drops = packets sent" \
    "$(( $(t_json "$T_DIR/view.json" messages) + KD ))" "$(t_json "$T_DIR/sim.json" valid_packets)"
if [ "$KD" -eq 0 ]; then
    t_check "samples received = sent" "$(t_json "$T_DIR/view.json" samples)" \
        "$(t_json "$T_DIR/sim.json" samples)"
    t_check "sample digest" "$(t_json "$T_DIR/view.json" digest)" \
        "$(t_json "$T_DIR/sim.json" digest)"
else
    t_check "samples received <= sent" "$(( $(t_json "$T_DIR/view.json" samples) <= $(t_json "$T_DIR/sim.json" samples) ))" 1
fi
t_check "missing messages (gaps)" "$(t_json "$T_DIR/view.json" missing)" 0
t_check "duplicates" "$(t_json "$T_DIR/view.json" duplicates)" 0
t_check "feed END seen" "$(t_json "$T_DIR/view.json" ended)" true
t_check "ICMP echo answered (counter)" \
    "$(t_dp_counter "$T_DIR/dp.log" icmp_replies)" 3
t_check "ARP requests answered" \
    "$(($(t_dp_counter "$T_DIR/dp.log" arp_replies) > 0))" 1
t_check_mbufs
t_done
