#!/usr/bin/env bash
# Ownership that follows the NIC (dataplane.owner_by_queue, the default):
# two workers on a net_pcap port of two queues fed the way RSS would feed
# them (tools/bench/rss_split.py: the Toeplitz hash of each flow's
# addresses and ports). Each sensor is its own flow here (--src-ports):
# every sensor must be owned once, by the worker its flow lands on, with
# no packet crossing the hand-off ring and every sample taken. The same
# split with ownership by hash hands about half the packets over. A
# gateway (every sensor behind one address and port) is one flow: one
# queue, one worker owns them all, still nothing crosses.
. "$(dirname "$0")/../lib/common.sh"

SPLIT="python3 $T_ROOT/tools/bench/rss_split.py"

tele() {   # tele PREFIX CMD FIELD
    dpdk-telemetry.py -f "$1" <<< "$2" 2>/dev/null | \
        python3 -c "import json,sys; d=json.load(sys.stdin); print(list(d.values())[0]['$3'])" \
        2>/dev/null || echo -1
}

# run NAME SENT ARGS...: the dataplane on $T_DIR/NAME0.pcap and NAME1.pcap
# until it has read SENT packets; its log in $T_DIR/NAME.log, per-worker
# sensors in W0, W1
run() {
    local name=$1 sent=$2; shift 2
    local pfx=$T_PREFIX-$name
    "$DP" --file-prefix "$pfx" --no-huge --no-pci --lcores "0@0,1@0,2@1" -m 512 \
        --vdev "net_pcap0,rx_pcap=$T_DIR/${name}0.pcap,rx_pcap=$T_DIR/${name}1.pcap,tx_pcap=$T_DIR/${name}o0.pcap,tx_pcap=$T_DIR/${name}o1.pcap" \
        -- --set dataplane.history_mb=32 --set switches.attention=false "$@" \
        > "$T_DIR/$name.log" 2>&1 &
    local pid=$!; T_PIDS+=("$pid")
    t_wait_for "$T_DIR/$name.log" running 20
    local rx=0
    for _ in $(seq 1 150); do
        rx=$(tele "$pfx" /senseplane/stats rx_pkts)
        [ "$rx" = "$sent" ] && break
        sleep 0.1
    done
    t_check "$name: packets read" "$rx" "$sent"
    W0=$(tele "$pfx" "/senseplane/lcore,0" sensors)
    W1=$(tele "$pfx" "/senseplane/lcore,1" sensors)
    t_stop "$pid" 20 || true
    t_check "$name: mbufs in use at exit" \
        "$(sed -n 's/.*mbufs in use at exit: //p' "$T_DIR/$name.log")" 0
}

t_log "1000 sensors, each its own flow, split by RSS over 2 queues"
"$SIM" --pcap "$T_DIR/flows.pcap" --seconds 2 --sensors 1000 --src-ports 1000 \
    --quiet --summary "$T_DIR/flows.json"
$SPLIT "$T_DIR/flows.pcap" 2 "$T_DIR/q" > "$T_DIR/split.json"
cp "$T_DIR/q0.pcap" "$T_DIR/rss0.pcap"; cp "$T_DIR/q1.pcap" "$T_DIR/rss1.pcap"
cp "$T_DIR/q0.pcap" "$T_DIR/hash0.pcap"; cp "$T_DIR/q1.pcap" "$T_DIR/hash1.pcap"
SENT=$(t_json "$T_DIR/flows.json" packets)
SAMPLES=$(t_json "$T_DIR/flows.json" samples)
t_log "split: $(cat "$T_DIR/split.json")"
t_check "both queues get flows" "$(t_eval "$T_DIR/split.json" \
    'min(d["packets"]) > 0.3 * sum(d["packets"])')" True

run rss "$SENT"
t_log "by queue: worker 0 owns $W0, worker 1 $W1"
t_check "by queue: every sensor owned once" "$((W0 + W1))" 1000
t_check "by queue: both workers own sensors" "$((W0 > 300 && W1 > 300))" 1
t_check "by queue: packets handed over" "$(t_dp_counter "$T_DIR/rss.log" handoff_out)" 0
t_check "by queue: samples taken" "$(t_dp_counter "$T_DIR/rss.log" samples_in)" "$SAMPLES"

run hash "$SENT" --set dataplane.owner_by_queue=false
HO=$(t_dp_counter "$T_DIR/hash.log" handoff_out)
t_log "by hash: $HO of $SENT packets handed over"
t_check "by hash: every sensor owned once" "$((W0 + W1))" 1000
t_check "by hash: about half handed over" \
    "$(t_true "0.35 * $SENT < $HO < 0.65 * $SENT")" yes
t_check "by hash: hand-offs out = in" "$HO" "$(t_dp_counter "$T_DIR/hash.log" handoff_in)"
t_check "by hash: samples taken" "$(t_dp_counter "$T_DIR/hash.log" samples_in)" "$SAMPLES"

t_log "moved flows: the same 1000 sensors again from another address"
"$SIM" --pcap "$T_DIR/moved.pcap" --seconds 2 --sensors 1000 --src-ports 1000 \
    --src 10.99.0.3:40000 --seed 2 --quiet --summary "$T_DIR/moved.json"
$SPLIT "$T_DIR/moved.pcap" 2 "$T_DIR/mq" > /dev/null
for q in 0 1; do   # each queue: its share of the first capture, then the second's
    python3 - "$T_DIR/q$q.pcap" "$T_DIR/mq$q.pcap" "$T_DIR/mv$q.pcap" <<'PY'
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
open(sys.argv[3], "wb").write(a + b[24:])
PY
done
# both workers read their pcaps as fast as they can: a ring that holds
# every hand-off (at a real rate 4096 is plenty; what does not fit is
# counted ring_full)
run mv "$((SENT + $(t_json "$T_DIR/moved.json" packets)))" --set dataplane.ring_size=65536
HO=$(t_dp_counter "$T_DIR/mv.log" handoff_out)
t_log "moved: worker 0 owns $W0, worker 1 $W1; $HO packets handed over"
t_check "moved: every sensor owned once" "$((W0 + W1))" 1000
t_check "moved: the moved flows' packets handed over" "$((HO > 1000))" 1
t_check "moved: hand-offs out = in" "$HO" "$(t_dp_counter "$T_DIR/mv.log" handoff_in)"
# the second capture numbers its packets from 1 again: where the two
# streams of a sensor interleave, a packet repeating the seq before it is
# a seq_dup (PROTOCOL.md); every packet is taken or counted so
MV_SENT=$((SENT + $(t_json "$T_DIR/moved.json" packets)))
DUP=$(t_dp_counter "$T_DIR/mv.log" drop.seq_dup)
t_check "moved: every packet taken or counted" \
    "$(($(t_dp_counter "$T_DIR/mv.log" sensor_pkts) + DUP))" "$MV_SENT"
t_check "moved: seq repeats a minority" "$((DUP * 5 < MV_SENT))" 1

t_log "a gateway: 1000 sensors behind one address and port"
"$SIM" --pcap "$T_DIR/gw.pcap" --seconds 2 --sensors 1000 --quiet \
    --summary "$T_DIR/gw.json"
$SPLIT "$T_DIR/gw.pcap" 2 "$T_DIR/gw" > "$T_DIR/gwsplit.json"
run gw "$(t_json "$T_DIR/gw.json" packets)"
t_log "gateway: worker 0 owns $W0, worker 1 $W1 ($(cat "$T_DIR/gwsplit.json"))"
t_check "gateway: one worker owns every sensor" "$((W0 + W1 == 1000 && (W0 == 0 || W1 == 0)))" 1
t_check "gateway: packets handed over" "$(t_dp_counter "$T_DIR/gw.log" handoff_out)" 0
t_check "gateway: samples taken" "$(t_dp_counter "$T_DIR/gw.log" samples_in)" \
    "$(t_json "$T_DIR/gw.json" samples)"
t_done
