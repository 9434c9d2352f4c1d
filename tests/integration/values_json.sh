#!/usr/bin/env bash
# Odd but legal sample values (issue 10, items 1 and 13): a pinned sensor
# sends heartrate = inf, NaN, -inf and 1.5 and a button (i32) its extremes.
# Every JSON that carries them stays valid JSON (NaN and infinities as the
# strings "NaN", "Infinity", "-Infinity"; integers as integers), the key's
# history stays readable, and the read commands name what they show:
# attribute names, ISO-8601 times, and "no attribute" for a known sensor.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup vj
SENSOR="python3 $T_ROOT/tests/lib/sensor.py"
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
$CTL "pin 9999" > /dev/null
# the viewer joins before the sensor sends, and is stopped once its six
# values have arrived (or after a deadline, and the checks say what came)
ip netns exec "$NS" "$VIEW" --iface-addr 10.99.0.2 --json --seconds 60 \
    239.77.1.3:7500 > "$T_DIR/view.jsonl" 2> "$T_DIR/view.err" &
VPID=$!; T_PIDS+=("$VPID")
t_wait_for "$T_DIR/view.err" "senseplane-view: joined" 20
ip netns exec "$NS" $SENSOR send 10.99.0.1:7400 9999 3 f32 inf,nan,-inf,1.5 4 0.05
ip netns exec "$NS" $SENSOR send 10.99.0.1:7400 9999 10 i32 -2147483648,2147483647 2 0.05
values_seen() { grep -c '"values"' "$T_DIR/view.jsonl" || true; }
t_check_within "the viewer printed the six values" 10 6 values_seen
kill -TERM "$VPID"; wait "$VPID" || true

# strict JSON: Python's json accepts bare NaN/Infinity unless told not to
strict='import json,sys
def bad(c): raise ValueError("not JSON: " + c)
'
t_check "viewer --json: every line strict JSON" "$(python3 -c "$strict
n = 0
for l in open(sys.argv[1]):
    n += 'values' in json.loads(l, parse_constant=bad)
print(n)" "$T_DIR/view.jsonl")" 6
t_check "viewer --json: the values" "$(python3 -c "$strict
print(' '.join(str(m['values'][0]) for m in map(lambda l: json.loads(l, parse_constant=bad), open(sys.argv[1])) if 'values' in m))" \
    "$T_DIR/view.jsonl")" "Infinity NaN -Infinity 1.5 -2147483648 2147483647"

rc=0; "$CLI" --socket "$SOCK" --json history 9999/heartrate last 4 \
    > "$T_DIR/h.json" 2> "$T_DIR/h.err" || rc=$?
t_check "history of a key that holds NaN/inf: exit" "$rc" 0
t_check "history --json: strict JSON, values" "$(python3 -c "$strict
h = json.load(open(sys.argv[1]), parse_constant=bad)['history']
print(h['name'], ' '.join(str(s[1]) for s in h['samples']))" "$T_DIR/h.json")" \
    "heartrate Infinity NaN -Infinity 1.5"
"$CLI" --socket "$SOCK" --json history 9999/button last 2 > "$T_DIR/b.json"
t_check "history: i32 extremes exact" "$(python3 -c "$strict
print(' '.join(str(s[1]) for s in json.load(open(sys.argv[1]))['history']['samples']))" "$T_DIR/b.json")" \
    "-2147483648 2147483647"
"$CLI" --socket "$SOCK" history 9999/heartrate last 4 > "$T_DIR/h.txt"
t_check "history (text): ISO-8601 UTC times with microseconds" \
    "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z ' "$T_DIR/h.txt")" 4
t_check "history (text): the attribute's name" "$(grep -c '^sensor 9999 heartrate' "$T_DIR/h.txt")" 1
t_check "history (text): non-finite values" "$(awk 'NR>1 {print $2}' "$T_DIR/h.txt" | tr '\n' ' ')" \
    "Infinity NaN -Infinity 1.5 "
rc=0; "$CLI" --socket "$SOCK" history 9999/geolocation last 4 2> "$T_DIR/g.err" || rc=$?
t_check "history of an attribute the sensor has not sent: exit" "$rc" 1
t_check "... says the attribute, not the sensor, is unknown" \
    "$(grep -c 'sensor 9999 has no attribute geolocation' "$T_DIR/g.err")" 1
rc=0; "$CLI" --socket "$SOCK" history 4242/geolocation last 4 2> "$T_DIR/g.err" || rc=$?
t_check "history of an unknown sensor: says so" "$rc:$(grep -c 'sensor 4242 is not known' "$T_DIR/g.err")" 1:1
"$CLI" --socket "$SOCK" attention 9999 > "$T_DIR/a.txt"
t_check "attention (text): attribute names" \
    "$(grep -cE '^  (heartrate|button) ' "$T_DIR/a.txt")" 2
# a sensor with history pinned: backfill sends it again, on purpose, and
# that is not what live samples cost: the high tier still saves >= 0 bytes
ip netns exec "$NS" $SENSOR send 10.99.0.1:7400 7777 3 f32 1,2,3 30 0.01
$CTL "pin 7777" > /dev/null
backfilled() { $CTL stats | t_eval - 'd["tiers"]["high"]["backfill_bytes"] > 0'; }
t_check_within "the pin's backfill sent" 10 True backfilled
"$CLI" --socket "$SOCK" --json stats > "$T_DIR/stats.json"
t_check "high tier: backfill bytes counted" \
    "$(( $(t_json "$T_DIR/stats.json" tiers.high.backfill_bytes) > 0 ))" 1
t_check "high tier: bytes saved never negative" \
    "$(( $(t_json "$T_DIR/stats.json" tiers.high.bytes_saved) >= 0 ))" 1
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
