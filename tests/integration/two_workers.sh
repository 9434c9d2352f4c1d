#!/usr/bin/env bash
# Two worker lcores on an af_packet port with two queue pairs, ownership
# by hash (dataplane.owner_by_queue=false): each sensor is owned by one
# worker; packets RSS puts on the other queue are handed to the owner over
# its ring (the simulator is one flow: by queue, one worker would own all,
# as rss_owners.sh checks). The viewer must still get every sample exactly
# once and in order per key, and both workers must have owned sensors.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup 2w

# three lcores on two cores: the main thread sleeps, two workers poll.
# Deep rings (16 384 frames a queue, not 512): DPDK 22.11's af_packet joins
# its sockets in a hash fanout with ROLLOVER, so a full ring spills a flow
# onto the other queue, and the two workers then see one sensor's packets
# out of order (225 messages once, on a CPU three compilers shared)
t_start_dp --no-huge --no-pci --lcores "0@0,1@0,2@1" -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,qpairs=2,framecnt=16384" \
    -- --set dataplane.history_mb=32 --set switches.attention=false \
    --set dataplane.owner_by_queue=false
grep -q "2 worker(s)" "$T_DIR/dp.log" || { echo "expected 2 workers"; head "$T_DIR/dp.log"; exit 1; }

t_view "$NS" view --until-end --seconds 60 239.77.0.1:7500
t_log "simulating 500 sensors for 4 s"
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 500 --seconds 4 \
    --quiet --summary "$T_DIR/sim.json"
w0=$(dpdk-telemetry.py -f "$T_PREFIX" <<< "/senseplane/lcore,0" 2>/dev/null | \
     t_eval - 'd["/senseplane/lcore"]["sensors"]')
w1=$(dpdk-telemetry.py -f "$T_PREFIX" <<< "/senseplane/lcore,1" 2>/dev/null | \
     t_eval - 'd["/senseplane/lcore"]["sensors"]')
t_stop "$DPPID" 20 || true
wait "$VPID" || true

t_log "sensors owned: worker 0 $w0, worker 1 $w1"
t_check "every sensor owned once" "$((w0 + w1))" 500
t_check "both workers own sensors" "$((w0 > 100 && w1 > 100))" 1
t_check "packets handed to the owner" \
    "$(($(t_dp_counter "$T_DIR/dp.log" handoff_in) > 0))" 1
t_check "hand-offs out = in" "$(t_dp_counter "$T_DIR/dp.log" handoff_out)" \
    "$(t_dp_counter "$T_DIR/dp.log" handoff_in)"
t_check "samples received = sent" "$(t_json "$T_DIR/view.json" samples)" \
    "$(t_json "$T_DIR/sim.json" samples)"
t_check "sample digest" "$(t_json "$T_DIR/view.json" digest)" \
    "$(t_json "$T_DIR/sim.json" digest)"
t_check "feeds (one shard per worker)" "$(t_json "$T_DIR/view.json" feeds)" 2
t_check "missing messages" "$(t_json "$T_DIR/view.json" missing)" 0
t_check "out-of-order messages" "$(t_json "$T_DIR/view.json" order_errors)" 0
t_check "version skips" "$(t_json "$T_DIR/view.json" version_skips)" 0
t_check_mbufs
t_done
