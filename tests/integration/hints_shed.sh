#!/usr/bin/env bash
# Attention hints and overload shedding.
#  Hints: sensors that set HINT get one when first seen and whenever their
#  attention changes, at the level they are at.
#  Shedding: with a small per-feed byte budget, feeds that cannot keep up
#  demote low, then medium, mark what they send DEGRADED, never touch
#  high (every high sample still arrives), and recover when the load falls.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup hs

t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=32 \
    --set "control.socket=$SOCK" --set attention.out_max_bytes_s=20000 \
    --set attention.shed_recover_ms=500

reqs=("viewer add V 239.79.0.1:7601 low")
for s in $(seq 1 5); do reqs+=("sub add V $s high"); done
for s in $(seq 6 20); do reqs+=("sub add V $s medium"); done
for s in $(seq 21 40); do reqs+=("sub add V $s low"); done
$CTL "${reqs[@]}" > "$T_DIR/setup.log"

t_view "$NS" high --until-end --seconds 60 --only 1-5 --dedup 239.77.1.3:7500
VH=$VPID
t_view "$NS" medium --until-end --seconds 60 239.77.1.2:7500
VM=$VPID

t_log "sensors 1-5 (high) with hints, and 6-60 (medium, low, none) until the test has seen each state"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 5 --hz 50 \
    --attrs heartrate,accelerometer,ecg --seconds 120 --hint --quiet \
    --summary "$T_DIR/sim_high.json" &
S1=$!; T_PIDS+=("$S1")
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --first-id 6 --sensors 55 \
    --hz 50 --attrs heartrate,accelerometer,ecg --seconds 120 --hint --quiet \
    --summary "$T_DIR/sim_rest.json" &
S2=$!; T_PIDS+=("$S2")
# each state waited for with a deadline, whatever the machine's speed
tier_now() { $CTL stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["tiers"][sys.argv[1]][sys.argv[2]])' "$1" "$2"; }
shedding() { [ "$(tier_now medium shed)" -gt 0 ] && echo yes || echo no; }
t_check_within "medium tier sheds while overloaded" 30 yes shedding
mid=$($CTL stats)
hints_before=$(echo "$mid" | t_eval - 'd["totals"]["hints"]')
$CTL "pin 50" > /dev/null   # attention of sensor 50 changes: none -> high
hinted() { [ "$($CTL stats | t_eval - 'd["totals"]["hints"]')" -gt "$hints_before" ] && echo yes || echo no; }
t_check_within "the pin's hint sent" 10 yes hinted
# the load falls: sensors 6-60 stop (the simulator drains the hints that
# answered its last packets before it writes its summary)
kill -TERM "$S2"; wait "$S2" || true
t_check_within "medium tier recovers once the load fell" 20 0 tier_now medium shed
kill -TERM "$S1"; wait "$S1" || true
end=$($CTL stats)
t_stop "$DPPID" 20 || true
wait "$VH" "$VM" 2>/dev/null || true

tier() { echo "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tiers"][sys.argv[1]][sys.argv[2]])' "$2" "$3"; }
t_check "medium tier shed while overloaded" "$(( $(tier "$mid" medium shed) > 0 ))" 1
t_check "medium tier demotions counted" "$(( $(tier "$end" medium demotions) > 0 ))" 1
t_check "medium tier sent DEGRADED messages" \
    "$(( $(t_eval "$T_DIR/medium.json" 'sum(f["degraded_msgs"] for f in d["by_feed"])') > 0 ))" 1
t_check "high: every sample of sensors 1-5 delivered" \
    "$(t_json "$T_DIR/high.json" unique_samples)" "$(t_json "$T_DIR/sim_high.json" samples)"
t_check "high: digest of sensors 1-5" "$(t_json "$T_DIR/high.json" digest)" \
    "$(t_json "$T_DIR/sim_high.json" digest)"
t_check "high: no gaps" "$(t_json "$T_DIR/high.json" missing)" 0
t_check "hints: sensors 1-5 told high" "$(t_json "$T_DIR/sim_high.json" hint_levels.high)" 5
t_check "hints: 15 told medium" "$(t_json "$T_DIR/sim_rest.json" hint_levels.medium)" 15
t_check "hints: 20 told low" "$(t_json "$T_DIR/sim_rest.json" hint_levels.low)" 20
t_check "hints: 20 told none" "$(t_json "$T_DIR/sim_rest.json" hint_levels.none)" 20
t_check "hints: pinned sensor 50 told high" "$(t_json "$T_DIR/sim_rest.json" hint_levels.high)" 1
t_check "hints: none malformed" "$(( $(t_json "$T_DIR/sim_high.json" hints_bad) + $(t_json "$T_DIR/sim_rest.json" hints_bad) ))" 0
t_check_mbufs
t_done
