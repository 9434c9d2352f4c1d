# tests/lib/common.sh - helpers for the integration and system tests:
# paths, a DPDK file prefix per test, process and namespace clean-up on
# exit, and assertions that say what differed.
#
# Source it first thing; every test then runs with `set -eu` and cleans up
# whatever it started, even when an assertion fails.

set -eu
# a test that set -e stops says where and on what, not just its exit code
trap 'rc=$?; echo "[${T_NAME:-test}] stopped at line $LINENO: $BASH_COMMAND (exit $rc)" >&2' ERR
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$T_ROOT/tools/lib/veth.sh"
. "$T_ROOT/tools/lib/python.sh"
T_BUILD=${SP_BUILD:-$T_ROOT/build}
sp_python_path "$T_BUILD"
DP=$T_BUILD/dataplane/senseplane-dp
SIM=$T_BUILD/tools/sim/senseplane-sim
VIEW=$T_BUILD/tools/view/senseplane-view
T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "/tmp/sp-$T_NAME.XXXXXX")
T_PREFIX="sp-$T_NAME-$$"
T_PIDS=()
T_NETNS=()
T_LINKS=()
T_FAILS=0

t_cleanup() {
    local p
    for p in "${T_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in "${T_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${T_LINKS[@]}"; do ip link del "$p" 2>/dev/null || true; done
    for p in "${T_NETNS[@]}"; do ip netns del "$p" 2>/dev/null || true; done
    rm -rf "/var/run/dpdk/$T_PREFIX"* 2>/dev/null || true
    rm -rf "/dev/shm/sp-$T_NAME-$$"
    [ "${T_KEEP:-}" = 1 ] || rm -rf "$T_DIR"
}

# t_shm_dir: a directory in memory (tmpfs) for files whose fsync must not
# wait on this machine's disk (Redis's appendfsync always: the test is
# about a process killed, not the machine); gone at exit.
t_shm_dir() {
    mkdir -p "/dev/shm/sp-$T_NAME-$$" && echo "/dev/shm/sp-$T_NAME-$$"
}
trap t_cleanup EXIT

t_log() { printf '[%s] %s\n' "$T_NAME" "$*"; }

# t_check DESCRIPTION ACTUAL EXPECTED: compare, report, count failures.
t_check() {
    if [ "$2" = "$3" ]; then
        printf '  ok   %s: %s\n' "$1" "$2"
    else
        printf '  FAIL %s: got %s, expected %s\n' "$1" "$2" "$3"
        T_FAILS=$((T_FAILS + 1))
    fi
}

# t_check_within DESCRIPTION SECS EXPECTED COMMAND...: run COMMAND every
# 0.1 s until its output is EXPECTED or SECS have passed, then t_check its
# last output. For state that comes by itself at some moment (a periodic
# resync, a restart), where a fixed sleep is either long or flaky.
t_check_within() {
    local name=$1 secs=$2 want=$3 got="" end; shift 3
    end=$(( $(date +%s%N) + secs * 1000000000 ))
    while :; do
        got=$("$@" 2>/dev/null) || true
        [ "$got" = "$want" ] && break
        [ "$(date +%s%N)" -ge "$end" ] && break
        sleep 0.1
    done
    t_check "$name" "$got" "$want"
}

# t_until SECS COMMAND...: run COMMAND every 0.1 s until it succeeds or
# SECS (whole seconds) have passed; 0 once it succeeded, else 1. Sets
# T_UNTIL_MS to the milliseconds it took (for a log line, not a check).
# For a state the next step needs: wait for it, then act.
t_until() {
    local secs=$1 t0 end; shift
    t0=$(date +%s%N); end=$(( t0 + secs * 1000000000 ))
    while :; do
        if "$@" > /dev/null 2>&1; then
            T_UNTIL_MS=$(( ($(date +%s%N) - t0) / 1000000 )); return 0
        fi
        if [ "$(date +%s%N)" -ge "$end" ]; then
            T_UNTIL_MS=$(( ($(date +%s%N) - t0) / 1000000 )); return 1
        fi
        sleep 0.1
    done
}

# t_port: a free TCP port on loopback, for this test alone: the same
# suites run beside this one (other trees, CI copies), so a fixed port
# may be another test's Redis or daemon. Drawn from 20000-32767 (below
# the kernel's ephemeral range, where outgoing connections take theirs),
# checked by binding it, never one this test drew before.
t_port() {
    python3 - "$T_DIR/ports" <<'PY'
import random, socket, sys
used = set(open(sys.argv[1]).read().split()) if __import__("os").path.exists(sys.argv[1]) else set()
for _ in range(1000):
    p = random.randint(20000, 32767)
    if str(p) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    open(sys.argv[1], "a").write("%d\n" % p)
    print(p)
    break
else:
    sys.exit("no free port")
PY
}

# t_json FILE PATH: a value of a JSON document ("-" for standard input).
# PATH goes in by dots: object keys, list indices ("subs.0.sensor"); a
# final "#" gives a length ("subs.#"). Missing: 0. Booleans: true/false.
t_json() {
    python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(sys.stdin if sys.argv[1] == "-" else open(sys.argv[1]))
v = doc
for k in sys.argv[2].split("."):
    if k == "#":
        v = len(v) if isinstance(v, (list, dict)) else 0
    elif isinstance(v, list):
        v = v[int(k)] if k.lstrip("-").isdigit() and -len(v) <= int(k) < len(v) else 0
    elif isinstance(v, dict):
        v = v.get(k, 0)
    else:
        v = 0
print(str(v).lower() if isinstance(v, bool) else v)
PY
}

# t_eval SRC EXPR: print the Python expression EXPR over the JSON document
# in file SRC ("-" for standard input) bound to d, e.g.
#   t_eval "$T_DIR/out" 'sorted(s["sensor"] for s in d["subs"])'
t_eval() {
    python3 -c 'import json, sys
src = sys.argv[1]
d = json.load(sys.stdin if src == "-" else open(src))
print(eval(sys.argv[2], {"d": d}))' "$1" "$2"
}

# t_within VALUE LO HI: "yes" when LO <= VALUE <= HI, else "no (VALUE)".
t_within() {
    python3 -c "import sys; v = float(sys.argv[1]); print('yes' if float(sys.argv[2]) <= v <= float(sys.argv[3]) else 'no (%s)' % sys.argv[1])" "$1" "$2" "$3"
}

# t_le A B: "yes" when A <= B, else "no (A > B)".
t_le() {
    python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('yes' if a <= b else 'no (%s > %s)' % (sys.argv[1], sys.argv[2]))" "$1" "$2"
}

# t_true EXPR: "yes" when the Python expression EXPR is true, else "no".
t_true() { python3 -c "import sys; print('yes' if ($1) else 'no')"; }

# t_expect NAME EXIT_CODE PATTERN COMMAND...: run COMMAND, check its exit
# code and that its output (stdout and stderr) has PATTERN.
t_expect() {
    local name=$1 code=$2 pat=$3 rc=0; shift 3
    "$@" > "$T_DIR/expect.out" 2>&1 || rc=$?
    t_check "$name: exit code" "$rc" "$code"
    if grep -q -- "$pat" "$T_DIR/expect.out"; then
        printf '  ok   %s: says "%s"\n' "$name" "$pat"
    else
        printf '  FAIL %s: output lacks "%s":\n' "$name" "$pat"
        head -5 "$T_DIR/expect.out"
        T_FAILS=$((T_FAILS + 1))
    fi
}

# t_wait_for FILE PATTERN SECONDS: wait until FILE contains PATTERN.
t_wait_for() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out after $3 s waiting for '$2' in $1:"; tail -20 "$1"
    return 1
}

# t_stop PID SECONDS: SIGTERM and wait; returns the exit code.
t_stop() {
    local i
    kill -TERM "$1" 2>/dev/null || true
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        echo "process $1 did not stop in $2 s"; kill -KILL "$1"; return 124
    fi
    wait "$1"
}

# t_dp_counter LOG NAME: a counter from the dataplane's exit report.
t_dp_counter() {
    awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }' "$1"
}

t_done() {
    if [ "$T_FAILS" -gt 0 ]; then
        t_log "$T_FAILS check(s) failed"; T_KEEP=1; exit 1
    fi
    t_log "all checks passed"
}

# t_veth_ns NS DPIF NSIF: a veth pair, DPIF in this namespace (up, no
# address: the dataplane owns it through af_packet), NSIF in a new namespace
# NS as 10.99.0.2/24 with a multicast route.
t_veth_ns() {
    T_NETNS+=("$1"); T_LINKS+=("$2")
    sp_veth "$1" "$2" "$3"
}

# t_veth_setup TAG: t_veth_ns into namespace spt-TAG-$$ with the usual
# names, and the dataplane's control socket: sets NS, DPIF, NSIF, SOCK, CTL.
t_veth_setup() {
    NS=spt-$1-$$; DPIF=spd$$; NSIF=spn$$
    SOCK=$T_DIR/dp.sock
    CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
    t_veth_ns "$NS" "$DPIF" "$NSIF"
}

# t_start_dp ARGS...: the dataplane (EAL args, then --, then its own) with
# its log in $T_DIR/dp.log; sets DPPID and waits until it runs.
t_start_dp() {
    local try
    for try in 1 2 3; do
        "$DP" --file-prefix "$T_PREFIX" "$@" > "$T_DIR/dp.log" 2>&1 &
        DPPID=$!; T_PIDS+=("$DPPID")
        t_dp_started "$T_DIR/dp.log" "$DPPID" && return 0
    done
    return 1
}

# t_dp_started LOG PID: wait until the dataplane runs (0), or has ended
# on a fanout group another process holds (1, after saying so: start it
# again), or the deadline passed (1). DPDK's af_packet derives its
# PACKET_FANOUT group from the process id and the interface index, so
# two dataplanes on one host - this test's or another suite's beside it
# - can draw the same one: EINVAL, and a new process draws another.
# The deadline is not a measurement: EAL's start took over 20 s at a
# load of 26 on two CPUs.
t_dp_started() {
    if sp_wait_log "$1" running 60 "$2" 2> "$T_DIR/start.err"; then
        return 0
    fi
    if grep -q "PACKET_FANOUT" "$1"; then
        t_log "dataplane drew a fanout group in use: $(grep -m1 PACKET_FANOUT "$1"); again"
    else
        cat "$T_DIR/start.err"
    fi
    kill -KILL "$2" 2>/dev/null || true
    wait "$2" 2>/dev/null || true   # gone before the next takes its file prefix
    return 1
}

# t_dp_ns TAG NAME CPU: a veth pair into namespace spt-TAGNAME-$$ (the
# dataplane's side spdNAME$$) and a dataplane on it, its one lcore on CPU,
# control socket $T_DIR/dpNAME.sock, log $T_DIR/dpNAME.log; sets DP_NAME.
# Further arguments go to the dataplane (--set ...).
t_dp_ns() {
    local tag=$1 n=$2 core=$3; shift 3
    t_veth_ns "spt-$tag$n-$$" "spd$n$$" "spn$n$$"
    local try
    for try in 1 2 3; do
        "$DP" --no-huge --no-pci --lcores "0@$core" -m 512 --file-prefix "$T_PREFIX-$n" \
            --vdev "net_af_packet0,iface=spd$n$$" -- --set dataplane.history_mb=16 \
            --set "control.socket=$T_DIR/dp$n.sock" "$@" > "$T_DIR/dp$n.log" 2>&1 &
        T_PIDS+=("$!"); eval "DP_$n=$!"
        t_dp_started "$T_DIR/dp$n.log" "$!" && return 0
    done
    return 1
}

# t_view NS NAME ARGS...: a quiet viewer in namespace NS joined on
# 10.99.0.2, its JSON summary in $T_DIR/NAME.json; sets VPID once the
# viewer says it has joined its feeds.
# With T_CPUS set (a taskset list), viewers run only on those CPUs.
t_view() {
    local ns=$1 name=$2; shift 2
    ip netns exec "$ns" ${T_CPUS:+taskset -c "$T_CPUS"} "$VIEW" --iface-addr 10.99.0.2 --quiet \
        --summary "$T_DIR/$name.json" "$@" > "$T_DIR/$name.log" 2>&1 &
    VPID=$!; T_PIDS+=("$VPID")
    # joined before anything is sent: a sample sent earlier is not its
    t_wait_for "$T_DIR/$name.log" "senseplane-view: joined" 20
}

# t_kernel_drops SOCKET: packets the kernel dropped on the dataplane's
# af_packet sockets before a worker saw them (stats port_kernel_drops). On
# a machine whose CPU is shared the ring can overflow; a test that counts
# every packet reads this before stopping the dataplane and checks
# received + dropped = sent instead of failing for the host.
t_kernel_drops() {
    python3 "$T_ROOT/tests/lib/spctl.py" "$1" stats |
        t_eval - 'd["totals"].get("port_kernel_drops", 0)'
}

# t_check_distinct KD: the distinct samples the viewer counted
# ($T_DIR/view.json) against what the simulator sent ($T_DIR/sim.json):
# the same count and digest, unless the kernel dropped KD packets before
# the dataplane saw them (t_kernel_drops: a machine whose CPU is shared),
# when only "no more than sent" holds.
t_check_distinct() {
    t_log "packets the kernel dropped before the dataplane: $1"
    if [ "$1" -eq 0 ]; then
        t_check "distinct samples received = sent" \
            "$(t_json "$T_DIR/view.json" unique_samples)" "$(t_json "$T_DIR/sim.json" samples)"
        t_check "digest of distinct samples" "$(t_json "$T_DIR/view.json" digest)" \
            "$(t_json "$T_DIR/sim.json" digest)"
    else
        t_check "distinct samples received <= sent" \
            "$(( $(t_json "$T_DIR/view.json" unique_samples) <= $(t_json "$T_DIR/sim.json" samples) ))" 1
    fi
}

# t_settle SOCKET: wait until the dataplane has read every packet that
# reached its port, once the senders are done: on af_packet, until the
# port has read what the kernel queued less what it dropped; elsewhere,
# until the packets read stop changing for 0.3 s. A deadline of 20 s, then
# it says what it last saw (and the test's counts will show the rest).
t_settle() {
    python3 - "$1" "$T_ROOT/tests/lib" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[2])
from spctl import Ctl
c = Ctl(sys.argv[1])
end = time.monotonic() + 20
last, still = None, 0.0
while time.monotonic() < end:
    t = c.call("stats")["totals"]
    if t.get("port_kernel_sockets", 0) > 0:
        if t["port_ipackets"] == t["port_kernel_packets"] - t["port_kernel_drops"]:
            # read by the port; one more answer for the workers' counters
            time.sleep(0.02)
            sys.exit(0)
    else:
        still = still + 0.05 if t["rx_pkts"] == last else 0.0
        if still >= 0.3:
            sys.exit(0)
        last = t["rx_pkts"]
    time.sleep(0.05)
print("t_settle: not settled in 20 s: %s" % {k: t.get(k) for k in ("rx_pkts", "port_ipackets", "port_kernel_packets", "port_kernel_drops")}, file=sys.stderr)
PY
}

# t_check_mbufs: the dataplane returned every mbuf to its pool.
t_check_mbufs() {
    t_check "mbufs in use at exit" \
        "$(sed -n 's/.*mbufs in use at exit: //p' "$T_DIR/dp.log")" 0
}

CTLD=$T_BUILD/controlplane/senseplane-ctld
CLI=$T_BUILD/controlplane/senseplane

# t_redis NAME PORT [ARGS...]: a private redis-server on loopback, its files
# in $T_DIR/NAME; sets REDIS_PID_NAME in $T_DIR/NAME.pid.
t_redis() {
    local name=$1 port=$2; shift 2
    mkdir -p "$T_DIR/$name"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$T_DIR/$name" \
        --save "" --daemonize no --logfile "$T_DIR/$name/log" "$@" &
    echo $! > "$T_DIR/$name.pid"; T_PIDS+=("$!")
    for _ in $(seq 1 50); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    echo "redis on $port did not start"; cat "$T_DIR/$name/log"; return 1
}

# t_api PORT LINE: one request to a daemon's node API; prints the answer.
t_api() {
    python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().strip())
PY
}
