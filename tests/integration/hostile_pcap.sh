#!/usr/bin/env bash
# 1 000 000 hostile packets (issue 13): a capture with every drop reason
# the dataplane has for sensor traffic (frame, protocol, catalogue, MAC,
# replay, ACL, binding, both rate limits) among valid packets, made by
# tests/lib/hostile_pcap.py from PROTOCOL.md, read once on net_pcap. Each
# drop counter must equal what was injected (the two rate limits within
# what their buckets can refill while the capture is read), every valid
# packet must be taken, and the mbufs out of the pool must be only those
# the retransmit buffers hold, then none at exit.
. "$(dirname "$0")/../lib/common.sh"

t_log "writing the capture"
python3 "$T_ROOT/tests/lib/hostile_pcap.py" "$T_DIR/in.pcap" "$T_DIR/expect.json" \
    "$T_DIR/keys" "${SP_HOSTILE_TOTAL:-1000000}"
TOTAL=$(t_json "$T_DIR/expect.json" frames)
SOCK=$T_DIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
t_start_dp --no-huge --no-pci -l 0 -m 1024 \
    --vdev "net_pcap0,rx_pcap=$T_DIR/in.pcap,tx_pcap=/dev/null" -- \
    --set "control.socket=$SOCK" --set "dataplane.keys_file=$T_DIR/keys" \
    --set dataplane.history_mb=256 --set dataplane.max_sensors=65536 \
    --set dataplane.max_keys=65536 \
    --set security.require_mac_from=10.98.0.6 --set security.deny=10.98.0.4 \
    --set security.bind_source=true --set limits.sensor_factor=100 \
    --set limits.source_pps=1 --set limits.source_burst=10000
for _ in $(seq 1 300); do
    $CTL stats > "$T_DIR/stats.json" 2>/dev/null || true
    [ "$(t_json "$T_DIR/stats.json" totals.rx_pkts 2>/dev/null)" = "$TOTAL" ] && break
    sleep 0.1
done
sleep 0.2
$CTL stats > "$T_DIR/stats.json"
t_check "every frame read" "$(t_json "$T_DIR/stats.json" totals.rx_pkts)" "$TOTAL"
python3 - "$T_DIR/expect.json" "$T_DIR/stats.json" > "$T_DIR/compare.txt" <<'PY'
import json, sys
exp, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["totals"]
for k in sorted(exp):
    if k.startswith("drop."):
        print("%s %s %s" % (k, got.get(k), exp[k]))
# every other drop counter stays 0
for k in sorted(got):
    if k.startswith("drop.") and k not in exp and k not in ("drop.rate_sensor", "drop.rate_source"):
        print("%s %s 0" % (k, got[k]))
lo, hi = exp["rate_sensor"]
print("rate_sensor %s" % ("yes" if lo <= got["drop.rate_sensor"] <= hi else "no (%d not in %d..%d)" % (got["drop.rate_sensor"], lo, hi)))
lo, hi = exp["rate_source"]
print("rate_source %s" % ("yes" if lo <= got["drop.rate_source"] <= hi else "no (%d not in %d..%d)" % (got["drop.rate_source"], lo, hi)))
taken = exp["valid_packets"] + (5000 - got["drop.rate_sensor"]) + (30000 - got["drop.rate_source"])
print("taken %d %d" % (got["sensor_pkts"], taken))
print("accounted %d %d" % (got["sensor_pkts"] + sum(v for k, v in got.items() if k.startswith("drop.")), exp["frames"]))
PY
while read -r k a b; do
    case $k in
        rate_*) t_check "$k within what its bucket can refill" "$a" yes ;;
        taken) t_check "every valid packet taken (and what the limits let through)" "$a" "$b" ;;
        accounted) t_check "every frame taken or dropped under one reason" "$a" "$b" ;;
        *) t_check "$k" "$a" "$b" ;;
    esac
done < "$T_DIR/compare.txt"
t_check "mbufs out of the pool: only the retransmit buffers'" \
    "$(t_json "$T_DIR/stats.json" tables.mbufs_in_use)" "$(t_json "$T_DIR/stats.json" tables.mbufs_retransmit)"
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
