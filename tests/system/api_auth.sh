#!/usr/bin/env bash
# The node API's authentication (issue 13): with controlplane.api_token_file
# every client must send "auth TOKEN" first; a missing or wrong token is
# refused (and counted), three wrong ones close the connection; the CLI in
# cluster mode sends the token from --token-file; a daemon bound to an
# address other than loopback without a token does not start; the token
# is printed nowhere (logs, --print-config, the ctld answer).
. "$(dirname "$0")/../lib/common.sh"

# ports of its own (t_port): the same suites may run beside it
RPORT=$(t_port); MPORT=$(t_port)
t_redis redis $RPORT
t_veth_setup auth
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
TOKEN=tok-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$TOKEN" > "$T_DIR/token"
chmod 0640 "$T_DIR/token"
API=$(t_port)

ask() {   # ask LINE...: one connection, the lines in order, the answers
    python3 - "$API" "$@" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rw")
for line in sys.argv[2:]:
    f.write(line + "\n"); f.flush()
    print(f.readline().strip() or "(closed)")
PY
}

# a token readable by others is refused, and says why
chmod 0644 "$T_DIR/token"
t_expect "token file readable by others: refused" 1 "readable by others" \
    "$CTLD" --node n1 --redis "redis://127.0.0.1:$RPORT/0" --socket "$SOCK" \
    --set "controlplane.api=127.0.0.1:$API" --set controlplane.metrics= \
    --set "controlplane.api_token_file=$T_DIR/token"
chmod 0640 "$T_DIR/token"
# not loopback and no token: refused
t_expect "API on another address without a token: refused" 1 "not a loopback" \
    "$CTLD" --node n1 --redis "redis://127.0.0.1:$RPORT/0" --socket "$SOCK" \
    --set "controlplane.api=0.0.0.0:$API" --set controlplane.metrics=

"$CTLD" --node n1 --redis "redis://127.0.0.1:$RPORT/0" --socket "$SOCK" \
    --set "controlplane.api=0.0.0.0:$API" --set controlplane.metrics=127.0.0.1:$MPORT \
    --set "controlplane.api_token_file=$T_DIR/token" > "$T_DIR/ctld.log" 2>&1 &
T_PIDS+=("$!")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10

ask ctld > "$T_DIR/a1.txt"
t_check "no token: refused" "$(head -1 "$T_DIR/a1.txt" | t_eval - 'd["code"]')" auth
ask "auth wrong-token-0123456789" "auth wrong-token-0123456789" \
    "auth wrong-token-0123456789" ctld > "$T_DIR/a2.txt"
t_check "three wrong tokens: refused, then the connection closed" \
    "$(sed -n 4p "$T_DIR/a2.txt")" "(closed)"
ask "auth $TOKEN" ctld "stats" > "$T_DIR/a3.txt"
t_check "the token: accepted" "$(sed -n 1p "$T_DIR/a3.txt" | t_eval - 'd["ok"]')" True
t_check "then the daemon answers" "$(sed -n 2p "$T_DIR/a3.txt" | t_eval - 'd["node"]')" n1
t_check "and forwards to the dataplane" "$(sed -n 3p "$T_DIR/a3.txt" | t_eval - '"totals" in d')" True
t_check "refusals counted" "$(sed -n 2p "$T_DIR/a3.txt" | t_eval - 'd["auth_failures"]')" 4
t_check "/metrics has the family" \
    "$(curl -s http://127.0.0.1:$MPORT/metrics | grep -c '^senseplane_ctld_api_auth_failures_total{node="n1"} 4$')" 1

# the CLI in cluster mode: routed commands carry the token
t_expect "CLI without the token: refused" 1 "authentication required" \
    "$CLI" --redis "redis://127.0.0.1:$RPORT/0" stats --node n1
t_expect "CLI with --token-file: answered" 0 "rx_pkts" \
    "$CLI" --redis "redis://127.0.0.1:$RPORT/0" --token-file "$T_DIR/token" --json stats --node n1
t_expect "CLI with SENSEPLANE_TOKEN_FILE: answered" 0 "rx_pkts" \
    env SENSEPLANE_TOKEN_FILE="$T_DIR/token" "$CLI" --redis "redis://127.0.0.1:$RPORT/0" --json stats --node n1

# the CLI's minimal Redis ACL (controlplane/SCHEMA.md): every cluster
# command works with it, and nothing beyond its prefix and commands
CLI_ACL=$(sed -n 's/^    ACL SETUSER sp-cli \(.*\)$/\1/p' "$T_ROOT/controlplane/SCHEMA.md")
t_check "SCHEMA.md gives the CLI's ACL" "$(test -n "$CLI_ACL" && echo yes || echo no)" yes
read -ra ACLW <<< "$CLI_ACL"
t_check "the ACL is taken" "$(redis-cli -p $RPORT ACL SETUSER sp-cli "${ACLW[@]}")" OK
CURL="redis://sp-cli:cli-pw-0123@127.0.0.1:$RPORT/0"
t_expect "ACL'd CLI: viewer add" 0 "viewer va" "$CLI" --redis "$CURL" viewer add va 239.9.9.9:7700 low
t_expect "ACL'd CLI: sub add" 0 "ok" "$CLI" --redis "$CURL" sub add va 5 high
t_expect "ACL'd CLI: pin" 0 "ok" "$CLI" --redis "$CURL" pin 5
t_expect "ACL'd CLI: viewer ls" 0 "va" "$CLI" --redis "$CURL" viewer ls
t_expect "ACL'd CLI: nodes" 0 "n1" "$CLI" --redis "$CURL" nodes
t_expect "ACL'd CLI: stats through the node API" 0 "rx_pkts" \
    "$CLI" --redis "$CURL" --token-file "$T_DIR/token" --json stats --node n1
t_expect "ACL'd CLI: unpin, sub rm, viewer rm" 0 "ok" sh -c \
    "'$CLI' --redis '$CURL' unpin 5 && '$CLI' --redis '$CURL' sub rm va 5 && '$CLI' --redis '$CURL' viewer rm va"
t_check "the CLI's user may not FLUSHALL" \
    "$(redis-cli --user sp-cli --pass cli-pw-0123 -p $RPORT --no-auth-warning FLUSHALL 2>&1 | grep -c NOPERM)" 1
t_check "nor read keys outside the prefix" \
    "$(redis-cli --user sp-cli --pass cli-pw-0123 -p $RPORT --no-auth-warning GET other:key 2>&1 | grep -c NOPERM)" 1

# the Grafana dashboard (issue 14): every expression against what this
# daemon really exports (a viewer made, so that the per-viewer families
# have a series)
$CTL "viewer add gv 239.9.9.8:7701 low" > /dev/null
# once the daemon has read the dataplane's stats with the viewer in them
viewer_series() {
    curl -s http://127.0.0.1:$MPORT/metrics > "$T_DIR/metrics.txt"
    grep -q 'viewer="gv"' "$T_DIR/metrics.txt"
}
t_until 10 viewer_series || t_log "no series of viewer gv in /metrics after 10 s"
python3 "$T_ROOT/tests/lib/grafana_check.py" "$T_ROOT/config/grafana/senseplane.json" \
    "$T_DIR/metrics.txt" > "$T_DIR/grafana.txt"
t_log "$(tail -1 "$T_DIR/grafana.txt")"
t_check "grafana: every expression names exported metrics and labels" \
    "$(head -n -1 "$T_DIR/grafana.txt" | head -3; tail -1 "$T_DIR/grafana.txt" | grep -o '[0-9]* problem(s)')" "0 problem(s)"

# printed nowhere
"$CTLD" --set "controlplane.api_token_file=$T_DIR/token" --print-config > "$T_DIR/pc.txt" 2>&1 || true
t_check "the token is in no log, config dump or answer" \
    "$(cat "$T_DIR/ctld.log" "$T_DIR/dp.log" "$T_DIR/pc.txt" "$T_DIR"/a*.txt | grep -c -- "$TOKEN" || true)" 0
t_done
