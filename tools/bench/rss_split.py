#!/usr/bin/env python3
"""Split a capture over N RX queues the way a NIC's RSS would.

  rss_split.py IN.pcap N OUT_PREFIX   ->  OUT_PREFIX0.pcap ... OUT_PREFIX{N-1}.pcap

Each IP frame goes to queue RETA[h % 128], h the Toeplitz hash under the
40-byte key most NICs and DPDK's drivers start with (the one of
Microsoft's RSS specification), RETA[i] = i % N (the default redirection
table). What is hashed is what the port asks its NIC for (dp_port.c: IP
and UDP): for UDP over IPv4 (not a fragment) or over IPv6 (UDP right
after the 40-byte header), source address, destination address, source
port, destination port; for any other IPv4 or IPv6 datagram (ICMP, a
fragment, an extension header), the two addresses alone. Other frames
go to queue 0. Prints the packets and flows a queue as JSON. net_pcap
has no RSS; one rx_pcap per queue fed by this split is what a port with
N queues would have delivered: a flow always lands on one queue,
whatever sensors it carries. tests/unit/test_rss_split.py checks the
hash against every row of the specification's verification tables,
IPv4 and IPv6.
"""
import json
import struct
import sys

KEY = bytes.fromhex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
                    "ae7b30b477cb2da38030f20c6a42b73bbeac01fa")


def toeplitz(data, key=KEY):
    k, klen, h = int.from_bytes(key, "big"), len(key) * 8, 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                h ^= (k >> (klen - 32 - (i * 8 + b))) & 0xFFFFFFFF
    return h


def hash_input(f):
    """The bytes of Ethernet frame F that RSS hashes, or None (not IP):
    addresses then ports for UDP that is not a fragment, the addresses
    alone for any other datagram."""
    if len(f) >= 34 and f[12:14] == b"\x08\x00":
        ihl = (f[14] & 15) * 4
        frag = struct.unpack_from(">H", f, 20)[0] & 0x3FFF   # MF, offset
        if f[23] == 17 and not frag and len(f) >= 18 + ihl:
            return f[26:34] + f[14 + ihl:18 + ihl]
        return f[26:34]
    if len(f) >= 54 and f[12:14] == b"\x86\xdd":
        if f[20] == 17 and len(f) >= 58:
            return f[22:58]     # source, destination, then the ports
        return f[22:54]
    return None


def main():
    if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    src, nq, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = open(src, "rb").read()
    outs = [open("%s%d.pcap" % (prefix, q), "wb") for q in range(nq)]
    for f in outs:
        f.write(data[:24])
    pkts, flows, cache, off = [0] * nq, [set() for _ in range(nq)], {}, 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        rec = data[off:off + 16 + incl]
        off += 16 + incl
        t = hash_input(rec[16:])
        q = 0
        if t is not None:
            if t not in cache:
                cache[t] = (toeplitz(t) % 128) % nq
            q = cache[t]
            flows[q].add(t)
        outs[q].write(rec)
        pkts[q] += 1
    json.dump({"packets": pkts, "flows": [len(s) for s in flows]}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
