"""A scripted sensor for the tests, written from PROTOCOL.md section 1:
packets with chosen values (NaN, infinities, extreme integers), seq and
flags, sent over UDP, or as raw Ethernet frames with a chosen IPv4 header
checksum (AF_PACKET), and a listener for attention hints (section 4).

  sensor.py send DEST_IP:PORT SENSOR ATTR_ID VTYPE VALUES N GAP_S [--hint]
      VALUES is a comma list ("inf,nan,-inf,1.5"); one packet per value,
      cycling, N packets GAP_S apart; with --hint, the hints received are
      printed as "HINT t_s level batch_ms" lines.
  sensor.py raw IFACE SRC_IP DST_IP SENSOR ATTR_ID N --bad-csum|--good-csum
      N f32 scalar packets as raw frames to DST_IP (MAC by ARP from the
      kernel's neighbour table: ping it first).
  sensor.py raw6 IFACE SRC_IP6 DST_IP6 SENSOR ATTR_ID N MODE
      The same over IPv6, MODE one of --good-csum, --zero-csum,
      --bad-csum (the UDP checksum), --frag (an atomic fragment header,
      RFC 6946) or --hbh (a hop-by-hop header of padding) before UDP.
"""
import math
import socket
import struct
import subprocess
import sys
import time

from hostile_pcap import csum, frame6, udp6

VT = {"f32": (1, "f"), "f64": (2, "d"), "i32": (3, "i"), "i64": (4, "q")}


def packet(sensor, seq, attr, vtype, value, flags=0, t_ns=None):
    code, fmt = VT[vtype]
    t_ns = t_ns if t_ns is not None else time.time_ns()
    hdr = struct.pack(">HBBIQ", 0x5346, 1, flags, seq & 0xFFFFFFFF, sensor)
    rec = struct.pack(">HBBHHQI", attr, code, 1, 1, 0, t_ns, 0)
    return hdr + rec + struct.pack(">" + fmt, value)


def parse_value(s, vtype):
    if vtype in ("i32", "i64"):
        return int(s, 0)
    return float(s)


def send(argv):
    dest, sensor, attr, vtype, values, n, gap = argv[:7]
    ip, port = dest.split(":")
    hint = "--hint" in argv
    vals = [parse_value(v, vtype) for v in values.split(",")]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    t0 = time.monotonic()
    for i in range(int(n)):
        p = packet(int(sensor), i + 1, int(attr), vtype, vals[i % len(vals)],
                   flags=2 if hint else 0)
        s.sendto(p, (ip, int(port)))
        end = time.monotonic() + float(gap)
        while True:
            try:
                d = s.recv(64)
                if len(d) >= 16 and struct.unpack_from(">H", d)[0] == 0x5348:
                    _, _, level, batch, sid = struct.unpack_from(">HBBIQ", d)
                    print("HINT %.3f %d %d" % (time.monotonic() - t0, level,
                                               batch), flush=True)
            except BlockingIOError:
                pass
            if time.monotonic() >= end:
                break
            time.sleep(0.005)


def mac_of(ip, iface):
    subprocess.run(["ping", "-c", "1", "-W", "1", ip], capture_output=True)
    out = subprocess.run(["ip", "neigh", "show", ip, "dev", iface],
                         capture_output=True, text=True).stdout.split()
    return bytes.fromhex(out[out.index("lladdr") + 1].replace(":", ""))


def raw(argv):
    iface, src, dst, sensor, attr, n, mode = argv[:7]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = s.getsockname()[4]
    dmac = mac_of(dst, iface)
    for i in range(int(n)):
        payload = packet(int(sensor), i + 1, int(attr), "f32", float(i))
        udp = struct.pack(">HHHH", 40000, 7400, 8 + len(payload), 0) + payload
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64,
                         17, 0, socket.inet_aton(src), socket.inet_aton(dst))
        c = csum(ip)
        if mode == "--bad-csum":
            c ^= 0x5A5A
        ip = ip[:10] + struct.pack(">H", c) + ip[12:]
        s.send(dmac + smac + b"\x08\x00" + ip + udp)
        time.sleep(0.001)


def raw6(argv):
    iface, src, dst, sensor, attr, n, mode = argv[:7]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = s.getsockname()[4]
    dmac = mac_of(dst, iface)
    a_src = socket.inet_pton(socket.AF_INET6, src)
    a_dst = socket.inet_pton(socket.AF_INET6, dst)
    how = {"--zero-csum": "zero", "--bad-csum": "bad"}.get(mode, "ok")
    ext = {"--frag": "frag", "--hbh": "hbh"}.get(mode)
    for i in range(int(n)):
        payload = packet(int(sensor), i + 1, int(attr), "f32", float(i))
        s.send(frame6(udp6(payload, a_src, a_dst, csum_mode=how), a_src,
                      a_dst, ext=ext, dmac=dmac, smac=smac, ident=i + 1))
        time.sleep(0.001)


if __name__ == "__main__":
    {"send": send, "raw": raw, "raw6": raw6}[sys.argv[1]](sys.argv[2:])
