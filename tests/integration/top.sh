#!/usr/bin/env bash
# `senseplane top` says what it shows (issue 10, item 14): every column
# is over the last interval (a quiet interval reads 0, not the totals
# since start), the first frame already has rates, columns carry their
# units and a legend explains them, and staleness comes from the
# interval's own histogram, within a bucket (6.25 %) of the tier period.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup tp
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=16 \
    --set "control.socket=$SOCK"
reqs=("viewer add V 239.79.0.1:7601 medium")
for s in $(seq 1 50); do reqs+=("sub add V $s medium"); done
$CTL "${reqs[@]}" > /dev/null
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 50 --hz 100 \
    --attrs heartrate --seconds 5 --quiet &
SIMPID=$!; T_PIDS+=("$SIMPID")
sleep 1.5
"$CLI" --socket "$SOCK" top --count 2 --interval 1000 > "$T_DIR/busy.txt"
wait "$SIMPID" || true
sleep 1.5
"$CLI" --socket "$SOCK" top --count 1 --interval 1000 > "$T_DIR/quiet.txt"
cat "$T_DIR/busy.txt"
first_rx=$(awk '/^senseplane top/ { print $4; exit }' "$T_DIR/busy.txt")
t_check "first frame: rx rate already measured" "$(( ${first_rx%.*} > 1000 ))" 1
t_check "columns carry units" "$(grep -c 'OFFERED/s .*MSGS/s .*CONFL(x) .*STALE_P50ms .*STALE_P99ms' "$T_DIR/busy.txt")" 2
t_check "a legend explains them" "$(grep -c '^every figure is over the last' "$T_DIR/busy.txt")" 2
row() { awk -v n="$2" '$1 == n { r = $0 } END { print r }' "$1"; }
med=$(row "$T_DIR/busy.txt" medium)
t_log "medium tier, busy: $med"
t_check "medium: conflating (offered per sent > 1)" \
    "$(echo "$med" | awk '{ print ($4 > 1) }')" 1
t_check "medium: staleness p99 within the 50 ms period + 6.25 %" \
    "$(echo "$med" | awk '{ print ($6 > 5 && $6 <= 53.2) }')" 1
quiet=$(row "$T_DIR/quiet.txt" medium)
t_log "medium tier, quiet: $quiet"
t_check "a quiet interval reads 0 messages, no conflation, no staleness" \
    "$(echo "$quiet" | awk '{ print $3 "/" $4 "/" $5 "/" $6 }')" "0/0.00/-/-"
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
