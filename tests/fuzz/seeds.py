#!/usr/bin/env python3
"""Write fuzz_sensor's seed corpus: the UDP payloads of the first packets
of a pcap (valid and malformed sensor packets from senseplane-sim), each
behind the byte 0 that makes fuzz_sensor parse a sensor packet; then
frames to the port (byte 1: classified from the Ethernet header on, the
way the dataplane does), one for each path of dp_net6.c: a good IPv6
sensor packet, a zero and a wrong UDP checksum, a fragment, a hop-by-hop
and another extension header, a truncated header, a neighbour
solicitation of the port's address, an echo request, a datagram to an
address not the port's; the good one again with the NIC's verdicts
"checksums good" and "bad" (bytes 2 and 3); and one IPv4 sensor frame.
Usage: seeds.py PCAP OUTDIR [MAX]"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from hostile import packet  # noqa: E402
from hostile_pcap import (DP_IP6, SRC_IP6, SRC_MAC, frame,  # noqa: E402
                          frame6, icmp6, udp6)

PAYLOAD, FRAME, FRAME_CSUM_GOOD, FRAME_CSUM_BAD = b"\0", b"\1", b"\2", b"\3"


def ipv6_seeds():
    """{name: fuzz input} of IPv6 frames to the port (fd00:99::1, the
    addresses fuzz_sensor.c gives its port)."""
    sensor = packet(77, 1, attr=1, nsamp=3, value=1.5)
    keyed = packet(79, 2, attr=1, key=b"fuzz-key-0123456")
    good = frame6(udp6(sensor))
    # the solicited-node group of fd00:99::1 and its MAC (RFC 4291 2.7.1)
    group = bytes.fromhex("ff02" + "00" * 9 + "01ff") + DP_IP6[13:]
    ns = icmp6(135, 0, bytes(4) + DP_IP6 + bytes([1, 1]) + SRC_MAC,
               dst=group)
    return {
        "v6-sensor": FRAME + good,
        "v6-sensor-mac": FRAME + frame6(udp6(keyed)),
        "v6-csum-zero": FRAME + frame6(udp6(sensor, csum_mode="zero")),
        "v6-csum-bad": FRAME + frame6(udp6(sensor, csum_mode="bad")),
        "v6-frag": FRAME + frame6(udp6(sensor), ext="frag"),
        "v6-hbh": FRAME + frame6(udp6(sensor), ext="hbh"),
        "v6-dstopts": FRAME + frame6(udp6(sensor), ext="dst"),
        "v6-truncated": FRAME + good[:14 + 30],
        "v6-ns": FRAME + frame6(ns, dst=group, nh=58, hops=255,
                                dmac=bytes.fromhex("3333ff") + DP_IP6[13:]),
        "v6-echo": FRAME + frame6(icmp6(128, 0, struct.pack(">HH", 7, 1)
                                        + b"senseplane"), nh=58),
        "v6-not-ours": FRAME + frame6(udp6(sensor, dst=SRC_IP6),
                                      dst=SRC_IP6),
        "v4-sensor": FRAME + frame(sensor, bytes([10, 99, 0, 2])),
        "v6-nic-good": FRAME_CSUM_GOOD + good,
        "v6-nic-bad": FRAME_CSUM_BAD + good,
    }


def main():
    pcap, out = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    os.makedirs(out, exist_ok=True)
    with open(pcap, "rb") as f:
        data = f.read()
    off, n = 24, 0
    while off + 16 <= len(data) and n < limit:
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        f = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(f) < 42 or f[12:14] != b"\x08\x00":
            continue
        ihl = (f[14] & 15) * 4
        with open(os.path.join(out, "seed%04d" % n), "wb") as s:
            s.write(PAYLOAD + f[14 + ihl + 8:])
        n += 1
    for name, data in ipv6_seeds().items():
        with open(os.path.join(out, name), "wb") as s:
            s.write(data)
        n += 1
    print("%d seeds in %s" % (n, out))


if __name__ == "__main__":
    main()
