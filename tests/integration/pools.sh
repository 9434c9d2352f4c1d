#!/usr/bin/env bash
# Issue 27: nothing is refused in silence. Every pool that can run out
# either refuses the request with an error naming the pool and its size,
# or counts the refusal (`refused_POOL` in `stats`) and marks the
# subscriptions it leaves without a route `"routed": false` in `sub ls`
# and `attention`. Two dataplanes on net_pcap, each fed a pcap of 40
# sensors, with small pools:
#  1. 16 routes (no tier or sensor feeds: one route a subscribed key), 16
#     viewers, 48 subscriptions: a viewer subscribed to 40 keys gets 16
#     routes, 24 refusals counted and marked; a renewal once a route is
#     free gets its route; the 17th viewer and the 49th subscription are
#     refused with the pool named.
#  2. 16 sensors, 16 keys, 16 outs (sensor feeds on): the tables count what
#     they refuse; a subscription to a sensor the table refused is marked
#     "sensors", one whose sensor feed the outs refused "outs", as is a
#     viewer whose lens no worker could make; the viewer past max_outs is
#     refused with the pool named.
. "$(dirname "$0")/../lib/common.sh"

SOCK=$T_DIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
# one request, its answer on stdout (a refusal too: the test reads it)
ask() { $CTL "$1" || true; }
# a Python expression over the answer to a request
q() { ask "$1" | t_eval - "$2"; }

# dp_run TAG ATTRS SETTINGS...: a dataplane on a pcap of 40 sensors x ATTRS
# at 10 Hz for 1 s, waited for until it has read the whole file
dp_run() {
    local tag=$1 attrs=$2; shift 2
    "$SIM" --pcap "$T_DIR/$tag.pcap" --sensors 40 --hz 10 --attrs "$attrs" \
        --catalog "$T_ROOT/config/attributes.conf" --seconds 1 --quiet \
        --summary "$T_DIR/$tag.sim.json"
    t_start_dp --no-huge --no-pci -l 0 -m 512 \
        --vdev "net_pcap0,rx_pcap=$T_DIR/$tag.pcap,tx_pcap=$T_DIR/$tag.out.pcap" \
        -- -c "$T_ROOT/config/senseplane.conf" --set dataplane.history_mb=16 \
        --set "control.socket=$SOCK" "$@"
    t_check_within "$tag: the pcap read" 10 "$(t_json "$T_DIR/$tag.sim.json" packets)" \
        q stats 'd["totals"]["rx_pkts"]'
}

t_log "1: routes, viewers and subscriptions"
dp_run routes heartrate --set attention.max_routes=16 \
    --set attention.max_viewers=16 --set attention.max_subs=48 \
    --set attention.tier_feeds=false --set attention.sensor_feeds=false
# the last burst counted in rx_pkts may still be applying
t_check_within "1: 40 keys" 5 40 q stats 'd["totals"]["keys"]'
subs=(); for s in $(seq 1 40); do subs+=("sub add v $s high"); done
$CTL "viewer add v 239.79.0.1:7601 high" "${subs[@]}" > "$T_DIR/subs.log"
t_check "1: every subscription answered ok (routes are the workers')" \
    "$(grep -c '"ok": true' "$T_DIR/subs.log")" 41
# the workers apply subscriptions after the answers: wait for them
t_check_within "1: routes made" 5 16 q stats 'd["tables"]["routes"]'
t_check_within "1: refused_routes" 5 24 q stats 'd["totals"]["refused_routes"]'
ask "sub ls v" > "$T_DIR/ls1.json"
t_check "1: sub ls: routed" \
    "$(t_eval "$T_DIR/ls1.json" 'sum(s["routed"] for s in d["subs"])')" 16
t_check "1: sub ls: not routed, refused by the routes pool" \
    "$(t_eval "$T_DIR/ls1.json" 'sum(1 for s in d["subs"] if not s["routed"] and s["refused"] == "routes")')" 24
off=$(t_eval "$T_DIR/ls1.json" '[s["sensor"] for s in d["subs"] if not s["routed"]][0]')
on=$(t_eval "$T_DIR/ls1.json" '[s["sensor"] for s in d["subs"] if s["routed"]][0]')
ask "attention $off" > "$T_DIR/att1.json"
t_check "1: attention $off: the key high, no route, not routed (routes)" \
    "$(t_eval "$T_DIR/att1.json" '[(k["level"], len(k["routes"]), k["routed"], k.get("refused")) for k in d["attention"]["keys"]]')" \
    "[('high', 0, False, 'routes')]"
t_check "1: attention $off: the subscription not routed, its viewer named" \
    "$(t_eval "$T_DIR/att1.json" '[(s["viewer"], s["routed"], s.get("refused")) for s in d["attention"]["subs"]]')" \
    "[('v', False, 'routes')]"
t_check "1: attention $on: routed" \
    "$(q "attention $on" '[(k["routed"], len(k["routes"])) for k in d["attention"]["keys"]] + [s["routed"] for s in d["attention"]["subs"]]')" \
    "[(True, 1), True]"
# room for one route: the renewed subscription gets it
$CTL "sub rm v $on" "sub add v $off high" > /dev/null
t_check "1: renewed with a route free: routed" \
    "$(q "sub ls v" "[s['routed'] for s in d['subs'] if s['sensor'] == $off]")" "[True]"
t_check "1: refused_routes unchanged by it" "$(q stats 'd["totals"]["refused_routes"]')" 24

views=(); for v in $(seq 1 15); do views+=("viewer add w$v 239.79.1.$v:7601 low"); done
$CTL "${views[@]}" > /dev/null
t_check "1: the 17th viewer refused, the pool named" \
    "$(q "viewer add w16 239.79.1.16:7601 low" 'd["error"]')" \
    "viewer 'w16': viewers pool full (16 viewers; raise attention.max_viewers)"
# v has 39 subscriptions (one removed, one renewed): 9 more fill the 48
subs=(); for s in $(seq 1 9); do subs+=("sub add w1 $s"); done
$CTL "${subs[@]}" > /dev/null
t_check "1: the 49th subscription refused, the pool named" \
    "$(q "sub add w2 1" 'd["error"]')" \
    "subs pool full (48 subscriptions; raise attention.max_subs)"
t_check "1: refused_viewers, refused_subs" \
    "$(q stats '(d["totals"]["refused_viewers"], d["totals"]["refused_subs"])')" "(1, 1)"
t_stop "$DPPID" 20 || true
t_check_mbufs

t_log "2: sensors, keys and outs"
dp_run tables heartrate,temperature --set dataplane.max_sensors=16 \
    --set dataplane.max_keys=16 --set attention.max_outs=16 \
    --set attention.max_viewers=32
t_check_within "2: keys made" 5 16 q stats 'd["tables"]["keys"]'
ask stats > "$T_DIR/st2.json"
t_check "2: refused_sensors, refused_keys counted" \
    "$(t_eval "$T_DIR/st2.json" 'd["totals"]["refused_sensors"] > 0 and d["totals"]["refused_keys"] > 0')" True
subs=(); for s in $(seq 1 40); do subs+=("sub add v $s"); done
$CTL "viewer add v 239.79.0.1:7601 high" "${subs[@]}" > /dev/null
# a lens and 15 sensor feeds fill the 16 outs; 24 sensors have no entry
t_check "2: sub ls: routed / outs / sensors" \
    "$(q "sub ls v" '[sum(1 for s in d["subs"] if s.get("refused", "") == p) for p in ("", "outs", "sensors")]')" \
    "[15, 1, 24]"
nofeed=$(q "sub ls v" '[s["sensor"] for s in d["subs"] if s.get("refused") == "outs"][0]')
t_check "2: attention $nofeed: its subscription not routed (outs)" \
    "$(q "attention $nofeed" '[(s["routed"], s["refused"]) for s in d["attention"]["subs"]]')" \
    "[(False, 'outs')]"
views=(); for v in $(seq 1 15); do views+=("viewer add w$v 239.79.1.$v:7601 low"); done
$CTL "${views[@]}" "sub add w1 1" > /dev/null
t_check "2: a lens no worker had room for: not routed (outs)" \
    "$(q "sub ls w1" '[(s["routed"], s["refused"]) for s in d["subs"]]')" "[(False, 'outs')]"
t_check "2: the viewer past max_outs refused, the pool named" \
    "$(q "viewer add w16 239.79.1.16:7601 low" 'd["error"]')" \
    "viewer 'w16': outs pool full (16 outs a worker, a lens takes one on each; raise attention.max_outs)"
# 1 sensor feed and 15 lenses by the worker, 1 viewer by the model
t_check "2: refused_outs" "$(q stats 'd["totals"]["refused_outs"]')" 17
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
