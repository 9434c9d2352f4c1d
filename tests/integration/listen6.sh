#!/usr/bin/env bash
# The TCP listeners on IPv6 (issue 24): senseplane-ctld's node API
# (controlplane.api) and /metrics (controlplane.metrics) and
# senseplane-web's --listen take "[IPv6]:PORT" beside "IPv4:PORT":
#  1. an address of neither form is refused, the error naming the key and
#     the value; "[::]" without a token is no loopback, as 0.0.0.0 is not;
#  2. the node API answers at [::1] (its own request and one forwarded to
#     the dataplane), and /metrics at [::1] through a "[::]" listener;
#  3. the CLI in cluster mode reaches a node whose api is "[::1]:PORT";
#  4. the gateway serves its page at [::1] through a "[::]" listener;
#  5. an IPv6 listener is IPv6 only (IPV6_V6ONLY): "[::]:PORT" refuses
#     127.0.0.1:PORT, for libevent's listeners and libwebsockets' alike;
#  6. and an IPv4 one IPv4 only, on its address: the gateway on
#     127.0.0.1 refuses [::1] (libwebsockets bound it to "::", every
#     address of both families, until the gateway turned its IPv6 off).
# A listener left on IPv4 fails 2-4; one that also takes the other family
# fails 5 or 6.
. "$(dirname "$0")/../lib/common.sh"

WEB=$T_BUILD/tools/web/senseplane-web

# Without IPv6 on loopback there is nothing to test: say so and fail, a
# pass here would claim what was never tried.
if [ "$(sysctl -n net.ipv6.conf.lo.disable_ipv6 2>/dev/null)" != 0 ] ||
   ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
    t_log "IPv6 is off on lo (net.ipv6.conf.lo.disable_ipv6=$(sysctl -n \
net.ipv6.conf.lo.disable_ipv6 2>/dev/null || echo '?'), or no ::1): cannot test; failing"
    exit 1
fi

# port6: a port of this test's own (t_port, free on 127.0.0.1) that is
# free on ::1 as well, so that neither family's check meets another
# process.
port6() {
    local p i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        p=$(t_port)
        if python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET6)
s.bind(("::1", int(sys.argv[1])))' "$p" 2> /dev/null; then
            echo "$p"; return 0
        fi
    done
    echo "no port free on both 127.0.0.1 and ::1" >&2; return 1
}

# reach HOST PORT: "open" when a TCP connection to HOST:PORT is taken,
# "refused" when it is refused, else the error.
reach() {
    python3 - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5).close()
    print("open")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print(type(e).__name__, e)
PY
}

# api6 PORT LINE: one request to the node API at [::1]:PORT; the answer.
api6() {
    python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=5)
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().strip())
PY
}

RPORT=$(t_port); API=$(port6); MPORT=$(port6); WPORT=$(port6)
SOCK=$T_DIR/dp.sock
REDIS=redis://127.0.0.1:$RPORT/0
t_redis redis "$RPORT"
t_start_dp --no-huge --no-pci -l 0 -m 256 --vdev net_null0 -- \
    --set "control.socket=$SOCK" --set dataplane.history_mb=8

# ---- 1: refused, and said why (timeout: a daemon that took the address
# would serve, and the exit code says so)
ctld_refuses() {   # ctld_refuses NAME PATTERN SETTINGS...
    local name=$1 pat=$2; shift 2
    t_expect "$name" 1 "$pat" timeout 10 "$CTLD" --node n6 --redis "$REDIS" \
        --socket "$SOCK" "$@"
}
ctld_refuses "1: api, a bracket missing" \
    "controlplane.api: '\[::1:$API' is not ADDR:PORT or \[IPv6\]:PORT" \
    --set "controlplane.api=[::1:$API" --set controlplane.metrics=
ctld_refuses "1: api, IPv6 without brackets" \
    "controlplane.api: '::1:$API' is not ADDR:PORT or \[IPv6\]:PORT" \
    --set "controlplane.api=::1:$API" --set controlplane.metrics=
ctld_refuses "1: metrics, no port" \
    "controlplane.metrics: '\[::1\]' is not ADDR:PORT or \[IPv6\]:PORT" \
    --set "controlplane.api=[::1]:$API" --set "controlplane.metrics=[::1]"
ctld_refuses "1: api on [::] without a token" "is not a loopback address" \
    --set "controlplane.api=[::]:$API" --set controlplane.metrics=
t_expect "1: web, a bracket missing" 2 \
    "--listen: '\[::1:$WPORT' is not ADDR:PORT or \[IPv6\]:PORT" \
    timeout 10 "$WEB" --listen "[::1:$WPORT" --control "$SOCK"

# ---- 2: the daemon over IPv6
"$CTLD" --node n6 --redis "$REDIS" --socket "$SOCK" \
    --set "controlplane.api=[::1]:$API" \
    --set "controlplane.metrics=[::]:$MPORT" > "$T_DIR/ctld.log" 2>&1 &
CPID=$!; T_PIDS+=("$CPID")
t_wait_for "$T_DIR/ctld.log" "Redis up" 20 || true
t_check "2: the daemon runs" "$(kill -0 "$CPID" 2>/dev/null && echo yes || echo no)" yes
t_check "2: node API at [::1]: its own request" \
    "$(api6 "$API" ctld | t_eval - 'd["node"]')" n6
# the dataplane link comes up by itself after the start: wait for it
fwd() { api6 "$API" stats | t_eval - '"totals" in d' | grep -qx True; }
t_until 20 fwd || t_log "no forwarded answer in 20 s: $(api6 "$API" stats)"
t_check "2: node API at [::1]: forwarded to the dataplane" \
    "$(api6 "$API" stats | t_eval - '"totals" in d')" True
# the dataplane's figures come into /metrics once a second
metrics6() {
    curl -g -s --max-time 5 "http://[::1]:$MPORT/metrics" > "$T_DIR/metrics.txt" &&
        grep -q 'node="n6"' "$T_DIR/metrics.txt"
}
t_until 20 metrics6 || t_log "no /metrics at [::1]:$MPORT in 20 s"
t_check "2: /metrics at [::1] through [::]" \
    "$(grep -c '^senseplane_.*node="n6"' "$T_DIR/metrics.txt" | awk '{print ($1 > 0)}')" 1
t_check "2: the node API is not on 127.0.0.1" "$(reach 127.0.0.1 "$API")" refused

# ---- 3: the CLI, routed by the node key's api
noded() { [ "$("$CLI" --redis "$REDIS" nodes 2>/dev/null | grep -c "\[::1\]:$API")" -gt 0 ]; }
t_until 20 noded || t_log "node n6 not in Redis with its api after 20 s: $("$CLI" --redis "$REDIS" nodes 2>&1)"
t_expect "3: the CLI reaches node n6 at [::1]:$API" 0 "rx_pkts" \
    "$CLI" --redis "$REDIS" --json stats --node n6

# ---- 4: the gateway over IPv6
"$WEB" --listen "[::]:$WPORT" --control "$SOCK" --www "$T_ROOT/tools/web/www" \
    --name "web6-$$" > "$T_DIR/web.log" 2>&1 &
WPID=$!; T_PIDS+=("$WPID")
t_wait_for "$T_DIR/web.log" "senseplane-web: http" 20 || true
page() {
    curl -g -s --max-time 5 -o /dev/null -w '%{http_code}' "http://[::1]:$WPORT/"
}
t_check_within "4: the page at [::1] through [::]" 10 200 page

# ---- 5: IPv6 only
t_check "5: /metrics on [::] refuses 127.0.0.1" "$(reach 127.0.0.1 "$MPORT")" refused
t_check "5: the gateway on [::] refuses 127.0.0.1" "$(reach 127.0.0.1 "$WPORT")" refused
t_check "5: (while [::1] is taken)" "$(reach ::1 "$WPORT")/$(reach ::1 "$MPORT")" open/open

# ---- 6: IPv4 only, on its address
t_stop "$WPID" 10 || true
"$WEB" --listen "127.0.0.1:$WPORT" --control "$SOCK" --www "$T_ROOT/tools/web/www" \
    --name "web4-$$" > "$T_DIR/web4.log" 2>&1 &
WPID=$!; T_PIDS+=("$WPID")
t_wait_for "$T_DIR/web4.log" "senseplane-web: http" 20 || true
page4() {
    curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WPORT/"
}
t_check_within "6: the gateway on 127.0.0.1 serves there" 10 200 page4
t_check "6: ... and refuses [::1]" "$(reach ::1 "$WPORT")" refused

t_stop "$WPID" 10 || true
t_stop "$CPID" 10 || true
t_stop "$DPPID" 20 || true
t_done
