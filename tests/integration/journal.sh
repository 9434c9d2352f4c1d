#!/usr/bin/env bash
# Logs with levels journald understands (issue 14): when the stream is the
# journal (JOURNAL_STREAM names its device:inode, as systemd sets it), each
# line of the dataplane, the daemon and the gateway starts with "<N>", the
# syslog priority (sd-daemon(3)): information 6, warnings 4, errors 3, and
# DPDK's own lines with theirs; on any other stream the lines are as
# before, without a prefix.
. "$(dirname "$0")/../lib/common.sh"

js() { stat -c '%d:%i' "$1"; }   # the device:inode systemd would name
: > "$T_DIR/dp.log"
JOURNAL_STREAM=$(js "$T_DIR/dp.log") "$DP" --file-prefix "$T_PREFIX" --no-huge \
    --no-pci -l 0 -m 256 --vdev net_null0 -- --set "control.socket=$T_DIR/dp.sock" \
    --set dataplane.history_mb=8 >> "$T_DIR/dp.log" 2>&1 &
DPPID=$!; T_PIDS+=("$DPPID")
t_wait_for "$T_DIR/dp.log" "running" 20
t_stop "$DPPID" 20 || true
t_log "dataplane lines: $(head -c 600 "$T_DIR/dp.log" | tr '\n' '|')"
t_check "dataplane: 'running' at information (<6>)" "$(grep -c '^<6>senseplane-dp: running' "$T_DIR/dp.log")" 1
t_check "dataplane: DPDK's EAL lines carry a level" "$(( $(grep -c '^<[0-7]>EAL: ' "$T_DIR/dp.log") > 0 ))" 1
t_check "dataplane: no line without a level" "$(grep -vc '^<[0-7]>\|^  ' "$T_DIR/dp.log")" 0

# an error at start: <3>
: > "$T_DIR/bad.log"
JOURNAL_STREAM=$(js "$T_DIR/bad.log") "$DP" --file-prefix "$T_PREFIX-b" --no-huge \
    --no-pci -l 0 -m 256 --vdev net_null0 -- --set dataplane.mbufs=1 >> "$T_DIR/bad.log" 2>&1 || true
t_check "dataplane: an error at start is <3>" "$(grep -c '^<3>senseplane-dp: ' "$T_DIR/bad.log")" 1

# the daemon: information, and Redis unreachable is a warning
: > "$T_DIR/ctld.log"
JOURNAL_STREAM=$(js "$T_DIR/ctld.log") "$CTLD" --node j1 --redis redis://127.0.0.1:1/0 \
    --socket "$T_DIR/none.sock" --set controlplane.api=127.0.0.1:7479 \
    --set controlplane.metrics= >> "$T_DIR/ctld.log" 2>&1 &
CPID=$!; T_PIDS+=("$CPID")
sleep 1.5
kill -TERM "$CPID"; wait "$CPID" || true
t_log "daemon lines: $(head -c 400 "$T_DIR/ctld.log" | tr '\n' '|')"
t_check "daemon: its start at information (<6>)" "$(grep -c '^<6>senseplane-ctld ' "$T_DIR/ctld.log")" 1
t_check "daemon: Redis unreachable is a warning (<4>)" "$(( $(grep -c '^<4>senseplane-ctld: ' "$T_DIR/ctld.log") > 0 ))" 1

# without the journal: no prefix
"$DP" --file-prefix "$T_PREFIX-c" --no-huge --no-pci -l 0 -m 256 \
    --vdev net_null0 -- --set dataplane.mbufs=1 > "$T_DIR/plain.log" 2>&1 || true
t_check "elsewhere: the lines as before" "$(grep -c '^<[0-7]>' "$T_DIR/plain.log")" 0
t_check "elsewhere: the error is there" "$(grep -c '^senseplane-dp: ' "$T_DIR/plain.log")" 1
exit $T_FAILS
