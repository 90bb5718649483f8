#!/usr/bin/python3
"""Independent oracle for the TX header builder: scapy (Debian's
python3-scapy) builds the frame a TX descriptor describes, with its own
length, data offset, option encoding and checksum code, not ours.

usage: scapy_build.py < descriptors

One descriptor per input line, space-separated key=value (all decimal except
where noted):
  eth_dst eth_src   12 hex digits
  ip_src ip_dst     8 hex digits
  ttl tos ident df
  sport dport seq ack flags window urgent
  mss ws ts         "-" when the option is absent; ts as TSVAL,TSECR
  sack              0 or 1
  payload           hex, "-" when empty
One output line per input line: the frame's hex, not padded to 60 octets
and without FCS, options in Linux's SYN order (net/ipv4/tcp_output.c
tcp_options_write(): MSS; SACK_PERM or NOP NOP, TS; NOP NOP SACK_PERM
without TS; NOP WS).
"""
import sys

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from scapy_oracle_lib import dotted, linux_syn_options, mac_colons


def build(line):
    f = dict(kv.split("=", 1) for kv in line.split())
    num = lambda k: int(f[k])
    opt = lambda k: None if f[k] == "-" else int(f[k])
    ts = None if f["ts"] == "-" else tuple(int(x) for x in f["ts"].split(","))
    pkt = (Ether(dst=mac_colons(f["eth_dst"]), src=mac_colons(f["eth_src"])) /
           IP(src=dotted(f["ip_src"]), dst=dotted(f["ip_dst"]), ttl=num("ttl"), tos=num("tos"),
              id=num("ident"), flags="DF" if num("df") else 0) /
           TCP(sport=num("sport"), dport=num("dport"), seq=num("seq"), ack=num("ack"),
               flags=num("flags"), window=num("window"), urgptr=num("urgent"),
               options=linux_syn_options(opt("mss"), opt("ws"), num("sack"), ts)))
    if f["payload"] != "-":
        pkt = pkt / Raw(bytes.fromhex(f["payload"]))
    return bytes(pkt).hex()


def main():
    if len(sys.argv) != 1:
        sys.exit(__doc__)
    out = [build(line) for line in sys.stdin if line.strip()]
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()
