#!/usr/bin/env bash
# The Wireshark dissector (issue 14), config/wireshark/senseplane.lua, run
# by tshark (Debian):
#  1. the simulator's capture with every malformed kind: each packet is
#     decoded, and the expert info per drop reason counts exactly what the
#     simulator injected;
#  2. hand-made packets of all four types (tests/lib/hostile.py, written
#     from PROTOCOL.md): every field decodes to what was sent; the sensor
#     packet and the hint over IPv6 too, to the registered port and to
#     another (found by the heuristic), with the same fields as over IPv4;
#  3. the dataplane's feed capture: every message decoded, no gap flagged;
#     the same with one feed packet taken out: one gap, of its count;
#  4. meson install puts it where Wireshark looks for plugins.
. "$(dirname "$0")/../lib/common.sh"

LUA=$T_ROOT/config/wireshark/senseplane.lua
ts() { tshark -X "lua_script:$LUA" "$@" 2>/dev/null; }

# ---- 1
"$SIM" --pcap "$T_DIR/in.pcap" --sensors 100 --count 3000 --bad 0.2 --seed 5 \
    --quiet --summary "$T_DIR/sim.json"
ts -r "$T_DIR/in.pcap" -q -z expert > "$T_DIR/expert.txt"
for reason in short magic version flags sensor0 attr0 vtype dim nsamp \
              reserved dt overrun trailing; do
    t_check "1: expert info 'drop reason: $reason'" \
        "$(awk -v r="$reason" '$0 ~ "drop reason: " r "$" { print $1 }' "$T_DIR/expert.txt")" \
        "$(t_json "$T_DIR/sim.json" "bad.$reason")"
done
t_check "1: every frame decoded as senseplane" \
    "$(ts -r "$T_DIR/in.pcap" -Y senseplane | wc -l)" "$(t_json "$T_DIR/sim.json" packets)"
t_check "1: no Lua error" "$(grep -c "Lua Error" "$T_DIR/expert.txt" || true)" 0

# ---- 2
python3 - "$T_ROOT/tests/lib" "$T_DIR/hand.pcap" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from hostile import packet, siphash24
from hostile_pcap import frame, frame6, udp6
key = bytes(range(16))
sensor = bytearray(packet(77, 4242, attr=1, nsamp=3, key=key, value=1.5))
hint = struct.pack(">HBBIQ", 0x5348, 1, 3, 250, 77)
rereq = struct.pack(">HBBHHQQ", 0x5352, 1, 0, 3, 10, 0xABCDEF, 100)
rec = struct.pack(">HBBHHQI", 7, 1, 1, 1, 0, 1000, 0) + struct.pack(">f", 21.5)
msg = lambda sid, ver: struct.pack(">HBBQI", 14 + len(rec), 1, 1, sid, ver) + rec
feed = struct.pack(">HBBHHQQQ", 0x5356, 1, 4, 3, 2, 0xABCDEF, 100, 5) + msg(8, 9) + msg(10, 11)
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    frames = [frame(p, bytes([10, 99, 0, 2]), dport=port) for p, port in
              ((bytes(sensor), 7400), (hint, 7400), (rereq, 7401), (feed, 7500))]
    # 5-7: over IPv6, fd00:99::2 -> fd00:99::1
    frames += [frame6(udp6(p, dport=port)) for p, port in
               ((bytes(sensor), 7400), (hint, 7400), (bytes(sensor), 9000))]
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr)
PY
fields() { ts -r "$T_DIR/hand.pcap" -Y "frame.number == $1" -T fields -E separator=' ' "${@:2}"; }
t_check "2: sensor packet: id, seq, MAC and HINT flags" \
    "$(fields 1 -e senseplane.sensor_id -e senseplane.sensor.seq -e senseplane.sensor.flags.mac -e senseplane.sensor.flags.hint)" "77 4242 1 0"
t_check "2: sensor packet: the record" \
    "$(fields 1 -e senseplane.record.attr_id -e senseplane.record.vtype -e senseplane.record.dim -e senseplane.record.nsamp -e senseplane.record.dt_ns)" "1 1 1 3 1000000"
t_check "2: sensor packet: the values" "$(fields 1 -e senseplane.record.value)" "1.5,1.5,1.5"
for n in 5 7; do
    t_check "2: sensor packet over IPv6 (frame $n): the addresses" \
        "$(fields $n -o udp.check_checksum:TRUE -e ipv6.src -e ipv6.dst -e udp.checksum.status)" "fd00:99::2 fd00:99::1 1"
    t_check "2: sensor packet over IPv6 (frame $n): id, seq, MAC and HINT flags" \
        "$(fields $n -e senseplane.sensor_id -e senseplane.sensor.seq -e senseplane.sensor.flags.mac -e senseplane.sensor.flags.hint)" "77 4242 1 0"
    t_check "2: sensor packet over IPv6 (frame $n): the record" \
        "$(fields $n -e senseplane.record.attr_id -e senseplane.record.vtype -e senseplane.record.dim -e senseplane.record.nsamp -e senseplane.record.dt_ns)" "1 1 1 3 1000000"
    t_check "2: sensor packet over IPv6 (frame $n): the values" "$(fields $n -e senseplane.record.value)" "1.5,1.5,1.5"
done
t_check "2: hint" "$(fields 2 -e senseplane.kind -e senseplane.hint.level -e senseplane.hint.batch_ms -e senseplane.sensor_id)" "hint 3 250 77"
t_check "2: hint over IPv6" "$(fields 6 -e ipv6.dst -e senseplane.kind -e senseplane.hint.level -e senseplane.hint.batch_ms -e senseplane.sensor_id)" "fd00:99::1 hint 3 250 77"
t_check "2: re-request" "$(fields 3 -e senseplane.kind -e senseplane.feed_id -e senseplane.count -e senseplane.session -e senseplane.seq)" "rereq 3 10 0x0000000000abcdef 100"
t_check "2: feed packet: header and END" \
    "$(fields 4 -e senseplane.feed_id -e senseplane.count -e senseplane.seq -e senseplane.feed.flags.end -e senseplane.feed.send_ns)" "3 2 100 1 5"
t_check "2: feed packet: messages" \
    "$(fields 4 -e senseplane.msg.seq -e senseplane.sensor_id -e senseplane.msg.version -e senseplane.msg.quality.conflated -e senseplane.record.value)" "100,101 8,10 9,11 1,1 21.5,21.5"

# ---- 3
t_start_dp --no-huge --no-pci -l 0 -m 512 \
    --vdev "net_pcap0,rx_pcap=$T_DIR/in.pcap,tx_pcap=$T_DIR/out.pcap" \
    -- --set dataplane.history_mb=16 --set switches.attention=false \
    --set "control.socket=$T_DIR/dp.sock"
sleep 2
t_stop "$DPPID" 20 || true
"$VIEW" --pcap "$T_DIR/out.pcap" --quiet --summary "$T_DIR/view.json"
t_check "3: feed messages decoded = the viewer's count" \
    "$(ts -r "$T_DIR/out.pcap" -Y 'senseplane.kind == "feed"' -T fields -e senseplane.msg.seq | tr ',' '\n' | grep -c .)" \
    "$(t_json "$T_DIR/view.json" messages)"
t_check "3: no gap flagged" "$(ts -r "$T_DIR/out.pcap" -Y senseplane.gap | wc -l)" 0
# take out the third data packet of feed 0
python3 - "$T_DIR/out.pcap" "$T_DIR/gap.pcap" > "$T_DIR/cut.txt" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, off, seen = [d[:24]], 24, 0
while off + 16 <= len(d):
    n = struct.unpack_from("<I", d, off + 8)[0]
    rec = d[off:off + 16 + n]; off += 16 + n
    p = rec[16 + 42:]
    if p[:2] == b"SV" and struct.unpack_from(">HH", p, 4) [0] == 0 and struct.unpack_from(">H", p, 6)[0] > 0:
        seen += 1
        if seen == 3:
            print(struct.unpack_from(">H", p, 6)[0]); continue
    out.append(rec)
open(sys.argv[2], "wb").write(b"".join(out))
PY
t_check "3: one packet taken out: one gap flagged" "$(ts -r "$T_DIR/gap.pcap" -Y senseplane.gap | wc -l)" 1
t_check "3: the gap's size is the packet's count" \
    "$(ts -r "$T_DIR/gap.pcap" -q -z expert | sed -n 's/.*gap: \([0-9]*\) message.*/\1/p')" "$(cat "$T_DIR/cut.txt")"

# ---- 4
meson install -C "$T_BUILD" --destdir "$T_DIR/dest" --quiet > /dev/null 2>&1 || true
t_check "4: installed in the plugins folder" \
    "$(find "$T_DIR/dest" -path '*/wireshark/plugins/senseplane.lua' | wc -l)" 1
t_done
