#!/usr/bin/env bash
# tools/bench/registry.sh - BENCHMARKS.md B7 in part: how fast a node's
# daemon writes sensor registrations to Redis (pipelined, through its
# dataplane's "seen" events), beside redis-benchmark's pipelined SET on the
# same server, and whereis from the cache.
#
#   tools/bench/registry.sh [--sensors N] [--hz H] [--seconds S] [--restore]
#   (sensors x H new sensors a second reach the dataplane for S seconds:
#   the offered registration rate). --restore: then Redis is restarted
#   empty and the time until the daemon has written every sensor back is
#   measured (issue 14: 1 000 000 sensors in <= 30 s).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${SP_BUILD:-$ROOT/build}
. "$ROOT/tools/lib/veth.sh"
sensors=100000
hz=1
secs=3
restore=0
while [ $# -gt 0 ]; do
    case "$1" in
    --sensors) sensors=$2; shift ;;
    --hz) hz=$2; shift ;;   # each sensor's rate: sensors x hz first packets/s
    --seconds) secs=$2; shift ;;
    --restore) restore=1 ;;
    *) echo "registry: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
W=$(mktemp -d /tmp/sp-reg.XXXXXX)
NS=spreg-$$; DPIF=sprd$$; NSIF=sprn$$; PORT=6397
pids=()
cleanup() {
    sp_teardown "$NS" "$DPIF" "${pids[@]}"
    rm -rf "$W" /var/run/dpdk/spreg-$$
}
trap cleanup EXIT
redis-server --bind 127.0.0.1 --port $PORT --save "" --dir "$W" \
    --logfile "$W/redis.log" & pids+=("$!")
sp_veth "$NS" "$DPIF" "$NSIF"
# every sensor's heartrate history (~3 KB at the catalogue's depth) must
# fit, or the dataplane drops (and counts) the sensors that do not
hist_mb=$(( sensors * 4 / 1000 + 64 ))
"$B/dataplane/senseplane-dp" --no-huge --no-pci -l 0-1 -m $(( hist_mb + 768 + sensors / 500 )) \
    --file-prefix spreg-$$ --vdev "net_af_packet0,iface=$DPIF,framecnt=16384" -- \
    --set dataplane.history_mb=$hist_mb --set dataplane.max_sensors=$((sensors * 2)) \
    --set dataplane.max_keys=$((sensors * 2)) --set "control.socket=$W/dp.sock" \
    > "$W/dp.log" 2>&1 & pids+=("$!")
sp_wait_running "$W/dp.log" || exit 1
"$B/controlplane/senseplane-ctld" --node bench --redis "redis://127.0.0.1:$PORT/0" \
    --socket "$W/dp.sock" --set controlplane.api=127.0.0.1:7469 \
    --set controlplane.metrics= > "$W/ctld.log" 2>&1 & pids+=("$!")
for _ in $(seq 1 100); do grep -q "Redis up" "$W/ctld.log" && break; sleep 0.1; done
api() { python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",7469)); s.sendall((sys.argv[1]+"\n").encode()); print(s.makefile().readline())' "$1"; }

ip netns exec "$NS" "$B/tools/sim/senseplane-sim" --dest 10.99.0.1:7400 \
    --sensors "$sensors" --attrs heartrate --hz "$hz" --seconds "$secs" --quiet &
pids+=("$!")
python3 - "$sensors" <<'PY'
import json, socket, sys, time
want = int(sys.argv[1])
def ctld():
    s = socket.create_connection(("127.0.0.1", 7469)); s.sendall(b"ctld\n")
    return json.loads(s.makefile().readline())
t0 = None; w0 = 0
while True:
    d = ctld(); w = d["registry_writes"]; now = time.time()
    if t0 is None and w > 0: t0, w0 = now, w
    if w >= want or (t0 and now - t0 > 30 + want / 20000): break
    time.sleep(0.02)
print("registry: %d registrations in %.2f s = %.0f writes/s (%d batches, %d errors)"
      % (w - w0, now - t0, (w - w0) / max(now - t0, 1e-9), d["registry_batches"], d["registry_errors"]))
PY
redis-benchmark -p $PORT -t set -n 200000 -P 64 -q 2>/dev/null | tr '\r' '\n' | grep -E "^SET" | tail -1 | sed 's/^/redis-benchmark SET -P 64 (baseline): /'
python3 - "$sensors" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", 7469)); f = s.makefile("rw")
n = 2000; t0 = time.time()
for i in range(n):
    f.write("whereis %d\n" % (1 + i * 7 % int(sys.argv[1]))); f.flush(); f.readline()
print("whereis over the node API (TCP round trip): %.1f us each" % ((time.time() - t0) / n * 1e6))
PY
echo "whereis inside the daemon (cache lookup): $(api ctld | python3 -c 'import json,sys; d=json.load(sys.stdin); print("p50 %.0f ns, p99 %.0f ns" % (d["whereis_p50_ns"], d["whereis_p99_ns"]))')"
sleep 2
echo "dataplane owns $(python3 "$ROOT/tests/lib/spctl.py" "$W/dp.sock" stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sensors"])') sensors"
echo "cache holds $(api ctld | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache_sensors"])') sensors; Redis has $(redis-cli -p $PORT scard sp:node:bench:sensors)"

[ "$restore" = 1 ] || exit 0
# Redis restarted empty: the daemon writes back its node and every sensor
# its dataplane owns (SCHEMA.md, "Redis down")
owned=$(python3 "$ROOT/tests/lib/spctl.py" "$W/dp.sock" stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sensors"])')
redis-cli -p $PORT shutdown nosave > /dev/null 2>&1 || true
sleep 1
redis-server --bind 127.0.0.1 --port $PORT --save "" --dir "$W" \
    --logfile "$W/redis2.log" & pids+=("$!")
python3 - "$PORT" "$owned" <<'PY'
import subprocess, sys, time
port, want = sys.argv[1], int(sys.argv[2])
t0 = time.time(); n = 0
while time.time() - t0 < 120:
    r = subprocess.run(["redis-cli", "-p", port, "scard", "sp:node:bench:sensors"],
                       capture_output=True, text=True).stdout.strip()
    n = int(r) if r.isdigit() else 0
    if n >= want:
        break
    time.sleep(0.05)
dt = time.time() - t0
keys = subprocess.run(["redis-cli", "-p", port, "dbsize"], capture_output=True, text=True).stdout.strip()
print("restore: Redis restarted empty; %d of %d sensors written back in %.1f s (from Redis's start; %s keys)" % (n, want, dt, keys))
PY
