#!/usr/bin/python3
"""Independent oracle for the receive parser's verdicts: scapy (Debian's
python3-scapy) builds frames made to break exactly one rule of the parser's
specification (wire/include/tcpoe/wire/frame.h, parse_frame), one or more
for every Malformed code, and well-formed frames with a wrong IPv4 or TCP
checksum, and writes them to a capture.

usage: scapy_bad_frames.py OUT.pcap

Prints one line per frame of OUT.pcap, in order:
  code=NAME ip_csum=good|bad tcp_csum=good|bad what=TEXT
NAME is the Malformed code the frame was made to have, as layout.h's
to_string() spells it (NONE for a well-formed frame); ip_csum/tcp_csum say
whether scapy wrote a right or a deliberately wrong checksum.
"""
import sys

from scapy.layers.inet import IP, TCP, UDP, IPOption
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

ETH = dict(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")
ADDR = dict(src="192.0.2.1", dst="198.51.100.7")


def tcp(**kw):
    args = dict(sport=40000, dport=80, seq=1000, ack=2000, flags="A", window=512)
    args.update(kw)
    return TCP(**args)


def wrong(pkt, layer):
    """pkt with layer's checksum one bit off the right one."""
    right = Ether(bytes(pkt))[layer].chksum
    bad = pkt.copy()
    bad[layer].chksum = right ^ 0x0100
    return bad


def frames():
    good = Ether(**ETH) / IP(**ADDR) / tcp(options=[("MSS", 1460)]) / Raw(b"hello")
    yield "NONE", good, True, True, "well-formed"
    yield "NONE", wrong(good, IP), False, True, "IPv4 checksum wrong"
    yield "NONE", wrong(good, TCP), True, False, "TCP checksum wrong"
    yield "SHORT_FRAME", Ether(bytes(Ether(**ETH) / IP(**ADDR) / tcp())[:40]), True, True, \
        "cut to 40 octets"
    yield "NOT_IPV4", Ether(type=0x86DD, **ETH) / Raw(bytes(48)), True, True, "IPv6 EtherType"
    yield "NOT_IPV4", Ether(**ETH) / IP(version=6, **ADDR) / tcp(), True, True, "IP version 6"
    yield "IP_HEADER_LEN", Ether(**ETH) / IP(ihl=4, **ADDR) / tcp(), True, True, "IHL 4"
    yield "IP_OPTIONS", Ether(**ETH) / IP(options=[IPOption(b"\x01\x01\x01\x00")], **ADDR) / \
        tcp(), True, True, "IHL 6: IPv4 options"
    yield "IP_TOTAL_LEN", Ether(**ETH) / IP(len=300, **ADDR) / tcp() / Raw(bytes(40)), True, \
        True, "total length beyond the frame"
    yield "FRAGMENT", Ether(**ETH) / IP(flags="MF", **ADDR) / tcp() / Raw(bytes(16)), True, \
        True, "more fragments"
    yield "FRAGMENT", Ether(**ETH) / IP(frag=100, **ADDR) / tcp() / Raw(bytes(16)), True, True, \
        "fragment offset 800"
    yield "NOT_TCP", Ether(**ETH) / IP(**ADDR) / UDP(sport=53, dport=53) / Raw(bytes(30)), True, \
        True, "UDP"
    yield "TCP_DATA_OFFSET", Ether(**ETH) / IP(**ADDR) / tcp(dataofs=4) / Raw(bytes(8)), True, \
        True, "data offset 4"
    yield "TCP_DATA_OFFSET", Ether(**ETH) / IP(**ADDR) / tcp(dataofs=15) / Raw(bytes(8)), True, \
        True, "data offset 15 beyond the segment"
    # The option area's octets written as the first octets after the fixed
    # header, with the data offset covering them.
    for area, what in [(b"\x02\x00\x00\x00", "option of length 0"),
                       (b"\x01\x01\x03\x01", "option of length 1"),
                       (b"\x02\x03\x05\x00", "MSS of length 3"),
                       (b"\x01\x01\x08\x0a\x00\x00\x00\x00", "timestamps past the header")]:
        yield "TCP_OPTION", Ether(**ETH) / IP(**ADDR) / tcp(dataofs=5 + len(area) // 4) / \
            Raw(area + b"data"), True, True, what


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    made = list(frames())
    wrpcap(sys.argv[1], [pkt for _, pkt, _, _, _ in made])
    for code, _, ip_good, tcp_good, what in made:
        print("code=%s ip_csum=%s tcp_csum=%s what=%s" %
              (code, "good" if ip_good else "bad", "good" if tcp_good else "bad",
               what.replace(" ", "_")))


if __name__ == "__main__":
    main()
