#!/usr/bin/env bash
# senseplane-record is lossless (issue 25): the simulator's mix (ECG
# patches, IMUs, trackers, environment probes) recorded into a private
# VictoriaMetrics while the store is stopped for some seconds and started
# again, and the recorder is killed with kill -9 once and started again
# (its watermarks in --state). Its memory bound is small on purpose, so
# that the outage also sends live samples to the dataplane's history.
# Afterwards every key's series holds exactly the samples the dataplane
# received (its per-key version), each timestamp once, the newest ones
# with their values (tests/lib/record_check.py); the recorder counted no
# loss, saw the outage and read from history.
. "$(dirname "$0")/../lib/common.sh"

REC=$T_BUILD/tools/record/senseplane-record
VM=$(command -v victoria-metrics || true)
[ -x "$VM" ] || { t_log "victoria-metrics is not installed (tools/lib/setup.sh installs it)"; exit 1; }
SENSORS=${SP_RECORD_SENSORS:-120}
SECS=${SP_RECORD_SECONDS:-40}
LENS=239.81.0.$(( $$ % 200 + 20 )):$(( 7800 + $$ % 100 ))

t_veth_setup rec
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set dataplane.history_mb=64 --set dataplane.idle_sleep_us=50 \
    --set "control.socket=$SOCK"

VMPORT=$(t_port)
STORE=http://127.0.0.1:$VMPORT
mkdir -p "$T_DIR/vm" "$T_DIR/state"
vm_start() {
    ip netns exec "$NS" "$VM" -storageDataPath "$T_DIR/vm" \
        -httpListenAddr "127.0.0.1:$VMPORT" -dedup.minScrapeInterval=1ms \
        -loggerLevel=ERROR >> "$T_DIR/vm.log" 2>&1 &
    VMPID=$!; T_PIDS+=("$VMPID")
    healthy() { [ "$(ip netns exec "$NS" curl -s "$STORE/health")" = OK ]; }
    t_until 60 healthy || { t_log "the store did not come up:"; tail "$T_DIR/vm.log"; exit 1; }
}
rec_start() {
    ip netns exec "$NS" "$REC" --control "$SOCK" --store "$STORE" \
        -i 10.99.0.2 --lens "$LENS" --state "$T_DIR/state" \
        --stats "$T_DIR/rec.json" --max-samples 40000 --name rec$$ \
        >> "$T_DIR/rec.log" 2>&1 &
    RECPID=$!; T_PIDS+=("$RECPID")
    t_wait_for "$T_DIR/rec.log" "senseplane-record: recording" 20
}
rstat() { t_json "$T_DIR/rec.json" "$1" 2>/dev/null || echo 0; }

vm_start
rec_start
# the namespace learns the dataplane's MAC first (ARP discards what it
# queues past a few packets: samples the dataplane would never see)
ip netns exec "$NS" ping -c 1 -W 2 10.99.0.1 > /dev/null || true
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors "$SENSORS" \
    --seconds "$SECS" --quiet --summary "$T_DIR/sim.json" &
SIMPID=$!; T_PIDS+=("$SIMPID")
recording() { [ "$(rstat recorded)" -gt 1000 ]; }
t_until 30 recording || t_log "nothing recorded yet: $(cat "$T_DIR/rec.json" 2>/dev/null)"

# the store goes away for a while; the recorder keeps what it can and
# leaves the rest to the history
kill -TERM "$VMPID"; wait "$VMPID" 2>/dev/null || true
down() { [ "$(rstat store_down)" = true ]; }
t_until 20 down || t_log "the recorder did not notice the outage"
t_log "store stopped; the recorder: $(cat "$T_DIR/rec.json")"
sleep 5   # the outage itself: its length is the test's input
vm_start
up() { [ "$(rstat store_down)" = false ] && [ "$(rstat catching_up)" = 0 ]; }
t_until 60 up || t_log "not caught up after the outage: $(cat "$T_DIR/rec.json")"
t_log "caught up after the outage in $T_UNTIL_MS ms: $(cat "$T_DIR/rec.json")"
errors_seen=$(rstat store_errors)

# the recorder dies without a word, and comes back
kill -KILL "$RECPID"; wait "$RECPID" 2>/dev/null || true
sleep 2   # away for a while: its length is the test's input
rec_start

wait "$SIMPID" || true
t_settle "$SOCK"
idle() {
    [ "$(rstat catching_up)" = 0 ] && [ "$(rstat buffered)" = 0 ] &&
        [ "$(rstat in_flight)" = 0 ] && [ "$(rstat history_reads)" -gt 0 ]
}
t_until 60 idle || t_log "the recorder is not idle: $(cat "$T_DIR/rec.json")"
t_log "recorder after its restart: $(cat "$T_DIR/rec.json")"

ip netns exec "$NS" python3 "$T_ROOT/tests/lib/record_check.py" "$SOCK" \
    "$STORE" --json "$T_DIR/check.json" > /dev/null || true
t_log "store against dataplane: $(cat "$T_DIR/check.json")"
t_check "every sample the dataplane received is in the store, once" \
    "$(t_json "$T_DIR/check.json" ok)" true
t_check "samples missing from the store" "$(t_json "$T_DIR/check.json" missing)" 0
t_check "timestamps stored twice" "$(t_json "$T_DIR/check.json" duplicates)" 0
t_check "samples stored that the dataplane did not receive" "$(t_json "$T_DIR/check.json" extra)" 0
t_check "newest values as received" "$(t_json "$T_DIR/check.json" value_mismatches)" 0
t_check "keys recorded (every attribute of every sensor)" \
    "$(( $(t_json "$T_DIR/check.json" keys) >= SENSORS ))" 1
drops=$(t_kernel_drops "$SOCK")
if [ "$drops" = 0 ]; then
    t_check "the dataplane received what the simulator sent" \
        "$(t_json "$T_DIR/check.json" samples)" "$(t_json "$T_DIR/sim.json" samples)"
else
    t_log "the kernel dropped $drops packets before the dataplane: compared with the dataplane only"
fi
t_check "the store outage was seen (store errors)" "$(( errors_seen > 0 ))" 1
t_check "the recorder read missing samples from history" "$(( $(rstat history_samples) > 0 ))" 1
t_check "nothing counted lost" "$(rstat lost)" 0
t_stop "$RECPID" 20 || true
t_check "the recorder removed its viewer at exit" \
    "$($CTL "viewer ls" | t_eval - 'sum(1 for v in d["viewers"] if v["name"] == "rec'$$'")')" 0
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
