#!/usr/bin/env bash
# Link down and up ten times (issue 13, issue 14's link state): the
# dataplane on net_tap, whose kernel interface the test takes down and up
# while a sensor sends every 2 ms. Every change must be logged and counted
# (link_changes 20, link_up 1 at the end), RX must be back after each up
# (about 10-50 ms; the check's bound is 1 s) (the first sample the dataplane keeps after it, by the
# sender's clock), and every mbuf must come back at exit.
. "$(dirname "$0")/../lib/common.sh"

TAP=sptap$$
SOCK=$T_DIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
t_start_dp --no-huge --no-pci -l 0-1 -m 512 --vdev "net_tap0,iface=$TAP" -- \
    --set "control.socket=$SOCK" --set dataplane.history_mb=16 \
    --set port.promiscuous=false --set port.allmulti=true --set port.rx_desc=512
T_LINKS+=("$TAP")
# the port's modes as configured (net_tap applies them to its interface)
FLAGS=$(ip -o link show "$TAP" | sed 's/.*<\([^>]*\)>.*/\1/')
t_check "port.promiscuous=false: not promiscuous" "$(echo "$FLAGS" | grep -c PROMISC)" 0
t_check "port.allmulti=true: all-multicast" "$(echo "$FLAGS" | grep -c ALLMULTI)" 1
ip addr add 10.99.0.2/24 dev "$TAP"
ip link set "$TAP" up
ping -c 1 -W 1 10.99.0.1 > /dev/null || true
$CTL stats > "$T_DIR/s0.json"
C0=$(t_json "$T_DIR/s0.json" totals.link_changes)
# the sender runs until the flapping is over (the test stops it); the
# first flap waits until the dataplane has its samples
python3 "$T_ROOT/tests/lib/hostile.py" send 10.99.0.1:7400 77 100000 --pps 500 \
    --attr 1 > "$T_DIR/send.json" &
SPID=$!; T_PIDS+=("$SPID")
: > "$T_DIR/ups.txt"
receiving() { $CTL "history 77/1 last 1" | t_eval - 'len(d["history"]["samples"]) > 0' 2>/dev/null || echo False; }
t_check_within "the sender's samples arrive" 20 True receiving
for i in $(seq 1 10); do
    ip link set "$TAP" down
    sleep 0.25
    date +%s%N >> "$T_DIR/ups.txt"
    ip link set "$TAP" up
    sleep 0.5
done
sleep 0.3   # samples after the last up
kill -TERM "$SPID"; wait "$SPID" || true
$CTL stats > "$T_DIR/s1.json"
$CTL "history 77/1 last 4096" > "$T_DIR/hist.json"
t_check "link changes counted" "$(( $(t_json "$T_DIR/s1.json" totals.link_changes) - C0 ))" 20
t_check "link up at the end" "$(t_json "$T_DIR/s1.json" totals.link_up)" 1
python3 - "$T_DIR/hist.json" "$T_DIR/ups.txt" > "$T_DIR/rx_back.txt" <<'PY'
import json, sys
t = [s[0] for s in json.load(open(sys.argv[1]))["history"]["samples"]]
worst = 0
for line in open(sys.argv[2]):
    up = int(line)
    after = [x for x in t if x > up]
    d = (after[0] - up) / 1e6 if after else 1e9
    print("%.1f" % d)
PY
t_log "RX back after each up (ms): $(tr '\n' ' ' < "$T_DIR/rx_back.txt")"
# 100 ms is the figure to expect (printed above); the bound catches RX
# that does not come back or waits for a restart, not a slow machine
t_check "RX back within 1 s of every up" \
    "$(python3 -c "import sys; print('yes' if max(float(x) for x in open('$T_DIR/rx_back.txt')) <= 1000 else 'no')")" yes
t_stop "$DPPID" 20 || true
t_check "every change in the log" "$(grep -c "port 0: Link" "$T_DIR/dp.log")" 20
t_check_mbufs
t_done
