#!/usr/bin/python3
"""Independent oracle for the wire-format layer (wire/): whole Ethernet II /
IPv4 / TCP frames built and dissected by scapy (Debian's python3-scapy), not
by our code.

usage: scapy_frames.py gen COUNT SEED
       scapy_frames.py dissect < frames.hex

gen: COUNT random frames, one line each, space-separated key=value:
  eth_dst eth_src        MAC addresses, 12 hex digits
  ethertype              decimal
  ip_src ip_dst          8 hex digits (192.0.2.1 is c0000201)
  ttl ident dscp ecn df  decimal (df 0 or 1)
  sport dport seq ack flags window urgent   decimal; flags is the 8 control
                         bits, FIN = 1 ... CWR = 128
  mss ws ts              decimal, ts as TSVAL,TSECR; "-" when absent
  sack                   0 or 1
  payload                hex ("-" when empty)
  frame                  hex, scapy's bytes: NOT padded to 60 octets
Options are listed in Linux's SYN order (MSS, SACK_PERM, TS, NOP, WS with
the NOPs of net/ipv4/tcp_output.c tcp_options_write()).

dissect: one hex frame per input line; per frame one line with the keys
above as scapy reads them (frame omitted) plus
  ip_len ihl version mf frag proto   decimal
  data_offset reserved   decimal; reserved is TCP's 4 reserved bits (scapy
                         calls the top three "reserved" and the last the
                         NS flag)
  unknown                count of options scapy listed that are none of
                         MSS, WScale, SAckOK, Timestamp, NOP (EOL ends)
  ip_csum_ok tcp_csum_ok 1 when the checksum scapy computes over the
                         frame's octets (field zeroed; for TCP with scapy's
                         pseudo-header, up to the IP total length) equals the
                         one in the frame
"""
import random
import sys

from scapy.layers.inet import IP, TCP, in4_chksum
from scapy.layers.l2 import Ether
from scapy.packet import Padding, Raw
from scapy.utils import checksum


def mac(rng):
    return ":".join("%02x" % rng.getrandbits(8) for _ in range(6))


def ip_addr(rng):
    return "%d.%d.%d.%d" % tuple(rng.getrandbits(8) for _ in range(4))


def ip_hex(dotted):
    return "".join("%02x" % int(x) for x in dotted.split("."))


def linux_syn_options(mss, ws, sack, ts):
    """scapy option list laid out as Linux lays out a SYN's options."""
    opts = []
    if mss is not None:
        opts.append(("MSS", mss))
    if ts is not None:
        if sack:
            opts.append(("SAckOK", b""))
        else:
            opts += [("NOP", None), ("NOP", None)]
        opts.append(("Timestamp", ts))
    if ws is not None:
        opts += [("NOP", None), ("WScale", ws)]
    if sack and ts is None:
        opts += [("NOP", None), ("NOP", None), ("SAckOK", b"")]
    return opts


def opt_str(value):
    return "-" if value is None else str(value)


def generate(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        mss = rng.getrandbits(16) if rng.random() < 0.6 else None
        ws = rng.randrange(0, 15) if rng.random() < 0.5 else None
        sack = rng.random() < 0.5
        ts = (rng.getrandbits(32), rng.getrandbits(32)) if rng.random() < 0.5 else None
        payload_len = rng.choice([0, 0, 1, 2, 3, 5, rng.randrange(0, 64), rng.randrange(0, 1461)])
        payload = bytes(rng.getrandbits(8) for _ in range(payload_len))
        dscp, ecn, df = rng.getrandbits(6), rng.getrandbits(2), rng.getrandbits(1)
        fields = dict(
            eth_dst=mac(rng), eth_src=mac(rng), ip_src=ip_addr(rng), ip_dst=ip_addr(rng),
            ttl=rng.getrandbits(8), ident=rng.getrandbits(16), sport=rng.getrandbits(16),
            dport=rng.getrandbits(16), seq=rng.getrandbits(32), ack=rng.getrandbits(32),
            flags=rng.getrandbits(8), window=rng.getrandbits(16), urgent=rng.getrandbits(16))
        pkt = (Ether(dst=fields["eth_dst"], src=fields["eth_src"]) /
               IP(src=fields["ip_src"], dst=fields["ip_dst"], ttl=fields["ttl"],
                  id=fields["ident"], tos=(dscp << 2) | ecn, flags="DF" if df else 0) /
               TCP(sport=fields["sport"], dport=fields["dport"], seq=fields["seq"],
                   ack=fields["ack"], flags=fields["flags"], window=fields["window"],
                   urgptr=fields["urgent"], options=linux_syn_options(mss, ws, sack, ts)))
        if payload:
            pkt = pkt / Raw(payload)
        frame = bytes(pkt)
        print(" ".join([
            "eth_dst=" + fields["eth_dst"].replace(":", ""),
            "eth_src=" + fields["eth_src"].replace(":", ""),
            "ethertype=%d" % 0x0800,
            "ip_src=" + ip_hex(fields["ip_src"]), "ip_dst=" + ip_hex(fields["ip_dst"]),
            "ttl=%d" % fields["ttl"], "ident=%d" % fields["ident"], "dscp=%d" % dscp,
            "ecn=%d" % ecn, "df=%d" % df,
            "sport=%d" % fields["sport"], "dport=%d" % fields["dport"], "seq=%d" % fields["seq"],
            "ack=%d" % fields["ack"], "flags=%d" % fields["flags"],
            "window=%d" % fields["window"], "urgent=%d" % fields["urgent"],
            "mss=" + opt_str(mss), "ws=" + opt_str(ws),
            "ts=" + ("-" if ts is None else "%d,%d" % ts), "sack=%d" % int(sack),
            "payload=" + (payload.hex() or "-"), "frame=" + frame.hex()]))


def dissect_one(raw):
    eth = Ether(raw)
    if IP not in eth or TCP not in eth:
        return "error=not_ip_tcp"
    ip, tcp = eth[IP], eth[TCP]
    # scapy's checksums of the octets as received, checksum fields zeroed. A
    # rebuild of the dissected packet would not do: scapy re-serializes what
    # it understood (options after an EOL, say), not the octets it was given.
    ip_start = 14
    tcp_start = ip_start + ip.ihl * 4
    header = bytearray(raw[ip_start:tcp_start])
    header[10:12] = b"\0\0"
    segment = bytearray(raw[tcp_start:ip_start + ip.len])
    segment[16:18] = b"\0\0"
    ip_csum = checksum(bytes(header))
    tcp_csum = in4_chksum(6, ip, bytes(segment))
    mss = ws = ts = None
    sack = 0
    unknown = 0
    for name, value in tcp.options:
        if name == "EOL":
            break
        if name == "NOP":
            continue
        if name == "MSS":
            mss = value
        elif name == "WScale":
            ws = value
        elif name == "SAckOK":
            sack = 1
        elif name == "Timestamp":
            ts = value
        else:
            unknown += 1
    payload = bytes(tcp.payload)
    if Padding in tcp:  # scapy hangs Ethernet padding under the last layer
        payload = payload[: len(payload) - len(bytes(tcp[Padding]))]
    flags = int(tcp.flags)
    return " ".join([
        "eth_dst=" + eth.dst.replace(":", ""), "eth_src=" + eth.src.replace(":", ""),
        "ethertype=%d" % eth.type, "version=%d" % ip.version, "ihl=%d" % ip.ihl,
        "ip_len=%d" % ip.len, "mf=%d" % int(ip.flags.MF), "frag=%d" % ip.frag,
        "proto=%d" % ip.proto,
        "ip_src=" + ip_hex(ip.src), "ip_dst=" + ip_hex(ip.dst), "ttl=%d" % ip.ttl,
        "ident=%d" % ip.id, "dscp=%d" % (ip.tos >> 2), "ecn=%d" % (ip.tos & 3),
        "df=%d" % int(ip.flags.DF),
        "sport=%d" % tcp.sport, "dport=%d" % tcp.dport, "seq=%d" % tcp.seq, "ack=%d" % tcp.ack,
        "data_offset=%d" % tcp.dataofs, "reserved=%d" % ((tcp.reserved << 1) | (flags >> 8)),
        "flags=%d" % (flags & 0xFF), "window=%d" % tcp.window, "urgent=%d" % tcp.urgptr,
        "mss=" + opt_str(mss), "ws=" + opt_str(ws),
        "ts=" + ("-" if ts is None else "%d,%d" % ts), "sack=%d" % sack,
        "unknown=%d" % unknown, "payload=" + (payload.hex() or "-"),
        "ip_csum_ok=%d" % int(ip_csum == ip.chksum),
        "tcp_csum_ok=%d" % int(tcp_csum == tcp.chksum)])


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
