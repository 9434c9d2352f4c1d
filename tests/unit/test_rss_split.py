"""tools/bench/rss_split.py: its Toeplitz hash against every row of the
verification tables of Microsoft's RSS specification ("Verifying the RSS
Hash Calculation": the default 40-byte key; IPv4 and IPv6, the addresses
alone and with the ports), what it hashes of a frame of either family,
and a split of a capture of both: each frame on the queue its flow
hashes to, some IPv6 flows on each queue, what is not IP on queue 0.
Run by tools/run-tests (unit-py) and meson test (unit-py)."""
import ipaddress
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SPLIT = os.path.join(ROOT, "tools", "bench", "rss_split.py")
sys.path.insert(0, os.path.dirname(SPLIT))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from rss_split import hash_input, toeplitz  # noqa: E402
from hostile_pcap import (DP_IP, DP_IP6, SRC_IP6, frame, frame6,  # noqa: E402
                          icmp6, udp6)

# destination, its port, source, its port; the hash of the addresses
# alone ("IPv4/IPv6 only"), of addresses and ports ("with TCP": the same
# input as UDP's)
IPV4 = [
    ("161.142.100.80", 1766, "66.9.149.187", 2794, 0x323E8FC2, 0x51CCC178),
    ("65.69.140.83", 4739, "199.92.111.2", 14230, 0xD718262A, 0xC626B0EA),
    ("12.22.207.184", 38024, "24.19.198.95", 12898, 0xD2D0A5DE, 0x5C2B394A),
    ("209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xAFC7327F),
    ("202.188.127.2", 1303, "153.39.163.191", 44251, 0x5D1809C5, 0x10E828A2),
]
IPV6 = [
    ("3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794,
     0x2CC18CD5, 0x40207D3D),
    ("ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230,
     0x0F0C461C, 0xDDE51BBF),
    ("fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
     44251, 0x4B61E985, 0x02D1FEEF),
]


def addr(a):
    return ipaddress.ip_address(a).packed


def ports(sport, dport):
    return struct.pack(">HH", sport, dport)


class Specification(unittest.TestCase):
    """The input is source address, destination address, source port,
    destination port, each in network order (the specification's order
    for IPv4 and IPv6 alike)."""

    def check(self, rows):
        for dst, dport, src, sport, only, with_ports in rows:
            with self.subTest(src=src, dst=dst):
                a = addr(src) + addr(dst)
                self.assertEqual(hex(toeplitz(a)), hex(only))
                self.assertEqual(hex(toeplitz(a + ports(sport, dport))),
                                 hex(with_ports))

    def test_ipv4_rows(self):
        self.check(IPV4)

    def test_ipv6_rows(self):
        self.check(IPV6)


class HashInput(unittest.TestCase):
    """What a frame gives to the hash: the specification's first IPv6 row
    through a UDP frame, then the frames hashed by addresses alone."""
    DST, DPORT, SRC, SPORT, ONLY, WITH_PORTS = IPV6[0]

    def udp(self, **kw):
        s, d = addr(self.SRC), addr(self.DST)
        return frame6(udp6(b"sensor", s, d, self.SPORT, self.DPORT), s, d,
                      **kw)

    def test_ipv6_udp(self):
        self.assertEqual(hex(toeplitz(hash_input(self.udp()))),
                         hex(self.WITH_PORTS))

    def test_ipv6_not_udp_at_once(self):
        for ext in ("frag", "hbh"):
            with self.subTest(ext=ext):
                self.assertEqual(hex(toeplitz(hash_input(self.udp(ext=ext)))),
                                 hex(self.ONLY))
        s, d = addr(self.SRC), addr(self.DST)
        echo = frame6(icmp6(128, 0, bytes(4), s, d), s, d, nh=58)
        self.assertEqual(hex(toeplitz(hash_input(echo))), hex(self.ONLY))

    def test_ipv4(self):
        src = addr("66.9.149.187")
        self.assertEqual(hash_input(frame(b"sensor", src, 2794, 1766)),
                         src + DP_IP + ports(2794, 1766))
        # a fragment has no ports to hash
        self.assertEqual(hash_input(frame(b"sensor", src, frag=0x2000)),
                         src + DP_IP)

    def test_not_ip(self):
        arp = bytes(6) + bytes(6) + b"\x08\x06" + bytes(28)
        self.assertIsNone(hash_input(arp))


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    off, frames = 24, []
    while off + 16 <= len(data):
        n = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + n])
        off += 16 + n
    return frames


class Split(unittest.TestCase):
    """32 IPv6 and 32 IPv4 sensor flows (a source port each), an echo
    request and an ARP frame over 2 queues: each where its flow's hash,
    computed here from the addresses and ports it was made with, says."""

    def test_split(self):
        nq, frames, want = 2, [], []
        for i in range(32):
            sport = 40000 + i
            frames.append(frame6(udp6(b"v6", sport=sport)))
            want.append(toeplitz(SRC_IP6 + DP_IP6 + ports(sport, 7400)))
            src = bytes([10, 99, 0, 2])
            frames.append(frame(b"v4", src, sport=sport))
            want.append(toeplitz(src + DP_IP + ports(sport, 7400)))
        frames.append(frame6(icmp6(128, 0, bytes(4)), nh=58))
        want.append(toeplitz(SRC_IP6 + DP_IP6))
        frames.append(bytes(6) + bytes(6) + b"\x08\x06" + bytes(28))
        want.append(None)
        queue = [0 if h is None else (h % 128) % nq for h in want]
        with tempfile.TemporaryDirectory(prefix="rss-") as d:
            write_pcap(os.path.join(d, "in.pcap"), frames)
            out = subprocess.run([sys.executable, SPLIT,
                                  os.path.join(d, "in.pcap"), str(nq),
                                  os.path.join(d, "q")],
                                 capture_output=True, text=True, check=True)
            got = [read_pcap(os.path.join(d, "q%d.pcap" % q))
                   for q in range(nq)]
        for q in range(nq):
            with self.subTest(queue=q):
                self.assertEqual(got[q], [f for f, w in zip(frames, queue)
                                          if w == q])
                self.assertTrue(any(f[12:14] == b"\x86\xdd" and f[20] == 17
                                    for f in got[q]),
                                "no IPv6 flow on queue %d" % q)
        self.assertIn('"packets": [%d, %d]' % (queue.count(0), queue.count(1)),
                      out.stdout)


if __name__ == "__main__":
    unittest.main()
