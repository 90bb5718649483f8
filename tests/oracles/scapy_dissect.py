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

dissect: one hex frame per input line (Ethernet padding allowed: cut at the
  IPv4 total length); per frame one line of key=value:
    eth_dst eth_src            12 hex digits
    ethertype ip_len ttl ident dscp ecn df mf frag proto   decimal
    ip_src ip_dst              8 hex digits
    sport dport seq ack flags window urgent data_offset     decimal (flags:
                               the 8 control bits, FIN = 1 ... CWR = 128)
    mss ws                     decimal, "-" when absent (the last one wins)
    ts                         TSVAL,TSECR or "-"
    sack                       0 or 1
    payload_len                decimal, padding excluded
    ip_csum_ok tcp_csum_ok     1 when scapy's recomputed checksum equals the
                               frame's
  or "error=not_ip_tcp" when scapy finds no TCP/IPv4 inside.
"""
import random
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw


def mac(rng):
    return ":".join("%02x" % rng.getrandbits(8) for _ in range(6))


def ip_addr(rng):
    return "%d.%d.%d.%d" % tuple(rng.getrandbits(8) for _ in range(4))


def ip_hex(dotted):
    return "".join("%02x" % int(x) for x in dotted.split("."))


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
        ip = IP(src=ip_addr(rng), dst=ip_addr(rng), ttl=rng.getrandbits(8),
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
        pkt = Ether(dst=mac(rng), src=mac(rng)) / ip / l4
        if payload:
            pkt = pkt / Raw(payload)
        print(kind, bytes(pkt).hex())


def dissect_one(raw):
    eth = Ether(raw)
    if IP not in eth:
        return "error=not_ip_tcp"
    ip_len = eth[IP].len
    if 14 + ip_len <= len(raw):
        eth = Ether(raw[:14 + ip_len])  # Ethernet padding is not the datagram's
    if IP not in eth or TCP not in eth:
        return "error=not_ip_tcp"
    ip, tcp = eth[IP], eth[TCP]
    fresh = ip.copy()
    del fresh.chksum
    del fresh[TCP].chksum
    rebuilt = IP(bytes(fresh))
    mss = ws = ts = None
    sack = 0
    for name, value in tcp.options:
        if name == "EOL":
            break
        if name == "MSS":
            mss = value
        elif name == "WScale":
            ws = value
        elif name == "SAckOK":
            sack = 1
        elif name == "Timestamp":
            ts = value
    flags = int(tcp.flags)
    return " ".join([
        "eth_dst=" + eth.dst.replace(":", ""), "eth_src=" + eth.src.replace(":", ""),
        "ethertype=%d" % eth.type, "ip_len=%d" % ip.len, "ttl=%d" % ip.ttl, "ident=%d" % ip.id,
        "dscp=%d" % (ip.tos >> 2), "ecn=%d" % (ip.tos & 3), "df=%d" % int(ip.flags.DF),
        "mf=%d" % int(ip.flags.MF), "frag=%d" % ip.frag, "proto=%d" % ip.proto,
        "ip_src=" + ip_hex(ip.src), "ip_dst=" + ip_hex(ip.dst),
        "sport=%d" % tcp.sport, "dport=%d" % tcp.dport, "seq=%d" % tcp.seq, "ack=%d" % tcp.ack,
        "flags=%d" % (flags & 0xff), "window=%d" % tcp.window, "urgent=%d" % tcp.urgptr,
        "data_offset=%d" % tcp.dataofs,
        "mss=" + ("-" if mss is None else str(mss)), "ws=" + ("-" if ws is None else str(ws)),
        "ts=" + ("-" if ts is None else "%d,%d" % ts), "sack=%d" % sack,
        "payload_len=%d" % len(bytes(tcp.payload)),
        "ip_csum_ok=%d" % int(rebuilt.chksum == ip.chksum),
        "tcp_csum_ok=%d" % int(rebuilt[TCP].chksum == tcp.chksum)])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        generate(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 2 and sys.argv[1] == "dissect":
        for line in sys.stdin:
            line = line.strip()
            if line:
                print(dissect_one(bytes.fromhex(line)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
