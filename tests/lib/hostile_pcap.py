"""A capture of hostile traffic, every drop reason the dataplane has for
sensor traffic, mixed with valid packets, and the counters it must give.
Written from PROTOCOL.md alone (SipHash-2-4 from hostile.py).

  hostile_pcap.py OUT.pcap EXPECT.json KEYS_FILE [TOTAL]

The dataplane that reads it runs with: dataplane.keys_file=KEYS_FILE,
security.require_mac_from=10.98.0.6, security.deny=10.98.0.4,
security.bind_source=true, limits.sensor_factor=100 (temperature: 1/s, so
100/s with a bucket of 100 samples), limits.source_pps=1 with
source_burst=10000. Every sensor that is taken sends at most 80 samples,
and every source address fewer than 10 000 packets, but the two that
test the limits; those two are ranges in EXPECT (their buckets refill
while the capture is read, which takes less than 5 s), everything else
exact.
"""
import json
import random
import struct
import sys

from hostile import packet, siphash24

DP_MAC = bytes([2, 0, 0, 0, 0, 1])
SRC_MAC = bytes([2, 0, 0, 0, 0, 2])
DP_IP = bytes([10, 99, 0, 1])
DP_IP6 = bytes([0xFD, 0, 0, 0x99] + [0] * 11 + [1])     # fd00:99::1
SRC_IP6 = bytes([0xFD, 0, 0, 0x99] + [0] * 11 + [2])    # fd00:99::2
KEY_A = bytes(range(16))
KEY_B = bytes(range(16, 32))
WRONG = bytes([0x55] * 16)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(payload, src_ip, sport=40000, dport=7400, frag=0, csum_ok=True,
          ip_len_delta=0, udp_len_delta=0, ver_ihl=0x45):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload) + udp_len_delta,
                      0) + payload
    tot = 20 + len(udp) + ip_len_delta
    hdr = struct.pack(">BBHHHBBH4s4s", ver_ihl, 0, tot, 1, frag, 64, 17, 0,
                      src_ip, DP_IP)
    c = csum(hdr)
    if not csum_ok:
        c ^= 0x0101
    hdr = hdr[:10] + struct.pack(">H", c) + hdr[12:]
    return DP_MAC + SRC_MAC + b"\x08\x00" + hdr + udp


def l4_csum6(src, dst, nh, l4):
    """The checksum of upper-layer bytes L4 (their checksum field zero)
    under the IPv6 pseudo-header (RFC 8200 8.1); 0 is sent as 0xffff."""
    return csum(src + dst + struct.pack(">IxxxB", len(l4), nh) + l4) or 0xFFFF


def udp6(payload, src=SRC_IP6, dst=DP_IP6, sport=40000, dport=7400,
         csum_mode="ok"):
    """A UDP datagram for IPv6 with its checksum "ok", "zero" (none, which
    IPv6 forbids) or "bad"."""
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_csum6(src, dst, 17, udp)
    if csum_mode == "zero":
        c = 0
    elif csum_mode == "bad":
        c ^= 0x5A5A
    return udp[:6] + struct.pack(">H", c) + udp[8:]


def icmp6(typ, code, body, src=SRC_IP6, dst=DP_IP6):
    """An ICMPv6 message (RFC 4443 2.1) with its checksum."""
    m = struct.pack(">BBH", typ, code, 0) + body
    return m[:2] + struct.pack(">H", l4_csum6(src, dst, 58, m)) + m[4:]


def frame6(l4, src=SRC_IP6, dst=DP_IP6, nh=17, ext=None, hops=64,
           dmac=DP_MAC, smac=SRC_MAC, ident=1):
    """An Ethernet frame of IPv6 carrying L4 (next header NH), behind the
    extension header EXT if one is named: "frag" (an atomic fragment, RFC
    6946, identification IDENT), "hbh" (hop-by-hop options of padding) or
    "dst" (destination options of padding)."""
    if ext == "frag":
        nh, l4 = 44, struct.pack(">BBHI", nh, 0, 0, ident) + l4
    elif ext in ("hbh", "dst"):     # PadN of 4: 8 bytes in all
        l4 = struct.pack(">BBBB4x", nh, 0, 1, 4) + l4
        nh = 0 if ext == "hbh" else 60
    elif ext is not None:
        raise ValueError(ext)
    ip = struct.pack(">IHBB", 0x60000000, len(l4), nh, hops) + src + dst
    return dmac + smac + b"\x86\xdd" + ip + l4


class Sources:
    """Source addresses 10.98.x.y, each used for fewer than 10 000
    packets (the per-source bucket)."""

    def __init__(self):
        self.n, self.used = 0, 9999

    def next(self, k=1):
        """An address for @p k more packets."""
        assert k <= 9000
        if self.used + k > 9000:
            self.n += 1
            self.used = 0
            assert self.n < 60000
        self.used += k
        return bytes([10, 98, 10 + self.n // 250, 1 + self.n % 250])


def malformed(kind, sid):
    """A payload that PROTOCOL.md says is dropped for KIND."""
    ok = packet(sid, 1)
    if kind == "short":
        return ok[:20]
    if kind == "magic":
        return b"XX" + ok[2:]
    if kind == "version":
        return ok[:2] + b"\x02" + ok[3:]
    if kind == "flags":
        return ok[:3] + b"\x80" + ok[4:]
    if kind == "sensor0":
        return packet(0, 1)
    rec = bytearray(ok)
    if kind == "attr0":
        rec[16:18] = b"\0\0"
    elif kind == "vtype":
        rec[18] = 9
    elif kind == "dim":
        rec[19] = 0
    elif kind == "nsamp":
        rec[20:22] = b"\0\0"
    elif kind == "reserved":
        rec[22:24] = b"\x80\x00"
    elif kind == "dt":
        rec[32:36] = struct.pack(">I", 5)
    elif kind == "overrun":
        return bytes(rec[:-1])
    elif kind == "trailing":
        return bytes(rec) + b"\0" * 5
    return bytes(rec)


PROTO = ["short", "magic", "version", "flags", "sensor0", "attr0", "vtype",
         "dim", "nsamp", "reserved", "dt", "overrun", "trailing"]


def main():
    out, expect_path, keys_path = sys.argv[1:4]
    total = int(sys.argv[4]) if len(sys.argv) > 4 else 1000000
    rng = random.Random(11)
    streams = []      # frames that must arrive in this order
    exp = {}
    src = Sources()
    sid = [1000000]
    valid = [0]

    def new_sensor():
        sid[0] += 1
        return sid[0]

    def bad(kind, f, n=1):
        streams.extend([[f]] * n)
        exp["drop." + kind] = exp.get("drop." + kind, 0) + n

    unit = total // 20
    # frame-level
    # (dropped before any source is metered: one address will do)
    bad("ip_bad", frame(packet(5, 1), src.next(), ver_ihl=0x65), unit // 4)
    bad("ip_frag", frame(packet(5, 1), src.next(), frag=0x2000), unit // 4)
    bad("udp_bad", frame(packet(5, 1), src.next(), udp_len_delta=50),
        unit // 4)
    bad("ip_csum", frame(packet(5, 1), src.next(), csum_ok=False), unit // 4)
    # the sensor protocol's own checks
    for k in PROTO:
        left = unit
        while left:
            n = min(left, 8000)
            bad(k, frame(malformed(k, 9), src.next(n)), n)
            left -= n
    # the catalogue
    bad("attr_unknown", frame(packet(9, 1, attr=999), src.next(5000)), 5000)
    shape = bytearray(packet(9, 1))
    shape[18] = 2                        # f64 for temperature's f32
    shape += b"\0" * 4
    bad("attr_shape", frame(bytes(shape), src.next(5000)), 5000)
    # MAC: keyed sensors 501 (KEY_A) and 502 (KEY_B) in the keys file
    bad("mac_missing", frame(packet(501, 1), src.next(5000)), 5000)
    bad("mac_bad", frame(packet(501, 1, key=WRONG), src.next(5000)), 5000)
    bad("mac_bad", frame(packet(501, 2, key=KEY_B), src.next(5000)), 5000)
    req = bytes([10, 98, 0, 6])          # require_mac_from
    bad("mac_missing", frame(packet(new_sensor(), 1), req), 3000)
    bad("mac_no_key", frame(packet(new_sensor(), 1, key=WRONG), req), 3000)
    # replay: 502 takes seq 100 (one sample), then seq 100 again is seen
    # and seq 1..36 are older than its window; all from one address, the
    # one it is bound to (bind_source)
    a = src.next(8001)
    first = frame(packet(502, 100, key=KEY_B), a)
    olds = [frame(packet(502, s, key=KEY_B), a) for s in range(1, 37)]
    streams.append([first] + [first] * 4000 +
                   [olds[i % 36] for i in range(4000)])
    valid[0] += 1
    exp["drop.replay"] = 4000
    exp["drop.replay_old"] = 4000
    # seq_dup: an unkeyed sensor's packet twice in a row, 2 000 sensors
    for _ in range(2000):
        f = frame(packet(new_sensor(), 7), src.next(2))
        streams.append([f, f])
        valid[0] += 1
    exp["drop.seq_dup"] = 2000
    # ACL
    bad("acl_deny", frame(packet(new_sensor(), 1), bytes([10, 98, 0, 4])),
        5000)
    # bound to the source of its first packet
    b = new_sensor()
    streams.append([frame(packet(b, 1), bytes([10, 98, 0, 8]))] +
                   [frame(packet(b, 2 + i), bytes([10, 98, 0, 9]))
                    for i in range(5000)])
    valid[0] += 1
    exp["drop.source_bound"] = 5000
    # a sensor above its rate: temperature, a bucket of 100 samples
    r, rs = new_sensor(), src.next(5000)
    streams.append([frame(packet(r, 1 + i), rs) for i in range(5000)])
    # a source above its rate: 30 000 valid packets from one address, of
    # 1 500 sensors (20 each)
    flood = bytes([10, 98, 0, 7])
    for _ in range(1500):
        s = new_sensor()
        streams.append([frame(packet(s, 1 + i), flood) for i in range(20)])
    # valid packets to the total: fresh sensors, 80 samples each
    n = sum(len(x) for x in streams)
    while n < total:
        k = min(80, total - n)
        s, a = new_sensor(), src.next(k)
        streams.append([frame(packet(s, 1 + i), a) for i in range(k)])
        valid[0] += k
        n += k
    # interleaved at random, each stream in its own order
    keyed = []
    for st in streams:
        ks = sorted(rng.random() for _ in st)
        keyed.extend(zip(ks, st))
    keyed.sort(key=lambda x: x[0])
    with open(out, "wb") as fo:
        fo.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (_, f) in enumerate(keyed):
            fo.write(struct.pack("<IIII", 1700000000 + i // 1000000,
                                 i % 1000000, len(f), len(f)))
            fo.write(f)
    exp["frames"] = len(keyed)
    # taken: the valid ones, and what passes the two limits
    exp["valid_packets"] = valid[0]
    exp["rate_sensor"] = [5000 - 100 - 100 * 5, 5000 - 100]
    exp["rate_source"] = [30000 - 10000 - 3, 30000 - 10000]
    json.dump(exp, open(expect_path, "w"), indent=1, sort_keys=True)
    with open(keys_path, "w") as k:
        k.write("501 %s\n502 %s\n" % (KEY_A.hex(), KEY_B.hex()))


if __name__ == "__main__":
    main()
