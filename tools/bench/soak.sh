#!/usr/bin/env bash
# tools/bench/soak.sh - the demo's load for minutes on end, watched for
# leaks and losses (a benchmark: it reports; CI runs only its short form,
# tests/integration/soak_short.sh).
#
#   tools/bench/soak.sh [--minutes N] [--sensors N] [--json FILE] [--huge]
#                       [--seconds-per-row S]
#
# Starts what tools/run-demo starts (tools/lib/demo.sh: a private Redis,
# senseplane-ctld, the dataplane --no-huge on a veth into a namespace, the
# simulator with --sensors (1 000), the viewers wall, desk and archive,
# the dashboard senseplane-web) and runs the load for --minutes (30).
# Every minute, one line and one JSON object: each process's resident
# memory (VmRSS), the dataplane's mbufs in use (and of them those its
# retransmit buffers keep), its drops and the kernel's drops on its port,
# the samples it took per second, and each viewer's missing count (from
# the summary it rewrites every second, senseplane-view --summary-every).
# Then the load stops and it judges (tools/bench/soak.py):
#   rss_flat  every process's owned RSS (anonymous and shared memory, not
#             its mapped program and libraries) floor (the lowest of the row's readings,
#             one a second) from minute 2 on within 2 %
#   missing   0 messages missing at every viewer
#   drops     0 dataplane drops, 0 kernel drops on its port
#   mbufs     mbufs in flight back to their idle level (measured before
#             the load) within 30 s of the load's end
#   load      every process alive throughout, samples taken every minute
# and exits 0 only if all hold. --json FILE has the rows and the verdicts.
# --seconds-per-row S takes a row every S seconds instead of 60 (the
# short test, tests/integration/soak_short.sh); --huge puts the dataplane
# on hugepages when the machine can give them, as run-demo --huge does.
#
# Needs root. It cleans up after itself, on Ctrl-C too: processes,
# namespace, veth pairs, hugepages it reserved. SP_DEMO_KEEP=1 keeps the
# logs (the folder is printed).
set -u
here=$(dirname "$0")
. "$here/../lib/setup.sh"
. "$here/../lib/veth.sh"
. "$here/../lib/hugepages.sh"
. "$here/../lib/demo.sh"

minutes=30; sensors=1000; json=""; row_s=60; huge=--no-huge
while [ $# -gt 0 ]; do
    case "$1" in
    --minutes) minutes=${2:-}; shift ;;
    --sensors) sensors=${2:-}; shift ;;
    --json) json=${2:-}; shift ;;
    --seconds-per-row) row_s=${2:-}; shift ;;
    --huge) huge="" ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$minutes:$sensors:$row_s" in
*[!0-9:]*|:*|*::*|*:) echo "soak.sh: --minutes, --sensors and --seconds-per-row take whole numbers" >&2; exit 2 ;;
esac
[ "$minutes" -ge 1 ] && [ "$row_s" -ge 1 ] && [ "$sensors" -ge 1 ] ||
    { echo "soak.sh: --minutes, --sensors and --seconds-per-row start at 1" >&2; exit 2; }
[ -z "$json" ] || json=$(realpath -m "$json")
[ "$(id -u)" = 0 ] || { echo "soak.sh: needs root (namespaces, raw sockets)" >&2; exit 1; }

sp_setup || { echo "soak.sh: set-up failed" >&2; exit 1; }
sp_demo_init
cleanup() {
    trap - EXIT INT TERM HUP
    sp_demo_cleanup
    if [ "${SP_DEMO_KEEP:-}" = 1 ]; then echo "soak.sh: logs in $LOGS"; else rm -rf "$LOGS"; fi
}
trap cleanup EXIT
trap 'echo "soak.sh: stopped" >&2; exit 130' INT TERM HUP

sp_log "soak: $minutes row(s) of $row_s s, $sensors sensors, $(nproc) CPU(s), $(date -u +%FT%TZ)"
sp_demo_dataplane 1 $huge || exit 1
sp_demo_web
sp_demo_viewers 0 --summary-every 1 || exit 1
# the idle level: everything up and subscribed, no sensor yet
sleep 2
idle=$(python3 "$SP_ROOT/tests/lib/spctl.py" "$LOGS/dp.sock" stats | python3 -c '
import json, sys
t = json.load(sys.stdin)["tables"]
print("%d,%d" % (t["mbufs_in_use"], t["mbufs_retransmit"]))') ||
    { echo "soak.sh: no stats from the dataplane" >&2; exit 1; }
sp_log "idle: $idle mbufs in use, in retransmit buffers"
sp_demo_sim "$sensors" 0

params=$(printf '{"minutes": %d, "seconds_per_row": %d, "sensors": %d, "pages": "%s", "cpus": %d, "started": "%s", "namespace": "%s"}' \
    "$minutes" "$row_s" "$sensors" "$SP_PAGES" "$(nproc)" "$(date -u +%FT%TZ)" "$NS")
vargs=(); i=0
for v in $SP_DEMO_VIEWERS; do vargs+=(--viewer "${v%%:*}=${vpids[$i]}"); i=$((i + 1)); done
sp_log "load: one row every $row_s s"
# in the background and waited for: a signal to this script is taken at
# once (a foreground child would hold it until the soak's end)
python3 "$here/soak.py" --sock "$LOGS/dp.sock" --rows "$minutes" \
    --row-seconds "$row_s" --summaries "$LOGS" --load-pid "$SIM" \
    --redis-sock "$LOGS/redis.sock" \
    --idle-mbufs "$idle" --params "$params" ${json:+--json "$json"} \
    --proc "senseplane-dp=$DP" --proc "senseplane-ctld=$CTLD" \
    --proc "senseplane-web=$WEB" --proc "redis-server=$REDIS" \
    --proc "senseplane-sim=$SIM" "${vargs[@]}" &
SOAK=$!; pids+=("$SOAK")
wait "$SOAK"; rc=$?
# the rest ends in order, the dataplane after its clients, so that its exit
# report says whether every mbuf went back to its pool
for p in "$CTLD" "$WEB" "$DP" "$REDIS"; do
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
grep "mbufs in use at exit" "$LOGS/dp.log"
[ -z "$json" ] || echo "soak.sh: JSON in $json"
exit $rc
