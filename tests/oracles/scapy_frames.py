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

{dissect}
"""
import random

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from scapy_oracle_lib import (DISSECT_KEYS, gen_dissect_main, ip_hex, linux_syn_options,
                              opt_str, random_ip, random_mac, ts_str)


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
            eth_dst=random_mac(rng), eth_src=random_mac(rng),
            ip_src=random_ip(rng), ip_dst=random_ip(rng),
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
            "ts=" + ts_str(ts), "sack=%d" % int(sack),
            "payload=" + (payload.hex() or "-"), "frame=" + frame.hex()]))


def main():
    gen_dissect_main(__doc__.replace("{dissect}", DISSECT_KEYS), generate)


if __name__ == "__main__":
    main()
