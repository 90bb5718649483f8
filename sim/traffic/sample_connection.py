#!/usr/bin/python3
"""Sample traffic for the main job: one TCP connection as the seed describes
it, built by scapy (Debian's python3-scapy): connect() sends a SYN with the
options Linux puts on one, the server answers SYN-ACK, the client ACKs; then
a request, its answer, and an orderly close (FIN both ways). Two copies of
frames are corrupted on purpose - one IPv4 header checksum, one TCP checksum -
and an ARP request stands in for the other traffic on a wire, so the demo
shows the engine telling good from bad.

usage: sample_connection.py OUT.pcap
"""
import sys

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

CLIENT = ("02:00:00:00:00:01", "10.0.0.1", 40000)
SERVER = ("02:00:00:00:00:02", "10.0.0.2", 80)
LINUX_SYN_OPTIONS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None),
                     ("WScale", 7)]


def segment(sender, receiver, flags, seq, ack, payload=b"", options=None, ip_id=0):
    frame = (Ether(src=sender[0], dst=receiver[0]) /
             IP(src=sender[1], dst=receiver[1], id=ip_id, flags="DF", ttl=64) /
             TCP(sport=sender[2], dport=receiver[2], flags=flags, seq=seq, ack=ack, window=64240,
                 options=options or []))
    if payload:
        frame = frame / Raw(payload)
    return Ether(bytes(frame))  # checksums and lengths filled in by scapy


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c_isn, s_isn = 0x1A2B3C4D, 0x5E6F7081
    request = b"GET / HTTP/1.0\r\n\r\n"
    answer = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    c, s = c_isn + 1, s_isn + 1
    frames = [
        Ether(src=CLIENT[0], dst="ff:ff:ff:ff:ff:ff") / ARP(psrc=CLIENT[1], pdst=SERVER[1]),
        segment(CLIENT, SERVER, "S", c_isn, 0, options=LINUX_SYN_OPTIONS, ip_id=1),
        segment(SERVER, CLIENT, "SA", s_isn, c, options=[("MSS", 1460), ("SAckOK", b""),
                                                         ("Timestamp", (2000, 1000)),
                                                         ("NOP", None), ("WScale", 7)]),
        segment(CLIENT, SERVER, "A", c, s, ip_id=2),
        segment(CLIENT, SERVER, "PA", c, s, request, ip_id=3),
        segment(SERVER, CLIENT, "A", s, c + len(request), ip_id=1),
        segment(SERVER, CLIENT, "PA", s, c + len(request), answer, ip_id=2),
        segment(CLIENT, SERVER, "A", c + len(request), s + len(answer), ip_id=4),
        segment(CLIENT, SERVER, "FA", c + len(request), s + len(answer), ip_id=5),
        segment(SERVER, CLIENT, "FA", s + len(answer), c + len(request) + 1, ip_id=3),
        segment(SERVER, CLIENT, "A", s + len(answer) + 1, c + len(request) + 1, ip_id=4),
    ]
    bad_ip = bytearray(bytes(frames[4]))
    bad_ip[14 + 10] ^= 0x01  # IPv4 header checksum
    bad_tcp = bytearray(bytes(frames[6]))
    bad_tcp[-1] ^= 0x20      # a payload byte, so the TCP checksum no longer fits
    frames += [Ether(bytes(bad_ip)), Ether(bytes(bad_tcp))]
    wrpcap(sys.argv[1], frames)


if __name__ == "__main__":
    main()
