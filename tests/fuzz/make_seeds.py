#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py - writes the seed corpus of netstack_frame_fuzz: valid frames
(ARP request, ICMP echo, UDP, TCP SYN, IPv4 fragments, IP options, a loopback frame),
each prefixed with the harness's mode byte. Run: python3 make_seeds.py DIR"""
import os
import struct
import sys

OUR = bytes([2, 0, 0, 0, 0, 2])
PEER = bytes([2, 0, 0, 0, 0, 1])
BCAST = b"\xff" * 6
SRC, DST = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, typ, payload, src=PEER):
    return dst + src + struct.pack("!H", typ) + payload


def ip(proto, payload, src=SRC, dst=DST, ident=1, frag=0, opts=b"", tot=None):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot or 4 * ihl + len(payload), ident,
                    frag, 64, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def l4(proto, hdr, payload, src=SRC, dst=DST):
    seg = hdr + payload
    ph = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    c = csum(ph + seg)
    off = 6 if proto == 17 else 16
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def icmp_echo(data=b"abcdefgh" * 4):
    h = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def udp(sport, dport, data):
    return l4(17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0), data)


def tcp_syn(sport, dport):
    opts = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, (5 + len(opts) // 4) << 4, 0x02,
                      64240, 0, 0) + opts
    return l4(6, hdr, b"")


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


seeds = {
    "arp_request": (0, eth(BCAST, 0x0806, arp(1, PEER, SRC, b"\0" * 6, DST))),
    "arp_reply": (0, eth(OUR, 0x0806, arp(2, PEER, SRC, OUR, DST))),
    "arp_gratuitous": (2, eth(BCAST, 0x0806, arp(1, PEER, SRC, b"\0" * 6, SRC))),
    "icmp_echo": (0, eth(OUR, 0x0800, ip(1, icmp_echo()))),
    "udp_dns": (0, eth(OUR, 0x0800, ip(17, udp(40000, 53, b"\x12\x34\x01\x00" + b"\0" * 8)))),
    "udp_closed_port": (0, eth(OUR, 0x0800, ip(17, udp(40000, 9999, b"x")))),
    "tcp_syn": (0, eth(OUR, 0x0800, ip(6, tcp_syn(40000, 80)))),
    "tcp_syn_closed": (0, eth(OUR, 0x0800, ip(6, tcp_syn(40000, 81)))),
    "ip_options": (0, eth(OUR, 0x0800, ip(17, udp(1, 53, b"y"), opts=bytes([7, 7, 4, 0, 0, 0, 0, 0])))),
    "loopback_echo": (1, eth(b"\0" * 6, 0x0800,
                             ip(1, icmp_echo(), src=bytes([127, 0, 0, 1]), dst=bytes([127, 0, 0, 1])),
                             src=b"\0" * 6)),
    "frag_timeout": (4, eth(OUR, 0x0800, ip(17, udp(1, 53, b"z" * 64)[:48], ident=77, frag=0x2000))),
}
big = udp(40000, 53, bytes(range(256)) * 8)
seeds["frag_first"] = (0, eth(OUR, 0x0800, ip(17, big[:1024], ident=9, frag=0x2000)))
seeds["frag_last"] = (0, eth(OUR, 0x0800, ip(17, big[1024:], ident=9, frag=1024 // 8)))

out = sys.argv[1] if len(sys.argv) > 1 else "corpus/netstack_frame"
os.makedirs(out, exist_ok=True)
for name, (mode, frame) in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([mode]) + frame)
