#!/usr/bin/env bash
# A pcap written by the simulator, with a known mix of valid packets and
# malformed ones of every kind, goes through the dataplane on net_pcap.
# The output pcap, decoded, must hold every valid sample exactly once and
# in order per key; the drop counters must equal the injected bad packets
# reason by reason; every mbuf must be back in the pool.
. "$(dirname "$0")/../lib/common.sh"

KEYS=$T_DIR/keys
# sensors 1..100 sign their packets, so the MAC kinds are exercised too
for i in $(seq 1 100); do printf '%d %032x\n' "$i" "$((i * 7919))"; done > "$KEYS"

t_log "simulating 1000 sensors for 3 s with 5 % malformed packets"
"$SIM" --pcap "$T_DIR/in.pcap" --seconds 3 --bad 0.05 --keys "$KEYS" \
    --seed 7 --quiet --summary "$T_DIR/sim.json"

t_log "dataplane on net_pcap"
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_pcap0,rx_pcap=$T_DIR/in.pcap,tx_pcap=$T_DIR/out.pcap" \
    -- --set "dataplane.keys_file=$KEYS" --set dataplane.history_mb=64 \
    --set switches.attention=false
sent=$(t_json "$T_DIR/sim.json" packets)
# the whole pcap is read when rx_pkts stops growing at the packet count
for _ in $(seq 1 100); do
    rx=$(dpdk-telemetry.py -f "$T_PREFIX" <<< "/senseplane/stats" 2>/dev/null \
         | python3 -c 'import json,sys; print(json.load(sys.stdin)["/senseplane/stats"]["rx_pkts"])' 2>/dev/null || echo 0)
    [ "$rx" = "$sent" ] && break
    sleep 0.1
done
t_check "packets read by the dataplane (telemetry)" "$rx" "$sent"
t_stop "$DPPID" 20 || true

"$VIEW" --pcap "$T_DIR/out.pcap" --quiet --summary "$T_DIR/view.json"

t_check "samples delivered" "$(t_json "$T_DIR/view.json" samples)" \
    "$(t_json "$T_DIR/sim.json" samples)"
t_check "sample digest" "$(t_json "$T_DIR/view.json" digest)" \
    "$(t_json "$T_DIR/sim.json" digest)"
t_check "messages (one per valid record)" \
    "$(t_json "$T_DIR/view.json" messages)" "$(t_json "$T_DIR/sim.json" valid_packets)"
t_check "missing messages" "$(t_json "$T_DIR/view.json" missing)" 0
t_check "duplicates" "$(t_json "$T_DIR/view.json" duplicates)" 0
t_check "out-of-order messages" "$(t_json "$T_DIR/view.json" order_errors)" 0
t_check "version skips" "$(t_json "$T_DIR/view.json" version_skips)" 0
t_check "feed ended" "$(t_json "$T_DIR/view.json" ended)" true
for reason in short magic version flags sensor0 attr0 vtype dim nsamp \
              reserved dt overrun trailing mac_missing mac_bad; do
    t_check "drop.$reason" "$(t_dp_counter "$T_DIR/dp.log" "drop.$reason")" \
        "$(t_json "$T_DIR/sim.json" "bad.$reason")"
done
t_check "malformed injected (all kinds)" \
    "$(($(t_json "$T_DIR/sim.json" bad_total) > 0))" 1
t_check_mbufs
t_done
