"""What the scapy oracles (scapy_frames.py, scapy_dissect.py, scapy_build.py)
share: address formats, Linux's SYN option layout, the one dissector whose
key=value lines the C++ tests read, and the gen/dissect command line.
Only scapy (Debian's python3-scapy) decides what a frame contains here; none
of the project's code is used.
"""
import struct
import sys

from scapy.layers.inet import IP, TCP, in4_chksum
from scapy.layers.l2 import Ether
from scapy.utils import checksum


def random_mac(rng):
    return ":".join("%02x" % rng.getrandbits(8) for _ in range(6))


def random_ip(rng):
    return "%d.%d.%d.%d" % tuple(rng.getrandbits(8) for _ in range(4))


def ip_hex(dotted):
    """192.0.2.1 -> c0000201"""
    return "".join("%02x" % int(x) for x in dotted.split("."))


def dotted(hex8):
    """c0000201 -> 192.0.2.1"""
    return ".".join(str(int(hex8[i:i + 2], 16)) for i in range(0, 8, 2))


def mac_colons(hex12):
    """0a0b0c0d0e0f -> 0a:0b:0c:0d:0e:0f"""
    return ":".join(hex12[i:i + 2] for i in range(0, 12, 2))


def opt_str(value):
    return "-" if value is None else str(value)


def ts_str(ts):
    return "-" if ts is None else "%d,%d" % ts


def linux_syn_options(mss, ws, sack, ts):
    """A scapy option list laid out as Linux lays out a SYN's options
    (net/ipv4/tcp_output.c tcp_options_write()): MSS; SACK_PERM or NOP NOP,
    then TS; NOP NOP SACK_PERM when there is no TS to pair with; NOP WS."""
    opts = []
    if mss is not None:
        opts.append(("MSS", mss))
    if ts is not None:
        opts += [("SAckOK", b"")] if sack else [("NOP", None), ("NOP", None)]
        opts.append(("Timestamp", ts))
    if sack and ts is None:
        opts += [("NOP", None), ("NOP", None), ("SAckOK", b"")]
    if ws is not None:
        opts += [("NOP", None), ("WScale", ws)]
    return opts


DISSECT_KEYS = """\
dissect: one hex frame per input line (Ethernet padding allowed: the frame is
  cut at the IPv4 total length); per frame one line of key=value:
    eth_dst eth_src            12 hex digits
    ethertype version ihl ip_len mf frag proto ttl ident dscp ecn df   decimal
    ip_src ip_dst              8 hex digits (192.0.2.1 is c0000201)
    sport dport seq ack flags window urgent data_offset   decimal (flags:
                               the 8 control bits, FIN = 1 ... CWR = 128)
    reserved                   TCP's 4 reserved bits (scapy calls the top
                               three "reserved" and the last the NS flag)
    mss ws                     decimal, "-" when absent (the last one wins)
    ts                         TSVAL,TSECR or "-"
    sack                       0 or 1
    unknown                    options scapy listed that are none of MSS,
                               WScale, SAckOK, Timestamp, NOP (EOL ends)
    payload payload_len        hex ("-" when empty) and octets, padding
                               excluded
    ip_csum_ok tcp_csum_ok     1 when the checksum scapy computes over the
                               frame's octets (field zeroed; TCP with scapy's
                               pseudo-header, up to the IP total length)
                               equals the one in the frame
  or "error=not_ip_tcp" when scapy finds no TCP/IPv4 inside, or
  "error=undissectable" when scapy cannot read the headers' fields."""


def dissect_frame(raw):
    """One frame's key=value line, as DISSECT_KEYS describes, or
    "error=undissectable" when scapy cannot read a header's fields (an IHL
    below 5, a total length below 20: the headers overlap or end early)."""
    try:
        return dissect_fields(raw)
    except (TypeError, struct.error):
        return "error=undissectable"


def dissect_fields(raw):
    if len(raw) < 54:
        return "error=not_ip_tcp"  # too short for the three headers (scapy may not dissect it)
    eth = Ether(raw)
    if IP not in eth:
        return "error=not_ip_tcp"
    ip_start = 14
    ip_len = eth[IP].len
    if ip_start + ip_len <= len(raw):
        raw = raw[:ip_start + ip_len]  # Ethernet padding is not the datagram's
        eth = Ether(raw)
    if IP not in eth or TCP not in eth:
        return "error=not_ip_tcp"
    ip, tcp = eth[IP], eth[TCP]
    # scapy's checksums of the octets as received, checksum fields zeroed. A
    # rebuild of the dissected packet would not do: scapy re-serializes what
    # it understood (options after an EOL, say), not the octets it was given.
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
        if name in ("MSS", "WScale", "Timestamp") and isinstance(value, bytes):
            continue  # a length scapy could not read as the option's value
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
        "mss=" + opt_str(mss), "ws=" + opt_str(ws), "ts=" + ts_str(ts), "sack=%d" % sack,
        "unknown=%d" % unknown, "payload=" + (payload.hex() or "-"),
        "payload_len=%d" % len(payload),
        "ip_csum_ok=%d" % int(ip_csum == ip.chksum),
        "tcp_csum_ok=%d" % int(tcp_csum == tcp.chksum)])


def gen_dissect_main(doc, generate):
    """The command line of scapy_frames.py and scapy_dissect.py:
    `gen COUNT SEED` calls generate(count, seed); `dissect` reads hex frames
    from stdin; anything else prints the script's doc and exits 2."""
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        generate(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 2 and sys.argv[1] == "dissect":
        for line in sys.stdin:
            line = line.strip()
            if line:
                print(dissect_frame(bytes.fromhex(line)))
    else:
        sys.stderr.write(doc + "\n")
        sys.exit(2)
