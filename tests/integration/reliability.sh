#!/usr/bin/env bash
# Feed reliability (PROTOCOL.md 2-3), measured at a viewer over veth with
# the dataplane's loss injection (no netem here):
#  A. 1 000 consecutive messages dropped: recovered by re-request (within
#     10 ms here; the check's bound is 1 s), every sample delivered once;
#  B. 1 % and 5 % loss with 25 % reordering (SP_LOSS_SECONDS each, 20 by
#     default): nothing unrecoverable, answers <= 2x the bytes lost;
#  C. a gap older than the retransmit buffer: "unrecoverable by re-request",
#     then a history fill, and nothing missing at the end;
#  D. 100 000 hostile re-requests: no reply to an address not allowed,
#     per-requester caps hold, the sensor path drops nothing;
#  E. the dataplane restarted under a running viewer: the new session is
#     seen within two heartbeats and the sequence spaces never mix.
# Each viewer has joined before its simulator starts (t_view waits), and
# its window outlasts the simulator by several seconds for the last
# re-requests on a slow machine.
. "$(dirname "$0")/../lib/common.sh"

LOSS_SECS=${SP_LOSS_SECONDS:-20}
t_veth_setup rel
ip netns exec "$NS" ip addr add 10.99.0.3/24 dev "$NSIF"   # not allowed

start_dp() {   # start_dp EXTRA --set ARGS...
    t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
        --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
        --set dataplane.history_mb=64 \
        --set switches.attention=false --set "control.socket=$SOCK" \
        --set "reliability.allow=10.99.0.2/32" "$@"
}
sim() {   # sim NAME SECONDS SENSORS: 3 attributes at 20 Hz each
    ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors "$3" --hz 20 \
        --attrs heartrate,accelerometer,ecg --seconds "$2" --quiet \
        --summary "$T_DIR/$1.json"
}

# ---- A: a burst of 1 000 messages
start_dp --set reliability.retransmit_pkts=1024
t_view "$NS" a --seconds 10 239.77.0.1:7500
sim simA 4 100 &
SIMPID=$!
sleep 1.5
$CTL "loss set burst=1000 feed=0" > /dev/null
wait "$SIMPID"
sleep 0.5
wait "$VPID" || true
t_log "A: burst of $(t_json "$T_DIR/a.json" lost_gone)+$(t_json "$T_DIR/a.json" recovered_rereq) messages recovered, gap -> filled max $(t_json "$T_DIR/a.json" recover_max_ms) ms"
t_check "A: >= 1000 messages recovered by re-request" \
    "$(( $(t_json "$T_DIR/a.json" recovered_rereq) >= 1000 ))" 1
t_check "A: recovered within 1 s (10 ms here on a quiet machine)" "$(t_le "$(t_json "$T_DIR/a.json" recover_max_ms)" 1000)" yes
t_check "A: delivered = sent (samples)" "$(t_json "$T_DIR/a.json" samples)" "$(t_json "$T_DIR/simA.json" samples)"
t_check "A: digest" "$(t_json "$T_DIR/a.json" digest)" "$(t_json "$T_DIR/simA.json" digest)"
t_check "A: nothing lost" "$(t_json "$T_DIR/a.json" missing)" 0

# ---- B: random loss with reordering
for pct in 1 5; do
    before=$($CTL loss | t_eval - 'd["dropped_bytes"]')
    $CTL "loss set drop=0.0$pct reorder=0.25 seed=$pct feed=0" > /dev/null
    t_view "$NS" b$pct --seconds $((LOSS_SECS + 6)) 239.77.0.1:7500
    sim simB$pct "$LOSS_SECS" 100
    sleep 0.5
    $CTL "loss set" > /dev/null
    wait "$VPID" || true
    after=$($CTL loss | t_eval - 'd["dropped_bytes"]')
    lost=$((after - before))
    t_log "B $pct %: $(t_json "$T_DIR/b$pct.json" gaps) gaps, $(t_json "$T_DIR/b$pct.json" recovered_rereq) recovered, $(t_json "$T_DIR/b$pct.json" delivered_late) late; answers $(t_json "$T_DIR/b$pct.json" rtx_bytes) B for $lost B lost; requests $(t_json "$T_DIR/b$pct.json" rereq_bytes) B; recovery p99 $(t_json "$T_DIR/b$pct.json" recover_p99_ms) ms"
    t_check "B $pct %: nothing unrecoverable" "$(t_json "$T_DIR/b$pct.json" missing)" 0
    t_check "B $pct %: delivered = sent" "$(t_json "$T_DIR/b$pct.json" samples)" "$(t_json "$T_DIR/simB$pct.json" samples)"
    t_check "B $pct %: digest" "$(t_json "$T_DIR/b$pct.json" digest)" "$(t_json "$T_DIR/simB$pct.json" digest)"
    t_check "B $pct %: loss was injected" "$(( lost > 0 ))" 1
    t_check "B $pct %: answers <= 2x bytes lost" "$(t_le "$(t_json "$T_DIR/b$pct.json" rtx_bytes)" $((2 * lost)))" yes
done
t_stop "$DPPID" 20 || true
t_check_mbufs

# ---- C: a gap older than the retransmit buffer
start_dp --set reliability.retransmit_pkts=8
t_view "$NS" c --seconds 10 --dedup --control "$SOCK" 239.77.0.1:7500
sim simC 4 100 &
SIMPID=$!
sleep 1.5
$CTL "loss set burst=3000 feed=0" > /dev/null
wait "$SIMPID"
sleep 0.5
wait "$VPID" || true
t_log "C: $(t_json "$T_DIR/c.json" lost_gone) messages gone, history gave $(t_json "$T_DIR/c.json" history_samples) samples over $(t_json "$T_DIR/c.json" history_keys) keys"
t_check "C: unrecoverable by re-request, said so" "$(grep -c 'unrecoverable by re-request (no longer buffered): reading history' "$T_DIR/c.log" | awk '{print ($1 > 0)}')" 1
t_check "C: history filled the keys" "$(( $(t_json "$T_DIR/c.json" history_samples) > 0 ))" 1
t_check "C: nothing missing at the end (distinct samples)" "$(t_json "$T_DIR/c.json" unique_samples)" "$(t_json "$T_DIR/simC.json" samples)"
t_check "C: digest" "$(t_json "$T_DIR/c.json" digest)" "$(t_json "$T_DIR/simC.json" digest)"

# ---- D: hostile re-requests while sensors stream (a small budget per
# requester: 200 kB/s)
t_stop "$DPPID" 20 || true
t_check_mbufs
start_dp --set reliability.retransmit_pkts=1024 \
    --set reliability.requester_bytes_s=200000
t_view "$NS" d --seconds 14 239.77.0.1:7500
sim simD 6 100 &
SIMPID=$!
sleep 1
s0=$($CTL stats)
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/flood.py" 10.99.0.3 10.99.0.1 7401 50000 239.77.0.1:7500 0 > "$T_DIR/flood_denied.txt"
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/flood.py" 10.99.0.2 10.99.0.1 7401 50000 239.77.0.1:7500 0 > "$T_DIR/flood_allowed.txt"
s1=$($CTL stats)
wait "$SIMPID"
sleep 0.5
wait "$VPID" || true
read -r den_answers den_bytes den_secs < "$T_DIR/flood_denied.txt"
read -r ok_answers ok_bytes ok_secs < "$T_DIR/flood_allowed.txt"
d() { python3 -c 'import json,sys; a=json.loads(sys.argv[1])["totals"]; b=json.loads(sys.argv[2])["totals"]; print(b[sys.argv[3]]-a[sys.argv[3]])' "$s0" "$s1" "$1"; }
t_log "D: not allowed: $den_answers answers; allowed: $ok_answers answers, $ok_bytes B in $ok_secs s; received $(d rereq_in): denied $(d rereq_denied), malformed $(d rereq_bad), over budget $(d rereq_limited)"
t_check "D: no reply to an address not allowed" "$den_answers" 0
t_check "D: every request received is accounted for" \
    "$(d rereq_in)" "$(( $(d rereq_denied) + $(d rereq_bad) + $(d rereq_limited) + $(d rereq_served) ))"
t_check "D: the not-allowed ones all counted denied" "$(d rereq_denied)" 50000
t_check "D: malformed ones counted" "$(( $(d rereq_bad) >= 33000 ))" 1
t_check "D: per-requester budget holds (bytes <= rate x time + one request)" \
    "$(t_le "$ok_bytes" "$(python3 -c "print(int(200000 * $ok_secs + 65536 + 200000))")")" yes
t_check "D: budget refused some" "$(( $(d rereq_limited) > 0 ))" 1
t_check "D: sensor path dropped nothing" "$(d drops)/$(d seq_gaps)" 0/0
t_check "D: viewer got every sample" "$(t_json "$T_DIR/d.json" samples)" "$(t_json "$T_DIR/simD.json" samples)"

# ---- E: the dataplane restarts under a running viewer
t_view "$NS" e --seconds 60 239.77.0.1:7500
sim simE 6 50 &
SIMPID=$!
sleep 2
t_stop "$DPPID" 20 || true
t_check_mbufs
start_dp --set reliability.retransmit_pkts=256
restart_ns=$(sed -n 's/.*running (wall clock \([0-9]*\) ns).*/\1/p' "$T_DIR/dp.log")
wait "$SIMPID"
# the new session's heartbeats come every second: three of them, then
# the viewer stops (it writes its summary on SIGTERM)
sleep 3
kill -TERM "$VPID"; wait "$VPID" || true
python3 - "$T_DIR/e.json" "$restart_ns" > "$T_DIR/e.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); t = int(sys.argv[2])
ses = sorted(s["by_feed"], key=lambda f: f["first_ns"])
print(len({f["session"] for f in ses}), (ses[-1]["first_ns"] - t) / 1e6,
      sum(f["missing"] for f in ses), s["order_errors"])
PY
read -r sessions seen_ms missing order < "$T_DIR/e.txt"
t_log "E: $sessions sessions; the new one seen $seen_ms ms after the dataplane was running again"
t_check "E: two sessions, apart" "$sessions" 2
t_check "E: new session seen within two heartbeats (2 s)" "$(t_le "$seen_ms" 2000)" yes
t_check "E: no gaps within either session" "$missing" 0
t_check "E: no message out of order" "$order" 0
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
