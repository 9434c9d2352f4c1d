#!/usr/bin/env bash
# SIGTERM at the worker's full rate (issue 13): the dataplane reads a
# capture of 1 000 sensors over and over (net_pcap infinite_rx: as fast
# as the worker takes it), with a lens and a sensor feed besides the
# broadcast and tier feeds; SIGTERM must end it within 2 s with exit code
# 0 and every mbuf back, and every feed it had must have sent END.
. "$(dirname "$0")/../lib/common.sh"

"$SIM" --pcap "$T_DIR/in.pcap" --sensors 1000 --seconds 2 --quiet
SOCK=$T_DIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
"$DP" --file-prefix "$T_PREFIX" --no-huge --no-pci -l 0-1 -m 1024 \
    --vdev "net_pcap0,rx_pcap=$T_DIR/in.pcap,tx_pcap=$T_DIR/out.pcap,infinite_rx=1" \
    -- --set "control.socket=$SOCK" --set dataplane.mbufs=65536 \
    --set dataplane.history_mb=64 > "$T_DIR/dp.log" 2>&1 &
DPPID=$!; T_PIDS+=("$DPPID")
t_wait_for "$T_DIR/dp.log" running 20
$CTL "viewer add v 239.1.2.3:7600 medium" "sub add v 5" "sub add v 6 high" \
    "sub add v 7/1 low" > /dev/null
sleep 2
$CTL feeds > "$T_DIR/feeds.json"
$CTL stats > "$T_DIR/stats.json"
t_log "at full rate: $(t_eval "$T_DIR/stats.json" "round(d['totals']['rx_pkts'] / 1e6, 2)") M packets read in about 2 s"
T0=$(date +%s%N)
kill -TERM "$DPPID"
RC=0; wait "$DPPID" || RC=$?
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
t_log "exit after $MS ms"
t_check "SIGTERM: exit within 2 s" "$(t_le "$MS" 2000)" yes
t_check "SIGTERM: exit code 0" "$RC" 0
t_check_mbufs
python3 - "$T_DIR/out.pcap" "$T_DIR/feeds.json" > "$T_DIR/end.txt" <<'PY'
import json, struct, sys
d = open(sys.argv[1], "rb").read()
off, ended, seen = 24, set(), set()
while off + 16 <= len(d):
    incl = struct.unpack_from("<I", d, off + 8)[0]
    f = d[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(f) < 42 + 32 or f[12:14] != b"\x08\x00":
        continue
    p = f[14 + (f[14] & 15) * 4 + 8:]
    if len(p) < 32 or p[:2] != b"SV":
        continue
    feed = struct.unpack_from(">H", p, 4)[0]
    seen.add(feed)
    if p[3] & 4:
        ended.add(feed)
want = {e["feed"] for e in json.load(open(sys.argv[2]))["feeds"]}
print(len(want), len(want & ended), " ".join(map(str, sorted(want - ended))) or "-")
PY
read -r NF NE MISSING < "$T_DIR/end.txt"
t_log "feeds: $NF; ended: $NE; without END: $MISSING"
t_check "END sent on every feed" "$NE/$MISSING" "$NF/-"
t_check "feeds: broadcast, three tiers, the lens, a sensor feed" "$(t_true "$NF >= 6")" yes
t_done
