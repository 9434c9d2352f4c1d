#!/usr/bin/env bash
# The `coalesce` switch: a viewer's lens packet takes the messages of later
# loop turns until it is full or its oldest message has waited
# feed.flush_us (here 50 ms, when 300
# messages a second fill a packet in about 110), and is then sent by its deadline.
#   on:  messages join packets opened in earlier turns (feed_coalesced),
#        and packets leave at their deadline (feed_due_pkts);
#   off (flipped at run time): neither counter moves, each turn's
#        messages leave at the end of the turn, as before;
# and in both every sample reaches the viewer once (count and digest), no
# gaps, no message older at the viewer than a bound that only a packet
# never sent would break.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup co

t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set dataplane.history_mb=32 --set feed.flush_us=50000 \
    --set switches.coalesce=true --set "control.socket=$SOCK"

reqs=("viewer add V 239.79.0.1:7601 high")
for s in 1 2; do reqs+=("sub add V $s high"); done
python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" "${reqs[@]}" > "$T_DIR/setup.log"

# the lens alone: what the viewer counts is that feed's
t_view "$NS" view --until-end --seconds 90 239.79.0.1:7601

counters() {
    python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" stats |
        t_eval - '"%d %d" % (d["totals"]["feed_coalesced"], d["totals"]["feed_due_pkts"])'
}
# state polled for: a counter that moved past a mark
moved() { read -r c p <<< "$(counters)"; [ "$c" -gt "$1" ] && [ "$p" -gt "$2" ]; }

ip netns exec "$NS" ping -c 1 -W 2 10.99.0.1 > /dev/null || true
t_log "2 sensors x 3 attributes at 50 Hz until stopped; a high lens on both"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 2 --hz 50 \
    --attrs heartrate,accelerometer,ecg --quiet \
    --summary "$T_DIR/sim.json" > "$T_DIR/sim.log" 2>&1 &
SIMPID=$!; T_PIDS+=("$SIMPID")

ok=0; t_until 60 moved 20 5 || ok=1
t_check "on: messages joined earlier turns' packets, packets left at their deadline" "$ok" 0
read -r c_on p_on <<< "$(counters)"
t_log "on: $c_on messages coalesced, $p_on packets sent at their deadline (after ${T_UNTIL_MS} ms)"

r=$(python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" "flags set coalesce off")
t_check "switch set off" "$(t_eval - 'd["ok"]' <<< "$r")" True
# what was left open goes at its deadline; then, while the lens goes on
# receiving (600 more messages), neither counter may move
python3 - "$SOCK" "$T_ROOT/tests/lib" > "$T_DIR/off.txt" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
def tot():
    t = c.call("stats")["totals"]
    return t["feed_coalesced"], t["feed_due_pkts"], t["feed_msgs"]
end = time.monotonic() + 10
last = tot()
while time.monotonic() < end:       # still for 0.5 s: the switch is applied
    time.sleep(0.5)
    now = tot()
    if now[:2] == last[:2]:
        break
    last = now
mark = last
end = time.monotonic() + 20
while time.monotonic() < end and tot()[2] < mark[2] + 600:
    time.sleep(0.1)
now = tot()
print(now[0] - mark[0], now[1] - mark[1], now[2] - mark[2])
PY
read -r dc dp dm < "$T_DIR/off.txt"
t_log "off: $dm messages sent"
t_check "off: the feeds go on (600 more messages)" "$(t_true "$dm >= 600")" yes
t_check "off: no message coalesced" "$dc" 0
t_check "off: no packet waited for a deadline" "$dp" 0
t_stop "$SIMPID" 10 || true
t_settle "$SOCK"
KD=$(t_kernel_drops "$SOCK")
t_stop "$DPPID" 20 || true
wait "$VPID" || true

t_check_distinct "$KD"
t_check "no gaps on the lens" "$(t_json "$T_DIR/view.json" missing)" 0
msgs=$(t_json "$T_DIR/view.json" messages)
pkts=$(t_eval "$T_DIR/view.json" 'd["packets"] - d["heartbeats"]')
# over both phases (off sends about one message a packet): a figure, the
# counters above are the checks
t_log "lens: $msgs messages in $pkts data packets"
age=$(t_eval "$T_DIR/view.json" 'max(f["age_max_ms"] for f in d["by_feed"])')
t_log "oldest message at the viewer: $age ms (flush_us 50 ms)"
t_check "no message waited past a broken mechanism's bound (5 s)" "$(t_le "$age" 5000)" yes
t_check_mbufs
t_done
