"""Hostile and honest sensors for the security tests, written from
PROTOCOL.md section 1 alone (SipHash-2-4 included): signed and unsigned
packets, wrong keys, replays of recorded packets, floods, key rotations.

  hostile.py send DEST ID N [--pps R] [--key HEX] [--flags F] [--seq S]
                 [--bind IP] [--attr A] [--nsamp K]
      N packets of sensor ID, seq from S (default 1), signed with HEX when
      given (MAC flag set), paced at R packets/s (default 5000).
  hostile.py replay DEST ID N KEY [--bind IP] [--dups D]
      A live sensor: N packets signed and recorded, then N more live ones,
      each followed by one recorded packet sent again (older than the
      window), then D live packets each sent twice (inside the window).
  hostile.py rotate DEST ID SECONDS SWITCH_S OLD NEW [--pps R] [--nsamp K]
      One sensor for SECONDS: signed with OLD until SWITCH_S, NEW after.
Each command prints a JSON line of what it sent.
"""
import json
import socket
import struct
import sys
import time

MASK = (1 << 64) - 1


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key, msg):
    """SipHash-2-4 (Aumasson and Bernstein), key words little-endian."""
    k0, k1 = struct.unpack("<QQ", key)
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & MASK; v1 = _rotl(v1, 13); v1 ^= v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & MASK; v3 = _rotl(v3, 16); v3 ^= v2
            v0 = (v0 + v3) & MASK; v3 = _rotl(v3, 21); v3 ^= v0
            v2 = (v2 + v1) & MASK; v1 = _rotl(v1, 17); v1 ^= v2
            v2 = _rotl(v2, 32)

    n = len(msg)
    end = n - n % 8
    for i in range(0, end, 8):
        m = struct.unpack_from("<Q", msg, i)[0]
        v3 ^= m
        rounds(2)
        v0 ^= m
    last = (n & 0xFF) << 56
    for i, c in enumerate(msg[end:]):
        last |= c << (8 * i)
    v3 ^= last
    rounds(2)
    v0 ^= last
    v2 ^= 0xFF
    rounds(4)
    return (v0 ^ v1 ^ v2 ^ v3) & MASK


def packet(sensor, seq, attr=7, nsamp=1, key=None, flags=0, value=20.5):
    """A packet of one f32 record of nsamp samples (1 ms apart)."""
    if key is not None:
        flags |= 1
    t0 = time.time_ns()
    hdr = struct.pack(">HBBIQ", 0x5346, 1, flags, seq & 0xFFFFFFFF, sensor)
    rec = struct.pack(">HBBHHQI", attr, 1, 1, nsamp, 0, t0,
                      1000000 if nsamp > 1 else 0)
    body = hdr + rec + struct.pack(">%df" % nsamp, *([value] * nsamp))
    if flags & 1:
        mac = siphash24(key, body) if key is not None else 0x0123456789ABCDEF
        body += struct.pack(">Q", mac)
    return body


class Sender:
    def __init__(self, dest, bind=None, pps=5000):
        ip, port = dest.split(":")
        self.dest = (ip, int(port))
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        if bind:
            self.s.bind((bind, 0))
        self.gap = 1.0 / pps
        self.next = time.monotonic()
        self.sent = 0
        self.errors = 0

    def send(self, p):
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
        self.next = max(self.next, now - 0.01) + self.gap
        try:
            self.s.sendto(p, self.dest)
            self.sent += 1
        except OSError:        # the link is down: nothing left the host
            self.errors += 1


def opt(argv, name, default=None, conv=str):
    if name in argv:
        return conv(argv[argv.index(name) + 1])
    return default


def main(argv):
    cmd = argv[0]
    bind = opt(argv, "--bind")
    if cmd == "send":
        dest, sid, n = argv[1], int(argv[2]), int(argv[3])
        key = opt(argv, "--key", None, bytes.fromhex)
        s = Sender(dest, bind, opt(argv, "--pps", 5000, float))
        seq = opt(argv, "--seq", 1, int)
        attr = opt(argv, "--attr", 7, int)
        nsamp = opt(argv, "--nsamp", 1, int)
        flags = opt(argv, "--flags", 0, int)
        for i in range(n):
            s.send(packet(sid, seq + i, attr, nsamp, key, flags))
        print(json.dumps({"sent": s.sent, "samples": s.sent * nsamp,
                          "next_seq": seq + n, "send_errors": s.errors}))
    elif cmd == "replay":
        dest, sid, n, key = argv[1], int(argv[2]), int(argv[3]), \
            bytes.fromhex(argv[4])
        dups = opt(argv, "--dups", 0, int)
        s = Sender(dest, bind, opt(argv, "--pps", 5000, float))
        recorded = []
        for i in range(n):
            p = packet(sid, 1 + i, key=key)
            recorded.append(p)
            s.send(p)
        for i in range(n):
            s.send(packet(sid, n + 1 + i, key=key))
            s.send(recorded[i])
        for i in range(dups):
            p = packet(sid, 2 * n + 1 + i, key=key)
            s.send(p)
            s.send(p)
        print(json.dumps({"live": 2 * n + dups, "replayed_old": n,
                          "replayed_seen": dups}))
    elif cmd == "rotate":
        dest, sid, secs, switch = argv[1], int(argv[2]), float(argv[3]), \
            float(argv[4])
        old, new = bytes.fromhex(argv[5]), bytes.fromhex(argv[6])
        nsamp = opt(argv, "--nsamp", 10, int)
        s = Sender(dest, bind, opt(argv, "--pps", 1000, float))
        t0 = time.monotonic()
        seq = 1
        counts = {"old": 0, "new": 0}
        while time.monotonic() - t0 < secs:
            which = "old" if time.monotonic() - t0 < switch else "new"
            s.send(packet(sid, seq, nsamp=nsamp,
                          key=old if which == "old" else new))
            counts[which] += 1
            seq += 1
        print(json.dumps({"sent": s.sent, "samples": s.sent * nsamp,
                          "old": counts["old"], "new": counts["new"],
                          "next_seq": seq}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
