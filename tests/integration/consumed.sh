#!/usr/bin/env bash
# Send only what someone receives (issue 15, part 3): with the `consumed`
# switch, a tier feed nobody holds a lease on sends heartbeats only, and
# starts at once when a viewer joins; lenses always send; off at run time
# means the old behaviour. 100 sensors: 1-10 pinned (high), 11-60 in a
# viewer's subscriptions at medium, 61-100 in another's at low (their
# lenses carry them).
#  A. a viewer joins the high tier through libsenseplane (--control): the
#     high tier sends, every sample it offered arrives, nothing missing;
#     the medium and low tiers send no message and count what they passed;
#  B. a second viewer joins the medium tier mid-run: it sends within a
#     second and that viewer misses nothing (the sequence space was kept);
#     when it leaves, the tier stops again;
#  C. a lease that is not renewed lapses at its TTL;
#  D. the switch off: every tier sends again.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup cons
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set "control.socket=$SOCK" --set switches.consumed=true \
    --set "reliability.allow=10.99.0.2/32"
reqs=("viewer add L 239.79.0.9:7609 medium" "viewer add K 239.79.0.8:7608 low")
for s in $(seq 1 10); do reqs+=("pin $s"); done
for s in $(seq 11 60); do reqs+=("sub add L $s"); done
for s in $(seq 61 100); do reqs+=("sub add K $s"); done
$CTL "${reqs[@]}" > "$T_DIR/setup.log"
tier() {   # tier LEVEL FIELD: from the dataplane's stats
    $CTL stats | t_eval - "d['tiers']['$1']['$2']"
}

# The simulator runs until D is done and the viewer until the dataplane
# ends its feeds: on a VM whose host takes CPU the phases can outlast any
# fixed duration (they once outlasted 17 s, and D saw no traffic).
t_view "$NS" hi --until-end --seconds 120 --control "$SOCK" 239.77.1.3:7500
VHI=$VPID
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 100 --hz 20 \
    --attrs heartrate,accelerometer,ecg --seconds 100 --quiet \
    --summary "$T_DIR/sim.json" &
SIMPID=$!; T_PIDS+=("$SIMPID")
sleep 3
t_log "A: joins $($CTL joins | t_eval - 'd["joins"]')"
t_check "A: the high tier is leased (feed 3)" "$($CTL joins | t_eval - '[j["feed"] for j in d["joins"]]')" "[3]"
m0=$(tier medium msgs); u0=$(tier medium unsent); l0=$(tier low msgs)
t_check "A: the medium tier sent nothing" "$m0" 0
t_check "A: ... it passed what it was offered" "$(( u0 > 0 ))" 1
t_check "A: the low tier sent nothing" "$l0" 0
t_check "A: the high tier sends" "$(( $(tier high msgs) > 0 ))" 1

# ---- B: a viewer joins the medium tier
t_view "$NS" med --seconds 4 --control "$SOCK" 239.77.1.2:7500
VMED=$VPID
t0=$(date +%s%N)
sends() { [ "$(tier medium msgs)" -gt 0 ] && echo yes || echo no; }
t_check_within "B: joined: the medium tier sends" 10 yes sends
t_log "B: the medium tier sent after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait "$VMED" || true
# stopped: two reads a second apart agree (polled: a flush may be in flight)
stopped() { local a b; a=$(tier medium msgs); sleep 1; b=$(tier medium msgs); echo "$a $b"; }
for _ in 1 2 3 4 5 6 7 8 9 10; do read -r mA mB <<< "$(stopped)"; [ "$mA" = "$mB" ] && break; done
t_check "B: the viewer missed nothing" "$(t_json "$T_DIR/med.json" missing)" 0
t_check "B: ... and got messages" "$(( $(t_json "$T_DIR/med.json" messages) > 0 ))" 1
t_check "B: it left: the medium tier stopped again" "$mB" "$mA"

# ---- C: a lease not renewed lapses at its TTL
# one process joins, reads the lease back at once and times the lapse
# from the join (a second process's start-up once outlasted the TTL)
python3 - "$SOCK" "$T_ROOT/tests/lib" > "$T_DIR/lease.txt" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
TTL = 2000
leased = lambda: any(j["feed"] == 1 for j in c.call("joins")["joins"])
print("before", c.call("joins"))
t0 = time.monotonic()
assert c.call("join 239.77.1.1:7500 ttl=%d" % TTL)["ok"]
now = leased()
print("leased", int(now) if (time.monotonic() - t0) * 1000 < TTL else "read-too-late")
while leased() and time.monotonic() < t0 + 10:
    time.sleep(0.02)
ms = (time.monotonic() - t0) * 1000
print("lapsed", int(not leased()), "not_before_ttl", int(ms >= TTL), "after_ms", int(ms))
print("counted", int(c.call("joins")["lapsed"] >= 1))
PY
cat "$T_DIR/lease.txt"
t_check "C: the low tier leased" "$(awk '$1 == "leased" { print $2 }' "$T_DIR/lease.txt")" 1
t_check "C: its lease lapsed, not before its TTL" "$(awk '$1 == "lapsed" { print $2 $4 }' "$T_DIR/lease.txt")" 11
t_check "C: ... counted" "$(awk '$1 == "counted" { print $2 }' "$T_DIR/lease.txt")" 1
t_check "C: an address no feed goes to is refused" "$($CTL 'join 239.1.2.3:9999' | t_eval - 'd["ok"]')" False
t_check "C: a lens is always sent" "$($CTL 'join 239.79.0.9:7609' | t_eval - 'd["always"]')" True

# ---- D: the switch off: the old behaviour
$CTL "flags set consumed off" > /dev/null
m1=$(tier medium msgs); l1=$(tier low msgs)
more() { [ "$(tier "$1" msgs)" -gt "$2" ] && echo yes || echo no; }
t_check_within "D: switched off: the medium tier sends again" 10 yes more medium "$m1"
t_check_within "D: ... and the low tier" 10 yes more low "$l1"
t_check "D: the simulator was still sending" "$(kill -0 "$SIMPID" 2>/dev/null && echo yes)" yes
kill -INT "$SIMPID" 2>/dev/null
wait "$SIMPID" || true
sleep 1
hs=$(tier high samples)
t_stop "$DPPID" 20 || true
wait "$VHI" || true
t_log "A: the viewer of the high tier: $(t_json "$T_DIR/hi.json" samples) samples, $(t_json "$T_DIR/hi.json" missing) missing; the tier sent $hs"
t_check "A: the high tier's viewer missed nothing" "$(t_json "$T_DIR/hi.json" missing)" 0
t_check "A: ... and got every sample the tier sent" "$(t_json "$T_DIR/hi.json" samples)" "$hs"
t_check_mbufs
exit $T_FAILS
