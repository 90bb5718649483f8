#!/usr/bin/python3
"""Independent oracle for captures of the simulated wire: scapy (Debian's
python3-scapy) reads a pcap file itself (rdpcap) and dissects each frame.

usage: scapy_pcap_dissect.py FILE.pcap

Per frame one line: "time_ns=N " then the key=value fields of
scapy_oracle_lib's dissect_frame():

{dissect}
"""
import sys

from scapy.utils import rdpcap

from scapy_oracle_lib import DISSECT_KEYS, dissect_frame

__doc__ = __doc__.format(dissect=DISSECT_KEYS)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    for pkt in rdpcap(argv[1]):
        # scapy keeps a nanosecond pcap's time as a Decimal of seconds.
        time_ns = int(round(pkt.time * 1000000000))
        print("time_ns=%d %s" % (time_ns, dissect_frame(bytes(pkt))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
