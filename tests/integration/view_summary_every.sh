#!/usr/bin/env bash
# senseplane-view --summary-every: the summary file is rewritten while the
# viewer runs (what tools/bench/soak.sh reads every minute), its figures
# move with the traffic, every copy is a whole JSON document, and the one
# written at exit still accounts for everything. Before the option the
# file appeared only at exit.
. "$(dirname "$0")/../lib/common.sh"

t_expect "--summary-every without --summary" 2 "needs --summary FILE" \
    "$VIEW" --summary-every 1 239.77.0.1:7500
t_expect "--summary-every 0" 2 "not a positive number" \
    "$VIEW" --summary "$T_DIR/x.json" --summary-every 0 239.77.0.1:7500

t_veth_setup sumev
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=32 \
    --set switches.attention=false --set "control.socket=$SOCK"
t_view "$NS" view --summary-every 0.5 --until-end --seconds 60 239.77.0.1:7500
S=$T_DIR/view.json

# The feed's heartbeats (every 500 ms) move the summary's packet count
# even when this shared machine's kernel drops the simulator's packets
# before the dataplane sees them: what is tested is the rewriting, not the
# delivery (veth_e2e.sh tests that).
alive_field() {   # alive_field KEY: the running viewer's summary's KEY
    kill -0 "$VPID" 2>/dev/null || { echo ended; return; }
    t_json "$S" "$1" 2>/dev/null || echo unreadable
}
above() {   # above KEY N: "yes" once the running viewer's KEY is past N
    local n
    n=$(alive_field "$1")
    if [ "$n" -gt "$2" ] 2>/dev/null; then echo yes; else echo "no ($n)"; fi
}
t_check_within "summary written while running" 5 yes above packets -1

ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 100 --seconds 4 \
    --quiet --summary "$T_DIR/sim.json" &
SIMPID=$!; T_PIDS+=("$SIMPID")
p1=$(t_json "$S" packets)
t_check_within "summary rewritten while running (packets grow)" 10 yes above packets "$p1"
p2=$(t_json "$S" packets)
t_check_within "and again" 10 yes above packets "$p2"
# every copy read while it is being rewritten is a whole document
bad=0
for _ in $(seq 1 40); do
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$S" 2>/dev/null || bad=$((bad + 1))
    sleep 0.02
done
t_check "copies read mid-run that were not whole JSON" "$bad" 0

wait "$SIMPID"
sleep 0.5
last=$(t_json "$S" packets)
t_check "viewer still running before the feed ends" "$(kill -0 "$VPID" && echo yes)" yes
t_stop "$DPPID" 20 || true     # END on the feed: the viewer ends (--until-end)
wait "$VPID" || true
t_check "final summary: packets at least the last copy's" "$(t_le "$last" "$(t_json "$S" packets)")" yes
t_check "final summary: missing" "$(t_json "$S" missing)" 0
t_check "final summary: feed END seen" "$(t_json "$S" ended)" true
t_check "no temporary file left" "$(compgen -G "$T_DIR/*.tmp" | wc -l)" 0
t_done
