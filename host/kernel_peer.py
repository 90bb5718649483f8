#!/usr/bin/python3
"""The Linux kernel's end of a data transfer with tcpoe-handshake
(--send-bytes/--recv-bytes with --peer linux): run by it inside the peer's
network namespace (`ip netns exec`), with plain sockets, so every segment on
the wire is the kernel's own TCP.

usage: kernel_peer.py --listen IP:PORT [--send-bytes N] [--seed S]
                      [--pause-after N --pause-ms MS] [--rcvbuf N]
                      [--congestion NAME] [--timeout S]

Accepts one connection. Meanwhile it reads until end of stream, and sends N
pseudo-random octets (Python's random.Random(S), so independent of our
generator) then shuts its side down. With --pause-after it stops reading
once N octets were read, for MS ms of wall clock (its receive window fills),
then reads on. --rcvbuf sets SO_RCVBUF (a small buffer fills sooner),
--congestion the connection's congestion control (TCP_CONGESTION; a
namespace may only choose among net.ipv4.tcp_allowed_congestion_control,
a socket of root among all loaded).

Prints "listening" once ready, then at the end one `key value` line each:
received_octets, received_sha256, sent_octets, sent_sha256, paused_at
(octets read when the pause began, -1 without one), error (none, or what
went wrong). Exit 0 when the transfer ended normally, 1 otherwise (also
after --timeout seconds without progress), 2 for bad arguments.
"""
import argparse
import hashlib
import random
import socket
import sys
import threading
import time

CHUNK = 65536


def address(text):
    host, _, port = text.rpartition(":")
    try:
        socket.inet_aton(host)
        port = int(port)
    except (OSError, ValueError):
        raise argparse.ArgumentTypeError(f"wants IPV4:PORT, not '{text}'")
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port {port} out of range")
    return host, port


def count(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"wants a count >= 0, not '{text}'")
    return value


class Reader(threading.Thread):
    """Reads the connection until end of stream, pausing once if asked."""

    def __init__(self, conn, pause_after, pause_s):
        super().__init__(daemon=True)
        self.conn, self.pause_after, self.pause_s = conn, pause_after, pause_s
        self.digest, self.octets, self.paused_at, self.error = hashlib.sha256(), 0, -1, None

    def run(self):
        try:
            while True:
                want = CHUNK
                if self.paused_at < 0 and self.pause_after is not None:
                    if self.octets >= self.pause_after:
                        self.paused_at = self.octets
                        time.sleep(self.pause_s)
                    else:
                        want = min(CHUNK, self.pause_after - self.octets)
                data = self.conn.recv(want)
                if not data:
                    return
                self.digest.update(data)
                self.octets += len(data)
        except OSError as e:
            self.error = f"recv: {e}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", type=address, required=True)
    p.add_argument("--send-bytes", type=count, default=0)
    p.add_argument("--seed", type=count, default=1)
    p.add_argument("--pause-after", type=count)
    p.add_argument("--pause-ms", type=count, default=0)
    p.add_argument("--rcvbuf", type=count)
    p.add_argument("--congestion")
    p.add_argument("--timeout", type=float, default=60.0)
    a = p.parse_args()

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if a.rcvbuf:  # inherited by the accepted socket, set before the handshake fixes the window scale
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
        listener.bind(a.listen)
        listener.listen(1)
        listener.settimeout(a.timeout)
        print("listening", flush=True)
        error = None
        sent = hashlib.sha256()
        sent_octets = 0
        try:
            conn, _ = listener.accept()
        except OSError as e:
            print(f"received_octets 0\nreceived_sha256 -\nsent_octets 0\nsent_sha256 -\npaused_at -1\n"
                  f"error accept: {e}", flush=True)
            return 1
        with conn:
            conn.settimeout(a.timeout)
            if a.congestion:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.congestion.encode())
            reader = Reader(conn, a.pause_after, a.pause_ms / 1000.0)
            reader.start()
            source = random.Random(a.seed)
            try:
                while sent_octets < a.send_bytes:
                    data = source.randbytes(min(CHUNK, a.send_bytes - sent_octets))
                    conn.sendall(data)
                    sent.update(data)
                    sent_octets += len(data)
                conn.shutdown(socket.SHUT_WR)
            except OSError as e:
                error = f"send: {e}"
            reader.join()
            error = error or reader.error
    print(f"received_octets {reader.octets}")
    print(f"received_sha256 {reader.digest.hexdigest()}")
    print(f"sent_octets {sent_octets}")
    print(f"sent_sha256 {sent.hexdigest()}")
    print(f"paused_at {reader.paused_at}")
    print(f"error {error or 'none'}", flush=True)
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
