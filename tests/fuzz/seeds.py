#!/usr/bin/env python3
"""Write a fuzz seed corpus: the UDP payloads of the first packets of a
pcap (valid and malformed sensor packets from senseplane-sim, or feed
packets from the dataplane). Usage: seeds.py PCAP OUTDIR [MAX]"""
import os
import struct
import sys

pcap, out = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 200
os.makedirs(out, exist_ok=True)
with open(pcap, "rb") as f:
    data = f.read()
off, n = 24, 0
while off + 16 <= len(data) and n < limit:
    caplen = struct.unpack_from("<I", data, off + 8)[0]
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if len(frame) < 42 or frame[12:14] != b"\x08\x00":
        continue
    ihl = (frame[14] & 15) * 4
    payload = frame[14 + ihl + 8:]
    with open(os.path.join(out, "seed%04d" % n), "wb") as s:
        s.write(payload)
    n += 1
print("%d seeds in %s" % (n, out))
