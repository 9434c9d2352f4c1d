#!/usr/bin/env bash
# Re-request bookkeeping (issue 10, item 10): every request is counted
# once as denied, bad, limited or served (in = their sum); a request for an
# unknown feed of this run's session, and one beyond the feed's last seq,
# are bad and get no answer; `ping`'s session is the one feed packets carry,
# so a client that uses it is answered from the buffer.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup rq
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
$CTL "pin 1" > /dev/null
session=$($CTL ping | t_eval - 'd["session"]')
# ping says which pages the memory is on: this run's -m 512 of --no-huge
t_check "ping: memory on ordinary pages (--no-huge)" \
    "$($CTL ping | t_eval - '"--no-huge" in d["memory"]["pages"] and d["memory"]["page_bytes"] == 4096 and d["memory"]["bytes"] >= 512 << 20')" True
# The listener joins the high tier before the simulator starts, and waits
# for a data message with a deadline of its own (heartbeats come every
# second, so a socket timeout alone never fires).
ip netns exec "$NS" python3 - "$session" > "$T_DIR/rq.txt" 2>&1 <<'PY' &
import socket, struct, sys, time
session = int(sys.argv[1], 16)
g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
g.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
g.bind(("239.77.1.3", 7500))
g.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("239.77.1.3") + socket.inet_aton("10.99.0.2"))
print("joined", flush=True)
deadline = time.monotonic() + 30
seq = None
while seq is None and time.monotonic() < deadline:
    g.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        d = g.recv(65536)
    except socket.timeout:
        break
    _, _, _, fid, count, ses, seq_, _ = struct.unpack_from(">HBBHHQQQ", d)
    if count > 0:
        seq = seq_
if seq is None:
    print("no_data_message_within_30s")
    sys.exit(1)
print("feed_session_is_ping", ses == session)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.99.0.2", 0))
s.settimeout(0.5)
def ask(feed, seq, count, ses=session):
    s.sendto(struct.pack(">HBBHHQQ", 0x5352, 1, 0, feed, count, ses, seq),
             ("10.99.0.1", 7401))
    got = []
    try:
        while True:
            got.append(s.recv(65536))
    except socket.timeout:
        pass
    return got
a = ask(3, seq, 1)
print("good_answered", len(a) >= 1 and struct.unpack_from(">H", a[0], 6)[0] == 1)
print("unknown_feed_answers", len(ask(999, 1, 1)))
print("beyond_last_answers", len(ask(3, seq + 100000, 5)))
PY
PYPID=$!; T_PIDS+=("$PYPID")
t_wait_for "$T_DIR/rq.txt" joined 20
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 3 --hz 50 \
    --attrs heartrate --seconds 3 --quiet &
T_PIDS+=("$!")
rc=0; wait "$PYPID" || rc=$?
t_check "the listener saw a data message and asked (exit code)" "$rc" 0
$CTL stats > "$T_DIR/stats.json"
t_stop "$DPPID" 20 || true
v() { awk -v k="$1" '$1 == k {print $2}' "$T_DIR/rq.txt"; }
c() { t_json "$T_DIR/stats.json" "totals.$1"; }
t_check "ping's session is the one feed packets carry" "$(v feed_session_is_ping)" True
t_check "a request with ping's session is answered from the buffer" "$(v good_answered)" True
t_check "unknown feed: no answer" "$(v unknown_feed_answers)" 0
t_check "beyond the last seq: no answer" "$(v beyond_last_answers)" 0
t_check "requests counted" "$(c rereq_in)" 3
t_check "served: the good one" "$(c rereq_served)" 1
t_check "bad: unknown feed and beyond the last seq" "$(c rereq_bad)" 2
t_check "in = denied + bad + limited + served" "$(c rereq_in)" \
    "$(( $(c rereq_denied) + $(c rereq_bad) + $(c rereq_limited) + $(c rereq_served) ))"
t_check_mbufs
t_done
