#!/usr/bin/env bash
# senseplane-web as one viewer for all its tabs (issue 23), with several
# WebSocket clients (tests/lib/ws_tabs.py, no browser) against the real
# dataplane on veth, simulated sensors of every profile:
#  - the page lists what exists: each sensor with the attributes it sends
#    (as the dataplane knows them), not sensors x a fixed list;
#  - N tabs are one viewer, one lens, and one subscription per key in the
#    dataplane, each key at the highest level a tab asks;
#  - a tab's hovered key is high and every tab gets what it has at its
#    own level (the hover's tab high, the others medium);
#  - a tab that closes takes its levels along: its hover lowered to what
#    the others ask, its own keys gone;
#  - a slow tab's queue drops its oldest, counted in --stats and told to
#    the tab, while the others keep receiving;
#  - the viewer goes with the gateway.
. "$(dirname "$0")/../lib/common.sh"

WEB=$T_BUILD/tools/web/senseplane-web
TABS=4
t_veth_setup webgw
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set "control.socket=$SOCK" --set "reliability.allow=10.99.0.2/32" \
    --set dataplane.idle_sleep_us=200
# every attribute at 10 Hz: each profile's attributes are all seen in a
# second (the catalogue's battery and button come once a minute or less)
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 40 --hz 10 \
    --quiet > "$T_DIR/sim.log" 2>&1 &   # until stopped
SIMPID=$!; T_PIDS+=("$SIMPID")
known() { [ "$($CTL 'sensors 1000' | t_eval - 'len(d["sensors"])')" = 40 ]; }
t_until 30 known || t_log "the dataplane does not know the 40 sensors"
# a port of its own: other suites may serve on 8080 beside this one
PORT=$(t_port)
ip netns exec "$NS" "$WEB" --listen "10.99.0.2:$PORT" --control "$SOCK" \
    --iface-addr 10.99.0.2 --www "$T_ROOT/tools/web/www" \
    --hover-ttl 60000 --tab-queue 16 --name "web-gw$$" \
    --stats "$T_DIR/web.json" > "$T_DIR/web.log" 2>&1 &
WPID=$!; T_PIDS+=("$WPID")
t_wait_for "$T_DIR/web.log" "senseplane-web: http" 20
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/ws_tabs.py" 10.99.0.2 "$PORT" \
    "$SOCK" "$T_DIR/web.json" "$TABS" > "$T_DIR/tabs.json" 2> "$T_DIR/tabs.err" ||
    { cat "$T_DIR/tabs.err"; t_log "the tabs' driver failed"; }
R=$T_DIR/tabs.json
t_log "tabs: $(cat "$R")"
t_log "gateway: $(cat "$T_DIR/web.json")"

# what exists: each sensor's own attributes, as the dataplane has them
t_check "every sensor listed, none cut" "$(t_json "$R" listed_sensors)/$(t_json "$R" listed_cut)" "40/false"
same=yes
for s in 1 2 3 4 5 6 7 8; do
    dp=$($CTL "attention $s" | t_eval - 'sorted(k["name"] for k in d["attention"]["keys"])')
    web=$(t_eval "$R" "sorted(d['listed'].get('$s', []))")
    [ "$dp" = "$web" ] || { same=no; t_log "sensor $s: dataplane $dp, page $web"; }
done
t_check "sensors 1-8: the page lists exactly the attributes each sent" "$same" yes
t_check "profiles differ: sensor 1 and 2 list other attributes" \
    "$(t_eval "$R" 'd["listed"]["1"] != d["listed"]["2"]')" True

# one viewer for all the tabs
t_check "every tab had its hello" "$(t_json "$R" hello)" true
t_check "the dataplane has one viewer, the gateway's ($TABS tabs)" "$(t_eval "$R" 'd["viewers"]')" "['web-gw$$']"
t_check "one lens" "$(t_json "$R" lenses)" 1
t_check "one subscription per key (8 keys, not per tab)" "$(t_json "$R" subs)" 8
t_log "levels: hover -> high $(t_json "$R" focus_high_ms) ms, in view -> medium $(t_json "$R" shared_medium_ms) ms, loaded -> low $(t_json "$R" only0_low_ms) ms"
t_check "a tab's hovered key: high" "$(( $(t_json "$R" focus_high_ms) >= 0 ))" 1
t_check "keys in view: medium" "$(( $(t_json "$R" shared_medium_ms) >= 0 ))" 1
t_check "a key one tab has loaded out of view: low" "$(( $(t_json "$R" only0_low_ms) >= 0 ))" 1

# every tab receives, each at its own level
t_check "every tab received data" "$(t_eval "$R" 'min(d["data_per_tab"]) > 0')" True
t_check "the hovering tab gets the hovered key high" "$(t_eval "$R" '"high" in d["tab0_focus_levels"]')" True
t_check "another tab gets it at its own level, medium" "$(t_eval "$R" 'd["tab1_focus_levels"]')" "['medium']"
t_check "a tab gets nothing of keys it does not have" "$(t_json "$R" tab1_got_only0)" 0

# a tab closes
t_check "closed: its hover lowered to the others' medium" "$(( $(t_json "$R" close_focus_medium_ms) >= 0 ))" 1
t_check "closed: its own keys gone" "$(( $(t_json "$R" close_only0_none_ms) >= 0 ))" 1
t_check "closed: 6 subscriptions left" "$(t_json "$R" subs_after_close)" 6

# a slow tab
t_check "a slow tab's oldest dropped and counted (--stats shed)" "$(t_json "$R" shed_seen)" true
t_check "the slow tab is told how many" "$(t_eval "$R" 'd["slow_told_dropped"] > 0')" True
t_check "the others kept receiving" "$(t_eval "$R" 'd["others_got_during_stall"] > 0')" True
t_check "one viewer still" "$(t_eval "$R" 'd["viewers_end"]')" "['web-gw$$']"

t_check "no attention errors" "$(t_json "$T_DIR/web.json" attn_errors)" 0
t_stop "$WPID" 10 || true
t_check "the gateway's viewer is gone with it" "$($CTL 'viewer ls' | t_eval - 'len(d["viewers"])')" 0
t_stop "$SIMPID" 10 || true
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
