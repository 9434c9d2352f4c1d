#!/usr/bin/env bash
# libsenseplane end to end, over veth with the dataplane's loss injection:
#  A. 5 % loss with 25 % reordering: the Python binding and the C example
#     program each get every sample the simulator sent (digest), in order,
#     the binding's own count of what it iterated equal to the library's;
#  B. a gap older than the retransmit buffer: the loss is reported with its
#     range and history fills it (the Python binding, --control);
#  C. attention from Python on the control socket: a viewer and a hover
#     subscription show in the dataplane's `attention`, lapse at their
#     TTL; a pin; refusals name what was wrong.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup spl
LIBDIR=$T_BUILD/tools/libsenseplane
export SENSEPLANE_LIB=$LIBDIR/libsenseplane.so.1
export PYTHONPATH=$T_ROOT/tools/libsenseplane/python
CAT=$T_ROOT/config/attributes.conf

start_dp() {
    t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
        --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
        --set dataplane.history_mb=64 \
        --set switches.attention=false --set "control.socket=$SOCK" \
        --set "reliability.allow=10.99.0.2/32" "$@"
}
sim() {   # sim NAME SECONDS SENSORS
    ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors "$3" --hz 20 \
        --attrs heartrate,accelerometer,ecg --seconds "$2" --quiet \
        --summary "$T_DIR/$1.json"
}
py() {    # py NAME SECONDS ARGS...: the binding in the namespace
    local name=$1; shift
    ip netns exec "$NS" env SENSEPLANE_LIB="$SENSEPLANE_LIB" \
        PYTHONPATH="$PYTHONPATH" python3 "$T_ROOT/tests/lib/spl_feed.py" \
        "$T_DIR/$name.json" "$@" --iface 10.99.0.2 > "$T_DIR/$name.log" 2>&1 &
    PYPID=$!; T_PIDS+=("$PYPID")
    t_wait_for "$T_DIR/$name.log" joined 30
}

# ---- A: loss and reordering
start_dp --set reliability.retransmit_pkts=4096
$CTL "loss set drop=0.05 reorder=0.25 seed=7 feed=0" > /dev/null
# both readers joined before the simulator starts; their windows outlast
# its 6 s with room for the last re-requests
py pyA 14 239.77.0.1:7500
ip netns exec "$NS" "$LIBDIR/senseplane-example" -t 14 239.77.0.1:7500 \
    > "$T_DIR/exA.log" 2>&1 &
EXPID=$!; T_PIDS+=("$EXPID")
t_wait_for "$T_DIR/exA.log" joined 30
sim simA 6 100
wait "$PYPID"; wait "$EXPID" || true
$CTL "loss set" > /dev/null
sent=$(t_json "$T_DIR/simA.json" samples)
t_log "A: sent $sent samples; python: $(t_json "$T_DIR/pyA.json" py_samples) samples, $(t_json "$T_DIR/pyA.json" gaps) gaps, $(t_json "$T_DIR/pyA.json" recovered_rereq) recovered, $(t_json "$T_DIR/pyA.json" delivered_late) late"
t_check "A: loss was injected (gaps seen)" "$(( $(t_json "$T_DIR/pyA.json" gaps) > 10 ))" 1
t_check "A: python got every sample" "$(t_json "$T_DIR/pyA.json" py_samples)" "$sent"
t_check "A: python digest = sent" "$(t_json "$T_DIR/pyA.json" digest)" "$(t_json "$T_DIR/simA.json" digest)"
t_check "A: python nothing missing" "$(t_json "$T_DIR/pyA.json" missing)" 0
t_check "A: python saw recovered messages" "$(( $(t_json "$T_DIR/pyA.json" py_how.recovered) > 0 ))" 1
t_check "A: python iterated = library's messages" \
    "$(t_eval "$T_DIR/pyA.json" 'sum(d["py_how"].values())')" "$(t_json "$T_DIR/pyA.json" messages)"
t_check "A: python per-key versions only go forward" "$(t_json "$T_DIR/pyA.json" py_backwards)" 0
t_check "A: python no order errors" "$(t_json "$T_DIR/pyA.json" order_errors)" 0
ex=$(tail -n 1 "$T_DIR/exA.log")
t_log "A: example: $ex"
t_check "A: the example lost nothing" "$(echo "$ex" | sed -n 's/.* \([0-9]*\) lost;.*/\1/p')" 0
t_check "A: the example got every sample" "$(echo "$ex" | sed -n 's/.*; \([0-9]*\) samples$/\1/p')" "$sent"
t_check "A: the example printed each message" \
    "$(grep -c '^\(live\|late\|recovered\) sensor' "$T_DIR/exA.log")" \
    "$(echo "$ex" | sed -n 's/^\([0-9]*\) messages.*/\1/p')"
t_stop "$DPPID" 20 || true
t_check_mbufs

# ---- B: a gap the retransmit buffer no longer has: history fills it
start_dp --set reliability.retransmit_pkts=8
py pyB 10 239.77.0.1:7500 --control "$SOCK" --dedup
sim simB 4 100 &
SIMPID=$!
sleep 1.5
$CTL "loss set burst=3000 feed=0" > /dev/null
wait "$SIMPID"
wait "$PYPID"
t_log "B: losses $(t_eval "$T_DIR/pyB.json" 'len(d["py_losses"])'), history gave $(t_json "$T_DIR/pyB.json" history_samples) samples"
t_check "B: the loss was reported, gone from the buffer" \
    "$(t_eval "$T_DIR/pyB.json" 'int(any(l["reason"] == "gone" and l["end_seq"] > l["first_seq"] for l in d["py_losses"]))')" 1
t_check "B: history samples reported with the loss" \
    "$(t_eval "$T_DIR/pyB.json" 'sum(l["history_samples"] for l in d["py_losses"])')" "$(t_json "$T_DIR/pyB.json" history_samples)"
t_check "B: history samples iterated as such" \
    "$(( $(t_json "$T_DIR/pyB.json" py_how.history) > 0 ))" 1
t_check "B: nothing missing at the end (distinct samples)" "$(t_json "$T_DIR/pyB.json" unique_samples)" "$(t_json "$T_DIR/simB.json" samples)"
t_check "B: digest" "$(t_json "$T_DIR/pyB.json" digest)" "$(t_json "$T_DIR/simB.json" digest)"

# ---- C: attention from Python, locally. The levels are read on the
# control socket from the same process, right after the calls, and the
# lapse is timed from the subscribe: no second process's start-up (which
# has taken seconds on a loaded machine) races the TTL.
sim simC 3 10 &
SIMPID=$!
python3 - "$SOCK" "$CAT" "$T_ROOT/tests/lib" > "$T_DIR/attn.log" 2>&1 <<'PY' || true
import sys, time
sys.path.insert(0, sys.argv[3])
import senseplane
from spctl import Ctl
ctl = Ctl(sys.argv[1])
def lvl(sensor, name):
    a = ctl.call("attention %d" % sensor)["attention"]
    return [k["level"] for k in a["keys"] if k["name"] == name][0]
# the simulator's sensor 3 is known before its key is asked about
end = time.monotonic() + 10
while time.monotonic() < end and not ctl.call("attention 3")["attention"]["seen"]:
    time.sleep(0.05)
f = senseplane.Feed(control=sys.argv[1], catalog=sys.argv[2], no_rereq=True)
f.viewer_add("tab1", "239.77.1.9:7600", "low")
# long enough for the reads below on a machine that stalls (a TTL under
# test outlasts the test's own steps); the lapse is timed from t0
TTL = 2000
t0 = time.monotonic()
f.subscribe("tab1", 3, "heartrate", "high", ttl_ms=TTL)
print("subscribed")
hovered = lvl(3, "heartrate")
read_ms = (time.monotonic() - t0) * 1000
# what was read counts only if it was read within the TTL
print("hovered", hovered if read_ms < TTL else "read-too-late-%dms" % read_ms)
for bad in (lambda: f.subscribe("tab 1", 3), lambda: f.subscribe("tab1", 3, "nosuchattr"),
            lambda: f.subscribe("nosuchviewer", 3, None, "high")):
    try:
        bad(); print("accepted")
    except senseplane.SenseplaneError as e:
        print("refused:", e.strerror)
f.pin(5)
print("pinned", lvl(5, "heartrate"))
# the lapse: none at some moment after the TTL, within a generous bound
end = t0 + 10
while time.monotonic() < end and lvl(3, "heartrate") != "none":
    time.sleep(0.02)
lapsed_ms = (time.monotonic() - t0) * 1000
print("lapsed", "yes" if lvl(3, "heartrate") == "none" else "no",
      "after_ttl", "yes" if lapsed_ms >= TTL else "no (%d ms)" % lapsed_ms)
print("lapse_ms %d" % lapsed_ms)
PY
cat "$T_DIR/attn.log"
word() { awk -v k="$1" '$1 == k { print $2 }' "$T_DIR/attn.log"; }
t_check "C: the calls went through" "$(grep -c '^subscribed' "$T_DIR/attn.log")" 1
t_check "C: hovered key high" "$(word hovered)" high
t_check "C: pinned sensor high" "$(word pinned)" high
t_check "C: three refusals, each naming its cause" "$(grep -c '^refused: ' "$T_DIR/attn.log")" 3
t_check "C: a word with a space named" "$(grep -c "refused: 'tab 1': not a word" "$T_DIR/attn.log")" 1
t_check "C: the hover lapsed (no other subscription: none)" "$(word lapsed)" yes
t_check "C: not before its TTL" "$(awk '$1 == "lapsed" { print $4 }' "$T_DIR/attn.log")" yes
wait "$SIMPID"
t_stop "$DPPID" 20 || true
t_check_mbufs
exit $T_FAILS
