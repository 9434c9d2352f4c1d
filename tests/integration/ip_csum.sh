#!/usr/bin/env bash
# IPv4 header checksums (issue 10, item 11; RFC 1122 3.2.1.2): sensor
# packets whose header checksum is wrong are dropped and counted as
# ip_csum, the same packets with a right one are taken, and every mbuf
# comes back.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup ck
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/sensor.py" raw "$NSIF" \
    10.99.0.2 10.99.0.1 77 3 200 --bad-csum
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/sensor.py" raw "$NSIF" \
    10.99.0.2 10.99.0.1 78 3 150 --good-csum
t_settle "$SOCK"
$CTL stats > "$T_DIR/stats.json"
t_stop "$DPPID" 20 || true
t_check "bad header checksum: dropped and counted" \
    "$(t_eval "$T_DIR/stats.json" 'd["totals"]["drop.ip_csum"]')" 200
t_check "good header checksum: every packet taken" \
    "$(t_json "$T_DIR/stats.json" totals.sensor_pkts)" 150
t_check_mbufs
t_done
