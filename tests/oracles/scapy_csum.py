#!/usr/bin/python3
"""Independent oracle for the checksum engine: random TCP/IPv4 packets built
and checksummed by scapy (Debian's python3-scapy), not by our code.

usage: scapy_csum.py COUNT SEED

One line per packet, space-separated hex fields:
  pseudo   the IPv4 pseudo-header scapy builds for the TCP checksum
  segment  the TCP segment (header, options, payload), checksum field zeroed
  tcp_csum the TCP checksum scapy computed
  iphdr    the IPv4 header, checksum field zeroed
  ip_csum  the IPv4 header checksum scapy computed
"""
import random
import sys

from scapy.layers.inet import IP, TCP, in4_pseudoheader
from scapy.packet import Raw


def random_options(rng):
    opts = []
    if rng.random() < 0.7:
        opts.append(("MSS", rng.randrange(536, 65536)))
    if rng.random() < 0.5:
        opts.append(("SAckOK", b""))
    if rng.random() < 0.5:
        opts.append(("Timestamp", (rng.getrandbits(32), rng.getrandbits(32))))
    if rng.random() < 0.5:
        opts.append(("NOP", None))
        opts.append(("WScale", rng.randrange(0, 15)))
    return opts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    for _ in range(count):
        payload = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 0, 1, 2, 3, rng.randrange(0, 1460)])))
        ip = IP(src="%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4)),
                dst="%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4)),
                ttl=rng.randrange(1, 256), id=rng.getrandbits(16), flags="DF")
        tcp = TCP(sport=rng.getrandbits(16), dport=rng.getrandbits(16), seq=rng.getrandbits(32),
                  ack=rng.getrandbits(32), flags=rng.getrandbits(8), window=rng.getrandbits(16),
                  urgptr=rng.getrandbits(16), options=random_options(rng))
        pkt = IP(bytes(ip / tcp / Raw(payload)))  # built, then dissected: checksums filled
        seg = bytearray(bytes(pkt[TCP]))
        tcp_csum = pkt[TCP].chksum
        seg[16:18] = b"\0\0"
        pseudo = in4_pseudoheader(6, pkt, len(seg))
        iphdr = bytearray(bytes(pkt)[: pkt.ihl * 4])
        ip_csum = pkt.chksum
        iphdr[10:12] = b"\0\0"
        print(pseudo.hex(), seg.hex(), "%04x" % tcp_csum, iphdr.hex(), "%04x" % ip_csum)


if __name__ == "__main__":
    main()
