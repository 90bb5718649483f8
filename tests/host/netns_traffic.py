#!/usr/bin/python3
"""Makes the Linux kernel send real TCP traffic, for test_tcpoe_parse's
capture between two network namespaces (run each command with
`ip netns exec`). Plain sockets only; the kernel chooses every header field.

usage: netns_traffic.py txcsum-off IFNAME
       netns_traffic.py serve PORT CONNECTIONS
       netns_traffic.py talk HOST PORT        data both ways, urgent data, FIN
       netns_traffic.py reset HOST PORT       data, then an abortive close: RST
       netns_traffic.py refused HOST PORT     a SYN to a closed port: RST back

txcsum-off: turns the device's transmit checksum offload off (the ethtool
ioctl), so the capture holds the checksums the kernel computed instead of
the partial ones it leaves to the device.
serve: accepts CONNECTIONS connections one after the other; from each it
reads until end of stream (or reset), then answers with data and closes.
Prints "listening" once ready.
"""
import array
import fcntl
import socket
import struct
import sys
import time

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x00000017


def txcsum_off(ifname):
    value = array.array("I", [ETHTOOL_STXCSUM, 0])
    address, _ = value.buffer_info()
    ifreq = struct.pack("16sP", ifname.encode(), address)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifreq)


def serve(port, connections):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("0.0.0.0", port))
        listener.listen(8)
        print("listening", flush=True)
        for _ in range(connections):
            conn, _ = listener.accept()
            with conn:
                try:
                    while conn.recv(65536):
                        pass
                    conn.sendall(b"reply from the server " * 40)
                except ConnectionResetError:
                    pass


def connect(host, port):
    # The server may still be starting: try for a few seconds.
    deadline = time.monotonic() + 10
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect((host, port))
            return s
        except ConnectionRefusedError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def talk(host, port):
    with connect(host, port) as s:
        s.sendall(b"hello from the client " * 30)
        s.send(b"!", socket.MSG_OOB)  # urgent data: URG set, urgent pointer
        s.shutdown(socket.SHUT_WR)  # FIN
        received = 0
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += len(chunk)
        if received == 0:
            sys.exit("talk: the server sent nothing")


def reset(host, port):
    s = connect(host, port)
    s.sendall(b"about to reset")
    time.sleep(0.2)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # with a zero linger time: RST instead of FIN


def refused(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.connect((host, port))
        except ConnectionRefusedError:
            return
    sys.exit("refused: the connection was accepted")


def main():
    args = sys.argv[1:]
    if args[:1] == ["txcsum-off"] and len(args) == 2:
        txcsum_off(args[1])
    elif args[:1] == ["serve"] and len(args) == 3:
        serve(int(args[1]), int(args[2]))
    elif args[:1] in (["talk"], ["reset"], ["refused"]) and len(args) == 3:
        {"talk": talk, "reset": reset, "refused": refused}[args[0]](args[1], int(args[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
