#!/usr/bin/python3
"""Independent oracle for the receive parser (rtl/tcp_rx_parser.sv): frames
built by scapy (Debian's python3-scapy) and frames dissected by scapy, not by
our code.

usage: scapy_dissect.py gen COUNT SEED
       scapy_dissect.py dissect < frames.hex

gen: COUNT random frames, one line each: "KIND HEX". KIND says what the
  frame is, so the test knows the verdict to expect:
    good          TCP/IPv4, options in a random legal order (MSS, WScale,
                  SAckOK, Timestamp, SAck blocks, unknown kinds, NOPs, EOL)
    bad_ip_csum   as good, the IPv4 checksum wrong
    bad_tcp_csum  as good, the TCP checksum wrong
    ip_options    IPv4 with options (IHL > 5)
    fragment      MF set or a fragment offset
    udp           not TCP
    bad_dataofs   TCP data offset below 5
  Frames are scapy's bytes, NOT padded to 60 octets (the test pads, as a
  NIC's MAC would).

{dissect}
"""
import random

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from scapy_oracle_lib import DISSECT_KEYS, gen_dissect_main, random_ip, random_mac


def random_options(rng):
    """A legal option list in a random order, at most 40 octets."""
    items = []
    if rng.random() < 0.6:
        items.append([("MSS", rng.getrandbits(16))])
    if rng.random() < 0.5:
        items.append([("WScale", rng.randrange(0, 15))])
    if rng.random() < 0.5:
        items.append([("SAckOK", b"")])
    if rng.random() < 0.5:
        items.append([("Timestamp", (rng.getrandbits(32), rng.getrandbits(32)))])
    if rng.random() < 0.2:
        left = rng.getrandbits(32)
        items.append([("SAck", (left, (left + 1000) & 0xffffffff))])
    if rng.random() < 0.2:
        items.append([(rng.choice([30, 34, 253]), bytes(rng.getrandbits(8) for _ in range(2)))])
    rng.shuffle(items)
    opts, size = [], 0
    sizes = {"MSS": 4, "WScale": 3, "SAckOK": 2, "Timestamp": 10, "SAck": 10}
    for item in items:
        name = item[0][0]
        n = sizes.get(name, 4)
        nops = rng.randrange(0, 3)
        if size + nops + n > 40:
            break
        opts += [("NOP", None)] * nops + item
        size += nops + n
    if size < 40 and rng.random() < 0.3:
        opts.append(("EOL", None))
    return opts


def generate(count, seed):
    rng = random.Random(seed)
    kinds = ["good"] * 6 + ["bad_ip_csum", "bad_tcp_csum", "ip_options", "fragment", "udp",
                            "bad_dataofs"]
    for _ in range(count):
        kind = rng.choice(kinds)
        ip = IP(src=random_ip(rng), dst=random_ip(rng), ttl=rng.getrandbits(8),
                id=rng.getrandbits(16), tos=rng.getrandbits(8),
                flags="DF" if rng.getrandbits(1) else 0)
        tcp = TCP(sport=rng.getrandbits(16), dport=rng.getrandbits(16), seq=rng.getrandbits(32),
                  ack=rng.getrandbits(32), flags=rng.getrandbits(8), window=rng.getrandbits(16),
                  urgptr=rng.getrandbits(16), options=random_options(rng))
        payload = bytes(rng.getrandbits(8) for _ in range(rng.choice(
            [0, 0, 1, 3, rng.randrange(0, 64), rng.randrange(0, 1461)])))
        l4 = tcp
        if kind == "bad_ip_csum":
            ip.chksum = rng.getrandbits(16)
        elif kind == "bad_tcp_csum":
            tcp.chksum = rng.getrandbits(16)
        elif kind == "ip_options":
            ip.options = [b"\x01" * (4 * rng.randrange(1, 5))]  # NOPs: IHL 6..9
        elif kind == "fragment":
            if rng.getrandbits(1):
                ip.flags = "MF"
            else:
                ip.frag = rng.randrange(1, 8192)
        elif kind == "udp":
            l4 = UDP(sport=rng.getrandbits(16), dport=rng.getrandbits(16))
        elif kind == "bad_dataofs":
            tcp.dataofs = rng.randrange(0, 5)
        pkt = Ether(dst=random_mac(rng), src=random_mac(rng)) / ip / l4
        if payload:
            pkt = pkt / Raw(payload)
        print(kind, bytes(pkt).hex())


def main():
    gen_dissect_main(__doc__.replace("{dissect}", DISSECT_KEYS), generate)


if __name__ == "__main__":
    main()
