#!/usr/bin/python3
"""Independent oracle for the receive parser (rtl/tcp_rx_parser.sv): frames
built by scapy (Debian's python3-scapy) and frames dissected by scapy, not by
our code.

usage: scapy_dissect.py gen COUNT SEED
       scapy_dissect.py dissect < frames.hex
       scapy_dissect.py judge < frames.hex

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
    short         a good frame cut to 14..53 octets
    not_ipv4      EtherType IPv6 or ARP, or IP version other than 4
    ihl_short     IHL below 5
    bad_total_len IPv4 total length below 20, beyond the frame, or short of
                  a frame longer than 60 octets
    bad_option    an option of length 0 or 1, without its length octet,
                  running past the header, or MSS, WScale, SAckOK or
                  Timestamp with another length
  Frames are scapy's bytes, NOT padded to 60 octets (the test pads, as a
  NIC's MAC would, all but the short ones).

judge: one hex frame per input line; per frame one line: why scapy's
  dissection says the frame is not a TCP/IPv4 segment this device parses,
  as a Malformed name (layout.h), or "none". The first that applies of:
    short_frame      fewer than 54 octets (Ethernet, IPv4, TCP headers)
    not_ipv4         scapy's Ether type is not IPv4, or the IP version not 4
    ip_header_len    scapy's ihl below 5
    ip_options       scapy's ihl above 5
    ip_total_len     scapy's IP len below 20 or past the frame, or short of
                     a frame that needed no padding (longer than 60)
    fragment         scapy's MF flag or fragment offset
    not_tcp          scapy's proto is not 6
    tcp_data_offset  scapy's dataofs below 5 or past the IP datagram
    tcp_option       in scapy's option list (to EOL), an option whose
                     length octet is below 2, missing or past the header, or
                     MSS, WScale, SAckOK or Timestamp that scapy could not
                     read as its fixed-size value

{dissect}
"""
import random
import sys

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


BAD_OPTIONS = [  # raw option areas (each a multiple of 4 octets)
    b"\x02\x00\x00\x00",                 # MSS of length 0
    b"\x1e\x01\x01\x01",                 # unknown kind of length 1
    b"\x01\x01\x01\x08",                 # Timestamp without its length octet
    b"\x01\x08\x0a\x00\x00\x00\x00\x00",  # Timestamp running past the header
    b"\x02\x03\x00\x01",                 # MSS of length 3
    b"\x03\x04\x07\x00",                 # WScale of length 4
    b"\x04\x03\x00\x01",                 # SAckOK of length 3
    b"\x08\x08\x00\x00\x00\x00\x00\x00",  # Timestamp of length 8
    b"\x1e\x06\x00\x00",                 # unknown kind running past the header
]

# What each judged reason is called in layout.h's Malformed (its code is
# its place here).
REASONS = ["none", "short_frame", "not_ipv4", "ip_header_len", "ip_options", "ip_total_len",
           "fragment", "not_tcp", "tcp_data_offset", "tcp_option"]
FIXED_SIZE = {"MSS": 2, "WScale": 1, "SAckOK": 0, "Timestamp": 8}


def option_fault(area, options):
    """True when scapy's option list (read from `area`, the raw option
    octets) holds an option parse_frame() must refuse."""
    pos = 0
    for name, value in options:
        if name == "EOL":
            return False
        if name == "NOP":
            pos += 1
            continue
        announced = area[pos + 1] if pos + 1 < len(area) else 0
        if announced < 2 or pos + announced > len(area):
            return True
        if name in FIXED_SIZE and isinstance(value, bytes) and len(value) != FIXED_SIZE[name]:
            return True
        pos += announced
    return False


def judge_frame(raw):
    """The first reason (REASONS) scapy's dissection of `raw` gives."""
    if len(raw) < 54:
        return "short_frame"
    eth = Ether(raw)
    if eth.type != 0x0800 or IP not in eth or eth[IP].version != 4:
        return "not_ipv4"
    ip = eth[IP]
    if ip.ihl < 5:
        return "ip_header_len"
    if ip.ihl > 5:
        return "ip_options"
    end = 14 + ip.len
    if ip.len < 20 or end > len(raw) or (end < len(raw) and len(raw) > 60):
        return "ip_total_len"
    if ip.flags.MF or ip.frag:
        return "fragment"
    if ip.proto != 6:
        return "not_tcp"
    eth = Ether(raw[:end])  # the datagram, without Ethernet padding
    if TCP not in eth or eth[TCP].dataofs < 5 or ip.len < 20 + 4 * eth[TCP].dataofs:
        return "tcp_data_offset"
    tcp = eth[TCP]
    if option_fault(raw[54:34 + 4 * tcp.dataofs], tcp.options):
        return "tcp_option"
    return "none"


def generate(count, seed):
    rng = random.Random(seed)
    kinds = ["good"] * 6 + ["bad_ip_csum", "bad_tcp_csum", "ip_options", "fragment", "udp",
                            "bad_dataofs", "short", "not_ipv4", "ihl_short", "bad_total_len",
                            "bad_option"]
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
        elif kind == "ihl_short":
            ip.ihl = rng.randrange(0, 5)
        elif kind == "bad_total_len":
            ip.len = rng.choice([rng.randrange(0, 20), rng.randrange(1500, 65536)])
        elif kind == "bad_option":
            tcp.options = []
            bad = rng.choice(BAD_OPTIONS)
            lead = b"\x01" * (4 * rng.randrange(0, (40 - len(bad)) // 4 + 1))
            tcp.dataofs = 5 + (len(lead) + len(bad)) // 4
            l4 = tcp / Raw(lead + bad)  # the option octets, raw, then the payload
        eth = Ether(dst=random_mac(rng), src=random_mac(rng))
        if kind == "not_ipv4":
            choice = rng.randrange(3)
            if choice == 0:
                eth.type = 0x86dd
            elif choice == 1:
                eth.type = 0x0806
            else:
                ip.version = rng.choice([0, 5, 6, 7, 15])
        pkt = eth / ip / l4
        if payload:
            pkt = pkt / Raw(payload)
        octets = bytes(pkt)
        if kind == "short":
            octets = octets[:rng.randrange(14, 54)]
        print(kind, octets.hex())


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "judge":
        for line in sys.stdin:
            line = line.strip()
            if line:
                print(judge_frame(bytes.fromhex(line)))
        return
    gen_dissect_main(__doc__.replace("{dissect}", DISSECT_KEYS), generate)


if __name__ == "__main__":
    main()
